"""Application settings, read once at the edge (CLI, app) and passed down.

Sources, highest precedence first: explicit keyword arguments, ``RAG_*`` environment
variables, a ``.env`` file, the YAML profile picked by ``APP_ENV`` (``configs/<env>.yaml``),
then the defaults below. Library code never reads the environment itself.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from providers.config import ProviderConfig
from rag.settings_sources import ProfileError, ServerTokensSource, YamlProfileSource

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INDEX_DIR = PROJECT_ROOT / "data" / "index"
DEFAULT_DEMO_DIR = PROJECT_ROOT / "data" / "demo"
CONFIG_DIR = PROJECT_ROOT / "configs"


class ConfigError(ValueError):
    """The configuration asks for something that cannot be done (unknown task, no consensus
    providers...). A ValueError, so callers that caught those keep working."""


class SettingsError(ConfigError):
    """Settings could not be loaded; the message names the offending field."""


def _comma_list(v: Any) -> Any:
    """``"a, b"`` -> ``["a", "b"]`` (lists and JSON lists pass through)."""
    if isinstance(v, str):
        v = v.strip()
        if v.startswith("["):
            return yaml.safe_load(v)
        return [part.strip() for part in v.split(",") if part.strip()]
    return v


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAG_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
        # RAG_API_KEYS__OPENAI=... sets api_keys["openai"]: any registered provider's key.
        env_nested_delimiter="__",
    )

    # --- storage -------------------------------------------------------------------------
    index_dir: Path = Field(DEFAULT_INDEX_DIR, description="Chroma store, manifest and caches")
    collection: str = Field("documents", pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{1,62}$")
    # A named set of documents (rag/workspaces.py); "default" is the collection above.
    workspace: str = Field("default", pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")
    chroma_host: str | None = Field(None, description="Use a Chroma server instead of embedded")
    chroma_port: int = Field(8000, ge=1, le=65535)
    # Many replicas: the manifest, its generation, usage/budgets and the response cache in
    # one PostgreSQL database (postgresql://user:pass@host:port/db); unset = SQLite files
    # under index_dir (rag/state/). A secret: it may carry a password.
    state_url: SecretStr | None = Field(None, description="postgresql:// URL shared by replicas")
    state_refresh_ms: int = Field(250, ge=0, le=60_000, description="shared generation check")
    demo_dir: Path = DEFAULT_DEMO_DIR
    auto_ingest_demo: bool = True

    # --- ingestion -----------------------------------------------------------------------
    chunk_tokens: int = Field(
        200, ge=32, le=256, description="word pieces per chunk (model max 256)"
    )
    chunk_overlap: int = Field(40, ge=0, le=128)
    # Index each chunk as "document title - section heading" + text (the stored text shown to
    # users stays clean); applies to documents ingested after the change.
    contextual_chunks: bool = True
    max_file_mb: float = Field(50.0, gt=0)
    embed_batch_size: int = Field(64, ge=1, le=1024)
    # "hash" is a model-free fake for tests and benchmarks only (see rag.embeddings.HashEmbedder).
    embedding_backend: str = Field("torch", pattern=r"^(torch|onnx|hash)$")
    # torch backend (fp32): run it through onnxruntime when setup exported the same weights
    # (python -m rag.embeddings_onnx): same vectors, ~2x faster, no 5-8 s torch import.
    fp32_onnx: bool = True

    # --- retrieval / answering -----------------------------------------------------------
    top_k: int = Field(5, ge=1, le=50)
    candidates: int = Field(50, ge=5, le=500, description="per-retriever depth before fusion")
    rrf_k: int = Field(60, ge=1)
    # Convex fusion with dense 0.55 / BM25 0.45 was chosen on SciFact's *train* split (809
    # queries); test nDCG@10 0.730 vs 0.721 for plain RRF (k 60, weights 1/1: set
    # RAG_FUSION=rrf RAG_DENSE_WEIGHT=1 RAG_BM25_WEIGHT=1 for that). The refusal model's
    # features are free of the fusion's score scale, so either works with it.
    dense_weight: float = Field(0.55, ge=0)
    bm25_weight: float = Field(0.45, ge=0)
    fusion: str = Field(
        "convex",
        pattern=r"^(rrf|convex)$",
        description="convex (weighted min-max normalised scores) or rrf (rank fusion)",
    )
    answer_sentences: int = Field(2, ge=1, le=6)

    # --- providers ----------------------------------------------------------------------
    provider: str = Field("extractive", description="default 'provider:model'")
    fallback: list[str] = Field(default_factory=list, description="'provider:model' order")
    temperature: float = Field(0.1, ge=0, le=2)
    max_tokens: int = Field(512, ge=1, le=32768)
    request_timeout_s: float = Field(30.0, gt=0)
    max_retries: int = Field(2, ge=0, le=10)
    retry_max_wait_s: float = Field(20.0, ge=0)
    breaker_failures: int = Field(3, ge=1)
    breaker_cooldown_s: float = Field(30.0, ge=0)
    session_budget_usd: float | None = Field(None, ge=0)
    daily_budget_usd: float | None = Field(None, ge=0)
    cache_ttl_s: float = Field(24 * 3600, ge=0)
    pricing_file: Path | None = None
    log_prompts: bool = Field(False, description="put the (redacted) prompt in per-call logs")
    ollama_num_ctx_max: int = Field(
        8192, ge=512, description="largest num_ctx sent to Ollama (its KV cache grows with it)"
    )

    # Keys and base URLs by provider name, for every registered provider (a plugin's too):
    # RAG_API_KEYS__ACME=k1,k2 / RAG_BASE_URLS__ACME=http://... The per-provider fields
    # below (RAG_OPENAI_API_KEY, ...) are the names each provider declares (key_setting,
    # base_url_setting) and keep working; they come first.
    api_keys: dict[str, list[SecretStr]] = Field(default_factory=dict)
    base_urls: dict[str, str] = Field(default_factory=dict)
    openai_api_key: SecretStr | None = None
    openai_api_keys: list[SecretStr] = Field(default_factory=list)
    openai_base_url: str | None = None
    anthropic_api_key: SecretStr | None = None
    anthropic_api_keys: list[SecretStr] = Field(default_factory=list)
    anthropic_base_url: str | None = None
    gemini_api_key: SecretStr | None = None
    gemini_api_keys: list[SecretStr] = Field(default_factory=list)
    gemini_base_url: str | None = None
    ollama_host: str | None = None
    openai_compatible_base_url: str | None = None
    openai_compatible_api_key: SecretStr | None = None
    # 1 thread is the default: on a busy 2-core machine it is faster than 2 (no contention).
    llamacpp_model_path: Path | None = Field(None, description="GGUF file; None = SmolLM2-135M")
    llamacpp_threads: int = Field(1, ge=1, le=256)
    llamacpp_ctx: int = Field(4096, ge=256, le=131072, description="context window (tokens)")

    # --- answer trust / provider hygiene -------------------------------------------------
    grounding_action: str = Field(
        "flag",
        pattern=r"^(flag|retry_strict|extractive)$",
        description="when most of a generated answer is unsupported by its sources",
    )
    grounding_min_supported: float = Field(0.5, ge=0, le=1, description="'most' = below this share")
    context_windows: dict[str, int] = Field(
        default_factory=dict, description="'provider[:model]' -> context window (tokens) override"
    )
    rate_limits: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="'provider[:model]' -> {'rpm': n, 'tpm': n}, per key"
    )
    rate_limit_max_wait_s: float = Field(10.0, ge=0, description="longest a burst waits locally")
    consensus_providers: list[str] = Field(
        default_factory=list, description="'provider:model' list"
    )
    consensus_synthesizer: str | None = Field(None, description="who writes the consensus")

    # --- analysis / routing --------------------------------------------------------------
    task_routes: dict[str, str] = Field(default_factory=dict, description="task -> provider:model")
    sensitive: bool = False

    # --- HTTP API (python -m rag serve) ---------------------------------------------------
    # RAG_API_KEYS=tok1,tok2: bearer tokens (plain; RAG_API_KEYS__<PROVIDER> stays the
    # providers' keys). The server keeps only their SHA-256 hashes.
    server_api_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="RAG_CORS_ORIGINS=a,b; CORS is off when empty"
    )
    max_json_mb: float = Field(1.0, gt=0, description="largest JSON request body")

    @field_validator("server_api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_lists(cls, v: Any) -> Any:
        return _comma_list(v)

    @field_validator("api_keys", mode="before")
    @classmethod
    def _key_lists(cls, v: Any) -> Any:
        if isinstance(v, dict):  # one key or "k1,k2" per provider, or a list
            return {n: k.split(",") if isinstance(k, str) else k for n, k in v.items()}
        return v

    @field_validator("index_dir", "demo_dir", mode="after")
    @classmethod
    def _expand(cls, v: Path) -> Path:
        return v.expanduser()

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.chunk_overlap >= self.chunk_tokens:
            raise ValueError(
                f"chunk_overlap ({self.chunk_overlap}) must be smaller than chunk_tokens ({self.chunk_tokens})"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        app_env = os.environ.get("APP_ENV")
        profile = CONFIG_DIR / f"{app_env}.yaml" if app_env else None
        if app_env and profile is not None and not profile.is_file():
            raise SettingsError(
                f"APP_ENV={app_env!r} but there is no profile {profile.relative_to(PROJECT_ROOT)}"
            )
        try:
            yaml_profile = YamlProfileSource(settings_cls, profile)
        except ProfileError as e:
            raise SettingsError(str(e)) from e
        return (
            init_settings,
            ServerTokensSource(settings_cls, env_settings, dotenv_settings),
            env_settings,
            dotenv_settings,
            file_secret_settings,
            yaml_profile,
        )

    # Paths derived from index_dir: everything we persist lives under it.
    @property
    def chroma_dir(self) -> Path:
        return self.index_dir / "chroma"

    @property
    def state_dir(self) -> Path:
        return self.index_dir / "state"

    @property
    def ocr_cache_dir(self) -> Path:
        """What Tesseract read, by page-image hash: ingest never OCRs a page twice, and the
        page preview boxes a scanned page's sentences from the words kept there."""
        return self.index_dir / "ocr-cache"

    def provider_keys_and_urls(self) -> tuple[dict[str, list[SecretStr]], dict[str, str]]:
        return _keys_and_urls(self)

    def provider_config(self) -> ProviderConfig:
        """What the provider layer needs, as a plain object (providers never import rag)."""

        from rag.state import open_state

        api_keys, base_urls = self.provider_keys_and_urls()
        state = open_state(self)
        return ProviderConfig(
            api_keys=api_keys,
            base_urls=base_urls,
            timeout_s=self.request_timeout_s,
            max_retries=self.max_retries,
            retry_max_wait_s=self.retry_max_wait_s,
            breaker_failures=self.breaker_failures,
            breaker_cooldown_s=self.breaker_cooldown_s,
            session_budget_usd=self.session_budget_usd,
            daily_budget_usd=self.daily_budget_usd,
            cache_ttl_s=self.cache_ttl_s,
            usage_records=state.usage_records(),
            cache_records=state.cache_records(),
            pricing_file=self.pricing_file,
            log_prompts=self.log_prompts,
            ollama_num_ctx_max=self.ollama_num_ctx_max,
            state_dir=self.state_dir,
            llamacpp_model_path=self.llamacpp_model_path,
            llamacpp_threads=self.llamacpp_threads,
            llamacpp_ctx=self.llamacpp_ctx,
            rate_limits=self.rate_limits,
            rate_limit_max_wait_s=self.rate_limit_max_wait_s,
        )


