"""Request fields the grounded answer cannot honour, refused as OpenAI refuses a parameter a
model does not support (400, ``invalid_request_error``, the param named).

Every answer is prose citing passages as ``[n]``, made without tools and without logprobs.
A field asking only for that (``response_format: {"type": "text"}``, ``tool_choice: "auto"``
or ``"none"``, ``logprobs: false``) is accepted; one asking for more would get a 200 the
client then fails on (``json.loads`` of prose, ``message.tool_calls`` None, ``logprobs``
None), so it is told now.
"""

from __future__ import annotations

from rag.server.errors import APIError
from rag.server.schemas import ChatCompletionRequest

WHY = "answers are prose citing passages as [n], with the passages in 'sources'"


def check(body: ChatCompletionRequest) -> None:
    """Raises the 400 for the first field ``body`` asks that no answer can give."""
    fmt = body.response_format
    if fmt is not None and fmt.type != "text":
        raise _unsupported(
            "response_format", f"'response_format' of type '{fmt.type[:64]}' is not supported"
        )
    choice = body.tool_choice
    if choice is not None and choice not in ("auto", "none"):
        raise _unsupported(
            "tool_choice", "'tool_choice' other than 'auto' or 'none' is not supported (no tools)"
        )
    if body.logprobs or body.top_logprobs:
        param = "logprobs" if body.logprobs else "top_logprobs"
        raise _unsupported(param, f"'{param}' is not supported")


def _unsupported(param: str, what: str) -> APIError:
    return APIError(
        400,
        f"Invalid parameter: {what} by this server: {WHY}.",
        param=param,
        code="unsupported_parameter",
    )
