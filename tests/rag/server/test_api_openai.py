"""``rag serve`` through the real ``openai`` SDK: cited answers (plain and streamed), usage,
history, auth and errors; documents through httpx."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import openai
import pytest

from tests.rag.server.conftest import Live

pytestmark = pytest.mark.integration

QUESTION = "How many days of paid vacation do full-time employees get?"
CITE = re.compile(r"\[\d+\]")


def _ask(client: Any, content: str, **kw: Any) -> Any:
    return client.chat.completions.create(
        model="grounded-qa", messages=[{"role": "user", "content": content}], **kw
    )


def test_models_lists_grounded_qa(client: Any) -> None:
    ids = [m.id for m in client.models.list()]
    assert ids == ["grounded-qa"]
    assert client.models.retrieve("grounded-qa").id == "grounded-qa"


def test_cited_answer(client: Any) -> None:
    resp = _ask(client, QUESTION)
    text = resp.choices[0].message.content
    assert "25" in text and CITE.search(text), text
    assert resp.choices[0].finish_reason == "stop"
    assert resp.object == "chat.completion" and resp.model == "grounded-qa"
    sources = resp.model_extra["sources"]
    cited = [s for s in sources if s["cited"]]
    assert cited and cited[0]["file"] == "employee-handbook.md"
    assert {"n", "file", "page", "text", "score"} <= set(cited[0])
    assert f"[{cited[0]['n']}]" in text
    assert resp.usage is not None and resp.usage.total_tokens >= 0


def test_streamed_answer_with_usage(client: Any) -> None:
    chunks = list(_ask(client, QUESTION, stream=True, stream_options={"include_usage": True}))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "25" in text and CITE.search(text), text
    finished = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert [c.choices[0].finish_reason for c in finished] == ["stop"]
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert all(c.usage is None for c in chunks[:-1])
    assert any(s["cited"] for s in last.model_extra["sources"])
    assert finished[0].model_extra["sources"] == last.model_extra["sources"]


def test_stream_wire_format(live: Live) -> None:
    body = {
        "model": "grounded-qa",
        "stream": True,
        "messages": [{"role": "user", "content": QUESTION}],
    }
    with httpx.stream(
        "POST", live.api + "/chat/completions", json=body, headers=live.auth(), timeout=60
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    assert chunks[-1]["choices"][0] == {
        "index": 0,
        "delta": {},
        "logprobs": None,
        "finish_reason": "stop",
    }
    assert "usage" not in chunks[-1] and chunks[-1]["sources"]


def test_follow_up_uses_the_history(client: Any) -> None:
    first = "How many weeks of parental leave does a new parent get?"
    resp = client.chat.completions.create(
        model="grounded-qa",
        messages=[
            {"role": "system", "content": "ignored: the server's prompt answers"},
            {"role": "user", "content": first},
            {"role": "assistant", "content": "Every new parent receives 20 weeks [1]."},
            {"role": "user", "content": "In how many blocks can they take it?"},
        ],
    )
    info = resp.model_extra["grounded_qa"]
    # the follow-up searched with the earlier question's key terms (rag/followup.py)
    assert info["search_query"].startswith("In how many blocks")
    assert "parental leave" in info["search_query"]
    top = resp.model_extra["sources"][0]
    assert top["file"] == "employee-handbook.md" and "three blocks" in top["text"]


def test_no_or_wrong_token_is_401(live: Live) -> None:
    from openai import OpenAI

    bad = OpenAI(base_url=live.api, api_key="wrong-token", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as e:
        _ask(bad, QUESTION)
    assert e.value.status_code == 401 and e.value.code == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer"}):
        r = httpx.get(live.api + "/models", headers=headers)
        assert r.status_code == 401, headers
        assert set(r.json()["error"]) == {"message", "type", "param", "code"}
        assert r.headers["www-authenticate"] == "Bearer"


def test_errors_in_openai_shape(client: Any, live: Live) -> None:
    with pytest.raises(openai.NotFoundError) as nf:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert nf.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError) as bad:
        client.chat.completions.create(
            model="grounded-qa", messages=[{"role": "assistant", "content": "no question"}]
        )
    assert bad.value.body["param"] == "messages"
    r = httpx.post(
        live.api + "/chat/completions", json={"model": "grounded-qa"}, headers=live.auth()
    )
    assert r.status_code == 400 and r.json()["error"]["param"] == "messages"
    big = {"model": "grounded-qa", "messages": [{"role": "user", "content": "a" * 1_100_000}]}
    r = httpx.post(live.api + "/chat/completions", json=big, headers=live.auth())
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"


def test_upload_list_ask_delete(live: Live, client: Any, tmp_path: Any) -> None:
    note = "Zorblax tokens cost 42 credits each at the Quillon kiosk. They expire after 9 days."
    files = [("files", ("zorblax.txt", note.encode(), "text/plain"))]
    r = httpx.post(live.api + "/documents", files=files, headers=live.auth(), timeout=60)
    assert r.status_code == 200, r.text
    (result,) = r.json()["data"]
    assert result["status"] == "added" and result["path"] == "zorblax.txt"
    doc_id = result["doc_id"]
    listed = httpx.get(live.api + "/documents", headers=live.auth()).json()["data"]
    assert doc_id in {d["id"] for d in listed}

    resp = _ask(client, "How many credits does a Zorblax token cost?")
    assert "42" in resp.choices[0].message.content
    assert any(s["file"] == "zorblax.txt" and s["cited"] for s in resp.model_extra["sources"])

    r = httpx.delete(f"{live.api}/documents/{doc_id}", headers=live.auth())
    assert r.status_code == 200 and r.json() == {
        "id": doc_id,
        "object": "document",
        "deleted": True,
    }
    listed = httpx.get(live.api + "/documents", headers=live.auth()).json()["data"]
    assert doc_id not in {d["id"] for d in listed}
    resp = _ask(client, "How many credits does a Zorblax token cost?")
    assert all(s["file"] != "zorblax.txt" for s in resp.model_extra["sources"])
    r = httpx.delete(f"{live.api}/documents/{doc_id}", headers=live.auth())
    assert r.status_code == 404 and r.json()["error"]["code"] == "document_not_found"
