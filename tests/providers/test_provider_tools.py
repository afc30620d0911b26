"""Function calling and native JSON modes through the real SDKs against the wire fakes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from providers.base import Message, Request, ToolSpec
from tests.fakes.servers import FakeServer, Reply

pytestmark = pytest.mark.analysis

SEARCH = ToolSpec(
    "search_documents",
    "Search the documents.",
    {
        "type": "object",
        "properties": {"query": {"type": "string"}, "k": {"type": "integer"}},
        "required": ["query"],
    },
)


def _tool_request() -> Request:
    return Request(
        messages=[Message("user", "Compare A and B.")],
        system="Be brief.",
        tools=[SEARCH],
        tool_choice="auto",
    )


@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini", "ollama"])
def test_tool_call_is_parsed_and_result_sent_back(
    name: str, start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    fake = start_fake(name)
    fake.script(
        Reply(text="", tool_calls=[("search_documents", {"query": "A fees", "k": 3})]),
        Reply(text="A costs more [1]."),
    )
    p = make_provider(name, fake)
    req = _tool_request()
    first = p.generate(req)
    assert [(c.name, c.arguments) for c in first.tool_calls] == [
        ("search_documents", {"query": "A fees", "k": 3})
    ]
    call = first.tool_calls[0]
    follow = Request(
        messages=[
            *req.messages,
            Message("assistant", "", tool_calls=(call,)),
            Message("tool", "<sources>...</sources>", tool_call_id=call.id, name=call.name),
        ],
        system=req.system,
        tools=req.tools,
        tool_choice="auto",
    )
    second = p.generate(follow)
    assert second.text == "A costs more [1]." and not second.tool_calls
    body = fake.calls[-1].body
    if name == "openai":
        assert body["tools"][0]["function"]["name"] == "search_documents"
        assert body["messages"][-2]["tool_calls"][0]["id"] == call.id
        assert body["messages"][-1] == {
            "role": "tool",
            "content": "<sources>...</sources>",
            "tool_call_id": call.id,
        }
    elif name == "anthropic":
        assert body["tools"][0]["input_schema"]["required"] == ["query"]
        assert body["tool_choice"] == {"type": "auto"}
        assert body["messages"][-2]["content"][-1]["type"] == "tool_use"
        assert body["messages"][-1]["content"][0] == {
            "type": "tool_result",
            "tool_use_id": call.id,
            "content": "<sources>...</sources>",
        }
    elif name == "gemini":
        decl = body["tools"][0]["functionDeclarations"][0]
        assert decl["name"] == "search_documents"
        assert body["contents"][-2]["parts"][0]["functionCall"]["name"] == "search_documents"
        fr = body["contents"][-1]["parts"][0]["functionResponse"]
        assert fr["name"] == "search_documents" and fr["response"] == {
            "result": "<sources>...</sources>"
        }
    else:
        assert body["tools"][0]["function"]["name"] == "search_documents"
        assert body["messages"][-1]["tool_name"] == "search_documents"


@pytest.mark.parametrize("name", ["openai", "anthropic", "gemini", "ollama"])
def test_native_json_schema_on_the_wire(
    name: str, start_fake: Callable[[str], FakeServer], make_provider: Callable[..., Any]
) -> None:
    fake = start_fake(name)
    schema = {"type": "object", "properties": {"label": {"type": "string"}}, "required": ["label"]}
    if name == "anthropic":  # Claude answers through the forced schema tool
        fake.script(Reply(text="", tool_calls=[("structured_answer", {"label": "Risk"})]))
    else:
        fake.script(Reply(text='{"label": "Risk"}'))
    p = make_provider(name, fake)
    resp = p.generate(Request(messages=[Message("user", "label?")], json_schema=schema))
    assert resp.text.replace(" ", "") == '{"label":"Risk"}' and not resp.tool_calls
    body = fake.calls[-1].body
    if name == "openai":
        assert body["response_format"]["json_schema"]["schema"] == schema
    elif name == "anthropic":
        assert body["tool_choice"] == {"type": "tool", "name": "structured_answer"}
    elif name == "gemini":
        assert body["generationConfig"]["responseMimeType"] == "application/json"
    else:
        assert body["format"] == schema
