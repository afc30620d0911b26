"""Anthropic Messages API through the official ``anthropic`` SDK.

Usage: ``usage`` of the message (non-streaming); when streaming, ``input_tokens`` from
``message_start`` and the cumulative ``output_tokens`` from ``message_delta``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

import anthropic

from providers.base import Capabilities, Message, Request, Response, StreamItem, ToolCall, Usage
from providers.errors import (
    AuthError,
    BadResponseError,
    ContentFilteredError,
    ContextTooLongError,
    OverloadedError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeout,
    RateLimitError,
    ServerError,
    from_status,
    looks_like_context_error,
    parse_retry_after,
)
from providers.remote import RemoteProvider, map_transport_error


def map_anthropic_error(e: BaseException, label: str) -> ProviderError:
    if isinstance(e, ProviderError):
        return e
    if isinstance(e, anthropic.APITimeoutError):
        return ProviderTimeout("request timed out", provider=label)
    if isinstance(e, anthropic.APIConnectionError):
        cause = e.__cause__ or e.__context__
        return ProviderConnectionError(
            f"connection error: {type(cause).__name__ if cause else e}", provider=label
        )
    if isinstance(e, anthropic.APIResponseValidationError):
        return BadResponseError(f"response did not match the schema: {e.message}", provider=label)
    if isinstance(e, anthropic.APIStatusError):
        status = e.status_code
        msg = getattr(e, "api_message", None) or e.message
        etype = getattr(e, "type", None) or ""
        ra = parse_retry_after(e.response.headers)
        kw: dict[str, Any] = {"provider": label, "status": status}
        text = f"HTTP {status} {etype}: {msg}".replace("  ", " ")
        if isinstance(e, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
            return AuthError(text, **kw)
        if isinstance(e, anthropic.RateLimitError):
            return RateLimitError(text, retry_after=ra, **kw)
        if status == 200:  # an ``event: error`` inside the stream: only its type tells
            text = f"error mid-stream ({etype or 'unknown'}): {msg}"
        if etype == "overloaded_error" or status in (503, 529):
            return OverloadedError(text, retry_after=ra, **kw)
        if etype == "rate_limit_error":
            return RateLimitError(text, retry_after=ra, **kw)
        if status == 413 or etype == "request_too_large" or looks_like_context_error(str(msg)):
            return ContextTooLongError(text, **kw)
        if status >= 500 or etype in ("api_error", "timeout_error"):
            return ServerError(text, retry_after=ra, **kw)
        return from_status(status, str(msg), provider=label, retry_after=ra)
    if isinstance(e, anthropic.AnthropicError):
        return ProviderError(f"{type(e).__name__}: {e}", provider=label)
    mapped = map_transport_error(e, label)
    return mapped or ProviderError(f"unexpected {type(e).__name__}: {e}", provider=label)


# The tool Claude is forced to call when a JSON schema is asked for: its input is the JSON.
SCHEMA_TOOL = "structured_answer"


def anthropic_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """user/assistant turns; tool calls as ``tool_use`` blocks, results as ``tool_result``.

    Consecutive tool results go into one user message, as the API requires.
    """
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "tool":
            block = {
                "type": "tool_result",
                "tool_use_id": m.tool_call_id or "",
                "content": m.content,
            }
            prev = out[-1] if out else None
            if (
                prev is not None
                and prev["role"] == "user"
                and isinstance(prev["content"], list)
                and all(b.get("type") == "tool_result" for b in prev["content"])
            ):
                prev["content"].append(block)
            else:
                out.append({"role": "user", "content": [block]})
        elif m.role == "assistant" and m.tool_calls:
            blocks: list[dict[str, Any]] = (
                [{"type": "text", "text": m.content}] if m.content else []
            )
            blocks += [
                {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}
                for c in m.tool_calls
            ]
            out.append({"role": "assistant", "content": blocks})
        elif m.role in ("user", "assistant"):
            out.append({"role": m.role, "content": m.content})
    return out


class AnthropicProvider(RemoteProvider):
    name: ClassVar[str] = "anthropic"
    default_model: ClassVar[str] = "claude-3-5-haiku-latest"
    key_env_vars: ClassVar[tuple[str, ...]] = ("ANTHROPIC_API_KEY",)
    base_url_env_var: ClassVar[str | None] = "ANTHROPIC_BASE_URL"
    display_name: ClassVar[str] = "Anthropic"
    key_setting: ClassVar[str | None] = "anthropic_api_key"
    base_url_setting: ClassVar[str | None] = "anthropic_base_url"
    locality: ClassVar[str] = "remote"
    # json_mode: a forced tool call whose input schema is the requested JSON schema.
    capabilities = Capabilities(streaming=True, json_mode=True, tools=True, max_context=200_000)

    def _make_client(self, key: str | None) -> anthropic.Anthropic:
        return anthropic.Anthropic(
            api_key=key,
            base_url=self.base_url,
            max_retries=0,
            timeout=self.timeout_s,
        )

    def _map(self, e: BaseException) -> ProviderError:
        return map_anthropic_error(e, self.label)

    def _params(self, request: Request, stream: bool = False) -> dict[str, Any]:
        system_parts = [request.system] if request.system else []
        system_parts += [m.content for m in request.messages if m.role == "system"]
        p: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "messages": anthropic_messages(request.messages),
        }
        if request.tools:
            p["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.parameters}
                for t in request.tools
            ]
            choice = request.tool_choice
            if choice in ("auto", "none"):
                p["tool_choice"] = {"type": choice}
            elif choice == "required":
                p["tool_choice"] = {"type": "any"}
            elif choice:
                p["tool_choice"] = {"type": "tool", "name": choice}
        elif request.json_schema and not stream:
            # (Streams stay plain text: the schema is then only in the prompt.)
            p["tools"] = [
                {
                    "name": SCHEMA_TOOL,
                    "description": "Reply with your answer as this JSON object.",
                    "input_schema": request.json_schema,
                }
            ]
            p["tool_choice"] = {"type": "tool", "name": SCHEMA_TOOL}
        if system_parts:
            p["system"] = "\n\n".join(system_parts)
        if request.stop:
            p["stop_sequences"] = request.stop
        if self.model.startswith("claude-3"):
            # This SDK no longer exposes temperature (newer models reject it); the Claude 3
            # family still honours it, so send it raw for them. Anthropic's range is 0..1.
            p["extra_body"] = {"temperature": min(request.temperature, 1.0)}
        return p

    def _check_stop(self, stop_reason: str | None) -> None:
        if stop_reason == "refusal":
            raise ContentFilteredError(
                "model declined to answer (stop_reason=refusal)", provider=self.label
            )

    def _generate_once(self, request: Request, key: str | None) -> Response:
        client = self.client(key)
        with self.mapped_errors():
            m = client.messages.create(**self._params(request), timeout=self.timeout_for(request))
            text = "".join(
                getattr(b, "text", "") for b in m.content if getattr(b, "type", "") == "text"
            )
            calls = [
                ToolCall(b.id, b.name, dict(b.input or {}))
                for b in m.content
                if getattr(b, "type", "") == "tool_use"
            ]
            if request.json_schema and not request.tools:
                # The forced schema tool's input is the structured answer.
                forced = [c for c in calls if c.name == SCHEMA_TOOL]
                if forced:
                    text, calls = json.dumps(forced[0].arguments), []
            usage = Usage(m.usage.input_tokens, m.usage.output_tokens)
            stop, model = m.stop_reason, m.model or self.model
        self._check_stop(stop)
        return Response(
            text=text,
            provider=self.name,
            model=model,
            usage=usage,
            finish_reason=stop,
            tool_calls=calls,
        )

    def _stream_once(self, request: Request, key: str | None) -> Iterator[StreamItem]:
        client = self.client(key)
        parts: list[str] = []
        usage = Usage()
        stop: str | None = None
        model = self.model
        done = False
        with self.mapped_errors():
            stream = client.messages.create(
                **self._params(request, stream=True), stream=True, timeout=self.timeout_for(request)
            )
            with stream:
                for ev in stream:
                    t = ev.type
                    if t == "message_start":
                        model = ev.message.model or model
                        usage.input_tokens = ev.message.usage.input_tokens
                        usage.output_tokens = ev.message.usage.output_tokens
                    elif (
                        t == "content_block_delta" and getattr(ev.delta, "type", "") == "text_delta"
                    ):
                        if ev.delta.text:
                            parts.append(ev.delta.text)
                            yield ev.delta.text
                    elif t == "message_delta":
                        stop = ev.delta.stop_reason or stop
                        # output_tokens in message_delta is cumulative, not an increment.
                        usage.output_tokens = ev.usage.output_tokens
                        if getattr(ev.usage, "input_tokens", None):
                            usage.input_tokens = ev.usage.input_tokens
                    elif t == "message_stop":
                        done = True
        self._check_stop(stop)
        if not done:
            raise ProviderConnectionError("stream ended before message_stop", provider=self.label)
        yield Response(
            text="".join(parts), provider=self.name, model=model, usage=usage, finish_reason=stop
        )
