"""What each registered provider says about itself: label, key and base-URL names, locality.

Every provider class declares these as plain class attributes (literals)::

    class AcmeProvider(RemoteProvider):
        name = "acme"
        display_name = "Acme AI"                # what people see
        key_env_vars = ("ACME_API_KEY",)        # the SDK's own key variables
        key_setting = "acme_api_key"            # its key in settings / secrets (None: no key)
        base_url_env_var = "ACME_BASE_URL"      # the SDK's own base-URL variable
        base_url_setting = "acme_base_url"      # its base URL in settings / secrets
        default_base_url = None                 # a local server's usual address
        requires_key = True
        locality = "remote"                     # "local" | "remote" | "either" (a server
                                                # that may run here: allowed when sensitive)
        requires_package = None                 # a module that must be installed
        setup_hint = None                       # how to install it

The app's sidebar, notes, secrets and routing loop over :func:`all_info`, so a provider added
in one file (plus its entry point) shows up everywhere. Reading the declarations of a
provider that is not loaded yet parses its module's source instead of importing it: the
SDKs behind the providers take seconds to import, and the sidebar needs the labels at once.
"""

from __future__ import annotations

import ast
import importlib.util
import logging
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from providers import base
from providers.config import ProviderConfig
from providers.errors import redact

if TYPE_CHECKING:
    from providers.chain import FallbackChain

log = logging.getLogger(__name__)

Locality = Literal["local", "remote", "either"]


@dataclass(frozen=True)
class ProviderInfo:
    name: str
    display_name: str
    key_env_vars: tuple[str, ...] = ()
    key_setting: str | None = None
    base_url_env_var: str | None = None
    base_url_setting: str | None = None
    default_base_url: str | None = None  # a local server's address when none is set
    requires_key: bool = False
    locality: Locality = "remote"
    requires_package: str | None = None
    setup_hint: str | None = None
    # The model used when none is picked: the page shows it before the provider is built
    # (building one imports its SDK, which the page does off its first paint).
    default_model: str | None = None

    @property
    def label(self) -> str:
        return self.display_name

    @property
    def key_secret(self) -> str | None:
        """Its key's name in ``.streamlit/secrets.toml`` (``OPENAI_API_KEY``)."""
        return self.key_setting.upper() if self.key_setting else None

    @property
    def base_url_secret(self) -> str | None:
        return self.base_url_setting.upper() if self.base_url_setting else None

    @property
    def sensitive_ok(self) -> bool:
        """May answer in sensitive mode (nothing leaves this machine)."""
        return self.locality != "remote"

    @property
    def installed(self) -> bool:
        if not self.requires_package:
            return True
        try:
            return importlib.util.find_spec(self.requires_package) is not None
        except (ImportError, ValueError):
            return False


_DECLARED = tuple(f.name for f in fields(ProviderInfo) if f.name != "name")


def info(name: str) -> ProviderInfo:
    """The declarations of the provider registered as ``name`` (LookupError if none)."""
    base.available()  # load the entry points
    factory = base._registry.get(name)
    if factory is None:
        raise LookupError(f"unknown provider {name!r}")
    if isinstance(factory, base._LazyEntryPoint) and factory._obj is None:
        module, _, qualname = str(factory.ep.value).partition(":")
        declared = _static(module, qualname)
    else:
        obj = factory.load() if isinstance(factory, base._LazyEntryPoint) else factory
        declared = {a: getattr(obj, a) for a in _DECLARED if hasattr(obj, a)}
        caps = getattr(obj, "capabilities", None)
        if "locality" not in declared and getattr(caps, "local", False):
            declared["locality"] = "local"  # an older plugin: its capabilities say so
    if not declared.get("display_name"):
        declared["display_name"] = name
    if declared.get("locality") not in ("local", "remote", "either"):
        declared["locality"] = "remote"
    if isinstance(declared.get("key_env_vars"), list):
        declared["key_env_vars"] = tuple(declared["key_env_vars"])
    return ProviderInfo(name=name, **declared)


def all_info() -> list[ProviderInfo]:
    """Every registered provider's declarations, extractive first, then by name."""
    names = sorted(base.available(), key=lambda n: (n != "extractive", n))
    out: list[ProviderInfo] = []
    for n in names:
        try:
            out.append(info(n))
        except Exception as e:  # a broken plugin must not hide the others
            log.warning("provider %s: cannot read its declarations: %s", n, e)
            out.append(ProviderInfo(name=n, display_name=n))
    return out


@lru_cache(maxsize=64)
def _static(module: str, qualname: str, depth: int = 0) -> dict[str, Any]:
    """Literal class attributes of ``module.qualname`` and its bases, read from source."""
    if depth > 5:
        return {}
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return {}
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    imported = {
        alias.asname or alias.name: node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == qualname), None)
    if cls is None:
        return {}
    out: dict[str, Any] = {}
    for b in reversed(cls.bases):  # the first base wins, as in the MRO
        if isinstance(b, ast.Name):
            out.update(_static(imported.get(b.id, module), b.id, depth + 1))
    for stmt in cls.body:
        target, value = _assignment(stmt)
        if target == "capabilities" and isinstance(value, ast.Call):
            local = next((k.value for k in value.keywords if k.arg == "local"), None)
            if isinstance(local, ast.Constant) and local.value is True:
                out.setdefault("locality", "local")
        if target in _DECLARED and value is not None:
            try:
                out[target] = ast.literal_eval(value)
            except ValueError:
                log.debug("%s.%s.%s is not a literal", module, qualname, target)
    return out


def _assignment(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        t = stmt.targets[0]
        if isinstance(t, ast.Name):
            return t.id, stmt.value
    return None, None


def providers_info(
    config: ProviderConfig | None = None,
    chain: FallbackChain | None = None,
    names: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Every registered provider (or only ``names``): default model, key configured,
    local/paid, breaker state.

    For ``python -m rag providers --json``. Builds each provider (no network call) to apply
    the same key/base-URL precedence it would use; breaker state comes from ``chain`` when
    the provider is in it.
    """
    cfg = config or ProviderConfig()
    in_chain = (
        {p.name: s for p, s in zip(chain.providers, chain.status(), strict=True)} if chain else {}
    )
    out: list[dict[str, Any]] = []
    for name in base.available():
        if names is not None and name not in names:
            continue
        row: dict[str, Any] = {"provider": name}
        try:
            p = (
                base.factory_for(name)(config=cfg)
                if name != "extractive"
                else base.factory_for(name)()
            )
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
