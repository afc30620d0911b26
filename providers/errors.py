"""One error hierarchy for every provider, and the key redaction every message goes through.

::

    ProviderError                      kind="provider"        retryable=False
    ├── AuthError                      kind="auth"            (next key, then next provider)
    │   └── MissingKeyError            kind="no_key"          (no key at all: never sent)
    ├── RateLimitError(retry_after)    kind="rate_limit"      retryable=True
    │   └── LocalRateLimitError                               retryable=False (our own limiter)
    ├── OverloadedError(retry_after)   kind="overloaded"      retryable=True  (503, Anthropic 529)
    ├── ServerError                    kind="server"          retryable=True  (other 5xx)
    ├── ProviderTimeout                kind="timeout"         retryable=True
    ├── ProviderConnectionError        kind="connection"      retryable=True  (refused, reset, cut stream)
    │   └── OllamaUnavailable                                 (the Ollama server is not running)
    ├── ContextTooLongError            kind="context_too_long"
    ├── ContentFilteredError           kind="content_filtered"
    ├── BadResponseError               kind="bad_response"    (malformed body, empty answer)
    ├── BudgetExceededError            kind="budget_exceeded"
    │   └── UnpricedModelError         (a budget is set, the model has no price)
    ├── CircuitOpenError               kind="circuit_open"    (breaker refused the call)
    ├── ProviderConfigError            kind="config"          (cannot be built: no base URL, ...)
    │   └── ModelNotFoundError                                (no local model file)
    ├── OllamaPullError                kind="pull_failed"     (a model download failed)
    └── UnexpectedProviderError        kind="unexpected"      (a bug in a provider, wrapped)

``kind`` is a :data:`Kind` literal: the closed set of values users and metrics ever see.

SDK exceptions are always re-raised as one of these with ``raise ... from e`` so the cause
stays in the traceback. The message of every error is passed through :func:`redact`, which
scrubs keys registered with :func:`register_secret` and anything shaped like a known key.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Literal, get_args

Kind = Literal[
    "provider",
    "auth",
    "rate_limit",
    "overloaded",
    "server",
    "timeout",
    "connection",
    "context_too_long",
    "content_filtered",
    "bad_response",
    "budget_exceeded",
    "circuit_open",
    "config",
    "pull_failed",
    "unexpected",
    "no_key",
]
KINDS: tuple[Kind, ...] = get_args(Kind)

# Shapes of real API keys, scrubbed even if nobody registered them.
_KEY_PATTERNS = [
    re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}"),
    re.compile(r"AIza[0-9A-Za-z_\-]{20,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}"),
    re.compile(
        r"(?i)((?:api[_-]?key|x-api-key|x-goog-api-key|key)[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9._\-]{8,}"
    ),
]
REDACTED = "[REDACTED]"

_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a configured key so :func:`redact` scrubs it wherever it appears."""
    # Very short values would redact ordinary words; real keys are long.
    if value and len(value) >= 6:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: object, extra: Iterable[str] = ()) -> str:
    """``str(text)`` with every registered or key-shaped secret replaced by ``[REDACTED]``."""
    s = str(text)
    with _secrets_lock:
        secrets = sorted(_secrets | {e for e in extra if e}, key=len, reverse=True)
    for secret in secrets:
        if secret in s:
            s = s.replace(secret, REDACTED)
    for pat in _KEY_PATTERNS:
        # Patterns with a group keep their prefix ("Bearer ", "api_key=") for context.
        s = pat.sub(lambda m: m.group(1) + REDACTED, s) if pat.groups else pat.sub(REDACTED, s)
    return s


def scrub_chain(exc: BaseException) -> BaseException:
    """Redact the messages of the exceptions chained under ``exc`` (``raise ... from e``).

    A ProviderError's own message is redacted, but the SDK exception it wraps keeps the raw
    API text - and APIs echo the key they got in 401 messages - so a printed traceback or a
    ``log.exception`` would show it. Chained exceptions keep their type and frames for
    debugging; only their text is scrubbed.
    """
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc.__cause__, exc.__context__]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        try:
            e.args = tuple(redact(a) if isinstance(a, str) else a for a in e.args)
            if isinstance(getattr(e, "message", None), str):
                e.message = redact(e.message)  # type: ignore[attr-defined]
        except Exception:  # an exotic exception type: best effort, never fail the caller
            pass
        todo += [e.__cause__, e.__context__]
    return exc


