"""The README's Scale table and the extrapolation from ``bench/scale.py``'s JSON.

Each limit is fitted with a straight line over the measured sizes (least squares; every
cost here is O(corpus) per operation: a full BM25 rebuild, a load of the whole index, a
scan) and the size where the line crosses the limit is printed. A crossing beyond the
largest measured size is an extrapolation, and says so.

    python bench/scale_report.py bench/results/scale.json
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

Row = dict[str, Any]
# (name, value of a row, limit, unit): where one node stops being enough for this app.
LIMITS: list[tuple[str, Callable[[Row], float], float, str]] = [
    ("retrieval p95 (wall, this load)", lambda r: r["replica"]["latency_ms"]["wall"]["p95"], 60, "ms"),
    ("replica CPU per query p95", lambda r: r["replica"]["latency_ms"]["cpu"]["p95"], 60, "ms"),
    ("refresh after one ingest", lambda r: r["bm25"]["refresh_s"], 30, "s"),
    ("orphan sweep per ingest (old rows: paged full read)", lambda r: _sweep_s(r["bm25"]["orphan_sweep"]), 30, "s"),
    ("BM25 build peak RSS delta", lambda r: r["bm25"]["peak_delta_mb"], 4096, "MB"),
    ("BM25 resident per replica", lambda r: r["bm25"]["resident"]["total_mb"], 2048, "MB"),
    ("replica start-up", lambda r: r["replica"]["startup_s"], 30, "s"),
    ("Chroma server RSS", lambda r: r["chroma_rss_mb"], 16384, "MB"),
]  # fmt: skip


def _sweep_s(sweep: Row) -> float:
    """The sweep's time; for rows measured before write intents (when the one-get sweep
    failed past 32,766 chunks), the paged read of every vector's metadata it would need."""
    return float(sweep["s"] if sweep.get("ok") else sweep.get("paged_read_s", 0.0))


def table(rows: list[Row]) -> list[str]:
    out = [
        "| chunks | p50 ms | p95 ms | dense p50/p95 ms | CPU/query p50 ms | BM25 build s | BM25 MB (build peak) | start-up s | refresh s | Chroma RSS MB | disk MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lat, b = r["replica"]["latency_ms"], r["bm25"]
        disk = r["disk_mb"]["chroma"] + r["disk_mb"]["manifest_and_bm25"]
        rss = f"{r['chroma_rss_mb']:.0f}"
        if "chroma_rss_after_restart_mb" in r:
            rss += f" ({r['chroma_rss_after_restart_mb']:.0f} after restart)"
        out.append(
            f"| {r['chunks']:,} | {lat['wall']['p50']:.1f} | {lat['wall']['p95']:.1f} | "
            f"{lat['dense']['p50']:.1f} / {lat['dense']['p95']:.1f} | {lat['cpu']['p50']:.1f} | "
            f"{b['build_s']:.1f} | {b['resident']['total_mb']:.0f} ({b['peak_delta_mb']:.0f}) | "
            f"{r['replica']['startup_s']:.1f} | {b['refresh_s']:.1f} | {rss} | {disk:.0f} |"
        )
    return out


def crossings(rows: list[Row]) -> list[str]:
    sizes = [float(r["chunks"]) for r in rows]
    biggest = max(sizes)
    out = []
    for name, value, limit, unit in LIMITS:
        ys = [value(r) for r in rows]
        if len(rows) < 2:
            break
        n = len(sizes)
        mx, my = sum(sizes) / n, sum(ys) / n
        sxx = sum((x - mx) ** 2 for x in sizes)
        slope = sum((x - mx) * (y - my) for x, y in zip(sizes, ys, strict=True)) / sxx
        icpt = my - slope * mx
        per_100k = slope * 100_000
        above = [i for i, y in enumerate(ys) if y >= limit]
        if above and above[0] == 0:
            where = f"already over at {sizes[0]:,.0f} chunks, the smallest size (measured)"
        elif above:
            i = above[0]  # between two measured sizes: interpolate between them
            x0, x1, y0, y1 = sizes[i - 1], sizes[i], ys[i - 1], ys[i]
            where = (
                f"~{x0 + (limit - y0) * (x1 - x0) / (y1 - y0):,.0f} chunks (between measured sizes)"
            )
        elif slope <= 0:
            where = "not crossed, no upward trend"
        else:
            at = (limit - icpt) / slope
            where = f"~{at:,.0f} chunks ({'extrapolated' if at > biggest else 'interpolated'})"
        out.append(
            f"- {name}: {ys[0]:.1f} -> {ys[-1]:.1f} {unit} ({per_100k:+.1f} {unit} per 100k "
            f"chunks); limit {limit:g} {unit}: {where}"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    result = json.loads(Path(args[0]).read_text())
    rows = result["rows"]
    print(
        f"{result['date']}; {result['command']}; load {rows[0]['load_before']} -> {result.get('load_end')}"
    )
    print("\n".join(table(rows)))
    print()
    print("\n".join(crossings(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
