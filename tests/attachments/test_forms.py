"""The file field type of diagram forms: ids of the case's attachments, required like any field."""

from __future__ import annotations

from app.engine.forms import FormField, check_field_definition, validate

FIELD = FormField(id="receipt_files", label="送达回证", type="file", required=True)


def test_required_file_field_asks_for_an_upload():
    _, errors = validate([FIELD], {}, {}, files={})
    assert errors == {"receipt_files": "请上传“送达回证”"}
    _, errors = validate([FIELD], {"receipt_files": []}, {}, files={})
    assert errors == {"receipt_files": "请上传“送达回证”"}


def test_ids_become_references_and_foreign_ids_are_refused():
    clean, errors = validate(
        [FIELD], {"receipt_files": ["7", 7, {"id": 9}]}, {}, files={7: "回证.pdf", 9: "b.png"}
    )
    assert errors == {} and clean["receipt_files"] == [
        {"id": 7, "name": "回证.pdf"},
        {"id": 9, "name": "b.png"},
    ]
    _, errors = validate([FIELD], {"receipt_files": [8]}, {}, files={7: "回证.pdf"})
    assert "不属于本案" in errors["receipt_files"]
    _, errors = validate([FIELD], {"receipt_files": ["../etc"]}, {}, files={})
    assert "应为附件编号" in errors["receipt_files"]
    _, errors = validate(
        [FIELD], {"receipt_files": list(range(1, 30))}, {}, files={i: "x" for i in range(30)}
    )
    assert "不能超过" in errors["receipt_files"]


def test_file_is_a_known_type_for_the_designer():
    assert check_field_definition(FIELD) == []
