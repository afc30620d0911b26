"""A queue-fed provider for tests that need a model's answers but no HTTP.

    scripted = ScriptedProvider("The fee is $20 [1].", ProviderTimeout("slow"))
    with registered("scripted", scripted):          # through providers.base.register
        chain = build_chain(["scripted"], cfg, engine.extractive)

Each call takes the next item: a string (the answer text), a :class:`Response`, a list of
``(tool name, arguments)`` pairs (a tool call), or an exception to raise. When the queue is
empty the provider answers ``default``. Every request is kept in ``calls``.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from providers.base import (
    Capabilities,
    Request,
    Response,
    StreamItem,
    ToolCall,
    Usage,
    register,
    unregister,
)

Item = str | Response | BaseException | list[tuple[str, dict[str, Any]]]
_ids = itertools.count(1)


class ScriptedProvider:
    name: ClassVar[str] = "scripted"
    display_name: ClassVar[str] = "Scripted"
    locality: ClassVar[str] = "remote"
    capabilities = Capabilities(streaming=True, tools=True, paid=False)

    def __init__(self, *items: Item, model: str = "script", default: str = "") -> None:
        self.model = model
        self.queue: deque[Item] = deque(items)
        self.default = default
        self.calls: list[Request] = []

    def push(self, *items: Item) -> ScriptedProvider:
        self.queue.extend(items)
        return self

    def generate(self, request: Request) -> Response:
        self.calls.append(request)
        item = self.queue.popleft() if self.queue else self.default
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, Response):
            return item
        if isinstance(item, list):
            calls = [ToolCall(f"call_{next(_ids)}", n, a) for n, a in item]
            return Response("", self.name, self.model, Usage(10, 5), tool_calls=calls)
        return Response(item, self.name, self.model, Usage(10, 5), finish_reason="stop")

    def stream(self, request: Request) -> Iterator[StreamItem]:
        resp = self.generate(request)
        for i in range(0, len(resp.text), 50):
            yield resp.text[i : i + 50]
        yield resp


@contextmanager
def registered(name: str, provider: Any) -> Iterator[Any]:
    """``provider`` answers for ``name`` in the registry (every build returns this one)."""
    register(name, lambda *args, **kwargs: provider)
    try:
        yield provider
    finally:
        unregister(name)
