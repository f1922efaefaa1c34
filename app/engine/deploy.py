"""Process versions: store drafts, publish, deploy the bundled workflows/ files.

Rules: a draft is stored even with errors (marked invalid); each author has one
working draft per process, which saving again updates; only a valid draft that is
the newest version may be published, and never by its own author alone, and only by
someone of the owning bureau or above (app.engine.ownership); publishing retires the
version new cases used so far, while running cases stay on theirs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import now
from app.engine import checks, model, ownership, state, store
from app.engine.bpmn_xml import as_text
from app.engine.camunda import import_camunda
from app.engine.errors import Conflict, InvalidProcess, NotAllowed
from app.models import Case, CaseStatus, ProcessVersion, TaskItem, User
from app.models.process import RAN_STATES

MAX_KEY = 64
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
KEY_RULE = "流程标识须以小写英文字母开头，只含小写字母、数字和下划线，最多 64 个字符"
MAX_DRAFT_BYTES = 1024 * 1024


def draft_refusal(key: str | None, data: bytes) -> dict[str, str] | None:
    """Why a draft is not stored at all (field -> message), or None.  A well-formed key
    and a diagram of reasonable size; everything else is checked and stored with it."""
    if key is not None and not KEY_PATTERN.fullmatch(key):
        return {"key": KEY_RULE}
    if len(data) > MAX_DRAFT_BYTES:
        return {"file": f"流程文件过大（最多 {MAX_DRAFT_BYTES // 1024} KB）"}
    if not data.strip():
        return {"file": "流程文件为空"}
    return None


PUBLISHER_ROLES = ownership.DESIGN_ROLES


def content_hash(xml: bytes | str) -> str:
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    return hashlib.sha256(data).hexdigest()


def known_process_keys(session: Session) -> set[str]:
    """Processes a call activity may name: those with a published version."""
    return set(session.scalars(select(ProcessVersion.key).where(ProcessVersion.state == "published")).all())


def _own(process: str, element_id: str | None) -> str | None:
    """An element of a called process, named in the caller's meta."""
    return element_id if not element_id or ":" in element_id else f"{process}:{element_id}"


def _attach_called_processes(session: Session, parsed: model.ParsedProcess) -> None:
    """Call activities naming another deployed process run its published version:
    its spec joins this version's subprocess specs, its steps and timers the meta."""
    for name in list(parsed.subprocess_specs):
        if parsed.subprocess_specs[name] is not None:
            continue
        pinned = next(
            (c for c in parsed.meta.get("calls", []) if c["process"] == name and c["binding"] == "version"),
            None,
        )
        if pinned is not None:
            called = find_version(session, name, pinned["version"]) if pinned["version"] else None
            if called is None or called.state not in RAN_STATES or not called.spec_json:
                parsed.error(
                    pinned["element_id"],
                    f"调用活动“{pinned['name']}”固定调用流程“{name}”的第 {pinned['version'] or '?'} 版，但该版本不存在或尚未发布"
                    "（camunda:calledElementVersion 应为已发布过的版本号）",
                )
                continue
        else:
            called = published_version(session, name)
        if called is None or not called.spec_json:
            parsed.error(None, f"调用的流程“{name}”没有已发布的版本")
            continue
        spec, subprocess_specs = store.spec_for(called)
        parsed.subprocess_specs[name] = spec
        for sub_name, sub_spec in subprocess_specs.items():
            parsed.subprocess_specs.setdefault(sub_name, sub_spec)

        # The called process keeps its own namespace: `<key>:<id>` (see indexes.step_key).
        for element_id, info in called.meta.get("steps", {}).items():
            parsed.meta.setdefault("steps", {}).setdefault(_own(name, element_id), info)
        for element_id, info in called.meta.get("timers", {}).items():
            timer = {**info, "step": _own(name, info.get("step"))}
            parsed.meta.setdefault("timers", {}).setdefault(_own(name, element_id), timer)
        callee_main = called.meta.get("process_id") or name
        for spec_name, owner in (called.meta.get("scopes") or {callee_main: callee_main}).items():
            parsed.meta.setdefault("scopes", {}).setdefault(
                spec_name, name if owner == callee_main else owner
            )


MAX_NAMED_CASES = 10


def running_step_warnings(session: Session, key: str, meta: dict) -> list[tuple[str, str]]:
    """Steps that running cases of this process are on but the draft no longer has
    (removed, or its id renamed).  Those cases keep their version; the designer
    should know which they are before publishing."""
    if not meta.get("steps"):
        return []
    rows = session.execute(
        select(TaskItem.step, TaskItem.name, Case.number)
        .join(Case, Case.id == TaskItem.case_id)
        .where(Case.process_key == key, Case.status == CaseStatus.ACTIVE, TaskItem.completed_at.is_(None))
        .order_by(TaskItem.step, Case.number)
    ).all()
    on_step: dict[str, tuple[str, list[str]]] = {}
    for step, name, number in rows:
        if step not in meta["steps"]:
            on_step.setdefault(step, (name, []))[1].append(number)
    warnings = []
    for step, (name, numbers) in on_step.items():
        shown = "、".join(numbers[:MAX_NAMED_CASES]) + (
            f" 等 {len(numbers)} 件" if len(numbers) > MAX_NAMED_CASES else ""
        )
        warnings.append(
            (
                step,
                (
                    f"本稿删除或改名了环节“{name}”（{step}），仍有 {len(numbers)} 件运行中的案件停在该环节：{shown}。"
                    "这些案件继续按原版本办理；新版本只用于新案件"
                ),
            )
        )
    return warnings


