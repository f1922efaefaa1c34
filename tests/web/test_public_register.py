"""The public register: literal search, pagination, a page per entry with a printable
查询结果 (time and verification code), checking a code, Chinese CSV labels."""

from __future__ import annotations

import re

from app.models import RegisterEntry
from app.register.queries import count_published
from app.web.public import routes as public


def test_percent_and_underscore_are_literal(client):
    assert "示范化工有限公司" in client.get("/public/register").get_data(as_text=True)
    for text in ["%", "_", "%%", "示范%"]:
        page = client.get("/public/register", query_string={"q": text}).get_data(as_text=True)
        assert "没有符合条件的公示记录" in page, text


def test_pages_of_the_register(client, session, monkeypatch):
    total = count_published(session)
    assert total == 7
    monkeypatch.setattr(public, "PER_PAGE", 3)
    first = client.get("/public/register").get_data(as_text=True)
    assert first.count("/public/register/") == 3 and "第 1 / 3 页" in first and 'rel="next"' in first
    last = client.get("/public/register?page=3").get_data(as_text=True)
    assert last.count("/public/register/") == 1 and 'rel="prev"' in last
    assert client.get("/public/register?page=-5").status_code == 200
    assert client.get("/public/register?page=abc").status_code == 200


def test_an_entry_page_prints_a_result_with_time_and_a_code_that_verifies(client, session):
    entry = session.query(RegisterEntry).filter_by(subject_name="明远矿业有限公司").one()
    page = client.get(f"/public/register/{entry.id}").get_data(as_text=True)
    assert "查询结果" in page and "查询时间" in page and "明远矿业有限公司" in page
    code = re.search(r'id="verify-code">([^<]+)<', page).group(1)
    result = client.get("/public/verify", query_string={"code": code}).get_data(as_text=True)
    assert "验证码有效" in result and "明远矿业有限公司" in result and "已列入" in result
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert "验证码无效" in client.get("/public/verify", query_string={"code": forged}).get_data(as_text=True)
    assert "验证码无效" in client.get("/public/verify?code=x" + "9" * 500).get_data(as_text=True)
    # not published (or not there): 404
    entry.published = False
    session.flush()
    assert client.get(f"/public/register/{entry.id}").status_code == 404
    assert client.get("/public/register/999999").status_code == 404


def test_csv_labels_are_chinese(client):
    text = client.get("/api/register.csv").get_data(as_text=True)
    assert "生产经营单位" in text and ",unit," not in text
    assert "安全评价/认证/检测/检验机构" in text and "institution" not in text
