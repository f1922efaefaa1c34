"""Which service starts a case of each process (for the API and the pages)."""
from __future__ import annotations

from typing import Callable

from app.services.listing import start_listing
from app.services.repair import start_repair

STARTERS: dict[str, Callable] = {"repair": start_repair, "listing": start_listing}
