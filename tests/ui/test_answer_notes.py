"""Notes with an answer: an empty workspace (no model asked) and uploads still being indexed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.servers import FakeOpenAI
from tests.ui.conftest import ask, page_text, use_openai


def test_an_empty_workspace_says_so_and_asks_no_model(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_AUTO_INGEST_DEMO", "false")  # the workspace starts empty
    at = use_openai(new_app())
    ask(at, "What is the hotel limit?")
    assert fake_openai.calls == []  # nothing to answer from: nothing paid for
    text = page_text(at)
    assert "This workspace has no documents yet" in text
    assert "Add documents in the sidebar, under Documents." in text
    assert "No model was asked, so this cost nothing." in text
    assert "Tone of this answer" not in text and not at.error
    # The session cost line says no model answered, not the provider name "none"; nothing
    # was paid for, so it is one line, not a table of zeros.
    assert "Nothing paid for: 1 question so far, all by – (no model answered)." in text
    assert not [t for t in at.table if "Answered by" in t.value.columns]


def test_an_answer_asked_while_uploads_are_indexed_says_so(
    new_app: Callable[[], AppTest],
) -> None:
    from ui.documents import FileJob, UploadJob

    at = new_app()
    # A large PDF on its way (its background thread is not needed to be "in progress").
    at.session_state["upload_jobs"] = [
        UploadJob([FileJob("big.pdf", "big.pdf", b"%PDF", 4, "reading", (3, 55))])
    ]
    ask(at, "What is the nightly hotel limit in London?")
    text = page_text(at)
    assert (
        "1 document was still being indexed when this was asked, so the answer could not use "
        "it: ask again when it is done." in text
    )
    at.session_state["upload_jobs"][0].finished = 1.0  # done: the next answer has no note
    ask(at, "How many vacation days do employees get?")
    assert page_text(at).count("still being indexed") == 1
    # a file on its way into another workspace is not one this answer could have used
    at.session_state["upload_jobs"] = [
        UploadJob([FileJob("big.pdf", "big.pdf", b"%PDF", 4, "reading", (3, 55))], "team-a")
    ]
    ask(at, "What is the daily meal allowance?")
    assert page_text(at).count("still being indexed") == 1


def test_the_sources_heading_says_what_their_order_and_relevance_mean(
    new_app: Callable[[], AppTest],
) -> None:
    at = ask(new_app(), "What is the nightly hotel limit in London?")
    heads = [h for h in at.subheader if h.value == "Sources"]
    assert heads and "search's order" in heads[0].proto.help
    assert "cites come first" in heads[0].proto.help
    assert "Relevance is how close" in heads[0].proto.help and not at.exception


def test_the_cited_sources_are_listed_first_with_their_numbers() -> None:
    """A newcomer read [1] (relevance 0.18, not cited) as the best source of an answer that
    cited [2] (0.28)."""
    from providers.base import Source
    from ui.sources import listed_order

    found = [Source(n, "h.md", None, f"passage {n}") for n in (1, 2, 3, 4)]
    assert [s.n for s in listed_order(found, [2, 4])] == [2, 4, 1, 3]
    assert [s.n for s in listed_order(found, [])] == [1, 2, 3, 4]


def test_a_greeting_is_answered_as_a_greeting(new_app: Callable[[], AppTest]) -> None:
    at = ask(new_app(), "hi")
    a = at.session_state.turns[0].answers[0]
    assert a.no_sources == "small_talk" and not a.refused and not at.exception
    assert any("Ask me a question about your documents" in m.value for m in at.markdown)
    assert not [i for i in at.info if "Ask me a question" in i.value]


def test_the_sources_heading_says_what_cited_means(new_app: Callable[[], AppTest]) -> None:
    # one row says "· cited" and the others do not: the help said nothing about it
    at = ask(new_app(), "What is the nightly hotel limit in London?")
    heads = [h for h in at.subheader if h.value == "Sources"]
    assert heads and "'cited' marks the passages" in heads[0].proto.help and not at.exception


def test_a_refused_answer_lists_its_hits_as_searched_not_as_sources(
    new_app: Callable[[], AppTest],
) -> None:
    """'I don't have enough information' over a heading "Sources" said the passages at
    relevance 0.00-0.05 backed it; the export already calls them "Searched"."""
    at = ask(new_app(), "What is the boiling point of mercury on Jupiter?")
    assert at.session_state.turns[0].answers[0].refused and not at.exception
    heads = [h.value for h in at.subheader]
    assert "Sources" not in heads
    searched = [h for h in at.subheader if h.value == "Passages searched"]
    assert searched and "None of these passages answers" in searched[0].proto.help


def test_a_paused_provider_says_why_it_was_paused(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong key: the walk's second question said only "OpenAI is paused after repeated
    failures", the reason the user can act on (the key) was gone."""
    from tests.fakes.servers import Reply

    monkeypatch.setenv("RAG_BREAKER_FAILURES", "1")  # one rejected call pauses it
    fake_openai.default = Reply(fault="auth")
    at = use_openai(new_app())
    ask(at, "How many vacation days do employees get?")
    assert "OpenAI rejected the API key, answered by extractive." in page_text(at)
    ask(at, "What is the nightly hotel limit in London?")
    assert (
        "OpenAI is paused after repeated failures (it rejected the API key), answered by "
        "extractive." in page_text(at)
    )
    assert not at.exception


def test_the_time_under_an_answer_names_the_wait_for_a_failed_provider(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk: OpenAI timed out, Ollama answered in 0.1 s, and the line said "Answered by
    Ollama · llama3.2 · 10.2 s" - nearly all of it OpenAI's wait."""
    import re

    from tests.fakes.servers import Reply

    monkeypatch.setenv("RAG_REQUEST_TIMEOUT_S", "1")
    fake_openai.default = Reply(fault="slow", delay_s=5)
    at = use_openai(new_app())
    ask(at, "How many vacation days do employees get?")
    assert not at.exception
    text = page_text(at)
    assert "OpenAI timed out, answered by extractive." in text
    line = re.search(
        r"Answered by extractive · ([\d.]+) s in all, ([\d.]+) s of it waiting for "
        r"OpenAI · 0 tokens · \$0",
        text,
    )
    assert line, text
    total, waited = float(line.group(1)), float(line.group(2))
    assert 0.9 <= waited <= total


def test_an_instant_answer_says_under_a_tenth_of_a_second_not_zero() -> None:
    """A walk read "0.0 s" under a question asked again as a broken timer."""
    from ui.notes import meta_line

    assert " · under 0.1 s · " in meta_line("extractive", "extractive", 12.0, 0, 0.0, False)
    assert " · 0.4 s · " in meta_line("extractive", "extractive", 420.0, 0, 0.0, False)
