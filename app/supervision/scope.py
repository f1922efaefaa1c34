"""What a supervisor's pages choose from: the bureau tree they see, the processes,
their steps, and the officers of those bureaus."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.steps import STEP_KINDS, kind_label
from app.models import Bureau, ProcessVersion, User, UserRole
from app.org.access import bureau_and_below, visible_bureau_ids

NOT_OFFICER_ROLES = ("supervisor", "designer", "admin")


def bureau_tree(session: Session, visible: set[int]) -> list[tuple[Bureau, int]]:
    """The visible bureaus in tree order, with their depth (for an indented select)."""
    bureaus = list(session.scalars(select(Bureau).order_by(Bureau.id)))
    children: dict[int | None, list[Bureau]] = {}
    for b in bureaus:
        children.setdefault(b.parent_id, []).append(b)
    ordered: list[tuple[Bureau, int]] = []

    def walk(node: Bureau, depth: int) -> None:
        ordered.append((node, depth))
        for child in children.get(node.id, []):
            walk(child, depth + 1)

    for top in (b for b in bureaus if b.id in visible and b.parent_id not in visible):
        walk(top, 0)
    return [(b, d) for b, d in ordered if b.id in visible]


def subtree_ids(session: Session, bureau_id: int, within: set[int]) -> set[int]:
    """bureau_id and every bureau below it, limited to `within` (what the user sees)."""
    return bureau_and_below(session, bureau_id) & within


def process_names(session: Session) -> dict[str, str]:
    """Process key -> name of its latest version."""
    names: dict[str, str] = {}
    for key, name in session.execute(
        select(ProcessVersion.key, ProcessVersion.name).order_by(ProcessVersion.key, ProcessVersion.number)
    ):
        names[key] = name
    return names


def step_choices(session: Session) -> list[tuple[str, str]]:
    """(step kind, label) of the user tasks of published processes: the board filters
    by what a step is (step_kind in the diagrams), whatever its id."""
    kinds: dict[str, str] = {}
    for meta in session.scalars(select(ProcessVersion.meta).where(ProcessVersion.state == "published")):
        for info in (meta or {}).get("steps", {}).values():
            kind = info.get("kind")
            if kind:
                kinds.setdefault(kind, kind_label(kind) if kind in STEP_KINDS else info.get("name") or kind)
    return sorted(
        kinds.items(), key=lambda item: list(STEP_KINDS).index(item[0]) if item[0] in STEP_KINDS else 99
    )


def steps_of_kind(session: Session, kind: str) -> frozenset[str]:
    """The step ids that have this kind in any deployed version (drafts aside)."""
    steps: set[str] = set()
    for meta in session.scalars(select(ProcessVersion.meta).where(ProcessVersion.state != "draft")):
        steps.update(s for s, info in (meta or {}).get("steps", {}).items() if info.get("kind") == kind)
    return frozenset(steps)


def officer_choices(session: Session, bureau_ids: set[int]) -> list:
    """(id, display_name, bureau name) of the active users holding a role that works
    tasks, in the given bureaus."""
    stmt = (
        select(User.id, User.display_name, Bureau.name.label("bureau_name"))
        .join(Bureau, Bureau.id == User.bureau_id)
        .where(
            User.bureau_id.in_(bureau_ids),
            User.active.is_(True),
            User.id.in_(select(UserRole.user_id).where(UserRole.role.not_in(NOT_OFFICER_ROLES))),
        )
        .order_by(User.bureau_id, User.username)
    )
    return list(session.execute(stmt))


def supervisors_scopes(session: Session) -> set[frozenset[int]]:
    """The bureaus each active supervisor sees: their default view of the board and of
    the figures, prepared by the scheduler before the first reading of the day."""
    supervisors = select(UserRole.user_id).where(UserRole.role == "supervisor")
    users = session.scalars(select(User).where(User.active.is_(True), User.id.in_(supervisors)))
    return {frozenset(visible_bureau_ids(session, user)) for user in users}
