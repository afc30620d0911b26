"""The provider interface, its request/response types and the registry.

A provider turns a :class:`Request` into a :class:`Response`. ``stream()`` yields text
deltas (``str``) and ends with exactly one final :class:`Response` carrying the full text,
usage and cost. Providers know nothing of ``rag``: the numbered sources travel in the
request as data, so the extractive provider can answer from them without a model.

Providers are looked up from ``"provider:model"`` strings. Built-ins register through the
``grounded_qa.providers`` entry-point group, exactly as a third-party package would;
:func:`register` adds one at run time (tests, plugins loaded by hand).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, Literal, Protocol, runtime_checkable

from providers.errors import Kind

ENTRY_POINT_GROUP = "grounded_qa.providers"

Role = Literal["system", "user", "assistant", "tool"]

# What every answerer says when the sources do not hold the answer (the extractive provider
# answers it, the grounded prompt asks models for it word for word, grounding skips it).
REFUSAL_TEXT = "I don't have enough information in the documents to answer that."


@dataclass(frozen=True)
class Source:
    """One numbered passage the answer may cite as ``[n]``."""

    n: int
    source: str
    page: int | None
    text: str
    score: float = 0.0
    doc_id: str = ""
    chunk_id: str = ""
    # Cosine similarity of the question and the passage: comparable across questions,
    # unlike ``score`` (the fused score, relative to this question's other hits).
    relevance: float | None = None
    # The opening of a document a question about the whole document asked for ("What is
    # the handbook about?", rag/overview.py): there by choice, so its relevance (near 0 for
    # such a question) says nothing about it.
    opens_document: bool = False


@dataclass(frozen=True)
class ToolSpec:
    """A function the model may call: name, what it does, JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    """One function call the model asked for (``id`` echoes back in the tool result)."""

    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str
    # An assistant turn that called tools, and (role="tool") the result of one call. Each
    # provider renders these in its own wire format.
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None  # the tool's name on a role="tool" message (Gemini needs it)


@dataclass
class Request:
    messages: list[Message]
    system: str | None = None
    temperature: float = 0.1
    max_tokens: int = 512
    stop: list[str] | None = None
    json_schema: dict[str, Any] | None = None
    # Function calling (providers whose Capabilities.tools is True): the tools offered and
    # "auto" | "none" | "required" | a tool name (force that tool).
    tools: list[ToolSpec] | None = None
    tool_choice: str | None = None
    # Grounding data: the question and its numbered sources, also rendered into messages.
    question: str = ""
    sources: list[Source] = field(default_factory=list)
    timeout_s: float | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Usage:
    input_tokens: int | None = None
    output_tokens: int | None = None

    @property
    def total_tokens(self) -> int:
        return (self.input_tokens or 0) + (self.output_tokens or 0)


@dataclass
class Attempt:
    """One provider tried on the way to an answer, and why it did not answer (if so)."""

    provider: str
    model: str
    error: str | None = None
    error_kind: Kind | None = None
    latency_ms: float = 0.0
    # What a failed attempt was billed all the same: a stream cut after some text (our own
    # estimate, its usage never came). Not in the answer's usage: the answer is another's.
    tokens: int = 0
    cost_usd: float | None = 0.0


@dataclass
class Response:
    text: str
    provider: str
    model: str
    usage: Usage = field(default_factory=Usage)
    # None means "unpriced": never report an unknown price as $0.
    cost_usd: float | None = 0.0
    latency_ms: float = 0.0
    finish_reason: str | None = None
    cached: bool = False
    interrupted: bool = False
    attempts: list[Attempt] = field(default_factory=list)
    refused: bool = False
    # Sources the answer cites (indices into Request.sources' ``n``), when known.
    cited: list[int] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    # Tools the model asked to call instead of (or besides) answering.
    tool_calls: list[ToolCall] = field(default_factory=list)

    @property
    def priced(self) -> bool:
        return self.cost_usd is not None


@dataclass(frozen=True)
class Capabilities:
    streaming: bool = True
    json_mode: bool = False
    tools: bool = False
    max_context: int = 8192
    local: bool = False  # runs on this machine: allowed in "sensitive" mode
    paid: bool = True


StreamItem = str | Response


@runtime_checkable
class Provider(Protocol):
    name: str
    model: str
    capabilities: Capabilities

    def generate(self, request: Request) -> Response: ...

    def stream(self, request: Request) -> Iterator[StreamItem]: ...


class Answerer(Protocol):
    """Anything that answers a request: a provider, or a fallback chain of them."""

    def generate(self, request: Request) -> Response: ...

    def stream(self, request: Request) -> Iterator[StreamItem]: ...


ProviderFactory = Callable[..., Provider]

_registry: dict[str, ProviderFactory] = {}
_lock = threading.Lock()
_loaded = False


def register(name: str, factory: ProviderFactory) -> None:
    """Register a provider factory under ``name`` (overrides an entry point of that name)."""
    with _lock:
        _registry[name] = factory


def unregister(name: str) -> None:
    with _lock:
        _registry.pop(name, None)


def _load_entry_points() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            # Explicit register() calls win over entry points with the same name.
            _registry.setdefault(ep.name, _LazyEntryPoint(ep))
        _loaded = True


def reload_entry_points() -> None:
    """Forget loaded entry points and read them again (after installing a plugin)."""
    global _loaded
    with _lock:
        for k in [k for k, v in _registry.items() if isinstance(v, _LazyEntryPoint)]:
            del _registry[k]
        _loaded = False
    _load_entry_points()


class _LazyEntryPoint:
    """Defers importing a provider module (and its SDK) until it is first used."""

    def __init__(self, ep: Any) -> None:
        self.ep = ep
        self._obj: ProviderFactory | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Provider:
        if self._obj is None:
            self._obj = self.ep.load()
        return self._obj(*args, **kwargs)

    def load(self) -> ProviderFactory:
        if self._obj is None:
            self._obj = self.ep.load()
        return self._obj


def available() -> list[str]:
    _load_entry_points()
    return sorted(_registry)


def factory_for(name: str) -> ProviderFactory:
    _load_entry_points()
    try:
        f = _registry[name]
    except KeyError:
        raise LookupError(
            f"unknown provider {name!r}; known: {', '.join(sorted(_registry)) or 'none'}"
        ) from None
    return f.load() if isinstance(f, _LazyEntryPoint) else f


def parse_spec(spec: str) -> tuple[str, str | None]:
    """``"openai:gpt-4o-mini"`` -> ``("openai", "gpt-4o-mini")``; ``"extractive"`` -> ``(.., None)``."""
    name, sep, model = spec.strip().partition(":")
    if not name:
        raise ValueError(f"empty provider name in {spec!r}")
    return name, (model or None) if sep else None


def get_provider(spec: str, **kwargs: Any) -> Provider:
    """Build the provider named by ``"provider:model"``; kwargs go to its constructor."""
    name, model = parse_spec(spec)
    factory = factory_for(name)
    if model is not None:
        kwargs.setdefault("model", model)
    return factory(**kwargs)
