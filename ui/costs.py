"""Cost and health: this session's tokens and dollars, per answer, over time, budget left;
provider health (calls, errors, median latency, not configured vs failing). The words
come from rag.spending; this module only draws."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from providers.calllog import stored_metrics
from providers.chain import FallbackChain
from providers.metrics import Metrics
from providers.usage import UsageTracker
from rag.settings import Settings
from rag.spending import NOT_CONFIGURED, budget_words, cost_rows, free_words, health_rows
from ui.notes import money
from ui.sidebar import provider_rows
from ui.state import session_keys

CAP_KEY = "session_cap_usd"
# An answer no model gave (rag.no_sources.nothing_to_answer: an empty workspace, nothing found;
# or every provider failed) has the provider "none", which reads as a provider's name.
NO_MODEL = "– (no model answered)"


def render(settings: Settings) -> None:
    usage: UsageTracker = st.session_state.usage
    costs: list[dict[str, Any]] = st.session_state.costs
    totals = usage.session_totals()
    # A reopened conversation's earlier answers (ui.conversations.sync) count too.
    before = st.session_state.get("restored_cost") or {"tokens": 0, "cost_usd": 0.0}
    st.subheader("Session cost", anchor=False)
    c1, c2 = st.columns(2)
    c1.metric("Tokens", f"{totals['input_tokens'] + totals['output_tokens'] + before['tokens']:,}")
    c2.metric("Cost", money(totals["cost_usd"] + before["cost_usd"]))
    if before["tokens"] or before["cost_usd"] or before.get("answers"):
        st.caption(_restored_words(before))
    if totals["unpriced_calls"]:
        st.caption(f"{totals['unpriced_calls']} call(s) to unpriced models are not in the total.")
    _budget(settings, usage, totals)
    if costs:
        rows = [{**r, "provider": answered_by(r["provider"])} for r in cost_rows(costs)]
        if totals["cost_usd"] + before["cost_usd"] > 0:
            _cost_chart(rows)
        if (free := free_words(rows)) is not None:
            st.caption(free)  # no key, no tokens: one line, not a table of zeros
        else:
            _cost_table(rows)
    else:
        st.caption("No answers yet this session.")
    render_health(settings)


def _restored_words(before: dict[str, Any]) -> str:
    """What the totals hold from before a reload: a session that asked nothing showed
    "Nothing paid for: 16 questions so far" with no word of where they came from."""
    # Named by id: after "New conversation" (or opening another), "this conversation" was one
    # that had never been reopened.
    here = before.get("conversation_id") in (None, st.session_state.get("conversation_id"))
    if before["tokens"] or before["cost_usd"]:
        whose = (
            "this conversation's answers from before it was reopened"
            if here
            else "the earlier answers of a conversation reopened earlier in this session"
        )
        return f"Includes {money(before['cost_usd'])} ({before['tokens']:,} tokens) for {whose}."
    n = int(before.get("answers") or 0)
    answers = f"{n} answer{'' if n == 1 else 's'}"
    if here:
        return (
            f"Includes the {answers} this conversation had before it was reopened (none paid for)."
        )
    # "the 18 answers a conversation this session reopened had before it was reopened" was
    # hard to follow (a walk)
    return f"Includes {answers} of a conversation reopened earlier in this session (none paid for)."


def _budget(settings: Settings, usage: UsageTracker, totals: dict[str, Any]) -> None:
    line = budget_words(
        usage.session_budget_usd, totals["cost_usd"], settings.daily_budget_usd, usage.daily_cost()
    )
    st.caption(line)
    for alert in usage.alerts():  # at 80% of a cap
        st.warning(f"Budget alert: {alert}.")


def _cost_chart(rows: list[dict[str, Any]]) -> None:
    import altair as alt  # 1-2 s to import, and only needed once something costs money

    df = pd.DataFrame(rows)
    chart = (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=60))
        .encode(
            # By question: a follow-up's rewrite and its answer are two points of one question,
            # in the order they were paid for.
            x=alt.X("question:O", title="Question", axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "cumulative_usd:Q",
                title="Total, USD",
                axis=alt.Axis(format=usd_axis_format(float(df["cumulative_usd"].max()))),
            ),
            order=alt.Order("answer:Q"),
            tooltip=[
                alt.Tooltip("question:O", title="Question"),
                alt.Tooltip("provider:N", title="Provider"),
                alt.Tooltip("tokens:Q", title="Tokens", format=","),
                alt.Tooltip("cost:N", title="This call"),
                alt.Tooltip("cumulative_usd:Q", title="Total so far", format="$.6~f"),
            ],
        )
        # Vega makes the description the drawing's accessible name (aria-label on the svg):
        # without it a screen reader heard only the axis labels.
        .properties(height=160, description=chart_description(rows))
    )
    st.altair_chart(chart, width="stretch")


def chart_description(rows: list[dict[str, Any]]) -> str:
    """The chart in words: what it plots, where it ends, and that the table has the numbers."""
    questions = len({r["question"] for r in rows})
    total = money(max((float(r["cumulative_usd"]) for r in rows), default=0.0))
    return (
        f"Line chart of this session's total cost in US dollars after each question: "
        f"{total} after {questions} question{'' if questions == 1 else 's'}. "
        "The table below lists the same numbers for each answer."
    )


def usd_axis_format(top_usd: float) -> str:
    """Enough decimals for the axis's tick step: a fixed 4 drew "$0.0001" three times up a
    chart of $0.000153 (ticks 0.00005 apart). Vega draws about 4 ticks; one more decimal
    than a quarter of the top needs keeps steps of 1, 2 or 5 apart ("~" drops the zeros)."""
    if top_usd <= 0:
        return "$.2~f"
    return f"$.{max(2, math.ceil(-math.log10(top_usd / 4)) + 1)}~f"


def answered_by(provider: str) -> str:
    return NO_MODEL if provider == "none" else provider


def _cost_table(rows: list[dict[str, Any]]) -> None:
    # A static table wraps "OpenAI · gpt-4o-mini (rewrite)" where a grid clipped it; past a
    # dozen answers it scrolls. The time of each answer is in its "Answered by" line. Rows
    # are numbered by question: "Answer 2" was a follow-up's rewrite, not an answer.
    table = pd.DataFrame(
        {
            "Question": [r["question"] for r in rows],
            "Answered by": [r["provider"] for r in rows],
            "Tokens": [f"{r['tokens']:,}" for r in rows],
            "Cost": [r["cost"] for r in rows],
        }
    )
    st.table(table, hide_index=True, height="content" if len(rows) <= 12 else 420)


def render_health(settings: Settings) -> None:
    metrics: Metrics = st.session_state.metrics
    chains: dict[Any, FallbackChain] = st.session_state.chains
    statuses = [s for chain in chains.values() for s in chain.status()]
    # Answers of earlier processes too, when they are stored (providers/calllog.py); a
    # follow-up's rewrite is a call of its own, left out so one question counts once.
    stored = stored_metrics(st.session_state.usage.path, task="answer")
    snap = stored or metrics.snapshot()
    # Whether each provider has a key now: what the sidebar's "key set" says.
    keyed = {
        name: bool(row.get("key_configured"))
        for name, row in provider_rows(settings, session_keys()).items()
    }
    st.subheader("Provider health", anchor=False)
    rows = health_rows(snap, statuses, keyed)
    if not rows:
        st.caption("No provider calls yet.")
        return
    # A static table wraps its cells: "Errors: unreachable ×3" stays readable in the
    # narrow side column, where a data grid clipped it to "Errors: unrea…". Every column
    # is text: a column mixing numbers and "–" cannot go to Arrow (a logged traceback).
    table = pd.DataFrame(
        {
            "Provider": [r["provider"] for r in rows],
            "Status": [r["status"] for r in rows],
            "Questions": [_count(r["questions"]) for r in rows],
            "Median": [f"{r['p50_ms']:,} ms" if r["p50_ms"] is not None else "–" for r in rows],
        }
    )
    st.table(table, hide_index=True)
    # Beside "Session cost", a count of every session's questions read as this session's
    # ("Questions 32" under a table of 2 answers after a reload): say which it is.
    scope = "in all sessions so far, not only this one" if stored else "in this session"
    any_keyless = any(r["status"] == NOT_CONFIGURED for r in rows)
    st.caption(
        f"Questions: how many each provider was given {scope} (rewriting a follow-up into a "
        "standalone question is not counted). Median: time of successful answers."
        # a walk read "Not configured ... –" beside "all sessions" as a contradiction
        + (
            " A provider without an API key now shows no count and no median."
            if any_keyless
            else ""
        )
    )


def _count(n: int | None) -> str:
    return "–" if n is None else f"{n:,}"


def render_cap_input(settings: Settings) -> None:
    """Sidebar: this session's spending cap (empty: none). Paid providers stop at the cap."""
    usage: UsageTracker = st.session_state.usage
    # No min_value: the browser then marks "-1" red and keeps it, with the reason only in
    # its accessibility text, while the page says no limit is set. Said here instead.
    cap = st.number_input(
        "Spending limit for this session (USD)",
        value=settings.session_budget_usd,
        step=0.05,
        format="%g",  # "%.2f" showed a limit of $0.001 as "0.00"
        key=CAP_KEY,
        placeholder="No limit",
        help="Paid models stop answering once this session has spent this much; the "
        "free extractive answerer still answers. Leave empty for no limit.",
    )
    if cap is not None and cap < 0:  # a typo, read the safe way: nothing paid is spent
        st.error("A spending limit cannot be negative: read as $0, so paid models will not "
                 "answer. Set $0 or more, or clear the field for no limit.")  # fmt: skip
        cap = 0.0
    usage.session_budget_usd = None if cap is None else float(cap)
