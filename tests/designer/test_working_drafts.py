"""One working draft per process per author: saving again updates it, the change note
is kept and shown, drafts can be discarded, and only the newest version is published."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select

from app.models import ProcessVersion
from tests.designer.conftest import probe_xml


def drafts(session, key: str = "probe") -> list[ProcessVersion]:
    session.expire_all()
    return list(
        session.scalars(
            select(ProcessVersion).where(ProcessVersion.key == key, ProcessVersion.state == "draft")
        )
    )


def test_saving_again_updates_the_authors_draft(upload, raw_api, session):
    first = upload("designer", "probe", probe_xml(), note="初稿").get_json()
    second = upload(
        "designer", "probe", probe_xml(timer="working_days(4)"), note="期限改为4个工作日"
    ).get_json()
    assert second["number"] == first["number"]
    [draft] = drafts(session)
    assert "working_days(4)" in draft.xml and draft.note == "期限改为4个工作日" and draft.updated_at
    versions = raw_api("designer")("GET", "/api/processes/probe").get_json()["versions"]
    assert [v["number"] for v in versions] == [first["number"]]
    assert versions[0]["note"] == "期限改为4个工作日" and versions[0]["updated_at"]


def test_a_save_without_a_note_keeps_the_note_given_before(upload, raw_api):
    number = upload("designer", "probe", probe_xml(), note="决定期限改为3个工作日").get_json()["number"]
    again = raw_api("designer")(
        "POST",
        "/api/processes/probe/drafts",
        data=probe_xml(timer="working_days(4)").encode(),
        headers={"Content-Type": "application/xml"},
    )
    assert again.status_code == 201 and again.get_json()["number"] == number
    assert again.get_json()["note"] == "决定期限改为3个工作日"


def test_the_note_is_shown_on_the_version_list_and_in_the_editor(upload, login):
    number = upload("designer", "probe", probe_xml(), note="增加审核环节").get_json()["number"]
    client = login("designer")
    assert "增加审核环节" in client.get("/designer/processes/probe").get_data(as_text=True)
    editor = client.get(f"/designer/processes/probe/versions/{number}/edit").get_data(as_text=True)
    assert 'id="version-note"' in editor and 'value="增加审核环节"' in editor


def test_each_author_has_their_own_draft_and_only_the_newest_is_published(upload, raw_api, session):
    mine = upload("designer", "probe", probe_xml()).get_json()["number"]
    theirs = upload("admin", "probe", probe_xml(timer="working_days(5)")).get_json()["number"]
    assert theirs == mine + 1 and len(drafts(session)) == 2
    stale = raw_api("admin")("POST", f"/api/processes/probe/versions/{mine}/publish")
    assert stale.status_code == 409
    assert f"第 {mine} 版不是最新版本" in stale.get_json()["message"]
    assert drafts(session)[0].state == "draft"
    assert raw_api("designer")("POST", f"/api/processes/probe/versions/{theirs}/publish").status_code == 200


def test_an_older_draft_saved_again_becomes_the_newest(upload, raw_api):
    mine = upload("designer", "probe", probe_xml()).get_json()["number"]
    theirs = upload("admin", "probe", probe_xml(timer="working_days(5)")).get_json()["number"]
    raw_api("designer")("POST", f"/api/processes/probe/versions/{theirs}/publish")
    again = upload("designer", "probe", probe_xml(timer="working_days(6)")).get_json()
    assert again["number"] == theirs + 1 and mine < theirs
    assert any("此后已有第" in w["message"] for w in again["warnings"])
    assert (
        raw_api("admin")("POST", f"/api/processes/probe/versions/{again['number']}/publish").status_code
        == 200
    )


def test_a_draft_can_be_discarded_by_its_author(upload, raw_api, session):
    mine = upload("designer", "probe", probe_xml()).get_json()["number"]
    theirs = upload("admin", "probe", probe_xml(timer="working_days(5)")).get_json()["number"]
    assert raw_api("designer")("DELETE", f"/api/processes/probe/versions/{theirs}").status_code == 403
    discarded = raw_api("admin")("DELETE", f"/api/processes/probe/versions/{theirs}")
    assert discarded.status_code == 200 and discarded.get_json()["state"] == "discarded"
    assert raw_api("admin")("POST", f"/api/processes/probe/versions/{theirs}/publish").status_code == 409
    # the newer draft gone, the older one is the newest again
    assert raw_api("admin")("POST", f"/api/processes/probe/versions/{mine}/publish").status_code == 200
    again = raw_api("admin")("DELETE", f"/api/processes/probe/versions/{mine}")
    assert again.status_code == 409 and "不是草稿" in again.get_json()["message"]
    # after discarding, the next save starts a new draft with a new number
    assert upload("admin", "probe", probe_xml()).get_json()["number"] == theirs + 1


def test_an_admin_of_the_owning_bureau_discards_anyones_draft_on_the_page(upload, login, session):
    number = upload("designer", "probe", probe_xml(), note="试验稿").get_json()["number"]
    county = login("county_admin")
    county.post(f"/designer/processes/probe/versions/{number}/discard")
    assert len(drafts(session)) == 1  # a county admin is below the owner
    client = login("admin")
    assert "放弃草稿" in client.get("/designer/processes/probe").get_data(as_text=True)
    response = client.post(f"/designer/processes/probe/versions/{number}/discard", follow_redirects=True)
    assert "已放弃第" in response.get_data(as_text=True)
    assert drafts(session) == []
    page = client.get("/designer/processes/probe").get_data(as_text=True)
    assert "已放弃" in page and "试验稿" in page


def test_discarding_an_unknown_version_is_a_404(raw_api):
    assert raw_api("designer")("DELETE", "/api/processes/probe/versions/999").status_code == 404
    assert raw_api("clerk")("DELETE", "/api/processes/repair/versions/1").status_code == 403


def test_change_note_survives_percent_encoding(upload, raw_api):
    raw_api("designer")(
        "POST",
        "/api/processes/probe/drafts",
        data=probe_xml().encode(),
        headers={"Content-Type": "application/xml", "X-Change-Note": quote("说明：第一稿")},
    )
    assert (
        raw_api("designer")("GET", "/api/processes/probe").get_json()["versions"][0]["note"] == "说明：第一稿"
    )