def _keys_and_urls(s: Settings) -> tuple[dict[str, list[SecretStr]], dict[str, str]]:
    """Keys and base URLs by provider name, over every registered provider's declarations."""
    from providers.info import all_info

    keys: dict[str, list[SecretStr]] = {}
    urls: dict[str, str] = {}
    for p in all_info():
        named: list[SecretStr | None] = []
        if p.key_setting:
            named = [
                getattr(s, p.key_setting, None),
                *(getattr(s, p.key_setting + "s", None) or []),
            ]
        found = [k for k in [*named, *s.api_keys.get(p.name, [])] if k is not None]
        found = [k for k in found if k.get_secret_value().strip()]
        if found or p.key_setting:
            keys[p.name] = found
        url = (getattr(s, p.base_url_setting, None) if p.base_url_setting else None) or (
            s.base_urls.get(p.name)
        )
        if url:
            urls[p.name] = url
    return keys, urls


def load_settings(**overrides: Any) -> Settings:
    """Load settings, turning validation errors into one readable message."""
    try:
        return Settings(**overrides)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in e.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from e


_cached: dict[str, Settings] = {}
_cached_lock = threading.Lock()


def _sources_key(overrides: dict[str, Any]) -> str:
    """What a Settings is built from: the environment, the ``.env`` in the working directory,
    the YAML profiles and the overrides. Files enter by size and mtime, never content."""
    parts: list[str] = [
        os.getcwd(),
        repr(sorted(os.environ.items())),
        repr(sorted(overrides.items())),
    ]
    for path in (Path(".env"), *sorted(CONFIG_DIR.glob("*.yaml"))):
        try:
            st = path.stat()
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}:-")
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def cached_settings(**overrides: Any) -> Settings:
    """:func:`load_settings`, memoised on its sources.

    The Streamlit page reruns its script on every interaction and needs the settings first;
    building them (env, ``.env``, YAML, validation) cost ~1.9 ms of every answer's time to
    first token (bench/ttft.py). A changed variable or file makes a new key, so edits still
    apply on the next rerun, as before. Treat the returned object as read-only: it is shared.
    """
    key = _sources_key(overrides)
    with _cached_lock:
        hit = _cached.get(key)
    if hit is not None:
        return hit
    settings = load_settings(**overrides)
    with _cached_lock:
        if len(_cached) >= 16:
            _cached.clear()
        _cached[key] = settings
    return settings
