"""The Streamlit app through streamlit.testing.v1.AppTest: chat, providers, costs, uploads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.servers import FakeOpenAI, Reply
from tests.ui.conftest import FAKE_KEY, ask, page_text, use_openai, wait_until

pytestmark = pytest.mark.integration


def test_first_run_demo_question_extractive(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    text = page_text(at)
    assert "4 documents indexed" in text
    assert any(b.key == "example_0" for b in at.button), "an example question is suggested"
    at.button(key="example_0").click().run()
    assert not at.exception
    text = page_text(at)
    assert "320 dollars" in text
    assert "Answered by extractive" in text
    # a cited source with its file and page, and the used sentence highlighted
    assert any(
        "travel-and-expense-policy.pdf · page 2" in e.label and "cited" in e.label
        for e in at.expander
    )
    assert ":blue-background[" in text
    assert len(at.session_state.turns) == 1


def test_tone_panel_interprets_an_answer(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    ask(at, "How many vacation days do employees get?")
    at.button(key="tone_1_0").click().run()
    assert not at.exception
    interpretation = at.session_state.turns[0].sentiment[0]
    assert "tone" in interpretation.lower()
    assert any("tone" in m.value.lower() for m in at.markdown)


def test_empty_question_is_ignored_and_refusal_is_not_an_error(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    ask(at, "   ")
    assert at.session_state.turns == []
    ask(at, "What is the boiling point of mercury on Jupiter?")
    assert len(at.session_state.turns) == 1
    assert not at.error and not at.exception


def test_openai_from_sidebar_streams_and_costs(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    text = page_text(at)
    assert "London hotels may cost up to 320 dollars a night" in text
    assert "Answered by OpenAI · gpt-4o-mini" in text
    assert fake_openai.calls and fake_openai.calls[-1].body["stream"] is True
    row = at.session_state.costs[-1]
    assert row["provider"] == "openai:gpt-4o-mini" and row["tokens"] == 1240
    assert row["cost_usd"] == pytest.approx((1200 * 0.15 + 40 * 0.60) / 1e6)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tokens"] == "1,240" and metrics["Cost"].startswith("$0.0002")
    assert FAKE_KEY not in text  # the key is never shown
    # a follow-up is rewritten by the model before retrieval
    fake_openai.script(Reply(text="What is the nightly hotel limit in Tokyo?"))
    ask(at, "And in Tokyo?")
    assert len(fake_openai.calls) == 3
    assert "Last question: And in Tokyo?" in str(fake_openai.calls[1].body["messages"])


def test_grounding_badge_marks_the_unsupported_sentence(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Reply(
        text="London hotels may cost up to 320 dollars a night [1]. "
        "The CEO personally approves every hotel booking in Paris [1]."
    )
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    assert not at.exception
    text = page_text(at)
    assert "supported: 1/2 sentences" in text
    assert "Not supported by its cited sources:" in text and "personally approves" in text


def test_failing_provider_shows_a_quiet_fallback_note(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Reply(fault="server")
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    text = page_text(at)
    assert "OpenAI had a server error, answered by extractive." in text
    assert "320 dollars" in text  # the extractive answer
    assert "Traceback" not in text and not at.error
    health = next(d.value for d in at.table if "Status" in d.value.columns)
    row = health[health["Provider"] == "OpenAI · gpt-4o-mini"].iloc[0]
    assert row["Questions"] == "1" and row["Median"] == "–"  # no successful call: no latency
    assert row["Status"] == "Errors: server error ×1"


def test_sensitive_switch_keeps_the_question_on_this_machine(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = use_openai(new_app())
    at.toggle(key="sensitive").set_value(True).run()
    ask(at, "What is the nightly hotel limit in London?")
    assert not at.exception
    assert fake_openai.calls == []  # nothing was sent to the remote provider
    (turn,) = at.session_state.turns
    assert turn.answers[0].provider == "extractive" and "320 dollars" in page_text(at)
    # The picked provider is not replaced without a word.
    assert (
        "OpenAI was not used: the documents are marked sensitive (local models only), "
        "answered by extractive." in page_text(at)
    )


def test_compare_mode_side_by_side(new_app: Callable[[], AppTest], fake_openai: FakeOpenAI) -> None:
    at = use_openai(new_app())
    at.toggle(key="compare_on").set_value(True).run()
    at.multiselect(key="compare_specs").set_value(["extractive", "openai:gpt-4o-mini"]).run()
    ask(at, "What is the nightly hotel limit in London?")
    (turn,) = at.session_state.turns
    assert [a.provider for a in turn.answers] == ["extractive", "openai"]
    assert len(at.session_state.costs) == 2
    text = page_text(at)
    assert "Answered by extractive" in text and "Answered by OpenAI" in text


def test_compare_says_which_picked_provider_cannot_answer_yet(
    new_app: Callable[[], AppTest],
) -> None:
    """ "Providers to compare" named OpenAI without a word that it had no key: its column
    was then answered by extractive."""
    at = new_app()
    at.toggle(key="compare_on").set_value(True).run()
    at.multiselect(key="compare_specs").set_value(["extractive", "openai:gpt-4o-mini"]).run()
    note = (
        "OpenAI · gpt-4o-mini needs an API key (API keys above): until then extractive "
        "answers in its place."
    )
    assert note in [str(c.value) for c in at.caption]
    at.text_input(key="api_key_openai").set_value(FAKE_KEY).run()
    assert not at.exception
    assert at.multiselect(key="compare_specs").value == ["extractive", "openai:gpt-4o-mini"]
    assert note not in [str(c.value) for c in at.caption]


def test_consensus_mode_one_answer_with_each_providers_underneath(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    fake_openai.default = Reply(text="London hotels may cost up to 320 dollars a night [1].")
    at = use_openai(new_app())
    at.toggle(key="compare_on").set_value(True).run()
    at.multiselect(key="compare_specs").set_value(["extractive", "openai:gpt-4o-mini"]).run()
    at.toggle(key="consensus_on").set_value(True).run()
    ask(at, "What is the nightly hotel limit in London?")
    assert not at.exception
    (turn,) = at.session_state.turns
    (answer,) = turn.answers
    assert "320" in answer.answer
    parts = answer.consensus_of
    assert [p["provider"] for p in parts] == ["extractive", "openai"]
    assert any(
        e.label.startswith("Consensus of 2 providers (extractive and OpenAI)") for e in at.expander
    )
    assert parts[1]["tokens"] == 42 + 9  # the fake's usage for the OpenAI answer
    assert at.session_state.costs[-1]["tokens"] >= 51  # every call of the turn is counted


def test_upload_lists_then_delete(new_app: Callable[[], AppTest], app_index: Path) -> None:
    at = new_app()
    body = b"Project Zephyr\n\nThe Zephyr launch date is 14 March. The codename was chosen by the design team."
    at.file_uploader[0].set_value(("zephyr <notes>.txt", body, "text/plain")).run()
    assert not at.exception
    # The document is listed as soon as its manifest row commits; the per-file result line
    # follows when the upload job returns (after the BM25 rebuild): wait for both.
    wait_until(
        at,
        lambda a: (
            "5 documents indexed" in page_text(a)
            and "added (1 chunk)" in page_text(a).replace("\\", "")
        ),
    )
    assert (app_index / "uploads" / "zephyr _notes_.txt").read_bytes() == body
    assert "added (1 chunk)" in page_text(at).replace("\\", "")
    ask(at, "When is the Zephyr launch?")
    assert any("zephyr _notes_.txt" in e.label.replace("\\", "") for e in at.expander)
    doc = next(d for d in at.session_state.turns[-1].answers[0].sources if "zephyr" in d.source)
    assert not [b for b in at.button if b.key == f"del_{doc.doc_id}"]  # a pick comes first
    at.selectbox(key="delete_doc").set_value(doc.doc_id).run()
    at.button(key=f"del_{doc.doc_id}").click().run()
    assert not at.exception
    text = page_text(at).replace("\\", "")
    assert "Deleted zephyr _notes_.txt." in text and "4 documents indexed" in text


def test_documents_an_older_reader_cut_are_read_again_from_the_page(
    new_app: Callable[[], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.reader_version as reader

    at = new_app()
    assert "older version of the reader" not in page_text(at)
    monkeypatch.setattr(reader, "reader_version", lambda: "a-newer-reader")  # an upgrade
    at.run()
    assert "4 documents were read by an older version of the reader" in page_text(at)
    at.button(key="reread_docs").click().run()
    assert not at.exception
    text = page_text(at).replace("\\", "")
    assert "Re-read 4 documents with the current reader." in text
    assert "older version of the reader" not in text and "4 documents indexed" in text
    ask(at, "How many vacation days do full-time employees get?")
    assert "25" in at.session_state.turns[-1].answers[0].answer


def test_upload_over_the_limit_is_refused_naming_it(
    new_app: Callable[[], AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_MAX_FILE_MB", "0.001")
    at = new_app()
    at.file_uploader[0].set_value(("big.txt", b"x " * 2000, "text/plain")).run()
    wait_until(at, lambda a: "upload limit" in page_text(a))
    assert "over the 0.001 MB upload limit" in page_text(at).replace("\\", "")
    bad = ("broken.pdf", b"%PDF-1.4 this is not a pdf", "application/pdf")
    monkeypatch.setenv("RAG_MAX_FILE_MB", "50")
    at2 = new_app()
    at2.file_uploader[0].set_value(bad).run()
    wait_until(at2, lambda a: "broken.pdf: failed" in page_text(a).replace("\\", ""))
    assert not at2.exception


def test_sessions_do_not_share_keys_history_or_costs(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    a = use_openai(new_app())
    ask(a, "What is the nightly hotel limit in London?")
    b = new_app()
    assert a.session_state.session_id != b.session_state.session_id
    assert b.text_input(key="api_key_openai").value == ""
    assert b.session_state.turns == [] and b.session_state.costs == []
    assert {m.label: m.value for m in b.metric}["Cost"] == "$0"
    # b asking with OpenAI but no key: the provider is skipped, a's key is not used.
    # (A different question: the response cache is shared by design, keyed by request.)
    b.selectbox(key="provider").set_value("openai").run()
    ask(b, "How many vacation days do employees get?")
    assert "OpenAI has no API key, answered by extractive." in page_text(b)
    assert len(fake_openai.calls) == 1
    assert len(a.session_state.turns) == 1 and len(a.session_state.costs) == 1


def test_a_refused_answer_has_no_tone_panel(new_app: Callable[[], AppTest]) -> None:
    # the tone of the app's own "I don't have enough information" says nothing about the documents
    at = new_app()
    ask(at, "What is the boiling point of mercury on Jupiter?")
    assert not at.exception
    assert at.session_state.turns[0].answers[0].refused
    assert not any(e.label.startswith("Tone of this answer") for e in at.expander)
    assert not any(b.key == "tone_1_0" for b in at.button)
