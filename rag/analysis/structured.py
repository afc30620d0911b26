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
    schema = model_cls.model_json_schema()
    sys_prompt = (
        f"{system}\n\n{schema_instructions(model_cls)}"
        if system
        else schema_instructions(model_cls)
    )
    messages = [*history, Message("user", user)]
    attempts: list[Attempt] = []
    calls = 0
    cost: float | None = 0.0
    reasons: list[str] = []
    for p in providers:
        native = bool(p.capabilities.json_mode)
        chain = _child(target, p)

        def call(
            msgs: list[Message], chain: FallbackChain = chain, native: bool = native
        ) -> Response:
            req = Request(
                messages=msgs,
                system=sys_prompt,
                temperature=temperature,
                max_tokens=max_tokens,
                json_schema=schema if native else None,
                timeout_s=timeout_s,
                metadata={"task": "structured", "schema": model_cls.__name__},
            )
            return chain.generate(req)

        resp = call(messages)
        attempts += resp.attempts
        if resp.provider == "none":  # the provider failed (error kinds are in attempts)
            reasons.append(f"{p.name}:{p.model} failed ({resp.attempts[-1].error_kind})")
            continue
        calls += 1
        cost = _add_cost(cost, resp.cost_usd)
        try:
            value = parse_as(model_cls, resp.text)
            return StructuredResult(
                value,
                True,
                "llm",
                resp.provider,
                resp.model,
                native,
                False,
                calls,
                raw=resp.text,
                attempts=attempts,
                cost_usd=cost,
            )
        except (ValidationError, ValueError) as first_err:
            err = _short(first_err)
        # One repair: show the model its answer and what was wrong with it.
        repair = [
            *messages,
            Message("assistant", resp.text),
            Message(
                "user",
                f"That reply is not valid: {err}\nReply again with only the corrected JSON object.",
            ),
        ]
        resp2 = call(repair)
        attempts += resp2.attempts
        if resp2.provider == "none":
            return StructuredResult(
                fallback,
                False,
                "fallback",
                p.name,
                p.model,
                native,
                False,
                calls,
                reason=f"invalid JSON ({err}); the repair request failed",
                raw=resp.text,
                attempts=attempts,
                cost_usd=cost,
            )
        calls += 1
        cost = _add_cost(cost, resp2.cost_usd)
        try:
            value = parse_as(model_cls, resp2.text)
            return StructuredResult(
                value,
                True,
                "llm",
                resp2.provider,
                resp2.model,
                native,
                True,
                calls,
                raw=resp2.text,
                attempts=attempts,
                cost_usd=cost,
            )
        except (ValidationError, ValueError) as second_err:
            return StructuredResult(
                fallback,
                False,
                "fallback",
                p.name,
                p.model,
                native,
                False,
                calls,
                reason=f"invalid JSON after one repair: {_short(second_err)}",
                raw=resp2.text,
                attempts=attempts,
                cost_usd=cost,
            )
    return StructuredResult(
        fallback,
        False,
        "fallback",
        calls=calls,
        reason="; ".join(reasons) or "no answer",
        attempts=attempts,
        cost_usd=cost,
    )
