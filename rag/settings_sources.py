"""Where settings come from besides the environment: the YAML profile of ``APP_ENV`` and the
HTTP API's plain ``RAG_API_KEYS`` token list (rag/settings.py composes them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource


class ProfileError(ValueError):
    """A YAML profile that is not a mapping (rag.settings turns it into a SettingsError)."""


class YamlProfileSource(PydanticBaseSettingsSource):
    """Values from ``configs/<APP_ENV>.yaml`` (lowest precedence above the defaults)."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path is not None and path.is_file():
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(loaded, dict):
                raise ProfileError(f"{path}: a YAML profile must be a mapping of setting: value")
            self._data = {str(k).lower(): v for k, v in loaded.items()}

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class ServerTokensSource(PydanticBaseSettingsSource):
    """``RAG_API_KEYS=tok1,tok2`` (plain, not a JSON object): the HTTP API's bearer tokens.

    ``RAG_API_KEYS__<PROVIDER>`` stays the providers' keys (the ``api_keys`` dict); a plain
    comma-separated ``RAG_API_KEYS`` is taken out of the env/.env sources before they parse
    it as that dict, and given to ``server_api_keys`` here (env before .env)."""

    def __init__(self, settings_cls: type[BaseSettings], *sources: Any) -> None:
        super().__init__(settings_cls)
        self._value: str | None = None
        for src in sources:
            if not isinstance(src, EnvSettingsSource):
                continue
            env = dict(src.env_vars)
            raw = env.get("rag_api_keys")
            if raw is not None and not raw.lstrip().startswith("{"):
                del env["rag_api_keys"]
                src.env_vars = env
                if self._value is None:
                    self._value = raw

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return {} if self._value is None else {"server_api_keys": self._value}
