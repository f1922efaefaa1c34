"""Which service starts a case of each process (for the API and the pages)."""
from __future__ import annotations

from typing import Callable

from app.services.listing import start_listing
from app.services.register_cases import start_revocation, start_withdrawal
from app.services.repair import start_repair

STARTERS: dict[str, Callable] = {"repair": start_repair, "listing": start_listing,
                                  "withdrawal": start_withdrawal, "revocation": start_revocation}
