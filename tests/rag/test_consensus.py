"""Consensus mode over two wire-format fakes (OpenAI, Anthropic), synthesised by one of them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from providers.chain import FallbackChain
from rag.consensus import consensus
from tests.fakes.servers import FakeServer, Reply

pytestmark = pytest.mark.trust

DOC = (
    "The Pro plan costs $20 per month. It includes priority support and 100 GB of storage.\n\n"
    "Refunds are issued within 14 days of purchase. Contact billing to request one.\n"
)
PRICE = "The Pro plan costs $20 per month [1]."
REFUND = "Refunds are issued within 14 days of purchase [2]."
PENGUINS = "Penguins migrate across Antarctica every winter to breed [1]."


@pytest.fixture
def setup(
    engine: Any,
    tmp_path: Path,
    make_provider: Callable[..., Any],
    fake_openai: FakeServer,
    fake_anthropic: FakeServer,
) -> tuple[Any, FallbackChain, FallbackChain]:
    f = tmp_path / "docs.md"
    f.write_text(DOC)
    engine.ingest([f])
    a = FallbackChain([make_provider("openai", fake_openai), engine.extractive])
    b = FallbackChain([make_provider("anthropic", fake_anthropic), engine.extractive])
    return engine, a, b


def test_consensus_keeps_supported_agreed_claims(
    setup: Any, fake_openai: FakeServer, fake_anthropic: FakeServer
) -> None:
    engine, a, b = setup
    fake_openai.script(
        Reply(text=f"{PRICE} {PENGUINS}"),
        Reply(text=f"{PRICE} The moon is made of green cheese and rocks [2]."),
    )
    fake_anthropic.script(Reply(text=f"{PRICE} {REFUND}"))
    r = consensus(engine, "How much is the Pro plan and can I get a refund?", [a, b], a)
    assert [x.provider for x in r.answers] == ["openai", "anthropic"]
    assert r.answers[0].grounding["supported"] == 1  # penguins flagged
    assert r.claims[0].agreement == 2 and "$20" in r.claims[0].text
    assert all("Penguins" not in c.text for c in r.claims)
    assert r.method == "synthesis" and r.answer.answer == PRICE
    assert r.removed and "cheese" in r.removed[0]
    assert r.answer.grounding["supported"] == r.answer.grounding["total"] == 1
    # The synthesiser saw the claims with agreement counts and the sources.
    synth_prompt = fake_openai.calls[-1].body["messages"][-1]["content"]
    assert "(2/2) The Pro plan costs $20 per month" in synth_prompt and "<sources>" in synth_prompt
    j = r.to_json()
    assert j["synthesizer"] == "openai:gpt-4o-mini"
    assert len(j["per_provider"]) == 3 and all(p["latency_ms"] >= 0 for p in j["per_provider"])
    assert j["cost_usd"] is not None and j["cost_usd"] > 0  # both priced models, three calls
    assert j["cost_usd"] == pytest.approx(sum(p["cost_usd"] for p in j["per_provider"]))


def test_unusable_synthesis_falls_back_to_claims(
    setup: Any, fake_openai: FakeServer, fake_anthropic: FakeServer
) -> None:
    engine, a, b = setup
    fake_openai.script(Reply(text=PRICE), Reply(text="Penguins rule the billing department [1]."))
    fake_anthropic.script(Reply(text=f"{PRICE} {REFUND}"))
    r = consensus(engine, "How much is the Pro plan?", [a, b], a)
    assert r.method == "claims"
    assert (
        r.answer.answer.startswith("The Pro plan costs $20 per month")
        and "Penguins" not in r.answer.answer
    )
    assert r.answer.consensus["method"] == "claims"


def test_failed_provider_still_listed(
    setup: Any, fake_openai: FakeServer, fake_anthropic: FakeServer
) -> None:
    engine, a, b = setup
    fake_anthropic.script(*[Reply(fault="server")] * 3)
    fake_openai.script(Reply(text=PRICE), Reply(text=PRICE))
    r = consensus(engine, "How much is the Pro plan?", [a, b])
    assert r.answers[1].provider == "extractive"
    assert r.answers[1].attempts[0].error_kind == "server"
    assert r.answer.answer == PRICE


def test_cli_consensus_json(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    fake_openai: FakeServer,
    fake_anthropic: FakeServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    import rag.engine
    from rag.cli import main
    from tests.conftest import FakeEmbedder
    from tests.fakes.plugin import FAKE_KEY

    real = rag.engine.Engine
    monkeypatch.setattr(
        rag.engine, "Engine", lambda s, **kw: real(s, embedder=FakeEmbedder(), **kw)
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("APP_ENV", raising=False)
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "docs.md").write_text(DOC)
    for k, v in {
        "RAG_INDEX_DIR": str(tmp_path / "index"),
        "RAG_DEMO_DIR": str(tmp_path / "demo"),
        "RAG_OPENAI_API_KEY": FAKE_KEY,
        "RAG_OPENAI_BASE_URL": fake_openai.base_url,
        "RAG_ANTHROPIC_API_KEY": FAKE_KEY,
        "RAG_ANTHROPIC_BASE_URL": fake_anthropic.base_url,
        "RAG_MAX_RETRIES": "0",
    }.items():
        monkeypatch.setenv(k, v)
    fake_openai.script(Reply(text=PRICE), Reply(text=PRICE))
    fake_anthropic.script(Reply(text=PRICE))
    rc = main(
        [
            "consensus",
            "How much is the Pro plan?",
            "--providers",
            "openai:gpt-4o-mini,anthropic:claude-3-5-haiku-latest",
            "--json",
        ]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["consensus"]["answer"] == PRICE and out["method"] == "synthesis"
    assert [a["provider"] for a in out["answers"]] == ["openai", "anthropic"]
    assert out["claims"][0]["agreement"] == 2


def test_a_failed_provider_and_its_fallback_are_one_answer_not_a_consensus(
    setup: Any, fake_anthropic: FakeServer
) -> None:
    engine, _, b = setup
    fake_anthropic.script(*[Reply(fault="server")] * 3)
    alone = FallbackChain([engine.extractive])
    r = consensus(
        engine, "How much is the Pro plan?", [alone, b], asked=["extractive", "anthropic:x"]
    )
    # Anthropic failed and extractive answered for it: extractive twice is not agreement.
    assert [a.provider for a in r.answers] == ["extractive", "extractive"]
    assert r.method == "single" and r.claims == []
    assert r.answer.answer == r.answers[0].answer and r.answer.consensus is not None
    assert r.answer.consensus["asked"] == ["extractive", "anthropic:x"]
    assert len(r.answer.consensus["answered"]) == 1
    parts = r.parts()
    assert [p["requested"] for p in parts] == ["extractive", "anthropic:x"]
    assert [p["counted"] for p in parts] == [True, False]
    assert parts[1]["attempts"][0]["error_kind"] == "server"
    assert len(r.to_json()["per_provider"]) == 2  # no synthesis call: two calls, not three


def test_a_fallback_answer_counts_once_beside_the_provider_that_answered(
    setup: Any, fake_openai: FakeServer, fake_anthropic: FakeServer
) -> None:
    engine, a, b = setup
    fake_anthropic.script(*[Reply(fault="server")] * 3)
    fake_openai.script(Reply(text=PRICE), Reply(text=PRICE))
    alone = FallbackChain([engine.extractive])
    r = consensus(engine, "How much is the Pro plan?", [a, b, alone], a)
    assert [x.provider for x in r.answers] == ["openai", "extractive", "extractive"]
    assert [p["counted"] for p in r.parts()] == [True, False, True]
    assert r.method == "synthesis"
    synth_prompt = fake_openai.calls[-1].body["messages"][-1]["content"]
    assert "/3)" not in synth_prompt  # two voices, not three


def test_consensus_reaches_a_server_url_given_for_the_session(
    setup: Any, fake_openai: FakeServer
) -> None:
    # An OpenAI-compatible server typed in the sidebar: no setting, no env var names it.
    from rag.consensus import consensus_from_settings

    engine, _, _ = setup
    fake_openai.script(Reply(text=PRICE), Reply(text=PRICE))
    r = consensus_from_settings(
        engine,
        "How much is the Pro plan?",
        ["openai_compatible:local-model", "extractive"],
        base_urls={"openai_compatible": fake_openai.base_url},
    )
    assert fake_openai.calls and fake_openai.calls[0].body["model"] == "local-model"
    assert r.answers[0].provider == "openai_compatible"
