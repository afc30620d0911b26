from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def test_question_gets_an_answer_with_a_source_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception
    at.text_input[0].set_value("What is the nightly hotel limit in London?").run()
    assert not at.exception
    assert "320" in " ".join(m.value for m in at.markdown)
    assert any("travel-and-expense-policy.pdf, page 2" in e.label for e in at.expander)
