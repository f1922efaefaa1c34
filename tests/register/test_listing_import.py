"""Importing historical listings from CSV: every row checked, nothing imported from a
file with errors unless only the valid rows are chosen; imported entries get timers."""

from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import func, select

from app.calendar import workdays as cal
from app.clock import today
from app.domain.identifiers import make_credit_code
from app.models import Case, RegisterEntry, Timer
from app.register.importing import COLUMNS

TODAY = today()
LISTED = cal.add_months(TODAY, -14)
CODE_A = make_credit_code("91330100MA2D00011")
CODE_B = make_credit_code("91330100MA2D00022")


def row(**values) -> str:
    base = {
        "bureau_code": "CITY",
        "subject_kind": "unit",
        "subject_name": "历史化工厂",
        "credit_code": CODE_A,
        "subject_role": "unit",
        "situation": "ACC_CONCEAL",
        "penalty_number": "示市应急罚〔2024〕1号",
        "penalty_date": (LISTED - dt.timedelta(days=20)).isoformat(),
        "penalty_carried_out": "是",
        "decision_number": "示市应急失信决〔2024〕1号",
        "listed_on": LISTED.isoformat(),
        "measures": "key_inspection;joint_punishment",
        "facts": "瞒报事故",
    }
    base.update(values)
    return ",".join(base.get(c, "") for c in COLUMNS)


def csv_text(*rows) -> str:
    return ",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n"


GOOD = [
    row(),
    row(
        subject_name="历史矿业公司",
        credit_code=CODE_B,
        decision_number="示市应急失信决〔2024〕2号",
        penalty_number="示市应急罚〔2024〕2号",
        situation="VIO_NO_LICENCE",
    ),
    row(
        subject_kind="person",
        subject_name="张某",
        credit_code="",
        id_number="11010519491231002X",
        subject_role="principal",
        decision_number="示市应急失信决〔2024〕3号",
    ),
]
BAD = [
    row(
        subject_name="校验位错",
        credit_code=CODE_A[:17] + ("0" if CODE_A[17] != "0" else "1"),
        decision_number="x1",
    ),
    row(
        subject_name="日期错",
        credit_code=make_credit_code("91330100MA2D00033"),
        listed_on="2024-13-40",
        decision_number="x2",
    ),
    row(
        subject_name="情形错",
        credit_code=make_credit_code("91330100MA2D00044"),
        situation="NOPE",
        decision_number="x3",
    ),
    row(
        subject_name="机关错",
        credit_code=make_credit_code("91330100MA2D00055"),
        bureau_code="PROV",
        decision_number="x4",
    ),
    row(
        subject_name="已期满",
        credit_code=make_credit_code("91330100MA2D00066"),
        listed_on=cal.add_months(TODAY, -40).isoformat(),
        penalty_date=cal.add_months(TODAY, -41).isoformat(),
        decision_number="x5",
    ),
]


def upload(client, text, filename="list.csv", encoding="utf-8"):
    return client.post(
        "/admin/import",
        data={"action": "check", "file": (io.BytesIO(text.encode(encoding)), filename)},
        content_type="multipart/form-data",
    )


def kept(page: str) -> str:
    """The token of the upload the server keeps for the confirmation."""
    return re.search(r'name="upload" value="([^"]+)"', page).group(1)


def count(session, model):
    return session.scalar(select(func.count(model.id)))


def test_good_file_imports_with_timers(login, session):
    client = login("admin")
    page = upload(client, csv_text(*GOOD), encoding="gb18030").get_data(as_text=True)
    assert "有效 3 行，错误 0 行" in page and "导入全部 3 条" in page
    assert "11010519491231002X" not in page  # full ID numbers stay on the server
    before = count(session, RegisterEntry)
    response = client.post("/admin/import", data={"action": "import_all", "upload": kept(page)})
    assert response.status_code == 302
    assert count(session, RegisterEntry) == before + 3
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == "历史化工厂"))
    assert entry.published and entry.origin == "import" and entry.expires_on == cal.add_months(LISTED, 36)
    assert entry.eligible_on == cal.add_months(LISTED, 12)
    person = session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == "张某"))
    assert person.id_number_masked == "110105********002X" and person.listing_case_id == entry.listing_case_id
    case = session.get(Case, entry.listing_case_id)
    assert case.process_key == "listing" and case.facts["origin"] == "import" and case.status == "active"
    end = session.scalar(
        select(Timer).where(Timer.case_id == case.id, Timer.element_id == "period_end_timer")
    )
    assert cal.local_date(end.due_at) == entry.expires_on
    # listed 14 months ago: already eligible, so the diagram waits for no reminder
    eligibility = session.scalar(
        select(Timer).where(Timer.case_id == case.id, Timer.element_id == "eligibility_timer")
    )
    assert eligibility is None
    public = {e["subject_name"] for e in client.get("/api/register").get_json()["entries"]}
    assert {"历史化工厂", "历史矿业公司", "张某"} <= public


