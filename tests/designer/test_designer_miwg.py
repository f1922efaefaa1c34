"""The 21 reference models of the BPMN MIWG test suite: each uploads without a server
error and either validates or is refused with messages naming the element."""

from __future__ import annotations

import io
import re

import pytest

from tests.designer.conftest import MIWG

FILES = sorted(MIWG.glob("*.bpmn"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.skipif(
    not MIWG.is_dir(),
    reason=f"the BPMN MIWG reference models are not beside this checkout ({MIWG} is absent)",
)


def test_all_reference_models_are_here():
    assert len(FILES) == 21


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_reference_model_uploads_cleanly(login, path):
    client = login("designer")
    body = path.read_bytes()
    response = client.post(
        "/designer/processes",
        headers={"Accept": "application/json"},
        data={"file": (io.BytesIO(body), path.name), "note": f"MIWG {path.stem}"},
        content_type="multipart/form-data",
    )
    errors = response.get_json()["errors"]
    assert response.status_code == (422 if errors else 201), response.get_data(as_text=True)[:300]
    ids = set(re.findall(rb'\bid="([^"]+)"', body))
    for error in errors:
        assert error["element_id"] and error["element_id"].encode() in ids, error
        assert CHINESE.search(error["message"]), error
    listed = client.get(f"/designer/processes/{response.get_json()['key']}")
    assert listed.status_code == 200
