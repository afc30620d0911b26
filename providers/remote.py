"""What the networked providers share: key/base-URL precedence, resilience, timing, cost.

A subclass implements ``_generate_once(request, key)`` and ``_stream_once(request, key)``
(one HTTP call each, SDK exceptions mapped to :mod:`providers.errors` with ``from e``); this
base wraps them in the retry loop, measures latency and prices the usage.

Precedence for keys and base URLs: explicit constructor argument, then the SDK's own
environment variable, then the value from settings (``config``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from pydantic import SecretStr

from providers.base import Capabilities, Request, Response, StreamItem
from providers.budget import count_request
from providers.config import ProviderConfig
from providers.errors import (
    BadResponseError,
    MissingKeyError,
    ProviderConnectionError,
    ProviderError,
    ProviderTimeout,
    register_secret,
)
from providers.ratelimit import RateLimiter, default_limiter, priority_of
from providers.resilience import CircuitBreaker, Resilience, RetryPolicy
from providers.usage import Pricing, default_pricing

log = logging.getLogger(__name__)

KeyArg = str | SecretStr | Sequence[str | SecretStr] | None


def _plain(v: str | SecretStr) -> str:
    return v.get_secret_value() if isinstance(v, SecretStr) else v


def resolve_keys(explicit: KeyArg, env_vars: Sequence[str], configured: list[str]) -> list[str]:
    """Explicit argument > first set env var > settings. Several keys = rotation order."""
    if explicit is not None:
        vals = [explicit] if isinstance(explicit, str | SecretStr) else list(explicit)
        keys = [_plain(v).strip() for v in vals if _plain(v).strip()]
    else:
        keys = []
        for var in env_vars:
            v = os.environ.get(var, "").strip()
            if v:
                keys = [v]
                break
        if not keys:
            keys = list(configured)
    for k in keys:
        register_secret(k)
    return keys


def resolve_base_url(
    explicit: str | None, env_var: str | None, configured: str | None
) -> str | None:
    if explicit:
        return explicit
    if env_var and os.environ.get(env_var, "").strip():
        return os.environ[env_var].strip()
    return configured or None


RETRY_DEADLINE_TIMEOUTS = 1.5  # no new attempt once this many request timeouts have passed


class RemoteProvider:
    name: ClassVar[str] = "remote"
    default_model: ClassVar[str] = ""
    key_env_vars: ClassVar[tuple[str, ...]] = ()
    base_url_env_var: ClassVar[str | None] = None
    requires_key: ClassVar[bool] = True
    # What people see and set (providers/info.py reads these without importing the SDK).
    display_name: ClassVar[str] = ""
    key_setting: ClassVar[str | None] = None
    base_url_setting: ClassVar[str | None] = None
    locality: ClassVar[str] = "remote"
    capabilities: Capabilities = Capabilities()

    def __init__(
        self,
        model: str | None = None,
        *,
        api_key: KeyArg = None,
        base_url: str | None = None,
        config: ProviderConfig | None = None,
        timeout_s: float | None = None,
        max_retries: int | None = None,
        pricing: Pricing | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        limiter: RateLimiter | None = None,
        **_: Any,
    ) -> None:
        cfg = config or ProviderConfig()
        self.config = cfg
        self.model = model or self.default_model
        # A session key (typed in the app) is as explicit as an argument: it beats env vars.
        explicit = (
            api_key if api_key is not None else (cfg.keys_for(self.name, session=True) or None)
        )
        self.keys = resolve_keys(explicit, self.key_env_vars, cfg.keys_for(self.name))
        self.base_url = resolve_base_url(
            base_url, self.base_url_env_var, cfg.base_url_for(self.name)
        )
        self.timeout_s = timeout_s if timeout_s is not None else cfg.timeout_s
        self.pricing = pricing or (
            Pricing.load(cfg.pricing_file) if cfg.pricing_file else default_pricing()
        )
        self.resilience = Resilience(
            self.label,
            keys=self.keys or None,
            policy=RetryPolicy(
                max_retries=cfg.max_retries if max_retries is None else max_retries,
                base_s=cfg.retry_base_s,
                max_wait_s=cfg.retry_max_wait_s,
            ),
            breaker=CircuitBreaker(cfg.breaker_failures, cfg.breaker_cooldown_s, clock=clock),
            sleep=sleep or time.sleep,
            clock=clock,
        )
        self._clients: dict[str | None, Any] = {}
        if limiter is None and cfg.rate_limits:
            limiter = default_limiter()
            limiter.configure(cfg.rate_limits, cfg.rate_limit_max_wait_s)
        self.limiter = limiter

    @property
    def label(self) -> str:
        return f"{self.name}:{self.model}"

    def __repr__(self) -> str:  # never show keys
        return f"{type(self).__name__}(model={self.model!r}, base_url={self.base_url!r}, keys={len(self.keys)})"

    # -- to implement --------------------------------------------------------------------
    def _make_client(self, key: str | None) -> Any:
        raise NotImplementedError

    def _generate_once(self, request: Request, key: str | None) -> Response:
        raise NotImplementedError

    def _stream_once(self, request: Request, key: str | None) -> Iterator[StreamItem]:
        raise NotImplementedError

    # -- shared --------------------------------------------------------------------------
    def client(self, key: str | None) -> Any:
        if self.requires_key and not key:
            raise MissingKeyError(
                f"no API key configured (set {' or '.join(self.key_env_vars) or 'a key'})",
                provider=self.label,
            )
        c = self._clients.get(key)
        if c is None:
            c = self._clients[key] = self._make_client(key)
        return c

    def timeout_for(self, request: Request) -> float:
        return request.timeout_s if request.timeout_s is not None else self.timeout_s

    def retry_deadline(self, request: Request) -> float:
        """No new attempt after this long: 1.5 of *this request's* timeouts. A stalled request
        is retried once (a transient stall recovers), never twice: a person waits at most 2
        timeouts (60 s by default, not 90 s) before the next provider answers, and a
        follow-up's 10 s rewrite 20 s (it was retried until 1.5 x 30 s had passed)."""
        return RETRY_DEADLINE_TIMEOUTS * self.timeout_for(request)

    def cost(self, response: Response) -> float | None:
        if not self.capabilities.paid:
            return 0.0
        return self.pricing.cost(self.name, response.model or self.model, response.usage)

    def _finish(self, resp: Response, t0: float) -> Response:
        resp.latency_ms = (time.perf_counter() - t0) * 1000.0
        resp.cost_usd = self.cost(resp)
        return resp

    def _admit(self, request: Request, key: str | None) -> Request:
        """Wait for this key's client-side rate limit (every attempt is a real request)."""
        if self.limiter is not None:
            tokens = count_request(request, self.name) + request.max_tokens
            self.limiter.acquire(self.name, key, tokens, priority_of(request), self.model)
        return request

    def generate(self, request: Request) -> Response:
        t0 = time.perf_counter()
        resp = self.resilience.call(
            lambda key: self._generate_once(self._admit(request, key), key),
            self.retry_deadline(request),
        )
        return self._finish(resp, t0)

    def stream(self, request: Request) -> Iterator[StreamItem]:
        t0 = time.perf_counter()
        for item in self.resilience.stream(
            lambda key: self._stream_once(self._admit(request, key), key),
            self.retry_deadline(request),
        ):
            if isinstance(item, Response):
                yield self._finish(item, t0)
            else:
                yield item

    def _map(self, e: BaseException) -> ProviderError:
        """The SDK's exception as one of ours; each provider maps its own SDK."""
        raise NotImplementedError

    @contextmanager
    def mapped_errors(self) -> Iterator[None]:
        """Every SDK/transport exception inside becomes one of ours (``raise ... from e``);
        our own errors pass through. Works around ``yield`` in streaming code too."""
        try:
            yield
        except ProviderError:
            raise
        except Exception as e:
            raise self._map(e) from e

    def list_models(self) -> list[str]:
        """Model ids from the API's own listing (the SDKs' ``client.models.list()``)."""
        with self.mapped_errors():
            return sorted(
                self._model_id(m) for m in self.client(self.resilience.keys.current()).models.list()
            )

    def _model_id(self, model: Any) -> str:
        return str(model.id)


def chat_messages(request: Request) -> list[dict[str, str]]:
    """OpenAI-style role/content list (system first when given)."""
    out: list[dict[str, str]] = []
    if request.system:
        out.append({"role": "system", "content": request.system})
    out.extend(
        {"role": m.role, "content": m.content}
        for m in request.messages
        if m.role != "system" or not request.system
    )
    return out


def map_transport_error(e: BaseException, label: str) -> ProviderError | None:
    """httpx / httpx2 / JSON failures that reach us unwrapped (mostly mid-stream)."""
    import json as _json

    import httpx
    import httpx2  # the openai/anthropic SDKs' transport (a fork of httpx)

    name = type(e).__name__
    if isinstance(e, httpx.TimeoutException | httpx2.TimeoutException | TimeoutError):
        return ProviderTimeout(f"timed out ({name})", provider=label)
    if isinstance(e, httpx.TransportError | httpx2.TransportError | ConnectionError):
        return ProviderConnectionError(f"connection failed: {name}: {e}", provider=label)
    if isinstance(e, _json.JSONDecodeError | ValueError | KeyError):
        return BadResponseError(f"malformed response: {name}: {e}", provider=label)
    return None
