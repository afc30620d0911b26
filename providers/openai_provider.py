"""OpenAI chat completions through the official ``openai`` SDK.

Usage comes from the API's ``usage`` object; when streaming we ask for it with
``stream_options={"include_usage": True}`` (it arrives in a last chunk with no choices).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar

import openai

from providers.base import Capabilities, Request, Response, StreamItem, ToolCall, Usage
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


def openai_messages(request: Request) -> list[dict[str, Any]]:
    """Chat messages with tool turns in OpenAI's shape (assistant ``tool_calls``, ``tool``)."""
    out: list[dict[str, Any]] = []
    if request.system:
        out.append({"role": "system", "content": request.system})
    for m in request.messages:
        if m.role == "system" and request.system:
            continue
        d: dict[str, Any] = {"role": m.role, "content": m.content}
        if m.tool_calls:
            d["content"] = m.content or None
            d["tool_calls"] = [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                }
                for c in m.tool_calls
            ]
        if m.role == "tool":
            d["tool_call_id"] = m.tool_call_id or ""
        out.append(d)
    return out


def openai_tools(request: Request) -> dict[str, Any]:
    """``tools`` / ``tool_choice`` parameters for a request that offers tools."""
    if not request.tools:
        return {}
    p: dict[str, Any] = {
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": t.name,
                    "description": t.description,
                    "parameters": t.parameters,
                },
            }
            for t in request.tools
        ]
    }
    choice = request.tool_choice
    if choice in ("auto", "none", "required"):
        p["tool_choice"] = choice
    elif choice:
        p["tool_choice"] = {"type": "function", "function": {"name": choice}}
    return p


def parse_openai_tool_calls(message: Any, label: str) -> list[ToolCall]:
    calls: list[ToolCall] = []
    for c in getattr(message, "tool_calls", None) or []:
        fn = getattr(c, "function", None)
        if fn is None:
            continue
        try:
            args = json.loads(fn.arguments or "{}")
        except ValueError as e:
            raise BadResponseError(
                f"tool call arguments are not JSON: {fn.arguments[:80]!r}", provider=label
            ) from e
        calls.append(ToolCall(c.id, fn.name, args if isinstance(args, dict) else {"value": args}))
    return calls


def map_openai_error(e: BaseException, label: str) -> ProviderError:
    """Every ``openai`` exception (and transport failure) -> our hierarchy."""
    if isinstance(e, ProviderError):
        return e
    if isinstance(e, openai.APITimeoutError):
        return ProviderTimeout("request timed out", provider=label)
    if isinstance(e, openai.APIConnectionError):
        cause = e.__cause__ or e.__context__
        return ProviderConnectionError(
            f"connection error: {type(cause).__name__ if cause else e}", provider=label
        )
    if isinstance(e, openai.APIResponseValidationError):
        return BadResponseError(
            f"response did not match the schema: {e.message}", provider=label, status=e.status_code
        )
    if isinstance(e, openai.APIStatusError):
        status = e.status_code
        body = e.body if isinstance(e.body, dict) else {}
        err = body.get("error", body) if isinstance(body, dict) else {}
        code = str(err.get("code") or "") if isinstance(err, dict) else ""
        msg = str(err.get("message") or e.message) if isinstance(err, dict) else e.message
        ra = parse_retry_after(e.response.headers)
        if isinstance(e, openai.AuthenticationError | openai.PermissionDeniedError):
            return AuthError(f"HTTP {status}: {msg}", provider=label, status=status)
        if isinstance(e, openai.RateLimitError):
            rl = RateLimitError(
                f"HTTP {status}: {msg}", provider=label, status=status, retry_after=ra
            )
            if code == "insufficient_quota":
                rl.retryable = False  # out of credit: waiting will not help
            return rl
        if code == "context_length_exceeded" or (status == 400 and looks_like_context_error(msg)):
            return ContextTooLongError(f"HTTP {status}: {msg}", provider=label, status=status)
        if code in ("content_filter", "content_policy_violation"):
            return ContentFilteredError(f"HTTP {status}: {msg}", provider=label, status=status)
        return from_status(status, msg, provider=label, retry_after=ra)
    if isinstance(e, openai.APIError) and not isinstance(e, openai.APIStatusError):
        return map_stream_error(e, label)
    if isinstance(e, openai.ContentFilterFinishReasonError):
        return ContentFilteredError("output stopped by the content filter", provider=label)
    if isinstance(e, openai.OpenAIError):
        return ProviderError(f"{type(e).__name__}: {e}", provider=label)
    mapped = map_transport_error(e, label)
    return mapped or ProviderError(f"unexpected {type(e).__name__}: {e}", provider=label)


