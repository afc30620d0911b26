"""AppTest: one's own documents beside the demo's are what a question searches. A newcomer
who uploaded a remote-work policy asked "What are the core hours?" and got the demo
handbook's Pacific hours, which ranked first; the demo's examples were still offered."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import APP, ask, page_text, wait_until

pytestmark = pytest.mark.integration

POLICY = """# Remote work policy

Core hours are 10:00 to 15:00 Central European Time, Monday to Friday.

Remote employees receive a one-time home office budget of 500 euros.
"""


def _doc_id(index: Path, name: str) -> str:
    with sqlite3.connect(index / "state" / "documents" / "manifest.sqlite3") as db:
        (doc_id,) = db.execute("SELECT doc_id FROM documents WHERE name = ?", (name,)).fetchone()
    return str(doc_id)


def test_own_documents_are_searched_and_the_demo_only_when_picked(
    new_app: Callable[[], AppTest], app_index: Path, tmp_path: Path
) -> None:
    from ui.state import get_engine, get_settings

    at = new_app()  # indexes the demo documents
    policy = tmp_path / "remote-work-policy.md"
    policy.write_text(POLICY, encoding="utf-8")
    get_engine(get_settings()).ingest([policy])
    at.run()
    assert not at.exception
    assert "Questions search your remote-work-policy.md; pick demo files in Ask within" in (
        page_text(at).replace("\\", "")
    )
    assert not [b for b in at.button if (b.key or "").startswith("example_")]
    within = at.multiselect(key="ask_within")
    assert within.placeholder == "Your documents (not the demo's)"
    assert "employee-handbook.md (demo)" in within.options
    assert "remote-work-policy.md" in within.options

    ask(at, "What are the core hours?")
    answer = at.session_state.turns[-1].answers[0]
    assert "Central European Time" in answer.answer, answer.answer
    assert {s.source for s in answer.sources} == {policy.name}
    # the turn searched the default, recorded as "all": nothing to restore but the default
    assert at.session_state.turns[-1].within == []
    assert not any("Searched within" in str(c.value) for c in at.caption)
    assert not any("Only your own documents" in str(c.value) for c in at.caption)
    # a refusal says the demo's were not searched: they may hold the answer
    ask(at, "How many vacation days do employees get?")
    assert at.session_state.turns[-1].answers[0].refused
    assert any("Only your own documents were searched" in str(c.value) for c in at.caption)
    # reopened (a reload), the refusal still says what it searched: the note had been lost
    again = AppTest.from_file(APP, default_timeout=180)
    again.query_params["c"] = at.session_state.conversation_id
    again.run()
    wait_until(again, lambda a: len(a.session_state.turns) == 2, 60)
    assert not again.exception
    assert [t.own_only for t in again.session_state.turns] == [True, True]
    assert any("Only your own documents were searched" in str(c.value) for c in again.caption)

    handbook = _doc_id(app_index, "employee-handbook.md")
    at.multiselect(key="ask_within").set_value([handbook]).run()
    ask(at, "What are the core hours?")
    assert "Pacific time" in at.session_state.turns[-1].answers[0].answer
    assert not at.session_state.turns[-1].own_only
    assert at.session_state.turns[-1].within == [handbook]


def test_the_default_scope_and_the_examples() -> None:
    from rag.demo import examples_for, searched_by_default

    demo = {"employee-handbook.md", "travel-and-expense-policy.pdf", "product-faq.html"}
    docs = {"a": "employee-handbook.md", "b": "product-faq.html", "c": "mine.docx"}
    assert searched_by_default(docs, demo) == ["c"]
    assert searched_by_default({"a": "employee-handbook.md"}, demo) == []  # only the demo
    assert searched_by_default({"c": "mine.docx", "d": "notes.md"}, demo) == []  # only one's own
    # an example is offered while its demo file is indexed and nothing of one's own is
    assert examples_for(["employee-handbook.md"], demo) == [
        "How many vacation days do employees get?"
    ]
    assert examples_for(["employee-handbook.md", "mine.docx"], demo) == []


def test_select_all_is_kept_by_a_reload_and_its_follow_ups_search_the_demo_too(
    new_app: Callable[[], AppTest], app_index: Path, tmp_path: Path
) -> None:
    # A walk-through: "Select all", a London question, a reload; the selection came back as
    # the default (one's own only) and "And in Tokyo?" was refused.
    from ui.state import get_engine, get_settings

    at = new_app()
    policy = tmp_path / "remote-work-policy.md"
    policy.write_text(POLICY, encoding="utf-8")
    get_engine(get_settings()).ingest([policy])
    at.run()
    names = [str(o).removesuffix(" (demo)") for o in at.multiselect(key="ask_within").options]
    everything = [_doc_id(app_index, n) for n in names]
    at.multiselect(key="ask_within").set_value(everything).run()
    assert not at.exception
    text = page_text(at).replace("\\", "")
    assert "Questions search all of them, yours and the demo's." in text
    assert "pick demo files in Ask within" not in text  # said while all were picked
    ask(at, "What is the nightly hotel limit in London?")
    assert not at.session_state.turns[-1].answers[0].refused

    again = AppTest.from_file(APP, default_timeout=180)
    again.query_params["c"] = at.session_state.conversation_id
    again.run()
    wait_until(again, lambda a: len(a.session_state.turns) == 1, 60)
    assert not again.exception
    assert sorted(again.multiselect(key="ask_within").value) == sorted(everything)
    ask(again, "And in Tokyo?")
    answer = again.session_state.turns[-1].answers[0]
    assert not answer.refused and "Tokyo" in answer.answer, answer.answer
