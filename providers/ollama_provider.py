"""Ollama through its native API (``/api/chat``, models from ``/api/tags``) with httpx.

Usage from ``prompt_eval_count`` / ``eval_count`` of the final (``done: true``) message. Runs
locally, so it is free (cost 0) and allowed in sensitive mode.

Ollama never refuses a prompt longer than its context: it silently keeps the end of it, so
the sources at the top would vanish without a word. So every request carries
``options.num_ctx`` and the chain's budgeter fits the sources to that same number:
:attr:`OllamaProvider.max_context` is the model's context length from ``/api/show`` (a
Modelfile ``num_ctx`` wins; else ``model_info["<arch>.context_length"]`` capped by
``ProviderConfig.ollama_num_ctx_max``), or :data:`FALLBACK_NUM_CTX` when it cannot be read.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any, ClassVar

import httpx

from providers.base import Capabilities, Request, Response, StreamItem, ToolCall, Usage
from providers.errors import (
    BadResponseError,
    ModelNotFoundError,
    ProviderConnectionError,
    ProviderError,
    ServerError,
    from_status,
    parse_retry_after,
)
from providers.remote import RemoteProvider, chat_messages, map_transport_error

log = logging.getLogger(__name__)

DEFAULT_HOST = "http://127.0.0.1:11434"
FALLBACK_NUM_CTX = 4096  # Ollama's own default on small machines


def context_from_show(info: dict[str, Any], cap: int) -> int | None:
    """The window to use from an ``/api/show`` answer (None if it says nothing)."""
    for line in str(info.get("parameters") or "").splitlines():
        name, _, value = line.strip().partition(" ")
        if name == "num_ctx" and value.strip().isdigit():
            return int(value.strip())  # the Modelfile's deliberate choice
    model_info = info.get("model_info") or {}
    trained = [
        int(v)
        for k, v in model_info.items()
        if k.endswith(".context_length") and isinstance(v, int | float)
    ]
    return min(max(trained), cap) if trained else None


def normalize_host(host: str) -> str:
    """``OLLAMA_HOST`` may be ``0.0.0.0``, ``host:port`` or a URL; make it a URL."""
    h = host.strip().rstrip("/")
    if "://" not in h:
        h = "http://" + h
    scheme, _, rest = h.partition("://")
    hostport = rest.split("/", 1)[0]
    if hostport.startswith("0.0.0.0"):  # a bind address, not one to connect to
        rest = rest.replace("0.0.0.0", "127.0.0.1", 1)
        hostport = rest.split("/", 1)[0]
    if ":" not in hostport.rsplit("]", 1)[-1]:
        rest = rest.replace(hostport, hostport + ":11434", 1)
    return f"{scheme}://{rest}"


class OllamaProvider(RemoteProvider):
    name: ClassVar[str] = "ollama"
    default_model: ClassVar[str] = "llama3.2"
    key_env_vars: ClassVar[tuple[str, ...]] = ("OLLAMA_API_KEY",)  # only for a proxied/cloud Ollama
    base_url_env_var: ClassVar[str | None] = "OLLAMA_HOST"
    requires_key: ClassVar[bool] = False
    display_name: ClassVar[str] = "Ollama"
    key_setting: ClassVar[str | None] = None  # OLLAMA_API_KEY only for a proxied Ollama
    base_url_setting: ClassVar[str | None] = "ollama_host"
    default_base_url: ClassVar[str | None] = "http://127.0.0.1:11434"  # DEFAULT_HOST, as a literal
    locality: ClassVar[str] = "local"
    capabilities = Capabilities(
        streaming=True, json_mode=True, tools=True, max_context=8192, local=True, paid=False
    )

    def __init__(self, model: str | None = None, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        self.base_url = normalize_host(self.base_url or DEFAULT_HOST)
        self._num_ctx: int | None = None

    @property
    def max_context(self) -> int:
        """The window every request asks for (``options.num_ctx``); read once per model."""
        if self._num_ctx is None:
            self._num_ctx = self._read_num_ctx()
        return self._num_ctx

    def _read_num_ctx(self) -> int:
        try:
            client = self.client(self.resilience.keys.current())
            r = client.post("/api/show", json={"model": self.model}, timeout=self.timeout_s)
            found = (
                context_from_show(r.json(), self.config.ollama_num_ctx_max)
                if r.is_success
                else None
            )
        except Exception as e:  # an old or unreachable server: the call itself will say so
            log.info("%s: /api/show failed (%s)", self.label, type(e).__name__)
            found = None
        return found or FALLBACK_NUM_CTX

    def num_ctx_for(self, request: Request) -> int:
        """The window the request was fitted to (the budgeter's), else the model's own."""
        fitted = (request.metadata.get("context") or {}).get("max_context")
        return int(fitted) if fitted else self.max_context

    def _make_client(self, key: str | None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(
            base_url=self.base_url or DEFAULT_HOST, timeout=self.timeout_s, headers=headers
        )

    def _map(self, e: BaseException) -> ProviderError:
        if isinstance(e, ProviderError):
            return e
        return map_transport_error(e, self.label) or ProviderError(
            f"unexpected {type(e).__name__}: {e}", provider=self.label
        )

    def _raise_for_status(self, r: httpx.Response) -> None:
        if r.status_code < 400:
            return
        r.read()
        try:
            msg = str(r.json().get("error") or r.text)
        except ValueError:
            msg = r.text
        if r.status_code == 404 and "model" in msg and "not found" in msg:
            # Ollama's 'model "x" not found, try pulling it first': said as what it is, so
            # the note names the missing model instead of "Ollama failed".
            raise ModelNotFoundError(
                f"model {self.model!r} is not installed in Ollama ({msg})", provider=self.label
            )
        raise from_status(
            r.status_code, msg, provider=self.label, retry_after=parse_retry_after(r.headers)
        )

    def _body(self, request: Request, stream: bool) -> dict[str, Any]:
        options: dict[str, Any] = {
            "temperature": request.temperature,
            "num_predict": request.max_tokens,
            # Without it the server uses its default window and cuts the prompt silently.
            "num_ctx": self.num_ctx_for(request),
        }
        if request.stop:
            options["stop"] = request.stop
        messages: list[dict[str, Any]] = list(chat_messages(request))
        if request.tools or any(m.tool_calls or m.role == "tool" for m in request.messages):
            messages = self._tool_messages(request)
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "stream": stream,
            "options": options,
        }
        if request.json_schema:
            body["format"] = request.json_schema
        if request.tools and request.tool_choice != "none":
            # Ollama has no tool_choice: "none" is expressed by not offering the tools.
            body["tools"] = [
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
        return body

    @staticmethod
    def _tool_messages(request: Request) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if request.system:
            out.append({"role": "system", "content": request.system})
        for m in request.messages:
            if m.role == "system" and request.system:
                continue
            d: dict[str, Any] = {"role": m.role, "content": m.content}
            if m.tool_calls:
                d["tool_calls"] = [
                    {"function": {"name": c.name, "arguments": c.arguments}} for c in m.tool_calls
                ]
            if m.role == "tool" and m.name:
                d["tool_name"] = m.name
            out.append(d)
        return out

    def _final(self, obj: dict[str, Any], text: str) -> Response:
        return Response(
            text=text,
            provider=self.name,
            model=str(obj.get("model") or self.model),
            usage=Usage(obj.get("prompt_eval_count"), obj.get("eval_count")),
            finish_reason=obj.get("done_reason") or "stop",
        )

    def _generate_once(self, request: Request, key: str | None) -> Response:
        client = self.client(key)
        with self.mapped_errors():
            r = client.post(
                "/api/chat", json=self._body(request, False), timeout=self.timeout_for(request)
            )
            self._raise_for_status(r)
            obj = r.json()
            if "error" in obj:
                raise ServerError(str(obj["error"]), provider=self.label)
            text = obj["message"]["content"]
            calls = [
                ToolCall(
                    f"call_{i}",
                    str(c["function"]["name"]),
                    dict(c["function"].get("arguments") or {}),
                )
                for i, c in enumerate(obj["message"].get("tool_calls") or [])
            ]
        resp = self._final(obj, text or "")
        resp.tool_calls = calls
        return resp

    def _stream_once(self, request: Request, key: str | None) -> Iterator[StreamItem]:
        client = self.client(key)
        parts: list[str] = []
        final: dict[str, Any] | None = None
        with (
            self.mapped_errors(),
            client.stream(
                "POST",
                "/api/chat",
                json=self._body(request, True),
                timeout=self.timeout_for(request),
            ) as r,
        ):
            self._raise_for_status(r)
            for line in r.iter_lines():
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as e:
                    raise BadResponseError(
                        f"malformed NDJSON line: {line[:80]!r}", provider=self.label
                    ) from e
                if "error" in obj:
                    raise ServerError(f"error mid-stream: {obj['error']}", provider=self.label)
                delta = (obj.get("message") or {}).get("content") or ""
                if delta:
                    parts.append(delta)
                    yield delta
                if obj.get("done"):
                    final = obj
                    break
        if final is None:
            raise ProviderConnectionError("stream ended before done=true", provider=self.label)
        yield self._final(final, "".join(parts))

    def list_models(self) -> list[str]:
        """Installed models, from ``/api/tags``."""
        client = self.client(self.resilience.keys.current())
        with self.mapped_errors():
            r = client.get("/api/tags")
            self._raise_for_status(r)
            return sorted(m["name"] for m in r.json().get("models", []))