def test_file_with_errors_imports_nothing_unless_valid_rows_chosen(login, session):
    client = login("admin")
    text = csv_text(*GOOD, *BAD)
    page = upload(client, text).get_data(as_text=True)
    assert "有效 3 行，错误 5 行" in page
    for reason in ("校验位不正确", "不是日期", "列入情形代码“NOPE”不存在", "机关代码“PROV”", "管理期已于"):
        assert reason in page, reason
    assert "仅导入有效行" in page and "导入全部" not in page
    before = count(session, RegisterEntry)
    token = kept(page)
    page = client.post("/admin/import", data={"action": "import_all", "upload": token})
    assert "未导入任何记录" in page.get_data(as_text=True)
    assert count(session, RegisterEntry) == before
    response = client.post("/admin/import", data={"action": "import_valid", "upload": token})
    assert response.status_code == 302
    assert count(session, RegisterEntry) == before + 3
    assert not session.scalar(select(RegisterEntry).where(RegisterEntry.subject_name == "校验位错"))
    # importing the same file again: every row is now a duplicate
    page = upload(client, csv_text(GOOD[0])).get_data(as_text=True)
    assert "名单中已有该主体的这一列入决定" in page


def test_import_rejects_a_file_without_the_columns_and_non_admins(login):
    client = login("admin")
    page = upload(client, "name,code\nA,B\n").get_data(as_text=True)
    assert "缺少列" in page
    assert login("officer").get("/admin/import").status_code == 403
    assert login("admin").get("/admin/holidays").status_code == 200


def test_import_goes_in_chunks_and_resumes_after_a_refused_one(login, session, monkeypatch):
    from app.errors import Invalid
    from app.models import ImportUpload
    from app.register import importing

    client = login("admin")
    monkeypatch.setattr(importing, "CHUNK_ROWS", 1)  # each decision its own chunk
    page = upload(client, csv_text(GOOD[0], GOOD[1])).get_data(as_text=True)
    token = kept(page)
    before = count(session, RegisterEntry)
    real = importing.start_management_case
    calls = []

    def second_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Invalid("模拟失败")
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "start_management_case", second_fails)
    page = client.post("/admin/import", data={"action": "import_all", "upload": token}).get_data(as_text=True)
    assert "已导入 1 条；其余记录未导入" in page and "模拟失败" in page
    assert count(session, RegisterEntry) == before + 1  # the first chunk was committed
    assert session.scalar(select(ImportUpload.imported_lines).where(ImportUpload.token == token)) == [2]
    monkeypatch.setattr(importing, "start_management_case", real)
    response = client.post("/admin/import", data={"action": "import_all", "upload": token})
    assert response.status_code == 302
    assert count(session, RegisterEntry) == before + 2  # resumed: no duplicate of line 2
    assert session.scalar(select(ImportUpload).where(ImportUpload.token == token)) is None


def test_oversized_fields_and_unreadable_csv_are_reported(login):
    from app.register import importing

    client = login("admin")
    long_facts = row(facts="事" * (importing.MAX_FIELD_CHARS + 1))
    page = upload(client, csv_text(long_facts)).get_data(as_text=True)
    assert "字段过长" in page and "facts" in page and "事" * 300 not in page
    huge = csv_text(row(facts='"' + "x" * 200_000 + '"'))  # beyond the csv module's field limit
    response = upload(client, huge)
    assert response.status_code == 200 and "无法读取" in response.get_data(as_text=True)


def test_decision_number_follows_the_generated_series_and_moves_it_on(session, user):
    from app.register.documents import issue_document
    from app.register.importing import check_csv, import_rows

    admin = user("admin")
    report = check_csv(session, admin, csv_text(row(decision_number="示市应急失信〔2024〕9号")))
    assert any("示市应急失信决〔" in e for r in report.rows for e in r.errors)
    report = check_csv(session, admin, csv_text(row(decision_number="示市应急失信决〔2024〕900号")))
    assert not report.invalid, [r.errors for r in report.rows]
    import_rows(session, admin, report.valid)
    issued = issue_document(session, admin.bureau, "decision", {"subject_name": "x"}, on=dt.date(2024, 6, 1))
    assert issued.number == "示市应急失信决〔2024〕901号"


def test_import_errors_name_the_chinese_column_and_the_row(session):
    from app.models import User
    from app.register.importing import check_csv

    admin = session.scalar(select(User).where(User.username == "admin"))
    text = csv_text(
        row(),
        row(subject_name="日期错", listed_on="2024-13-40", penalty_carried_out="也许", decision_number=""),
    )
    report = check_csv(session, admin, text)
    errors = next(r for r in report.rows if r.line == 3).errors
    assert "第 3 行：“列入日期”（listed_on）“2024-13-40”不是日期（应为 2024-03-01）" in errors
    assert "第 3 行：缺少“列入决定书文号”（decision_number）" in errors
    assert "第 3 行：“行政处罚已履行”（penalty_carried_out）应为 是/否" in errors
    missing = check_csv(session, admin, "subject_name\nA\n").file_errors[0]
    assert "“机关代码”（bureau_code）" in missing