def _next_number(session: Session, key: str) -> int:
    return (session.scalar(select(func.max(ProcessVersion.number)).where(ProcessVersion.key == key)) or 0) + 1


def working_draft(session: Session, key: str, author: User | None) -> ProcessVersion | None:
    """The author's one draft of this process (saving again updates it)."""
    if author is None:
        return None
    return session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.key == key, ProcessVersion.author_id == author.id, ProcessVersion.state == "draft"
        )
    )


def save_draft(
    session: Session, xml: bytes | str, author: User | None, note: str = "", expected_key: str | None = None
) -> ProcessVersion:
    """Validate and store the author's working draft (updated in place when it exists).
    A draft with errors is stored too, marked invalid.  Raises NotAllowed when the
    author may not write this process (another bureau's, below the owner)."""
    text = as_text(xml) if isinstance(xml, bytes) else xml
    text, translated = import_camunda(text)  # Camunda Modeler / Activiti files: what we changed
    parsed = model.parse_process(text, known_process_keys(session), expected_key=expected_key)
    for element_id, message in translated:
        parsed.warn(element_id, f"已转换：{message}")
    key = parsed.process_id or expected_key or "unknown"
    if expected_key and parsed.process_id and parsed.process_id != expected_key:
        parsed.error(parsed.process_id, f"流程标识为“{parsed.process_id}”，与目标流程“{expected_key}”不一致")
        key = expected_key
    if not KEY_PATTERN.fullmatch(key):
        parsed.error(parsed.process_id, KEY_RULE)
        key = key[:MAX_KEY]
    if author is not None:
        ownership.check_may_write(session, author, key)
    ownership.ensure_process(session, key, author)
    if not parsed.errors and parsed.spec is not None:
        _attach_called_processes(session, parsed)
    for element_id, message in running_step_warnings(session, key, parsed.meta):
        parsed.warn(element_id, message)
    if not parsed.errors:
        published = session.scalars(
            select(ProcessVersion.meta).where(ProcessVersion.state == "published")
        ).all()
        for element_id, message in checks.message_warnings(parsed.meta, list(published)):
            parsed.warn(element_id, message)
    spec_json = (
        None
        if parsed.errors or parsed.spec is None
        else state.dump_spec(parsed.spec, parsed.subprocess_specs)
    )
    fields = {
        "name": (parsed.name or key)[:200],
        "xml": text,
        "content_hash": content_hash(text),
        "spec_json": spec_json,
        "errors": parsed.errors,
    }
    note = (note or "").strip()[:500]
    for attempt in range(3):  # two saves at once: the loser takes the next number, or the draft
        try:
            with session.begin_nested():
                version = _store(session, key, author, parsed, fields, note)
                session.flush()
            return version
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _store(
    session: Session, key: str, author: User | None, parsed, fields: dict, note: str
) -> ProcessVersion:
    draft = working_draft(session, key, author)
    if draft is None:
        parsed.meta["warnings"] = parsed.warnings
        version = ProcessVersion(
            key=key,
            number=_next_number(session, key),
            state="draft",
            meta=parsed.meta,
            note=note,
            author_id=author.id if author else None,
            created_at=now(),
            **fields,
        )
        session.add(version)
        return version
    newest = _next_number(session, key) - 1
    if newest > draft.number:  # someone saved or published since: this draft becomes the newest
        parsed.warn(
            None,
            f"您的草稿原为第 {draft.number} 版，此后已有第 {newest} 版；本稿改为第 {newest + 1} 版，"
            "发布前请与现行版本比较，以免覆盖他人的修改",
        )
        draft.number = newest + 1
    parsed.meta["warnings"] = parsed.warnings
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.meta = parsed.meta
    draft.note = note or draft.note  # no new note: the one given before stays
    draft.updated_at = now()
    return draft


def discard_draft(session: Session, version: ProcessVersion, actor: User) -> ProcessVersion:
    """A draft nobody will publish: its author, or an administrator who may write the
    process, discards it.  The row stays (with its note) as `discarded`."""
    if version.state != "draft":
        raise Conflict(f"第 {version.number} 版不是草稿，不能放弃")
    if version.author_id != actor.id:
        if "admin" not in actor.roles or not ownership.may_write(session, actor, version.key):
            raise NotAllowed("只有草稿的作者或本机关（及上级机关）的系统管理员可以放弃草稿")
    version.state, version.updated_at = "discarded", now()
    session.flush()
    return version