def map_stream_error(e: openai.APIError, label: str) -> ProviderError:
    """An ``{"error": {...}}`` chunk inside a 200 stream (the SDK raises a bare APIError).

    The HTTP status was 200, so the error's ``type``/``code`` is all there is to go on: a
    server-side failure is transient (retried before the first token, handed on to the
    next provider after it), anything else is not.
    """
    etype, code = str(e.type or ""), str(e.code or "")
    msg = f"error mid-stream ({etype or code or 'unknown'}): {e.message}"
    text = f"{etype} {code} {e.message}".lower()
    if "overloaded" in text or code in ("engine_overloaded", "service_unavailable"):
        return OverloadedError(msg, provider=label)
    if etype in ("server_error", "api_error") or code in ("server_error", "internal_error"):
        return ServerError(msg, provider=label)
    if code == "rate_limit_exceeded" or etype in ("requests", "tokens"):
        return RateLimitError(msg, provider=label)
    if code == "context_length_exceeded":
        return ContextTooLongError(msg, provider=label)
    if code in ("content_filter", "content_policy_violation"):
        return ContentFilteredError(msg, provider=label)
    return ProviderError(msg, provider=label)


class OpenAIProvider(RemoteProvider):
    name: ClassVar[str] = "openai"
    default_model: ClassVar[str] = "gpt-4o-mini"
    key_env_vars: ClassVar[tuple[str, ...]] = ("OPENAI_API_KEY",)
    base_url_env_var: ClassVar[str | None] = "OPENAI_BASE_URL"
    display_name: ClassVar[str] = "OpenAI"
    key_setting: ClassVar[str | None] = "openai_api_key"
    base_url_setting: ClassVar[str | None] = "openai_base_url"
    locality: ClassVar[str] = "remote"
    capabilities = Capabilities(streaming=True, json_mode=True, tools=True, max_context=128_000)

    def _make_client(self, key: str | None) -> openai.OpenAI:
        # max_retries=0: our resilience loop is the only one. The timeout is per request.
        return openai.OpenAI(
            api_key=key or "no-key",
            base_url=self.base_url,
            max_retries=0,
            timeout=self.timeout_s,
        )

    def _map(self, e: BaseException) -> ProviderError:
        return map_openai_error(e, self.label)

    def _params(self, request: Request) -> dict[str, Any]:
        p: dict[str, Any] = {
            "model": self.model,
            "messages": openai_messages(request),
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            **openai_tools(request),
        }
        if request.stop:
            p["stop"] = request.stop
        if request.json_schema:
            p["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": request.json_schema},
            }
        return p

    def _check_finish(self, finish: str | None, text: str) -> None:
        if finish == "content_filter":
            raise ContentFilteredError("output stopped by the content filter", provider=self.label)

    def _generate_once(self, request: Request, key: str | None) -> Response:
        client = self.client(key)
        with self.mapped_errors():
            c = client.chat.completions.create(
                **self._params(request), timeout=self.timeout_for(request)
            )
            choice = c.choices[0]
            text = choice.message.content or ""
            refusal = getattr(choice.message, "refusal", None)
            calls = parse_openai_tool_calls(choice.message, self.label)
            finish = choice.finish_reason
            u = c.usage
            usage = Usage(u.prompt_tokens, u.completion_tokens) if u else Usage()
            model = c.model or self.model
        self._check_finish(finish, text)
        if refusal and not text:
            raise ContentFilteredError(f"model refused: {refusal}", provider=self.label)
        return Response(
            text=text,
            provider=self.name,
            model=model,
            usage=usage,
            finish_reason=finish,
            tool_calls=calls,
        )

    def _stream_once(self, request: Request, key: str | None) -> Iterator[StreamItem]:
        client = self.client(key)
        parts: list[str] = []
        finish: str | None = None
        usage = Usage()
        model = self.model
        done = False
        with self.mapped_errors():
            stream = client.chat.completions.create(
                **self._params(request),
                stream=True,
                stream_options={"include_usage": True},
                timeout=self.timeout_for(request),
            )
            with stream:
                for chunk in stream:
                    model = chunk.model or model
                    if chunk.usage is not None:
                        usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                    for choice in chunk.choices:
                        delta = choice.delta.content if choice.delta else None
                        if delta:
                            parts.append(delta)
                            yield delta
                        if choice.finish_reason:
                            finish = choice.finish_reason
                            done = True
        self._check_finish(finish, "".join(parts))
        if not done:
            # The server closed the stream cleanly but never said it had finished.
            raise ProviderConnectionError("stream ended before finish_reason", provider=self.label)
        yield Response(
            text="".join(parts), provider=self.name, model=model, usage=usage, finish_reason=finish
        )
