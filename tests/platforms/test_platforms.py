"""信用中国 imports (idempotent by external id) and the export files for the national
platforms, each item with its delivery record."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.clock import today
from app.models import Case, EntryStatus, PlatformApplication, PlatformItem, RegisterEntry
from app.platforms.creditchina import import_applications
from app.platforms.exports import export_pending


@pytest.fixture()
def entry(session):
    return session.scalars(
        select(RegisterEntry)
        .where(RegisterEntry.status == EntryStatus.LISTED, RegisterEntry.credit_code.is_not(None))
        .order_by(RegisterEntry.id)
    ).first()


def _item(entry, external_id="CC-2026-000123", **extra):
    return {
        "external_id": external_id,
        "credit_code": entry.credit_code,
        "subject_name": entry.subject_name,
        "applicant": "王某（法定代表人）",
        "materials": ["提前移出申请书", "信用承诺书"],
        "submitted_at": "2026-11-30T10:00:00+08:00",
        **extra,
    }


def test_a_file_imported_twice_starts_one_case(runner, session, entry, tmp_path, open_task):
    path = tmp_path / "push.json"
    path.write_text(json.dumps([_item(entry)], ensure_ascii=False), encoding="utf-8")
    first = runner.invoke(args=["platforms", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert '"started"' in first.output and "CC-2026-000123" in first.output
    second = runner.invoke(args=["platforms", "import", str(path)])
    assert json.loads(second.output)["skipped"] == ["CC-2026-000123"]
    cases = session.scalars(
        select(Case).where(Case.register_entry_id == entry.id, Case.process_key == "repair")
    )
    (case,) = cases.all()
    task = open_task(case.id, "acceptance_review")
    assert task is not None and task.due_at is not None and task.bureau_id == entry.bureau_id
    assert case.facts["channel"] == "creditchina" and case.facts["external_id"] == "CC-2026-000123"
    assert case.facts["eligibility"]  # the same checks as at the window
    record = session.scalar(select(PlatformApplication))
    assert (record.status, record.case_id) == ("started", case.id)


def test_bad_items_are_refused_with_their_reason(session, entry):
    report = import_applications(
        session,
        [
            _item(entry, external_id=""),
            _item(entry, external_id="X1", credit_code="91110000000000000X"),
            _item(entry, external_id="X2", materials=[]),
            {**_item(entry, external_id="X3"), "credit_code": "91350100M000100Y43"},
        ],
    )
    assert report["started"] == [] and len(report["refused"]) == 4
    reasons = [r["reason"] for r in report["refused"]]
    assert "external_id" in reasons[0] and "统一社会信用代码" in reasons[1] and "materials" in reasons[2]
    assert session.scalar(select(func.count(Case.id)).where(Case.process_key == "repair")) == 0


def test_malformed_files_are_refused(runner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes("不是JSON".encode("gbk"))
    result = runner.invoke(args=["platforms", "import", str(path)])
    assert result.exit_code != 0 and "JSON" in result.output


def test_register_moves_are_exported_once_per_platform(session, entry, tmp_path):
    entry.remove_early(today())
    session.flush()
    session.commit()
    written = export_pending(session, tmp_path)
    assert written["gsxt"] >= 1 and written["share"] == written["gsxt"]
    files = sorted((tmp_path / "gsxt").glob("*.json"))
    body = json.loads(files[-1].read_text(encoding="utf-8"))
    kinds = {(i["kind"], i["entry"]["credit_code"]) for i in body["items"]}
    assert ("removed_early", entry.credit_code) in kinds
    item = session.scalar(
        select(PlatformItem).where(PlatformItem.platform == "gsxt", PlatformItem.kind == "removed_early")
    )
    assert item.status == "exported" and item.file_name == files[-1].name and item.exported_at
    assert export_pending(session, tmp_path) == {}  # nothing twice


def test_an_export_that_cannot_be_written_is_retried(session, entry, tmp_path):
    entry.remove_early(today())
    session.commit()
    (tmp_path / "gsxt").write_text("a file where the folder should be")
    written = export_pending(session, tmp_path)
    assert "gsxt" not in written and "share" in written
    item = session.scalar(
        select(PlatformItem).where(PlatformItem.platform == "gsxt", PlatformItem.kind == "removed_early")
    )
    assert (item.status, item.attempts) == ("pending", 1) and "写入导出文件失败" in item.last_error


def test_the_result_goes_back_to_creditchina(api, session, entry, tmp_path, open_task):
    import_applications(session, [_item(entry)])
    session.commit()
    case = session.scalar(
        select(Case).where(Case.register_entry_id == entry.id, Case.process_key == "repair")
    )
    task = open_task(case.id, "acceptance_review")
    response = api("clerk")(
        "POST",
        f"/api/tasks/{task.id}/complete",
        {"data": {"outcome": "refuse", "reasons": "申请人不是该主体"}},
    )
    assert response.status_code == 200, response.get_json()
    written = export_pending(session, tmp_path)
    assert written.get("creditchina") == 1
    body = json.loads(next((tmp_path / "creditchina").glob("*.json")).read_text(encoding="utf-8"))
    assert body["items"][0]["external_id"] == "CC-2026-000123" and body["items"][0]["result"] == "rejected"
    assert export_pending(session, tmp_path).get("creditchina") is None
