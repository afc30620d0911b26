"""Gemini through the official ``google-genai`` SDK (not the deprecated google-generativeai).

Usage comes from ``usageMetadata`` (``promptTokenCount`` / ``candidatesTokenCount``); when
streaming, the last chunk's counts are the totals. A 429 carries its wait in the error's
``RetryInfo.retryDelay`` (or a Retry-After header), which we honour.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from providers.base import Capabilities, Message, Request, Response, StreamItem, ToolCall, Usage
from providers.errors import (
    AuthError,
    BadResponseError,
    ContentFilteredError,
    ContextTooLongError,
    ProviderConnectionError,
    ProviderError,
    from_status,
    looks_like_context_error,
    parse_retry_after,
)
from providers.remote import RemoteProvider, map_transport_error

_BLOCK_FINISH = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"}


def _retry_delay(details: Any) -> float | None:
    """``RetryInfo.retryDelay`` ("2s", "1.5s") from a Google error body."""
    err = details.get("error", details) if isinstance(details, dict) else {}
    for d in (err.get("details") or []) if isinstance(err, dict) else []:
        if isinstance(d, dict) and str(d.get("@type", "")).endswith("RetryInfo"):
            m = re.fullmatch(r"\s*([0-9.]+)s\s*", str(d.get("retryDelay", "")))
            if m:
                return float(m.group(1))
    return None


def _reasons(details: Any) -> set[str]:
    err = details.get("error", details) if isinstance(details, dict) else {}
    out: set[str] = set()
    for d in (err.get("details") or []) if isinstance(err, dict) else []:
        if isinstance(d, dict) and d.get("reason"):
            out.add(str(d["reason"]))
    return out


def gemini_usage(u: types.GenerateContentResponseUsageMetadata) -> Usage:
    """Thinking models (2.5) count their thoughts apart from the answer
    (``thoughtsTokenCount``) and bill them as output: output = candidates + thoughts."""
    out = u.candidates_token_count
    if u.thoughts_token_count:
        out = (out or 0) + u.thoughts_token_count
    return Usage(u.prompt_token_count, out)


def map_gemini_error(e: BaseException, label: str) -> ProviderError:
    if isinstance(e, ProviderError):
        return e
    if isinstance(e, genai_errors.APIError):
        status = int(e.code or 0)
        msg = f"{e.status or ''} {e.message or ''}".strip()
        headers = getattr(e.response, "headers", None)
        ra = parse_retry_after(headers) if headers is not None else None
        if ra is None:
            ra = _retry_delay(e.details)
        if (
            status in (401, 403)
            or "API_KEY_INVALID" in _reasons(e.details)
            or e.status == "UNAUTHENTICATED"
        ):
            return AuthError(f"HTTP {status}: {msg}", provider=label, status=status)
        if status == 400 and looks_like_context_error(msg):
            return ContextTooLongError(f"HTTP {status}: {msg}", provider=label, status=status)
        return from_status(status, msg, provider=label, retry_after=ra)
    mapped = map_transport_error(e, label)
    return mapped or ProviderError(f"unexpected {type(e).__name__}: {e}", provider=label)


def gemini_contents(messages: list[Message]) -> list[types.Content]:
    """user/model turns; tool calls as ``function_call`` parts, results as ``function_response``."""
    out: list[types.Content] = []
    for m in messages:
        if m.role == "tool":
            part = types.Part(
                function_response=types.FunctionResponse(
                    id=m.tool_call_id or None, name=m.name or "tool", response={"result": m.content}
                )
            )
            prev = out[-1] if out else None
            if prev is not None and prev.parts and all(x.function_response for x in prev.parts):
                prev.parts.append(part)  # one turn carries all results of one model turn
            else:
                out.append(types.Content(role="user", parts=[part]))
        elif m.role == "assistant" and m.tool_calls:
            parts = [types.Part(text=m.content)] if m.content else []
            parts += [
                types.Part(function_call=types.FunctionCall(id=c.id, name=c.name, args=c.arguments))
                for c in m.tool_calls
            ]
            out.append(types.Content(role="model", parts=parts))
        elif m.role in ("user", "assistant"):
            out.append(
                types.Content(
                    role="model" if m.role == "assistant" else "user",
                    parts=[types.Part(text=m.content)],
                )
            )
    return out


def gemini_tool_config(request: Request) -> dict[str, Any]:
    if not request.tools:
        return {}
    decls = [
        types.FunctionDeclaration(
            name=t.name, description=t.description, parameters_json_schema=t.parameters
        )
        for t in request.tools
    ]
    choice = request.tool_choice or "auto"
    mode = {"auto": "AUTO", "none": "NONE", "required": "ANY"}.get(choice, "ANY")
    fcc = types.FunctionCallingConfig(
        mode=mode,  # type: ignore[arg-type]
        allowed_function_names=[choice] if mode == "ANY" and choice != "required" else None,
    )
    return {
        "tools": [types.Tool(function_declarations=decls)],
        "tool_config": types.ToolConfig(function_calling_config=fcc),
        # We run the tools ourselves: the SDK must not try to call Python functions.
        "automatic_function_calling": types.AutomaticFunctionCallingConfig(disable=True),
    }


class GeminiProvider(RemoteProvider):
    name: ClassVar[str] = "gemini"
    default_model: ClassVar[str] = "gemini-2.0-flash"
    # GOOGLE_API_KEY first: the SDK itself prefers it when both are set.
    key_env_vars: ClassVar[tuple[str, ...]] = ("GOOGLE_API_KEY", "GEMINI_API_KEY")
    base_url_env_var: ClassVar[str | None] = "GOOGLE_GEMINI_BASE_URL"
    display_name: ClassVar[str] = "Gemini"
    key_setting: ClassVar[str | None] = "gemini_api_key"
    base_url_setting: ClassVar[str | None] = "gemini_base_url"
    locality: ClassVar[str] = "remote"
    capabilities = Capabilities(streaming=True, json_mode=True, tools=True, max_context=1_048_576)

    def _make_client(self, key: str | None) -> genai.Client:
        return genai.Client(
            api_key=key,
            http_options=types.HttpOptions(
                base_url=self.base_url,
                timeout=int(self.timeout_s * 1000),  # google-genai takes milliseconds
                retry_options=types.HttpRetryOptions(attempts=1),  # our loop retries, not theirs
            ),
        )

    def _map(self, e: BaseException) -> ProviderError:
        return map_gemini_error(e, self.label)

    def _args(self, request: Request) -> dict[str, Any]:
        contents = gemini_contents(request.messages)
        system_parts = [request.system] if request.system else []
        system_parts += [m.content for m in request.messages if m.role == "system"]
        system = "\n\n".join(system_parts)
        cfg: dict[str, Any] = {
            "temperature": request.temperature,
            "max_output_tokens": request.max_tokens,
        }
        if system:
            cfg["system_instruction"] = system
        if request.stop:
            cfg["stop_sequences"] = request.stop
        if request.json_schema:
            cfg["response_mime_type"] = "application/json"
            cfg["response_json_schema"] = request.json_schema
        cfg.update(gemini_tool_config(request))
        if request.timeout_s is not None:
            cfg["http_options"] = types.HttpOptions(
                base_url=self.base_url,
                timeout=int(request.timeout_s * 1000),
                retry_options=types.HttpRetryOptions(attempts=1),
            )
        return {
            "model": self.model,
            "contents": contents,
            "config": types.GenerateContentConfig(**cfg),
        }

    def _parse(self, r: types.GenerateContentResponse) -> tuple[str, str | None, Usage | None]:
        fb = r.prompt_feedback
        if fb is not None and fb.block_reason:
            reason = getattr(fb.block_reason, "value", fb.block_reason)
            raise ContentFilteredError(f"prompt blocked: {reason}", provider=self.label)
        text = ""
        finish: str | None = None
        if r.candidates:
            c = r.candidates[0]
            finish = (
                str(c.finish_reason.value if hasattr(c.finish_reason, "value") else c.finish_reason)
                if c.finish_reason
                else None
            )
            if c.content and c.content.parts:
                text = "".join(
                    p.text or "" for p in c.content.parts if not getattr(p, "thought", False)
                )
            if finish in _BLOCK_FINISH:
                raise ContentFilteredError(f"response blocked: {finish}", provider=self.label)
        u = r.usage_metadata
        usage = gemini_usage(u) if u else None
        return text, finish, usage

    def _generate_once(self, request: Request, key: str | None) -> Response:
        client = self.client(key)
        with self.mapped_errors():
            r = client.models.generate_content(**self._args(request))
            text, finish, usage = self._parse(r)
            calls = [
                ToolCall(fc.id or f"call_{i}", fc.name or "", dict(fc.args or {}))
                for i, fc in enumerate(r.function_calls or [])
            ]
            model = r.model_version or self.model
        if not r.candidates:
            raise BadResponseError("no candidates in response", provider=self.label)
        return Response(
            text=text,
            provider=self.name,
            model=model,
            usage=usage or Usage(),
            finish_reason=finish,
            tool_calls=calls,
        )

    def _stream_once(self, request: Request, key: str | None) -> Iterator[StreamItem]:
        client = self.client(key)
        parts: list[str] = []
        usage = Usage()
        finish: str | None = None
        model = self.model
        with self.mapped_errors():
            for r in client.models.generate_content_stream(**self._args(request)):
                text, f, u = self._parse(r)
                model = r.model_version or model
                if u is not None:
                    # Counts are cumulative per chunk; the last chunk holds the totals.
                    usage = Usage(
                        u.input_tokens,
                        u.output_tokens if u.output_tokens is not None else usage.output_tokens,
                    )
                finish = f or finish
                if text:
                    parts.append(text)
                    yield text
        if finish is None:
            raise ProviderConnectionError(
                "stream ended without a finishReason", provider=self.label
            )
        yield Response(
            text="".join(parts), provider=self.name, model=model, usage=usage, finish_reason=finish
        )

    def _model_id(self, model: Any) -> str:
        return str(model.name).removeprefix("models/")
