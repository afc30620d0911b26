"""The server answers with the chain of its settings: a (scripted) model provider, its usage in
the response, and the conversation's history in the request the provider gets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.fakes.scripted import ScriptedProvider, registered
from tests.rag.server.conftest import TOKEN, server_settings

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _client(tmp_path: Path) -> Any:
    from rag.engine import Engine
    from rag.server import create_app

    settings = server_settings(
        tmp_path / "index",
        embedding_backend="hash",
        auto_ingest_demo=False,
        provider="scripted",
        cache_ttl_s=0,
    )
    engine = Engine(settings)
    note = tmp_path / "fees.txt"
    note.write_text("The late fee is 20 dollars. Refunds take five business days.\n")
    engine.ingest([note])
    return TestClient(create_app(settings, engine))


def _streamed_text(sse: str) -> str:
    lines = [x[6:] for x in sse.splitlines() if x.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    chunks = [json.loads(x) for x in lines[:-1]]
    return "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])


def test_the_settings_chain_answers_with_history(tmp_path: Path) -> None:
    scripted = ScriptedProvider(
        "The late fee is 20 dollars [1].",
        "How long do refunds of the late fee take?",  # the follow-up, rewritten
        "Refunds take five business days [1].",
    )
    with registered("scripted", scripted), _client(tmp_path) as c:
        first = [{"role": "user", "content": "What is the late fee?"}]
        r = c.post(
            "/v1/chat/completions", json={"model": "grounded-qa", "messages": first}, headers=AUTH
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["choices"][0]["message"]["content"] == "The late fee is 20 dollars [1]."
        assert body["grounded_qa"]["provider"] == "scripted"
        assert body["usage"] == {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        assert body["sources"][0]["file"] == "fees.txt" and body["sources"][0]["cited"]

        follow = [
            *first,
            {"role": "assistant", "content": body["choices"][0]["message"]["content"]},
            {"role": "user", "content": "And how long do refunds of it take?"},
        ]
        payload = {"model": "grounded-qa", "messages": follow, "stream": True, "temperature": 0.7}
        r = c.post("/v1/chat/completions", json=payload, headers=AUTH)
        assert r.status_code == 200
        assert _streamed_text(r.text) == "Refunds take five business days [1]."
    answer_request = scripted.calls[-1]
    sent = [(m.role, m.content) for m in answer_request.messages]
    assert ("user", "What is the late fee?") in sent[:-1]
    assert ("assistant", "The late fee is 20 dollars [1].") in sent
    assert answer_request.temperature == 0.7
    assert scripted.calls[1].max_tokens == 96  # the follow-up rewrite, before the answer
