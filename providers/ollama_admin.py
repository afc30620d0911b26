"""Ollama model management: health, installed models, which are needed/missing, pull.

Speaks Ollama's native API with httpx: ``GET /`` ("Ollama is running"), ``GET /api/version``,
``GET /api/tags`` and ``POST /api/pull``, whose streamed NDJSON progress lines look like::

    {"status": "pulling manifest"}
    {"status": "pulling 6a0746a1ec1a", "digest": "sha256:6a07...", "total": 2019377376, "completed": 241970}
    {"status": "verifying sha256 digest"}
    {"status": "writing manifest"}
    {"status": "success"}

or ``{"error": "pull model manifest: file does not exist"}``. Connection refused becomes an
:class:`OllamaUnavailable` whose message says how to start the server, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from providers.errors import OllamaPullError, OllamaUnavailable, ProviderError, redact
from providers.ollama_provider import DEFAULT_HOST, normalize_host


@dataclass
class PullProgress:
    status: str
    digest: str | None = None
    total: int | None = None
    completed: int | None = None
    # Overall bytes over every layer seen so far (layers report separately).
    overall_total: int = 0
    overall_completed: int = 0
    done: bool = False

    @property
    def fraction(self) -> float | None:
        return self.overall_completed / self.overall_total if self.overall_total else None


@dataclass
class ModelStatus:
    needed: list[str] = field(default_factory=list)
    installed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"needed": self.needed, "installed": self.installed, "missing": self.missing}


def canonical(model: str) -> str:
    """``llama3.2`` and ``llama3.2:latest`` are the same model to Ollama."""
    m = model.strip()
    return m if ":" in m.rsplit("/", 1)[-1] else f"{m}:latest"


def needed_models(specs: Iterable[str]) -> list[str]:
    """The Ollama models named in ``provider:model`` specs (``ollama`` alone = the default)."""
    from providers.ollama_provider import OllamaProvider

    out: list[str] = []
    for spec in specs:
        name, _, model = spec.strip().partition(":")
        if name == "ollama":
            m = model or OllamaProvider.default_model
            if m not in out:
                out.append(m)
    return out


def not_running_message(base_url: str) -> str:
    return (
        f"Ollama is not running at {base_url} (connection refused). Start it with "
        "`ollama serve` (or the Ollama app), or set RAG_OLLAMA_HOST / OLLAMA_HOST to where it runs."
    )


class OllamaAdmin:
    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout_s: float = 5.0,
        pull_timeout_s: float = 600.0,
        api_key: str | None = None,
    ) -> None:
        self.base_url = normalize_host(base_url or DEFAULT_HOST)
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout_s = timeout_s
        self.pull_timeout_s = pull_timeout_s
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout_s, headers=headers)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> OllamaAdmin:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, path: str) -> httpx.Response:
        try:
            r = self._client.get(path)
        except httpx.ConnectError as e:
            raise OllamaUnavailable(not_running_message(self.base_url), provider="ollama") from e
        except httpx.TimeoutException as e:
            raise OllamaUnavailable(
                f"Ollama at {self.base_url} did not answer within {self.timeout_s:g}s",
                provider="ollama",
            ) from e
        except httpx.HTTPError as e:
            raise OllamaUnavailable(
                f"cannot reach Ollama at {self.base_url}: {e}", provider="ollama"
            ) from e
        if r.status_code >= 400:
            raise ProviderError(
                f"HTTP {r.status_code} from {path}: {r.text[:200]}", provider="ollama"
            )
        return r

    # -- API -----------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        """``{"ok", "base_url", "version", "models", "error"}``; never raises."""
        out: dict[str, Any] = {
            "ok": False,
            "base_url": self.base_url,
            "version": None,
            "error": None,
        }
        try:
            r = self._get("/")
            if "ollama" not in r.text.lower():
                out["error"] = (
                    f"{self.base_url} answered, but it does not look like Ollama: {r.text[:80]!r}"
                )
                return out
            # Very old servers have no /api/version: still healthy.
            with contextlib.suppress(ProviderError, ValueError):
                out["version"] = self._get("/api/version").json().get("version")
            out["models"] = len(self.list_models())
            out["ok"] = True
        except ProviderError as e:
            out["error"] = redact(e.message)
        return out

    def list_models(self) -> list[dict[str, Any]]:
        """Installed models from ``/api/tags``: name, size (bytes), parameter size, quantization."""
        try:
            models = self._get("/api/tags").json().get("models", [])
        except ValueError as e:
            raise ProviderError(f"malformed /api/tags response: {e}", provider="ollama") from e
        out = []
        for m in models:
            d = m.get("details") or {}
            out.append(
                {
                    "name": m.get("name") or m.get("model"),
                    "size": m.get("size"),
                    "modified_at": m.get("modified_at"),
                    "parameter_size": d.get("parameter_size"),
                    "quantization": d.get("quantization_level"),
                    "family": d.get("family"),
                }
            )
        return sorted(out, key=lambda m: str(m["name"]))

    def status(self, needed: Iterable[str]) -> ModelStatus:
        installed = [str(m["name"]) for m in self.list_models()]
        have = {canonical(m) for m in installed}
        need = list(dict.fromkeys(needed))
        return ModelStatus(need, installed, [m for m in need if canonical(m) not in have])

    def pull(
        self, model: str, on_progress: Callable[[PullProgress], None] | None = None
    ) -> PullProgress:
        """Pull ``model``; calls ``on_progress`` per line; returns the final progress."""
        last: PullProgress | None = None
        for p in self.pull_stream(model):
            last = p
            if on_progress is not None:
                on_progress(p)
        assert last is not None
        return last

    def pull_stream(self, model: str) -> Iterator[PullProgress]:
        totals: dict[str, int] = {}
        done: dict[str, int] = {}
        try:
            with self._client.stream(
                "POST",
                "/api/pull",
                json={"model": model, "stream": True},
                timeout=self.pull_timeout_s,
            ) as r:
                if r.status_code >= 400:
                    r.read()
                    raise OllamaPullError(_error_text(r), provider="ollama", status=r.status_code)
                success = False
                for line in r.iter_lines():
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except ValueError as e:
                        raise OllamaPullError(
                            f"malformed pull progress line: {line[:80]!r}", provider="ollama"
                        ) from e
                    if "error" in obj:
                        raise OllamaPullError(
                            f"pulling {model} failed: {obj['error']}", provider="ollama"
                        )
                    digest = obj.get("digest")
                    if digest and obj.get("total"):
                        totals[digest] = int(obj["total"])
                        done[digest] = int(obj.get("completed") or 0)
                    success = obj.get("status") == "success"
                    yield PullProgress(
                        status=str(obj.get("status", "")),
                        digest=digest,
                        total=obj.get("total"),
                        completed=obj.get("completed"),
                        overall_total=sum(totals.values()),
                        overall_completed=sum(done.values()),
                        done=success,
                    )
                if not success:
                    raise OllamaPullError(
                        f"pulling {model}: the stream ended before 'success'", provider="ollama"
                    )
        except httpx.ConnectError as e:
            raise OllamaUnavailable(not_running_message(self.base_url), provider="ollama") from e
        except httpx.TimeoutException as e:
            raise OllamaPullError(
                f"pulling {model} was interrupted: Ollama sent nothing for "
                f"{self.pull_timeout_s:g} s",
                provider="ollama",
            ) from e
        except httpx.HTTPError as e:
            # Said in words: the sidebar showed "...was interrupted: RemoteProtocolError".
            raise OllamaPullError(
                f"pulling {model} was interrupted: the connection to Ollama was lost "
                "(it may have stopped); pulling again resumes the download",
                provider="ollama",
            ) from e


def _error_text(r: httpx.Response) -> str:
    try:
        return str(r.json().get("error") or r.text)
    except ValueError:
        return r.text[:200]
