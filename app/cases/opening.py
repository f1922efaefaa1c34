"""What every starter of a case checks first, whatever the process."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app import engine
from app.engine.errors import FormInvalid, InvalidProcess
from app.models import ProcessVersion, User


def version_to_start(session: Session, process: str, actor: User, submitted, name: str) -> ProcessVersion:
    """The published version of `process` when the actor may start it and the submitted
    data is an object; refuses otherwise (`name` names the procedure in the message)."""
    version = engine.published_version(session, process)
    if version is None:
        raise InvalidProcess(f"{name}流程尚未部署")
    engine.check_can_start(version, actor)
    if not isinstance(submitted, dict):
        raise FormInvalid({"data": "提交的数据应为对象"})
    return version
