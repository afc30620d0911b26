"""CLI: analyze, sentiment --batch, topics --json, ask --json with sentiment (in process, fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rag import cli
from tests.conftest import FakeEmbedder
from tests.fakes.servers import FakeOpenAI, Reply

pytestmark = pytest.mark.analysis


@pytest.fixture(autouse=True)
def _fast(index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import rag.embeddings

    # Engine, CLI and analysis all get their embedder through rag.embeddings.get_embedder.
    monkeypatch.setattr(rag.embeddings, "get_embedder", lambda *a, **k: FakeEmbedder())
    for var in ("RAG_PROVIDER", "RAG_FALLBACK", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_sentiment_batch_one_object_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "texts.txt"
    f.write_text(
        "I love it, wonderful!\n\nThis is terrible and sad.\nThe meeting is at noon.\n",
        encoding="utf-8",
    )
    assert cli.main(["sentiment", "--batch", str(f), "--json"]) == 0
    rows = _lines(capsys)
    assert [r["text"] for r in rows] == [
        "I love it, wonderful!",
        "This is terrible and sad.",
        "The meeting is at noon.",
    ]
    # Unambiguous texts: the label itself is checked, not just that it is one of three.
    assert [r["label"] for r in rows] == ["positive", "negative", "neutral"]
    for r in rows:
        assert set(r) == {"text", "label", "scores", "emotions"}
        assert max(r["scores"], key=r["scores"].get) == r["label"]
        assert set(r["scores"]) == {"positive", "negative", "neutral"} and len(r["emotions"]) >= 5


def test_topics_json_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["topics", "--json"]) == 0
    out = _lines(capsys)[0]
    assert out["k"] >= 2 and out["n_chunks"] >= 4
    labels = [t["label"] for t in out["topics"]]
    assert len(set(labels)) == len(labels)
    assert all(t["keywords"] and t["examples"] and t["size"] > 0 for t in out["topics"])


def test_analyze_file_and_doc_id_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "review.txt"
    f.write_text(
        "The hotel was dreadful. The staff were rude and the room was dirty. I am angry.",
        encoding="utf-8",
    )
    assert cli.main(["analyze", str(f), "--json", "--offline"]) == 0
    out = _lines(capsys)[0]
    assert out["name"] == "review.txt" and out["interpretation_source"] == "template"
    assert out["label"] == "negative" and "negative" in out["interpretation"].lower()
    assert {"most_positive", "most_negative"} == set(out["evidence"])
    assert cli.main(["ingest", str(f), "--json"]) == 0
    doc_id = _lines(capsys)[0]["doc_id"]
    assert cli.main(["analyze", doc_id, "--json"]) == 0
    assert _lines(capsys)[0]["name"] == "review.txt"
    assert cli.main(["analyze", "no-such-doc", "--json"]) == 1


def test_ask_json_has_sentiment_and_tool_calls(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeOpenAI() as fake:
        fake.script(
            Reply(text="", tool_calls=[("search_documents", {"query": "hotel limit London"})]),
            Reply(text="The London hotel limit is terrible and sad news [1]."),
        )
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-FAKEKEY0123456789abcdefXYZ")
        rc = cli.main(
            [
                "ask",
                "What is the hotel limit?",
                "--provider",
                "openai:gpt-4o-mini",
                "--tools",
                "--json",
            ]
        )
    assert rc == 0
    out = _lines(capsys)[0]
    assert out["provider"] == "openai" and out["tool_calls"][0]["query"] == "hotel limit London"
    s = out["sentiment"]
    assert set(s["scores"]) == {"positive", "negative", "neutral"}
    # The sentiment is the answer's: the same as scoring the answer text on its own.
    assert cli.main(["sentiment", out["answer"], "--json"]) == 0
    alone = _lines(capsys)[0]
    assert s["label"] == alone["label"] == "negative"  # the question alone is neutral
    assert s["scores"] == pytest.approx(alone["scores"], abs=1e-6)