class ProviderError(Exception):
    """Base of every provider failure. ``kind`` is stable and shown to users and metrics."""

    kind: Kind = "provider"
    retryable: bool = False
    # Set by the retry loop when a 401/429 made it switch to a key not yet tried.
    _rotated_fresh_key: bool = False

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.message = redact(message)
        self.provider = provider
        self.status = status
        self.retry_after = retry_after
        super().__init__(self.message)

    def __str__(self) -> str:
        prefix = f"{self.provider}: " if self.provider else ""
        return f"{prefix}{self.message}"


class AuthError(ProviderError):
    kind: Kind = "auth"  # Kind, not Literal["auth"]: MissingKeyError has its own


class MissingKeyError(AuthError):
    """No API key is configured, so the request was never sent: not a key the provider
    rejected. An AuthError still, for the code that handles any key problem."""

    kind = "no_key"


class RateLimitError(ProviderError):
    kind = "rate_limit"
    retryable = True


class OverloadedError(ProviderError):
    kind = "overloaded"
    retryable = True


class ServerError(ProviderError):
    kind = "server"
    retryable = True


class ProviderTimeout(ProviderError):
    kind = "timeout"
    retryable = True


class ProviderConnectionError(ProviderError):
    kind = "connection"
    retryable = True


class ContextTooLongError(ProviderError):
    kind = "context_too_long"


class ContentFilteredError(ProviderError):
    kind = "content_filtered"


class BadResponseError(ProviderError):
    kind = "bad_response"


class BudgetExceededError(ProviderError):
    kind = "budget_exceeded"


class UnpricedModelError(BudgetExceededError):
    """A budget is set and the model has no price: the call is refused before it is made."""


class CircuitOpenError(ProviderError):
    kind = "circuit_open"


class LocalRateLimitError(RateLimitError):
    """Our own limiter refused (not the provider): retrying the same key would only wait."""

    retryable = False
    local = True


class OllamaUnavailable(ProviderConnectionError):
    """The Ollama server cannot be reached (not installed, not running, wrong host)."""


class OllamaPullError(ProviderError):
    kind = "pull_failed"


class ProviderConfigError(ProviderError):
    """A provider cannot be built or used as configured (missing base URL, model file...)."""

    kind = "config"


class ModelNotFoundError(ProviderConfigError):
    """A local model file that is not there."""


class UnexpectedProviderError(ProviderError):
    """A non-ProviderError raised inside a provider (a bug): wrapped so it cannot take the
    answer down with it."""

    kind = "unexpected"


_CONTEXT_HINTS = (
    "context_length",
    "context length",
    "context window",
    "prompt is too long",
    "too many tokens",
    "maximum context",
    "exceeds the maximum number of tokens",
    "input token count",
    "maximum number of tokens",
)


def looks_like_context_error(message: str) -> bool:
    m = message.lower()
    return any(h in m for h in _CONTEXT_HINTS)


def from_status(
    status: int,
    message: str,
    *,
    provider: str | None = None,
    retry_after: float | None = None,
) -> ProviderError:
    """Generic HTTP status -> error mapping, shared by the providers' own mappers."""
    msg = f"HTTP {status}: {message}"
    if status in (401, 403):
        return AuthError(msg, provider=provider, status=status, retry_after=retry_after)
    if status == 429:
        return RateLimitError(msg, provider=provider, status=status, retry_after=retry_after)
    if status in (503, 529):
        return OverloadedError(msg, provider=provider, status=status, retry_after=retry_after)
    if status == 408 or status == 504:
        return ProviderTimeout(msg, provider=provider, status=status, retry_after=retry_after)
    if status == 413 or (400 <= status < 500 and looks_like_context_error(message)):
        return ContextTooLongError(msg, provider=provider, status=status, retry_after=retry_after)
    if status >= 500:
        return ServerError(msg, provider=provider, status=status, retry_after=retry_after)
    return ProviderError(msg, provider=provider, status=status, retry_after=retry_after)


def parse_retry_after(headers: object) -> float | None:
    """Seconds from ``retry-after-ms`` (preferred, finer) or ``Retry-After`` (seconds)."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    ms = get("retry-after-ms")
    if ms is not None:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    ra = get("retry-after")
    if ra is not None:
        try:
            return max(0.0, float(ra))
        except ValueError:
            # An HTTP date: rare from these APIs; treat as "no hint" rather than guess.
            return None
    return None