def check_can_publish(
    session: Session, version: ProcessVersion, approver: User | None, allow_self_approval: bool = False
) -> None:
    """Raise Conflict (no longer a draft, or not the newest version), InvalidProcess
    (a draft with errors) or NotAllowed (who may not publish it)."""
    if version.state != "draft":
        raise Conflict(f"第 {version.number} 版不是草稿，不能发布")
    if version.errors or not version.spec_json:
        raise InvalidProcess("草稿有错误，修正后才能发布", version.errors)
    if approver is None:
        if not allow_self_approval:
            raise NotAllowed("发布需要审核人")
    else:
        ownership.check_may_publish(session, approver, version.key)
        if not allow_self_approval and version.author_id == approver.id:
            raise NotAllowed("不能发布自己修改的版本：请由管理员或另一位流程设计人员审核发布")
    newer = session.scalar(
        select(func.max(ProcessVersion.number)).where(
            ProcessVersion.key == version.key,
            ProcessVersion.number > version.number,
            ProcessVersion.state != "discarded",
        )
    )
    if newer is not None:
        raise Conflict(
            f"第 {version.number} 版不是最新版本（已有第 {newer} 版），不能发布：请在最新版本上修改后再发布，"
            "或放弃较新的草稿"
        )


def publish(
    session: Session, version: ProcessVersion, approver: User | None, allow_self_approval: bool = False
) -> ProcessVersion:
    """Make a valid draft the version new cases use; earlier published versions retire."""
    # Lock every version of the process: two approvers publishing at once queue here.
    session.execute(select(ProcessVersion.id).where(ProcessVersion.key == version.key).with_for_update())
    session.refresh(version)
    check_can_publish(session, version, approver, allow_self_approval)
    at = now()
    for previous in session.scalars(
        select(ProcessVersion).where(ProcessVersion.key == version.key, ProcessVersion.state == "published")
    ):
        previous.state = "retired"
    version.state, version.published_at = "published", at
    version.approved_by_id = approver.id if approver else None
    session.flush()
    return version


def published_version(session: Session, key: str) -> ProcessVersion | None:
    return session.scalar(
        select(ProcessVersion)
        .where(ProcessVersion.key == key, ProcessVersion.state == "published")
        .order_by(ProcessVersion.number.desc())
        .limit(1)
    )


def published_versions(session: Session) -> dict[str, ProcessVersion]:
    """The published version of every process, in one statement (the menu asks on every
    page): {key: its newest published version}."""
    newest: dict[str, ProcessVersion] = {}
    for version in session.scalars(
        select(ProcessVersion).where(ProcessVersion.state == "published").order_by(ProcessVersion.number)
    ):
        newest[version.key] = version
    return newest


def find_version(session: Session, key: str, number: int) -> ProcessVersion | None:
    return session.scalar(
        select(ProcessVersion).where(ProcessVersion.key == key, ProcessVersion.number == number)
    )


def call_graph(session: Session) -> list[dict]:
    """Which process calls which, read from each process's newest version."""
    newest: dict[str, ProcessVersion] = {}
    for version in session.scalars(
        select(ProcessVersion).order_by(ProcessVersion.key, ProcessVersion.number)
    ):
        newest[version.key] = version
    rows = []
    for key, version in newest.items():
        for call in (version.meta or {}).get("calls", []):
            callee = newest.get(call["process"])
            rows.append(
                {
                    "caller": key,
                    "caller_name": version.name,
                    "element": call["name"],
                    "callee": call["process"],
                    "callee_name": callee.name
                    if callee
                    else ("本文件中的流程" if call.get("in_file") else "（不存在）"),
                    "binding": (
                        "随调用方文件"
                        if call.get("in_file")
                        else (
                            f"固定第 {call['version']} 版"
                            if call["binding"] == "version"
                            else "调用时的现行版本"
                        )
                    ),
                }
            )
    return rows


@dataclass
class VersionRow:
    version: ProcessVersion
    cases: int
    active_cases: int


def version_rows(session: Session, key: str | None = None) -> list[VersionRow]:
    """Every version of a process (of all processes when key is None), by key and
    newest first, with how many cases run on each."""
    counts_query = select(
        Case.process_version_id,
        func.count(Case.id),
        func.count(Case.id).filter(Case.status == CaseStatus.ACTIVE),
    ).group_by(Case.process_version_id)
    versions_query = select(ProcessVersion).order_by(ProcessVersion.key, ProcessVersion.number.desc())
    if key is not None:
        counts_query = counts_query.join(ProcessVersion, ProcessVersion.id == Case.process_version_id).where(
            ProcessVersion.key == key
        )
        versions_query = versions_query.where(ProcessVersion.key == key)
    counts = {vid: (total, active) for vid, total, active in session.execute(counts_query)}
    return [VersionRow(v, *counts.get(v.id, (0, 0))) for v in session.scalars(versions_query)]


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
