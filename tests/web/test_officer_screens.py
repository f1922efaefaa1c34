"""The officer's screens (issue 12): the repair preview is the server's own check and
follows the form; a second listing of a subject already on the register warns first."""

from __future__ import annotations

from sqlalchemy import func, select

from app.models import Bureau, Case, EntryStatus, RegisterEntry
from tests.helpers import entry_named


def test_the_preview_follows_the_form_not_the_register(client, login, session):
    entry = entry_named(session, "安泰安全评价中心")
    login("clerk")
    page = client.get(f"/cases/new/repair?listing_id={entry.id}").get_data(as_text=True)
    assert 'data-eligibility-url="/cases/new/repair/eligibility"' in page
    preview = page[page.index('id="eligibility-preview"') :]
    assert '<span class="mark">✗</span> 行政处罚已履行完毕' in preview  # the box is unticked
    ticked = client.get(
        f"/cases/new/repair/eligibility?listing_id={entry.id}&penalty_carried_out=on"
    ).get_json()
    unticked = client.get(f"/cases/new/repair/eligibility?listing_id={entry.id}").get_json()
    by_key = lambda body: {c["key"]: c["passed"] for c in body["checks"]}  # noqa: E731
    assert by_key(ticked)["penalty_carried_out"] is True
    assert by_key(unticked)["penalty_carried_out"] is False
    assert by_key(ticked)["commitment_given"] is False


def test_the_preview_endpoint_refuses_what_it_should_not_show(client, login, session):
    login("clerk")
    for bad in ("", "abc", "99999999", "1" * 40):
        response = client.get(f"/cases/new/repair/eligibility?listing_id={bad}")
        assert response.status_code == 404 and response.get_json()["checks"] == []
    clerk_bureau = session.scalar(
        select(Bureau).where(Bureau.id == entry_named(session, "安泰安全评价中心").bureau_id)
    )
    other = session.scalar(
        select(RegisterEntry).where(
            RegisterEntry.bureau_id != clerk_bureau.id, RegisterEntry.status == EntryStatus.LISTED
        )
    )
    if other is not None:
        assert client.get(f"/cases/new/repair/eligibility?listing_id={other.id}").status_code == 404
    login("officer")
    assert client.get("/cases/new/repair/eligibility?listing_id=1").status_code == 403


def _listing_form(entry: RegisterEntry) -> dict:
    return {
        "penalty_number": "示市应急罚〔2026〕777号",
        "penalty_date": "2026-02-01",
        "situation": "VIO_OTHER_SERIOUS",
        "measures": ["key_inspection"],
        "facts": "再次违法",
        "sector": "化工",
        "subject_kind_0": "unit",
        "subject_name_0": entry.subject_name,
        "subject_code_0": entry.credit_code,
        "subject_role_0": "unit",
    }


def test_a_second_listing_of_a_subject_on_the_register_warns_and_links_it(client, login, session):
    entry = session.scalar(
        select(RegisterEntry).where(
            RegisterEntry.credit_code.is_not(None),
            RegisterEntry.status == EntryStatus.LISTED,
            RegisterEntry.subject_kind == "unit",
            RegisterEntry.bureau_id == entry_named(session, "示范化工有限公司").bureau_id,
        )
    )
    login("officer")
    cases = session.scalar(select(func.count(Case.id)))
    page = client.post("/listing/new", data=_listing_form(entry)).get_data(as_text=True)
    assert 'id="existing-entries"' in page and f'href="/register/{entry.id}"' in page
    assert session.scalar(select(func.count(Case.id))) == cases  # nothing started
    response = client.post("/listing/new", data={**_listing_form(entry), "confirm_existing": "1"})
    assert response.status_code == 302 and "/cases/" in response.headers["Location"]
