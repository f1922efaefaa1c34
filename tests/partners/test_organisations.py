"""Organisation accounts, API keys, the query log (查询留痕) and measure feedback."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Organisation, RegisterQuery


def test_key_is_shown_once_and_only_its_hash_is_stored(api, session, organisation):
    org = organisation()
    assert org["api_key"].startswith("rk_") and len(org["api_key"]) > 40
    stored = session.get(Organisation, org["id"])
    assert org["api_key"] not in (stored.key_hash, stored.key_prefix)
    listed = api("admin")("GET", "/api/admin/organisations").get_json()["organisations"]
    assert "api_key" not in listed[0] and listed[0]["name"] == org["name"]


def test_only_administrators_manage_organisations(api):
    response = api("clerk")("POST", "/api/admin/organisations", {"name": "某银行", "kind": "bank"})
    assert response.status_code == 403
    assert api("supervisor")("GET", "/api/admin/register-queries").status_code == 403


def test_bad_organisation_is_refused(api, session):
    response = api("admin")("POST", "/api/admin/organisations", {"name": "", "kind": "casino"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"name", "kind"}
    assert session.scalars(select(Organisation)).all() == []


def test_checks_with_a_key_are_recorded_for_the_bureau(client, api, session, organisation, listed_entry):
    org = organisation()
    entry = listed_entry("CITY")
    headers = {"X-Api-Key": org["api_key"]}
    answer = client.get(f"/api/register/{entry.credit_code}", headers=headers).get_json()
    assert answer["listed"] is True
    client.get("/api/register/91110000000000000X", headers=headers)  # malformed: 422, not recorded
    client.get(f"/api/register/{entry.credit_code}")  # anonymous: not recorded
    queries = api("admin")("GET", "/api/admin/register-queries").get_json()["queries"]
    assert [(q["organisation"], q["credit_code"], q["listed"]) for q in queries] == [
        (org["name"], entry.credit_code, True)
    ]
    assert set(queries[0]) >= {"organisation", "credit_code", "at", "listed"}
    assert api("county_admin")("GET", "/api/admin/register-queries").get_json()["queries"] == []


def test_a_wrong_key_is_refused_not_treated_as_anonymous(client, session, listed_entry):
    entry = listed_entry("CITY")
    response = client.get(f"/api/register/{entry.credit_code}", headers={"X-Api-Key": "rk_guess"})
    assert response.status_code == 401
    assert session.scalars(select(RegisterQuery)).all() == []


def test_departments_report_measures_and_the_figures_count_them(client, api, organisation, listed_entry):
    org = organisation()
    entry = listed_entry("CITY")
    headers = {"X-Api-Key": org["api_key"]}
    body = {"credit_code": entry.credit_code, "measure": "loan_refused", "description": "拒绝新增授信"}
    response = client.post("/api/feedback", json=body, headers=headers)
    assert response.status_code == 201 and response.get_json()["register_entry_id"] == entry.id
    refused = client.post("/api/feedback", json={**body, "measure": "fine"}, headers=headers)
    assert refused.status_code == 422 and "measure" in refused.get_json()["errors"]
    future = client.post("/api/feedback", json={**body, "applied_on": "2999-01-01"}, headers=headers)
    assert future.status_code == 422 and "applied_on" in future.get_json()["errors"]
    assert client.post("/api/feedback", json=body).status_code == 401
    figures = api("supervisor")("GET", "/api/stats").get_json()
    assert figures["joint_punishment"] == [
        {
            "organisation": org["name"],
            "kind": "bank",
            "measure": "loan_refused",
            "measure_label": "拒绝或限制贷款",
            "count": 1,
        }
    ]
