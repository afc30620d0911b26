"""A third-party provider in one file: what a plugin package would ship.

It speaks the OpenAI wire format (so the OpenAI fake server can answer for it) and declares
everything people see about it. Registered with ``providers.base.register("acme",
AcmeProvider)`` (a package would use the ``grounded_qa.providers`` entry point instead).
"""

from __future__ import annotations

from typing import ClassVar

from providers.openai_provider import OpenAIProvider


class AcmeProvider(OpenAIProvider):
    name: ClassVar[str] = "acme"
    default_model: ClassVar[str] = "acme-1"
    display_name: ClassVar[str] = "Acme AI"
    key_env_vars: ClassVar[tuple[str, ...]] = ("ACME_API_KEY",)
    key_setting: ClassVar[str | None] = "acme_api_key"
    base_url_env_var: ClassVar[str | None] = "ACME_BASE_URL"
    base_url_setting: ClassVar[str | None] = "acme_base_url"
    requires_key: ClassVar[bool] = True
    locality: ClassVar[str] = "remote"
