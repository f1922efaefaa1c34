"""Process versions: store drafts, publish, deploy the bundled workflows/ files."""
from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clock import now
from app.engine import model, state
from app.engine.errors import InvalidProcess, NotAllowed
from app.models import ProcessVersion, User


def content_hash(xml: bytes | str) -> str:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return hashlib.sha256(data).hexdigest()


def known_process_keys(session: Session) -> set[str]:
    return set(session.scalars(select(ProcessVersion.key).distinct()).all())


def save_draft(session: Session, xml: bytes | str, author: User | None, note: str = "",
               expected_key: str | None = None) -> ProcessVersion:
    """Validate and store a draft.  A draft with errors is stored too, marked invalid."""
    text = xml.decode("utf-8", errors="replace") if isinstance(xml, bytes) else xml
    parsed = model.parse_process(text, known_process_keys(session))
    key = parsed.process_id or expected_key or "unknown"
    if expected_key and parsed.process_id and parsed.process_id != expected_key:
        parsed.error(None, f"流程标识为“{parsed.process_id}”，与目标流程“{expected_key}”不一致")
        key = expected_key
    if parsed.errors:
        spec_json = None
    else:
        spec_json = state.dump_spec(parsed.spec, parsed.subprocess_specs)
    number = (session.scalar(select(func.max(ProcessVersion.number)).where(ProcessVersion.key == key)) or 0) + 1
    version = ProcessVersion(key=key, number=number, name=parsed.name or key, state="draft", xml=text,
                             content_hash=content_hash(text), spec_json=spec_json, meta=parsed.meta,
                             errors=parsed.errors, note=note[:500],
                             author_id=author.id if author else None, created_at=now())
    session.add(version)
    session.flush()
    return version


def publish(session: Session, version: ProcessVersion, approver: User | None,
            allow_self_approval: bool = False) -> ProcessVersion:
    """Make a valid draft the version new cases use; earlier published versions retire."""
    if version.state != "draft":
        raise InvalidProcess(f"第 {version.number} 版不是草稿，不能发布")
    if version.errors or not version.spec_json:
        raise InvalidProcess("草稿有错误，修正后才能发布", version.errors)
    if not allow_self_approval and approver is not None and version.author_id == approver.id:
        raise NotAllowed("不能发布自己修改的版本：请由管理员或另一位流程设计人员审核发布")
    at = now()
    for previous in session.scalars(select(ProcessVersion).where(
            ProcessVersion.key == version.key, ProcessVersion.state == "published")):
        previous.state = "retired"
    version.state, version.published_at = "published", at
    version.approved_by_id = approver.id if approver else None
    session.flush()
    return version


def published_version(session: Session, key: str) -> ProcessVersion | None:
    return session.scalar(select(ProcessVersion).where(
        ProcessVersion.key == key, ProcessVersion.state == "published"))


def deploy_bundled(session: Session, folder: Path) -> list[ProcessVersion]:
    """Deploy workflows/*.bpmn whose content is new (by hash); publish them."""
    deployed = []
    for path in sorted(folder.glob("*.bpmn")):
        xml = path.read_text(encoding="utf-8")
        digest = content_hash(xml)
        if session.scalar(select(ProcessVersion.id).where(ProcessVersion.content_hash == digest)):
            continue
        version = save_draft(session, xml, None, note=f"随系统部署：{path.name}")
        if version.errors:
            raise InvalidProcess(f"{path.name} 有错误，无法部署", version.errors)
        publish(session, version, None, allow_self_approval=True)
        deployed.append(version)
    return deployed
