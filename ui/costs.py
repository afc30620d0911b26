"""Cost and health: this session's tokens and dollars, per answer, over time, budget left;
provider health (calls, errors, p50 latency, breaker state)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from providers.calllog import stored_metrics
from providers.chain import FallbackChain
from providers.metrics import Metrics
from providers.usage import UsageTracker
from rag.settings import Settings
from ui.notes import money


def render(settings: Settings) -> None:
    usage: UsageTracker = st.session_state.usage
    costs: list[dict[str, Any]] = st.session_state.costs
    totals = usage.session_totals()
    st.subheader("Session cost", anchor=False)
    c1, c2 = st.columns(2)
    c1.metric("Tokens", f"{totals['input_tokens'] + totals['output_tokens']:,}")
    c2.metric("Cost", money(totals["cost_usd"]))
    if totals["unpriced_calls"]:
        st.caption(f"{totals['unpriced_calls']} call(s) to unpriced models are not in the total.")
    _budget(settings, usage, totals)
    if costs:
        df = pd.DataFrame(costs)
        cost = df["cost_usd"].astype(float).fillna(0.0)
        chart = pd.DataFrame({"answer": df["answer"], "cumulative $": cost.cumsum()}).set_index(
            "answer"
        )
        st.line_chart(chart, height=140)
        table = df[["answer", "provider", "tokens", "cost_usd", "latency_ms"]].copy()
        table["cost_usd"] = [
            money(c if c == c else None) for c in df["cost_usd"]
        ]  # NaN -> unpriced
        st.dataframe(table, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 220))
    else:
        st.caption("No answers yet this session.")
    render_health()


def _budget(settings: Settings, usage: UsageTracker, totals: dict[str, Any]) -> None:
    lines = []
    if settings.session_budget_usd is not None:
        left = max(settings.session_budget_usd - totals["cost_usd"], 0.0)
        lines.append(f"Session budget left: {money(left)} of {money(settings.session_budget_usd)}")
    if settings.daily_budget_usd is not None:
        left = max(settings.daily_budget_usd - usage.daily_cost(), 0.0)
        lines.append(f"Daily budget left: {money(left)} of {money(settings.daily_budget_usd)}")
    st.caption(
        " · ".join(lines)
        if lines
        else "No budget set (RAG_SESSION_BUDGET_USD, RAG_DAILY_BUDGET_USD)."
    )
    for alert in usage.alerts():  # at 80% of a cap
        st.warning(f"Budget alert: {alert}.")


def render_health() -> None:
    metrics: Metrics = st.session_state.metrics
    chains: dict[Any, FallbackChain] = st.session_state.chains
    breakers: dict[str, str] = {}
    for chain in chains.values():
        for s in chain.status():
            breakers[f"{s['provider']}:{s['model']}"] = s["breaker"]
    # Calls of earlier processes too, when they are stored (providers/calllog.py).
    snap = stored_metrics(st.session_state.usage.path) or metrics.snapshot()
    st.subheader("Provider health", anchor=False)
    if not snap:
        st.caption("No provider calls yet.")
        return
    rows = [
        {
            "provider": label,
            "calls": m["calls"],
            "errors": m["error_count"],
            "p50 ms": round(m["p50_ms"]) if m["p50_ms"] is not None else None,
            "breaker": breakers.get(label, "n/a"),
        }
        for label, m in sorted(snap.items())
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
