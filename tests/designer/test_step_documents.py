"""Which step issues which document is drawn in the diagram (camunda:property
`document` on the user task, `serves` for the step that serves it); saving checks
the kinds and the conditions."""

from __future__ import annotations

from app.engine.model import parse_process
from tests.designer.conftest import repair_xml

ACCEPTANCE = (
    "acceptance_notice if outcome == 'accept'; supplement_notice if outcome == 'supplement'; "
    "rejection_notice if outcome == 'refuse'"
)


def with_documents(value: str) -> str:
    return repair_xml().replace(ACCEPTANCE, value)


def problems(xml: str) -> list[tuple]:
    return [(e["element_id"], e["message"]) for e in parse_process(xml).errors]


def test_shipped_repair_diagram_declares_its_documents(app):
    assert problems(repair_xml()) == []
    meta = parse_process(repair_xml()).meta["steps"]
    assert [kind for kind, _ in meta["acceptance_review"]["documents"]] == [
        "acceptance_notice",
        "supplement_notice",
        "rejection_notice",
    ]
    assert [tuple(d) for d in meta["verification"]["documents"]] == [("verification_record", "not extend")]
    assert meta["publication"]["serves"] == ["removal_decision", "removal_refusal"]
    assert meta["supplement"]["serves"] == ["supplement_notice"]


def test_unknown_document_kind_is_refused_with_its_element(app):
    errors = problems(with_documents("acceptance_notise"))
    assert any(e[0] == "acceptance_review" and "acceptance_notise" in e[1] for e in errors), errors


def test_document_condition_with_a_typo_is_refused(app):
    errors = problems(with_documents("acceptance_notice if outcom == 'accept'"))
    assert any(e[0] == "acceptance_review" and "outcom" in e[1] for e in errors), errors
    errors = problems(with_documents("acceptance_notice if outcome ==="))
    assert any(e[0] == "acceptance_review" and "文书条件" in e[1] for e in errors), errors
