"""Structured output: ask a provider for JSON matching a pydantic model, or fall back.

One helper for every task that needs a machine-readable answer (topic labels, sentiment by
LLM). Per provider it uses the API's native mode when its capabilities say it has one
(OpenAI ``response_format`` json_schema, Gemini ``response_json_schema``, Ollama ``format``,
Anthropic a forced tool call) and plain instructions otherwise; the schema is always in the
prompt too, because native modes differ in how much of JSON Schema they enforce. The
answer is validated with pydantic; an invalid one is sent back ONCE with the validation
error; if the repair is invalid too the caller's fallback value is returned, with the
reason. Provider errors (timeouts, 5xx, no key) move on to the next provider in the chain.
The extractive provider cannot write JSON, so it is never asked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from providers.base import Attempt, Message, Provider, Request, Response
from providers.chain import FallbackChain

T = TypeVar("T", bound=BaseModel)

# Providers that answer without a language model (they cannot follow a schema).
NON_LLM = frozenset({"extractive"})
ERROR_CHARS = 600  # validation errors can be long; the model needs the gist, not a novel

_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.I)


@dataclass
class StructuredResult(Generic[T]):
    value: T | None
    ok: bool  # True when ``value`` came from a model and validated
    source: str  # "llm" | "fallback"
    provider: str | None = None
    model: str | None = None
    native: bool = False  # the provider's own JSON/schema mode was used
    repaired: bool = False  # the first answer was invalid and the retry fixed it
    calls: int = 0  # model calls made (0, 1 or 2 per provider tried)
    reason: str | None = None  # why we fell back
    raw: str | None = None  # the last raw model text
    attempts: list[Attempt] = field(default_factory=list)
    cost_usd: float | None = 0.0


def llm_providers(target: Provider | FallbackChain) -> list[Provider]:
    providers = target.providers if isinstance(target, FallbackChain) else [target]
    return [p for p in providers if p.name not in NON_LLM]


def schema_instructions(model_cls: type[BaseModel]) -> str:
    schema = json.dumps(model_cls.model_json_schema(), ensure_ascii=False)
    return (
        "Reply with a single JSON object that validates against this JSON Schema, and "
        f"nothing else (no prose, no code fences):\n{schema}"
    )


def extract_json(text: str) -> str:
    """The JSON object in a reply that may wrap it in fences or a sentence."""
    t = _FENCE.sub("", text.strip())
    if t.startswith("{"):
        return t
    start, end = t.find("{"), t.rfind("}")
    return t[start : end + 1] if 0 <= start < end else t


def parse_as(model_cls: type[T], text: str) -> T:
    """Validate ``text`` as ``model_cls`` (raises ValidationError or ValueError)."""
    return model_cls.model_validate_json(extract_json(text))


def _short(err: Exception) -> str:
    if isinstance(err, ValidationError):
        msg = "; ".join(
            f"{'.'.join(str(x) for x in e['loc']) or 'object'}: {e['msg']}" for e in err.errors()
        )
    else:
        msg = str(err)
    return msg[:ERROR_CHARS]


def _child(target: Provider | FallbackChain, p: Provider) -> FallbackChain:
    """A one-provider chain sharing the parent's budget, usage, cache and metrics.

    Going through a chain keeps budgets, usage records and metrics; one provider at a
    time because the request (native schema or not) depends on the provider.
    """
    if isinstance(target, FallbackChain):
        return FallbackChain([p], usage=target.usage, cache=target.cache, metrics=target.metrics)
    return FallbackChain([p])


def _add_cost(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def ask_structured(
    target: Provider | FallbackChain,
    model_cls: type[T],
    system: str,
    user: str,
    *,
    fallback: T | None = None,
    temperature: float = 0.0,
    max_tokens: int = 512,
    timeout_s: float | None = None,
    history: Sequence[Message] = (),
) -> StructuredResult[T]:
    """Ask for a ``model_cls`` instance; never raises for provider or validation failures."""
    providers = llm_providers(target)
    if not providers:
        return StructuredResult(
            fallback, ok=False, source="fallback", reason="no language-model provider configured"
        )
    sys_prompt = (
        f"{system}\n\n{schema_instructions(model_cls)}"
        if system
        else schema_instructions(model_cls)
    )
    messages = [*history, Message("user", user)]
    ask = _Ask(
        target, model_cls, sys_prompt, messages, fallback, temperature, max_tokens, timeout_s
    )
    reasons: list[str] = []
    for p in providers:
        result = ask.with_provider(p)
        if isinstance(result, StructuredResult):
            return result
        reasons.append(result)  # the provider failed: the next one
    return StructuredResult(
        fallback,
        False,
        "fallback",
        calls=ask.calls,
        reason="; ".join(reasons) or "no answer",
        attempts=ask.attempts,
        cost_usd=ask.cost,
    )


@dataclass
class _Ask(Generic[T]):
    """One structured question, put to one provider at a time; counts model calls, keeps
    the attempts and adds up the cost over every provider tried."""

    target: Provider | FallbackChain
    model_cls: type[T]
    system: str
    messages: list[Message]
    fallback: T | None
    temperature: float
    max_tokens: int
    timeout_s: float | None
    attempts: list[Attempt] = field(default_factory=list)
    calls: int = 0
    cost: float | None = 0.0

    def call(self, p: Provider, msgs: list[Message], native: bool) -> Response:
        req = Request(
            messages=msgs,
            system=self.system,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            json_schema=self.model_cls.model_json_schema() if native else None,
            timeout_s=self.timeout_s,
            metadata={"task": "structured", "schema": self.model_cls.__name__},
        )
        resp = _child(self.target, p).generate(req)
        self.attempts += resp.attempts
        if resp.provider != "none":  # "none": the provider failed (error kinds in attempts)
            self.calls += 1
            self.cost = _add_cost(self.cost, resp.cost_usd)
        return resp

    def with_provider(self, p: Provider) -> StructuredResult[T] | str:
        """The result from ``p`` (valid, or the fallback with why), or why ``p`` failed."""
        native = bool(p.capabilities.json_mode)
        resp = self.call(p, self.messages, native)
        if resp.provider == "none":
            return f"{p.name}:{p.model} failed ({resp.attempts[-1].error_kind})"
        try:
            return self.valid(parse_as(self.model_cls, resp.text), resp, native, repaired=False)
        except (ValidationError, ValueError) as first_err:
            err = _short(first_err)
        # One repair: show the model its answer and what was wrong with it.
        repair = [
            *self.messages,
            Message("assistant", resp.text),
            Message(
                "user",
                f"That reply is not valid: {err}\nReply again with only the corrected JSON object.",
            ),
        ]
        resp2 = self.call(p, repair, native)
        if resp2.provider == "none":
            reason = f"invalid JSON ({err}); the repair request failed"
            return self.fallen_back(p, native, reason, resp.text)
        try:
            return self.valid(parse_as(self.model_cls, resp2.text), resp2, native, repaired=True)
        except (ValidationError, ValueError) as second_err:
            reason = f"invalid JSON after one repair: {_short(second_err)}"
            return self.fallen_back(p, native, reason, resp2.text)

    def valid(self, value: T, resp: Response, native: bool, repaired: bool) -> StructuredResult[T]:
        return StructuredResult(
            value,
            True,
            "llm",
            resp.provider,
            resp.model,
            native,
            repaired,
            self.calls,
            raw=resp.text,
            attempts=self.attempts,
            cost_usd=self.cost,
        )

    def fallen_back(self, p: Provider, native: bool, reason: str, raw: str) -> StructuredResult[T]:
        return StructuredResult(
            self.fallback,
            False,
            "fallback",
            p.name,
            p.model,
            native,
            False,
            self.calls,
            reason=reason,
            raw=raw,
            attempts=self.attempts,
            cost_usd=self.cost,
        )
