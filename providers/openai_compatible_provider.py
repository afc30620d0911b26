"""Any OpenAI-compatible server (vLLM, llama.cpp server, LM Studio): base URL + model.

Same wire format and error mapping as :mod:`providers.openai_provider`; the key is optional
(most local servers ignore it) and the base URL is required. It does not read
``OPENAI_BASE_URL``/``OPENAI_API_KEY`` (those belong to the real OpenAI provider); use the
constructor or settings (``RAG_OPENAI_COMPATIBLE_BASE_URL``). Prices come from the
``[openai_compatible]`` section of the pricing table; unlisted models are unpriced.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

import openai

from providers.base import Capabilities
from providers.errors import ProviderConfigError
from providers.openai_provider import OpenAIProvider


def with_api_path(url: str) -> str:
    """``http://127.0.0.1:1234`` -> ``http://127.0.0.1:1234/v1``: a server's address as LM
    Studio and llama.cpp show it. vLLM and LM Studio answer only under ``/v1`` (llama.cpp
    under both), so an address without a path failed every question with a 404."""
    u = url.strip()
    if urlsplit(u if "://" in u else f"http://{u}").path.strip("/"):
        return u
    return u.rstrip("/") + "/v1"


class OpenAICompatibleProvider(OpenAIProvider):
    name: ClassVar[str] = "openai_compatible"
    default_model: ClassVar[str] = "default"
    key_env_vars: ClassVar[tuple[str, ...]] = ()
    base_url_env_var: ClassVar[str | None] = None
    requires_key: ClassVar[bool] = False
    display_name: ClassVar[str] = "OpenAI-compatible"
    key_setting: ClassVar[str | None] = "openai_compatible_api_key"  # optional
    base_url_setting: ClassVar[str | None] = "openai_compatible_base_url"
    # Its capabilities say local=False (the server could be anywhere), but it is how a local
    # llama.cpp / vLLM / LM Studio server is reached: allowed in sensitive mode.
    locality: ClassVar[str] = "either"
    capabilities = Capabilities(streaming=True, json_mode=False, tools=False, max_context=8192)

    def __init__(self, model: str | None = None, **kwargs: Any) -> None:
        super().__init__(model, **kwargs)
        if not self.base_url:
            raise ProviderConfigError(
                "openai_compatible needs a base URL (base_url=... or RAG_OPENAI_COMPATIBLE_BASE_URL)",
                provider=self.label,
            )
        self.base_url = with_api_path(self.base_url)

    def _make_client(self, key: str | None) -> openai.OpenAI:
        # The SDK insists on a key; local servers accept any placeholder.
        return openai.OpenAI(
            api_key=key or "not-needed",
            base_url=self.base_url,
            max_retries=0,
            timeout=self.timeout_s,
        )
