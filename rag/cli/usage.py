"""``python -m rag usage [--by provider|model|day|task] [--json]``, and the stored metrics
``python -m rag providers`` shows: both read the calls every earlier process recorded in
``<RAG_INDEX_DIR>/state/usage.sqlite3`` (providers/calllog.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from providers.calllog import BY, CallLog, stored_metrics
from providers.usage import UsageTracker
from rag.cli.output import add_command, iso_day, print_json
from rag.settings import Settings, load_settings
from rag.state import open_state


def usage_path(settings: Settings) -> Path:
    return settings.state_dir / "usage.sqlite3"


def provider_metrics(settings: Settings) -> dict[str, dict[str, Any]]:
    """Stored metrics per provider name (all processes so far), each with its ``models``."""
    path = usage_path(settings)
    by_model = stored_metrics(path)
    out = stored_metrics(path, group="provider")
    for name, m in out.items():
        m["models"] = {k: v for k, v in by_model.items() if k.split(":", 1)[0] == name}
    return out


def usage_report(settings: Settings, by: str, day: str | None = None) -> dict[str, Any]:
    path = usage_path(settings)
    rows: list[dict[str, Any]] = []
    if path.exists():
        calls = CallLog(path)
        try:
            rows = calls.report(by, day)
        finally:
            calls.close()
    tracker = UsageTracker(
        path if path.exists() else None,
        session_budget_usd=settings.session_budget_usd,
        daily_budget_usd=settings.daily_budget_usd,
        records=open_state(settings).usage_records(),  # every replica's, when shared
    )
    try:
        daily = tracker.daily_totals()
        alerts = tracker.alerts()
    finally:
        tracker.close()
    return {
        "by": by,
        "day": day,
        "rows": rows,
        "total_cost_usd": round(sum(r["cost_usd"] for r in rows), 10),
        "today": daily,
        "daily_budget_usd": settings.daily_budget_usd,
        "alerts": alerts,
    }


def cmd_usage(args: argparse.Namespace) -> int:
    report = usage_report(load_settings(), args.by, args.day)
    if args.json:
        print_json(report, indent=2)
        return 0
    if not report["rows"]:
        print(
            f"No provider calls on {args.day}." if args.day else "No provider calls recorded yet."
        )
    for r in report["rows"]:
        extra = f"  ({r['unpriced_calls']} unpriced)" if r["unpriced_calls"] else ""
        extra += f"  ({r['estimated_calls']} estimated)" if r["estimated_calls"] else ""
        print(
            f"{r[args.by]:36} {r['calls']:6} calls {r['input_tokens']:>9} in "
            f"{r['output_tokens']:>8} out  ${r['cost_usd']:.6f}{extra}"
        )
    print(f"{'total':36} ${report['total_cost_usd']:.6f}")
    for alert in report["alerts"]:
        print(f"budget alert: {alert}")
    return 0


def cmd_providers(args: argparse.Namespace) -> int:
    from rag.llm import describe_providers

    settings = load_settings()
    rows = describe_providers(settings)
    stats = provider_metrics(settings)  # stored: the calls of earlier processes too
    for row in rows:
        row["metrics"] = stats.get(row["provider"], {})
    if args.json:
        print_json({"providers": rows, "chain": [settings.provider, *settings.fallback]})
    else:
        for row in rows:
            key = "key ok" if row.get("key_configured") else "no key"
            print(
                f"{row['provider']:18} {row.get('model') or '':28} {key:7} breaker={row.get('breaker', '-')}"
            )
    return 0


def add_parsers(sub: Any) -> None:
    sp = add_command(
        sub,
        "usage",
        cmd_usage,
        "tokens, calls and dollars of every recorded provider call, grouped",
        """python -m rag usage                      # per provider, all days
        python -m rag usage --by model --day 2026-03-31
        python -m rag usage --json               # rows, totals, today, budget alerts""",
    )
    sp.add_argument("--by", choices=sorted(BY), default="provider", help="group rows by")
    sp.add_argument("--day", type=iso_day, help="only this UTC day (YYYY-MM-DD)")
    add_command(
        sub,
        "providers",
        cmd_providers,
        "list providers, models, keys configured, breaker state, metrics",
        """python -m rag providers          # name, model, key configured, breaker
        python -m rag providers --json   # with stored metrics and the fallback chain""",
    )
