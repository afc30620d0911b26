"""What the server cannot do, said through the ``openai`` SDK's own errors: JSON output, a
forced tool call and logprobs are a 400 naming the param (not prose the client then fails to
parse); a route it does not serve is a 404 that says which it does."""

from __future__ import annotations

from typing import Any

import openai
import pytest
from pydantic import BaseModel

pytestmark = pytest.mark.integration

MESSAGES = [{"role": "user", "content": "How many days of paid vacation do employees get?"}]
TOOL = {
    "type": "function",
    "function": {"name": "lookup", "parameters": {"type": "object", "properties": {}}},
}


class Days(BaseModel):
    days: int


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"response_format": {"type": "json_object"}}, "response_format"),
        (
            {
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "days", "schema": Days.model_json_schema()},
                }
            },
            "response_format",
        ),
        ({"tools": [TOOL], "tool_choice": "required"}, "tool_choice"),
        (
            {"tools": [TOOL], "tool_choice": {"type": "function", "function": {"name": "lookup"}}},
            "tool_choice",
        ),
        ({"logprobs": True}, "logprobs"),
        ({"logprobs": True, "top_logprobs": 3, "stream": True}, "logprobs"),
    ],
)
def test_what_no_answer_can_be_is_a_400(client: Any, kwargs: dict[str, Any], param: str) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.create(model="grounded-qa", messages=MESSAGES, **kwargs)
    assert e.value.param == param and e.value.code == "unsupported_parameter"
    assert e.value.type == "invalid_request_error"
    assert f"'{param}'" in e.value.message and "[n]" in e.value.message


def test_structured_output_parse_is_refused(client: Any) -> None:
    with pytest.raises(openai.BadRequestError) as e:
        client.chat.completions.parse(model="grounded-qa", messages=MESSAGES, response_format=Days)
    assert e.value.param == "response_format"


def test_what_every_answer_already_is_is_accepted(client: Any) -> None:
    resp = client.chat.completions.create(
        model="grounded-qa",
        messages=MESSAGES,
        response_format={"type": "text"},
        tools=[TOOL],
        tool_choice="auto",
        logprobs=False,
        top_logprobs=0,
    )
    assert resp.choices[0].message.content and resp.choices[0].finish_reason == "stop"
    assert resp.choices[0].message.tool_calls is None


def test_a_route_not_served_says_which_are(client: Any) -> None:
    with pytest.raises(openai.NotFoundError) as e:
        client.completions.create(model="grounded-qa", prompt="vacation days")
    assert "Invalid URL (POST /v1/completions)" in e.value.message
    assert "POST /v1/chat/completions" in e.value.message
    with pytest.raises(openai.NotFoundError) as e:
        client.embeddings.create(model="grounded-qa", input="vacation")
    assert "/v1/embeddings" in e.value.message
