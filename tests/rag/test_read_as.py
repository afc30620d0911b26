""" "Read as" travels from the extractive answerer's response to the Answer, ``ask --json``,
the CLI's text, a saved conversation and its export; a question in another language is
refused saying the documents are English, and counts as a refusal everywhere."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from providers.base import REFUSAL_TEXT, Request, Response, Source, Usage
from rag.answer import Answer, finish
from rag.cli.ask import _print_answer
from rag.conversations import ConversationStore, answer_from_dict, answer_to_dict, to_markdown
from rag.followup import key_terms
from rag.retrieve import RetrievalResult

SRC = Source(1, "travel-and-expense-policy.pdf", 3, "London: 320 dollars a night.", 0.9, "d1")


def _answer(read_as: str | None = "hotel limit in london") -> Answer:
    return Answer(
        question="hotle limit in londn",
        answer="London: 320 dollars a night [1].",
        refused=False,
        provider="extractive",
        model="sentences",
        sources=[SRC],
        usage=Usage(0, 0),
        cited=[1],
        read_as=read_as,
    )


def test_finish_carries_the_providers_read_as_to_the_answer() -> None:
    req = Request(messages=[], question="hotle limit in londn", sources=[SRC])
    resp = Response("London: 320 dollars a night [1].", "extractive", "sentences", Usage(0, 0))
    resp.raw["read_as"] = "hotel limit in london"
    ans = finish(req.question, req, resp, 0.0, RetrievalResult([], np.zeros(3)), req.question)
    assert ans.read_as == "hotel limit in london"
    assert ans.to_json()["read_as"] == "hotel limit in london"
    resp.raw.clear()
    plain = finish(req.question, req, resp, 0.0, RetrievalResult([], np.zeros(3)), req.question)
    assert plain.read_as is None and "read_as" not in plain.to_json()


def test_the_cli_text_says_how_the_question_was_read(capsys: pytest.CaptureFixture[str]) -> None:
    _print_answer(_answer())
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["London: 320 dollars a night [1].", "(read as: hotel limit in london)"]
    _print_answer(_answer(None))
    assert "read as" not in capsys.readouterr().out


def test_a_saved_conversation_keeps_read_as_and_exports_it(tmp_path: Path) -> None:
    s = ConversationStore(tmp_path / "c.sqlite3")
    c = s.create()
    s.save_turn(c.id, 1, "hotle limit in londn", [_answer()])
    turns = ConversationStore(tmp_path / "c.sqlite3").turns(c.id)  # a restart
    assert turns[0].answers[0].read_as == "hotel limit in london"
    md = to_markdown("Trip", turns)
    assert "London: 320 dollars a night [1].\n\n*Read as: hotel limit in london*\n" in md
    # a row saved before read_as existed loads without it
    old = answer_to_dict(_answer())
    del old["read_as"]
    assert answer_from_dict(old).read_as is None
    assert "Read as" not in to_markdown("Trip", [replace(turns[0], answers=[_answer(None)])])


def test_a_language_refusal_still_reads_as_a_refusal_to_follow_ups() -> None:
    from providers.extractive_reading import not_english_refusal

    text = not_english_refusal("German")
    assert text.startswith(REFUSAL_TEXT)
    # a follow-up borrows no words of a refusal ("English", "German" would steer its search)
    assert key_terms("wie viele tage bekomme ich?", text) == key_terms(
        "wie viele tage bekomme ich?", REFUSAL_TEXT
    )


@pytest.mark.integration
def test_on_the_demo_corpus_a_misspelt_question_is_answered_and_read_as_spelt(demo_engine) -> None:  # type: ignore[no-untyped-def]
    ans = demo_engine.ask("hotle limit in londn")
    assert not ans.refused and "320 dollars" in ans.answer
    assert ans.read_as == "hotel limit in london"
    assert json.loads(json.dumps(ans.to_json()))["read_as"] == "hotel limit in london"
    assert demo_engine.ask("What is the nightly hotel limit in London?").read_as is None


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quelle est la limite d'hôtel à Londres ?", "French"),
        ("Wie viele Urlaubstage bekomme ich?", "German"),
        ("¿Cuántos días de vacaciones tengo?", "Spanish"),
    ],
)
def test_on_the_demo_corpus_a_question_in_another_language_is_told_to_ask_in_english(
    demo_engine, question: str, language: str
) -> None:  # type: ignore[no-untyped-def]
    ans = demo_engine.ask(question)
    assert ans.refused and ans.cited == [] and ans.read_as is None
    assert ans.answer.startswith(REFUSAL_TEXT)
    assert f"seems to be in {language}: try asking it in English." in ans.answer
    j = ans.to_json()
    assert j["refused"] is True and "read_as" not in j


@pytest.mark.integration
def test_on_the_demo_corpus_an_english_refusal_is_unchanged(demo_engine) -> None:  # type: ignore[no-untyped-def]
    bostn = demo_engine.ask("What is the nightly hotel limit in Bostn?").answer
    assert bostn.startswith(REFUSAL_TEXT) and bostn.endswith(", but not Bostn."), bostn
