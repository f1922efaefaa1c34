"""Which service starts a case of each process (for the API and the pages)."""

from __future__ import annotations

from typing import Callable

from app.cases.repair import start_repair
from app.register.exceptional_cases import start_revocation, start_withdrawal
from app.register.proposals import start_listing

STARTERS: dict[str, Callable] = {
    "repair": start_repair,
    "listing": start_listing,
    "withdrawal": start_withdrawal,
    "revocation": start_revocation,
}
