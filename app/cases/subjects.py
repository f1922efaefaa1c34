"""Every subject of a case as the task and case pages show them: kind, role, the
identifier (credit code, or the masked ID number), sector and what service needs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.domain.listing_rules import SUBJECT_KINDS, SUBJECT_ROLES
from app.models import Case, RegisterEntry


@dataclass(frozen=True)
class SubjectRow:
    name: str
    kind: str
    role: str
    identifier: str
    sector: str
    status: str
    address: str = ""
    contact: str = ""
    legal_rep: str = ""


def _entries(session: Session, case: Case) -> list[RegisterEntry]:
    ids = [i for i in (case.facts or {}).get("entry_ids", []) if isinstance(i, int)]
    conditions = [RegisterEntry.listing_case_id == case.id]
    if ids:
        conditions.append(RegisterEntry.id.in_(ids))
    if case.register_entry_id:
        conditions.append(RegisterEntry.id == case.register_entry_id)
    rows = session.scalars(select(RegisterEntry).where(or_(*conditions)).order_by(RegisterEntry.id)).unique()
    if case.process_key != "listing" and case.register_entry_id:
        return [r for r in rows if r.id == case.register_entry_id]
    return list(rows)


def _party_details(session: Session, case: Case, entries: list[RegisterEntry]) -> dict[str, dict]:
    """Address, contact and legal representative as the listing proposal recorded them."""
    facts_by_case = {case.id: case.facts or {}}
    for entry in entries:
        if entry.listing_case_id and entry.listing_case_id not in facts_by_case:
            other = session.get(Case, entry.listing_case_id)
            facts_by_case[entry.listing_case_id] = (other.facts or {}) if other else {}
    details = {}
    for facts in facts_by_case.values():
        for s in facts.get("subjects", []) or []:
            if isinstance(s, dict):
                key = s.get("credit_code") or s.get("id_number_masked") or s.get("name")
                details[str(key)] = s
    return details


def case_subjects(session: Session, case: Case) -> list[SubjectRow]:
    entries = _entries(session, case)
    details = _party_details(session, case, entries)
    rows = []
    for e in entries:
        d = details.get(e.credit_code or e.id_number_masked or e.subject_name, {})
        rows.append(
            SubjectRow(
                name=e.subject_name,
                kind=SUBJECT_KINDS.get(e.subject_kind, e.subject_kind),
                role=SUBJECT_ROLES.get(e.subject_role, e.subject_role or "—"),
                identifier=e.subject_identifier,
                sector=e.sector or "未填写",
                status=e.status_label,
                address=str(d.get("address") or ""),
                contact=str(d.get("contact") or ""),
                legal_rep=str(d.get("legal_rep") or ""),
            )
        )
    return rows
