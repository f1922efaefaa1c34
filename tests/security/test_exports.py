"""CSV downloads never start a cell with a formula character; security headers."""

from __future__ import annotations

import csv
import io

import pytest

from app.models import RegisterEntry
from app.security.spreadsheet import csv_text, safe_cell
from tests.helpers import entry_named

EVIL = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("value", EVIL)
def test_formula_cells_are_quoted(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("示范化工") == "示范化工" and safe_cell(None) == "" and safe_cell(12) == "12"


def cells(text: str) -> list[str]:
    return [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]


def test_csv_text_quotes_header_and_rows():
    text = csv_text(["=a", "b"], [["@x", "y"], ["-1", "2"]])
    assert text.startswith("\ufeff") and cells(text) == ["'=a", "b", "'@x", "y", "'-1", "2"]


def test_register_feed_and_figures_are_safe(client, session, login):
    entry: RegisterEntry = entry_named(session, "示范化工有限公司")
    entry.subject_name = '=HYPERLINK("http://evil","点我")'
    entry.sector = "@SUM(1+1)"
    session.commit()
    feed = cells(client.get("/api/register.csv").get_data(as_text=True))
    assert '\'=HYPERLINK("http://evil","点我")' in feed
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in feed)
    login("supervisor")
    figures = client.get("/supervisor/figures/listings_by_sector.csv?since=2000-01-01")
    assert figures.status_code == 200
    by_sector = cells(figures.get_data(as_text=True))
    assert "'@SUM(1+1)" in by_sector
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in by_sector)


@pytest.mark.parametrize("path", ["/login", "/", "/api/register", "/designer/", "/no-such-page"])
def test_every_response_carries_the_security_headers(login, path):
    client = login("designer")
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Werkzeug" not in response.headers.get("Server", "")


def test_pages_carry_no_inline_script(login):
    client = login("designer")
    for path in ("/", "/designer/", "/login"):
        html = client.get(path).get_data(as_text=True)
        assert " onclick=" not in html and " onsubmit=" not in html and " onchange=" not in html
