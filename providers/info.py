"""What ``python -m rag providers --json`` lists: every registered provider, as configured."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from providers.base import factory_for
from providers.config import ProviderConfig
from providers.errors import redact

if TYPE_CHECKING:
    from providers.chain import FallbackChain


def providers_info(
    config: ProviderConfig | None = None, chain: FallbackChain | None = None
) -> list[dict[str, Any]]:
    """Every registered provider: default model, key configured, local/paid, breaker state.

    For ``python -m rag providers --json``. Builds each provider (no network call) to apply
    the same key/base-URL precedence it would use; breaker state comes from ``chain`` when
    the provider is in it.
    """
    from providers.base import available

    cfg = config or ProviderConfig()
    in_chain = (
        {p.name: s for p, s in zip(chain.providers, chain.status(), strict=True)} if chain else {}
    )
    out: list[dict[str, Any]] = []
    for name in available():
        row: dict[str, Any] = {"provider": name}
        try:
            p = factory_for(name)(config=cfg) if name != "extractive" else factory_for(name)()
            row.update(
                model=p.model,
                key_configured=bool(getattr(p, "keys", None))
                or not getattr(p, "requires_key", False),
                base_url=getattr(p, "base_url", None),
                local=p.capabilities.local,
                paid=p.capabilities.paid,
                streaming=p.capabilities.streaming,
                breaker=in_chain.get(name, {}).get("breaker", "closed"),
            )
        except Exception as e:
            row.update(error=redact(e), key_configured=False)
        out.append(row)
    return out
