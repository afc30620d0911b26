"""``python -m rag usage [--by provider|model|day|task] [--json]``, and the stored metrics
``python -m rag providers`` shows: both read the calls every earlier process recorded in
``<RAG_INDEX_DIR>/state/usage.sqlite3`` (providers/calllog.py)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from providers.calllog import BY, CallLog, stored_metrics
from providers.usage import UsageTracker
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
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    if not report["rows"]:
        print("No provider calls recorded yet.")
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


def add_parser(sub: Any) -> None:
    help_ = "tokens, calls and dollars of every recorded provider call, grouped"
    sp = sub.add_parser("usage", help=help_, description=help_)
    sp.add_argument("--json", action="store_true", help="machine-readable JSON output")
    sp.add_argument("--by", choices=sorted(BY), default="provider", help="group rows by")
    sp.add_argument("--day", help="only this UTC day (YYYY-MM-DD)")
    sp.set_defaults(func=cmd_usage)
