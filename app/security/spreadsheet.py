"""CSV downloads that a spreadsheet program opens without running anything: a cell
starting with = + - @, a tab or a carriage return is read as a formula (CSV
injection), so such a cell gets a leading apostrophe.  Every CSV export writes
through csv_text()."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]], bom: bool = True) -> str:
    """CSV with CRLF line ends and a BOM (spreadsheet programs then read UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(v) for v in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return ("\ufeff" if bom else "") + out.getvalue()
