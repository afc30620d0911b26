"""Topics: clustering, c-TF-IDF keywords, labels (LLM via the fake, or keywords), caching."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from providers.chain import FallbackChain
from rag.analysis import topics as T
from rag.analysis.topic_keywords import keyword_label
from rag.analysis.topic_labels import TopicLabel
from rag.analysis.topics import compute_topics, get_topics, get_topics_result
from tests.fakes.servers import FakeServer, Reply

pytestmark = pytest.mark.analysis

SUBJECTS = {
    "cats": "The cat purrs. Cats sleep, hunt mice and groom their fur. A kitten drinks milk; cat food and cat litter.",
    "rockets": "The rocket engine burns fuel. Rockets reach orbit; the launch pad, the booster stage and the rocket nozzle.",
    "bread": "Bake bread with flour, yeast and water. The dough rises; knead the bread dough and bake the loaf in an oven.",
}


def _write_corpus(root: Path, per_subject: int = 3) -> list[Path]:
    paths = []
    for name, text in SUBJECTS.items():
        for i in range(per_subject):
            p = root / f"{name}-{i}.txt"
            p.write_text(
                f"{text} Note {i}: more about {name} and {text.split()[1]}.", encoding="utf-8"
            )
            paths.append(p)
    return paths


@pytest.fixture
def corpus_engine(engine: Any, tmp_path: Path) -> Any:
    docs = tmp_path / "docs"
    docs.mkdir()
    engine.ingest(_write_corpus(docs))
    T._memo.clear()
    return engine


def test_clusters_follow_subjects_with_keyword_labels(corpus_engine: Any) -> None:
    res = compute_topics(corpus_engine.store)
    assert res.k == 3 and res.n_chunks == 9 and res.silhouette is not None
    by_doc = [{name.split("-")[0] for name in t.documents} for t in res.topics]
    assert sorted(map(sorted, by_doc)) == [["bread"], ["cats"], ["rockets"]]
    labels = [t.label for t in res.topics]
    assert len(set(labels)) == 3
    for t in res.topics:
        TopicLabel(label=t.label)  # 2-4 words, Title Case
        assert t.label_source == "keywords" and len(t.keywords) >= 3 and t.examples
    cats = next(t for t in res.topics if "cats-0.txt" in t.documents)
    assert {"cat", "cats"} & set(" ".join(cats.keywords).split())


def test_llm_labels_through_structured_output(
    corpus_engine: Any, fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    fake_openai.script(
        Reply(text='{"label": "Feline Care"}'),
        Reply(text='{"label": "not title case"}'),  # invalid: repaired once
        Reply(text='{"label": "Space Launch Systems"}'),
        Reply(text='{"label": "Bread Baking"}'),
    )
    chain = FallbackChain([make_provider("openai", fake_openai), corpus_engine.extractive])
    res = compute_topics(corpus_engine.store, chain)
    labels = {t.label for t in res.topics}
    assert labels == {"Feline Care", "Space Launch Systems", "Bread Baking"}
    assert all(t.label_source == "llm" for t in res.topics)
    assert res.labeler == "openai:gpt-4o-mini" and len(fake_openai.calls) == 4
    # the keywords and a passage are in the prompt, and labels already taken are listed
    last = fake_openai.calls[-1].body["messages"][-1]["content"]
    assert "Keywords" in last and "<passage>" in last and "Feline Care" in last


def test_falls_back_to_keywords_when_the_model_fails(
    corpus_engine: Any, fake_openai: FakeServer, make_provider: Callable[..., Any]
) -> None:
    fake_openai.default = Reply(fault="server")
    chain = FallbackChain(
        [make_provider("openai", fake_openai, max_retries=0), corpus_engine.extractive]
    )
    res = compute_topics(corpus_engine.store, chain)
    assert all(t.label_source == "keywords" for t in res.topics)
    assert len(fake_openai.calls) == 1  # a dead provider is not asked once per topic


def test_cached_per_generation_and_recomputed_after_ingest(
    corpus_engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = T.compute_topics
    monkeypatch.setattr(T, "compute_topics", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = get_topics_result(corpus_engine)
    assert get_topics_result(corpus_engine) is first and len(calls) == 1
    T._memo.clear()  # a new process: served from topics.json
    again = get_topics_result(corpus_engine)
    assert [t.label for t in again.topics] == [t.label for t in first.topics] and len(calls) == 1
    extra = tmp_path / "more.txt"
    extra.write_text(SUBJECTS["bread"] + " Sourdough starter.", encoding="utf-8")
    corpus_engine.ingest([extra])
    topics = get_topics(corpus_engine)
    assert len(calls) == 2 and sum(t.size for t in topics) == 10


def test_tiny_and_empty_corpora(engine: Any, tmp_path: Path) -> None:
    assert compute_topics(engine.store).topics == []
    p = tmp_path / "one.txt"
    p.write_text("Only one short document about tea.", encoding="utf-8")
    engine.ingest([p])
    res = compute_topics(engine.store)
    assert res.k == 1 and res.topics[0].size == 1


def test_keyword_label_prefers_phrases_and_stays_distinct() -> None:
    casing = {"nist": "NIST", "faa": "FAA"}
    assert (
        keyword_label(["risk management", "nist", "controls"], casing, set()) == "Risk Management"
    )
    assert keyword_label(["faa", "proposed", "docket"], casing, set()) == "FAA Docket"
    assert (
        keyword_label(["risk management", "controls"], casing, {"risk management"})
        != "Risk Management"
    )


@pytest.mark.integration
def test_demo_corpus_topics_with_the_real_model(settings: Any, real_embedder: Any) -> None:
    from rag.engine import Engine

    engine = Engine(settings, embedder=real_embedder)  # type: ignore[arg-type]
    engine.ensure_demo()
    res = compute_topics(engine.store)
    labels = [t.label for t in res.topics]
    assert res.k >= 3 and len(set(labels)) == len(labels)
    for lab in labels:
        TopicLabel(label=lab)
