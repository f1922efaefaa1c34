"""Starting listing cases: a new proposal by a case officer (validated subjects,
situation, penalty of the officer's own bureau), or a case that starts directly at
the management period for an imported or restored listing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import engine
from app.cases.opening import version_to_start
from app.domain.listing_rules import parse_subjects, penalty_error
from app.domain.sectors import sector_for
from app.engine.errors import FormInvalid, InvalidProcess
from app.engine.forms import validate
from app.models import ACTIVE_STATUSES, Case, EntryStatus, RegisterEntry, User

PROCESS = "listing"


def _version(session: Session):
    version = engine.published_version(session, PROCESS)
    if version is None:
        raise InvalidProcess("列入流程尚未部署")
    return version


def _already_listed(session: Session, bureau_id: int, penalty_number: str, codes: list[str]) -> str | None:
    if not codes:
        return None
    return session.scalar(
        select(RegisterEntry.subject_name)
        .where(
            RegisterEntry.bureau_id == bureau_id,
            RegisterEntry.penalty_number == penalty_number,
            RegisterEntry.credit_code.in_(codes),
            RegisterEntry.status.in_([s.value for s in (*ACTIVE_STATUSES, EntryStatus.PROPOSED)]),
        )
        .limit(1)
    )


def start_listing(session: Session, actor: User, submitted: dict, process: str = PROCESS) -> Case:
    """Validate a proposal, create the proposed register entries, start the case
    (the start hook listing_proposal)."""
    version = version_to_start(session, process, actor, submitted, "列入")
    data = dict(submitted)
    raw_subjects = data.pop("subjects", None)
    raw_sector = data.pop("sector", "")
    clean, errors = validate(engine.start_form(version), data, {})
    subjects, subject_errors = parse_subjects(raw_subjects, clean.get("situation"))
    errors.update(subject_errors)
    sector, sector_problem = sector_for(str(raw_sector or ""), {s.kind for s in subjects})
    if sector_problem and subjects:
        errors["sector"] = sector_problem
    problem = penalty_error(str(data.get("penalty_number") or ""), actor.bureau.doc_prefix)
    if problem and "penalty_number" not in errors:
        errors["penalty_number"] = problem
    if not errors:
        listed = _already_listed(
            session,
            actor.bureau_id,
            clean["penalty_number"],
            [s.credit_code for s in subjects if s.credit_code],
        )
        if listed:
            errors["subjects"] = f"{listed} 已因该处罚决定列入或正在办理列入"
    if errors:
        raise FormInvalid(errors)
    entries = [
        RegisterEntry(
            bureau_id=actor.bureau_id,
            subject_kind=s.kind,
            subject_role=s.role,
            subject_name=s.name,
            credit_code=s.credit_code,
            id_number_masked=s.id_number_masked,
            situation=clean["situation"],
            sector=sector,
            penalty_number=clean["penalty_number"],
            penalty_date=dt.date.fromisoformat(clean["penalty_date"]),
            penalty_amount=clean.get("penalty_amount"),
            penalty_carried_out=bool(clean.get("penalty_carried_out")),
            measures=clean["measures"],
            facts=clean["facts"],
            status=EntryStatus.PROPOSED,
        )
        for s in subjects
    ]
    session.add_all(entries)
    session.flush()
    first = entries[0]
    case = engine.start_case(
        session,
        version,
        data,
        actor,
        bureau_id=actor.bureau_id,
        subject_name=_subjects_title(entries),
        credit_code=first.credit_code,
        register_entry_id=first.id,
        extra_data={
            "origin": "new",
            "entry_ids": [e.id for e in entries],
            "subjects": [s.to_dict() for s in subjects],
            "sector": sector,
        },
    )
    _link(session, entries, case)
    return case


def _subjects_title(entries: list[RegisterEntry]) -> str:
    names = [e.subject_name for e in entries]
    return names[0] if len(names) == 1 else f"{names[0]} 等 {len(names)} 个主体"


def start_management_case(
    session: Session, entries: list[RegisterEntry], origin: str, actor: User | None = None
) -> Case:
    """A listing case that runs only the management period (inspections, eligibility,
    expiry) for entries that are already listed: imported or restored ones."""
    version = _version(session)
    first = entries[0]
    data = {
        "penalty_number": first.penalty_number,
        "penalty_date": first.penalty_date.isoformat() if first.penalty_date else first.listed_on.isoformat(),
        "penalty_carried_out": first.penalty_carried_out,
        "situation": first.situation,
        "measures": list(first.measures or []) or ["key_inspection"],
        "facts": first.facts or "（导入）",
    }
    if first.penalty_amount is not None:
        data["penalty_amount"] = first.penalty_amount
    case = engine.start_case(
        session,
        version,
        data,
        actor,
        bureau_id=first.bureau_id,
        subject_name=_subjects_title(entries),
        credit_code=first.credit_code,
        register_entry_id=first.id,
        as_system=True,
        extra_data={
            "origin": origin,
            "entry_ids": [e.id for e in entries],
            "decided_on": first.listed_on.isoformat() if first.listed_on else None,
            "subjects": [
                {
                    "kind": e.subject_kind,
                    "name": e.subject_name,
                    "role": e.subject_role,
                    "credit_code": e.credit_code,
                    "id_number_masked": e.id_number_masked,
                }
                for e in entries
            ],
        },
    )
    _link(session, entries, case)
    return case


def take_over(session: Session, case: Case, entries: list[RegisterEntry]) -> list[RegisterEntry]:
    """A listing case started by a message manages these entries from now on."""
    facts = dict(case.facts or {})
    facts["entry_ids"] = sorted({*(facts.get("entry_ids") or []), *(e.id for e in entries)})
    facts["origin"] = "restore"
    case.facts = facts
    _link(session, entries, case)
    return entries


def _link(session: Session, entries: list[RegisterEntry], case: Case) -> None:
    """Entries point to the case managing them (the case finds them through its
    `entry_ids` fact while it first runs, before this link exists)."""
    for entry in entries:
        entry.listing_case_id = case.id
    session.flush()
