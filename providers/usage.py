"""Tokens -> dollars from a dated price table, and a persistent usage tracker with budgets.

Prices live in ``pricing.toml`` next to this module (per provider, per model, USD per 1M
input/output tokens, with an ``as_of`` date); a user file of the same shape extends or
overrides it (``RAG_PRICING_FILE``). A model that is not listed is *unpriced*: its cost is
``None``, never ``0``, and while any budget is set a call to it is refused before it is made
(:class:`UnpricedModelError`), unless the user file sets a conservative catch-all price
(top-level ``unpriced = { input = ..., output = ... }``) that it is then counted at.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import tomllib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from providers.base import Usage
from providers.errors import BudgetExceededError, UnpricedModelError
from providers.records import Totals, TotalsBy, UsageRecords, UsageRow
from text.money import money

DEFAULT_PRICING_FILE = Path(__file__).with_name("pricing.toml")


@dataclass(frozen=True)
class Price:
    input_per_m: float
    output_per_m: float
    as_of: str | None = None  # when this list price was read from the vendor's page


ALERT_AT = 0.8  # share of a cap at which the user is warned


def unpriced_message(provider: str, model: str) -> str:
    return (
        f"{provider}:{model} has no price, so a budget cannot count it; the call was not made. "
        f"Price it in a TOML file named by RAG_PRICING_FILE (merged over the shipped table): "
        f'[{provider}] "{model}" = {{ input = <USD per 1M>, output = <USD per 1M> }}, '
        f"or set a conservative catch-all there: unpriced = {{ input = ..., output = ... }}."
    )


class Pricing:
    def __init__(
        self,
        table: dict[str, dict[str, Price]],
        as_of: str | None = None,
        unpriced: Price | None = None,
    ) -> None:
        self.table = table
        self.as_of = as_of
        # The user's conservative price for models missing from the table (None: refuse).
        self.unpriced = unpriced

    @classmethod
    def load(cls, extra: Path | str | None = None) -> Pricing:
        """The packaged table, then ``extra`` on top (its entries win)."""
        table: dict[str, dict[str, Price]] = {}
        as_of: str | None = None
        unpriced: Price | None = None
        for path in [DEFAULT_PRICING_FILE, Path(extra) if extra else None]:
            if path is None:
                continue
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            as_of = str(data.get("as_of", as_of)) if data.get("as_of") else as_of
            fallback = data.get("unpriced")
            if isinstance(fallback, dict):
                unpriced = Price(float(fallback["input"]), float(fallback["output"]))
            for provider, models in data.items():
                if not isinstance(models, dict) or provider == "unpriced":
                    continue
                for model, p in models.items():
                    if not isinstance(p, dict):
                        continue
                    row_date = p.get("as_of") or data.get("as_of")
                    table.setdefault(provider, {})[model] = Price(
                        float(p["input"]), float(p["output"]), str(row_date) if row_date else None
                    )
        return cls(table, as_of, unpriced)

    def price(self, provider: str, model: str) -> Price | None:
        models = self.table.get(provider, {})
        m = model.removeprefix("models/")
        if m in models:
            return models[m]
        # Dated/tagged ids ("claude-3-5-haiku-20241022") match the longest listed prefix.
        best = [k for k in models if m.startswith(k + "-") or m.startswith(k + ":")]
        return models[max(best, key=len)] if best else None

    def is_priced(self, provider: str, model: str) -> bool:
        """Can a call to this model be counted (listed, or the user's catch-all price)?"""
        return self.unpriced is not None or self.price(provider, model) is not None

    def cost(self, provider: str, model: str, usage: Usage) -> float | None:
        p = self.price(provider, model) or self.unpriced
        if p is None or usage.input_tokens is None or usage.output_tokens is None:
            return None
        return (usage.input_tokens * p.input_per_m + usage.output_tokens * p.output_per_m) / 1e6


_default_pricing: Pricing | None = None
_pricing_lock = threading.Lock()


def default_pricing() -> Pricing:
    global _default_pricing
    with _pricing_lock:
        if _default_pricing is None:
            _default_pricing = Pricing.load()
        return _default_pricing


def _today() -> str:
    # UTC so that "daily" means the same thing on every machine sharing a state dir.
    return datetime.now(UTC).strftime("%Y-%m-%d")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    ts REAL NOT NULL,
    day TEXT NOT NULL,
    session TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cost_usd REAL,
    cached INTEGER NOT NULL DEFAULT 0,
    estimated INTEGER NOT NULL DEFAULT 0,
    task TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS usage_day ON usage(day);
CREATE INDEX IF NOT EXISTS usage_session ON usage(session);
"""


class _SqliteUsage:
    """:class:`providers.records.UsageRecords` in a SQLite file (or in memory)."""

    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=10)
        self._db.executescript(_SCHEMA)
        cols = {r[1] for r in self._db.execute("PRAGMA table_info(usage)")}
        for col in ("estimated INTEGER NOT NULL DEFAULT 0", "task TEXT NOT NULL DEFAULT ''"):
            if col.split()[0] not in cols:  # a file written before these columns existed
                self._db.execute(f"ALTER TABLE usage ADD COLUMN {col}")
        self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add(self, row: UsageRow) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO usage (ts, day, session, provider, model, input_tokens, "
                "output_tokens, cost_usd, cached, estimated, task) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    row.ts,
                    row.day,
                    row.session,
                    row.provider,
                    row.model,
                    row.input_tokens,
                    row.output_tokens,
                    row.cost_usd,
                    int(row.cached),
                    int(row.estimated),
                    row.task,
                ),
            )
            self._db.commit()

    def totals(self, by: TotalsBy, value: str) -> Totals:
        column = {"session": "session", "day": "day"}[by]
        with self._lock:
            row = self._db.execute(
                f"SELECT COALESCE(SUM(cost_usd),0), COUNT(*), "
                f"SUM(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END), "
                f"COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0) "
                f"FROM usage WHERE {column} = ?",
                (value,),
            ).fetchone()
        return float(row[0]), int(row[1]), int(row[2] or 0), int(row[3]), int(row[4])


class UsageTracker:
    """Per-session and per-day usage in SQLite (``<state_dir>/usage.sqlite3``), with caps.

    ``path=None`` keeps it in memory (tests, or no state dir configured). ``records``
    replaces the SQLite file (PostgreSQL shared by replicas: a daily cap holds across them).
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        session_id: str | None = None,
        session_budget_usd: float | None = None,
        daily_budget_usd: float | None = None,
        today: Any = _today,
        records: UsageRecords | None = None,
    ) -> None:
        if path is not None and records is None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(path) if path is not None else ":memory:"
        self.session_id = session_id or uuid.uuid4().hex
        self.session_budget_usd = session_budget_usd
        self.daily_budget_usd = daily_budget_usd
        self._today = today
        self._records: UsageRecords = records or _SqliteUsage(self.path)
        self._alerted: set[str] = set()

    def close(self) -> None:
        self._records.close()

    def record(
        self,
        provider: str,
        model: str,
        usage: Usage,
        cost_usd: float | None,
        *,
        cached: bool = False,
        estimated: bool = False,
        task: str = "",
    ) -> None:
        """One paid (or free) call. ``estimated``: tokens counted by us, not billed by the
        API (a stream cut before its usage arrived)."""
        self._records.add(
            UsageRow(
                time.time(),
                self._today(),
                self.session_id,
                provider,
                model,
                usage.input_tokens,
                usage.output_tokens,
                cost_usd,
                cached,
                estimated,
                task,
            )
        )

    def _sum(self, by: TotalsBy, arg: str) -> dict[str, Any]:
        row = self._records.totals(by, arg)
        return {
            "cost_usd": row[0],
            "calls": row[1],
            "unpriced_calls": row[2],
            "input_tokens": row[3],
            "output_tokens": row[4],
        }

    def session_totals(self) -> dict[str, Any]:
        return self._sum("session", self.session_id)

    def daily_totals(self, day: str | None = None) -> dict[str, Any]:
        return self._sum("day", day or self._today())

    def session_cost(self) -> float:
        return float(self.session_totals()["cost_usd"])

    def daily_cost(self) -> float:
        return float(self.daily_totals()["cost_usd"])

    @property
    def has_budget(self) -> bool:
        return self.session_budget_usd is not None or self.daily_budget_usd is not None

    def caps(self) -> list[tuple[str, float, float]]:
        """``(name, spent, cap)`` for each cap that is set."""
        out: list[tuple[str, float, float]] = []
        if self.session_budget_usd is not None:
            out.append(("session", self.session_cost(), self.session_budget_usd))
        if self.daily_budget_usd is not None:
            out.append(("daily", self.daily_cost(), self.daily_budget_usd))
        return out

    def alerts(self) -> list[str]:
        """A warning for each cap at or past :data:`ALERT_AT` of its amount."""
        return [
            f"{name} budget {spent / cap:.0%} used ({money(spent)} of {money(cap)})"
            for name, spent, cap in self.caps()
            if cap > 0 and spent >= ALERT_AT * cap
        ]

    def new_alerts(self) -> list[str]:
        """:meth:`alerts` not returned before by this tracker (each cap warns once)."""
        fresh = [a for a in self.alerts() if a.split(" ", 1)[0] not in self._alerted]
        self._alerted.update(a.split(" ", 1)[0] for a in fresh)
        return fresh

    def check_priced(self, pricing: Pricing | None, provider: str, model: str) -> None:
        """With a budget set, refuse a paid call that could not be counted."""
        if self.has_budget and pricing is not None and not pricing.is_priced(provider, model):
            raise UnpricedModelError(
                unpriced_message(provider, model), provider=f"{provider}:{model}"
            )

    def check_budget(self, provider: str | None = None) -> None:
        """Raise :class:`BudgetExceededError` if a paid call now would exceed a cap."""
        if self.session_budget_usd is not None:
            spent = self.session_cost()
            if spent >= self.session_budget_usd:
                raise BudgetExceededError(
                    f"session budget {money(self.session_budget_usd)} reached (spent {money(spent)})",
                    provider=provider,
                )
        if self.daily_budget_usd is not None:
            spent = self.daily_cost()
            if spent >= self.daily_budget_usd:
                raise BudgetExceededError(
                    f"daily budget {money(self.daily_budget_usd)} reached (spent {money(spent)})",
                    provider=provider,
                )
