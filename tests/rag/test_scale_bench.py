"""bench/scale.py keeps working: a toy run (2k chunks) against a real Chroma server it starts.

Real SciFact text and the app's real embedder, but only 40 real chunks (the rest are
perturbed copies): about 15 s of CPU in all (three model loads, a Chroma server start, two
BM25 builds), so its wall time is that on a quiet machine and minutes on a saturated one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED, require_shared


def test_scale_bench_runs_end_to_end_at_a_toy_size(tmp_path: Path) -> None:
    scifact = require_shared(SHARED / "beir-scifact", "BEIR SciFact")
    if not (Path(sys.executable).with_name("chroma").exists() or shutil.which("chroma")):
        pytest.skip("the chroma CLI is not installed")
    out = tmp_path / "scale.json"
    cmd = [
        sys.executable, str(ROOT / "bench" / "scale.py"), "--scifact", str(scifact),
        "--sizes", "1000", "2000", "--real", "40", "--queries", "12", "--threads", "1",
        "--no-restart-server", "--cache", str(tmp_path / "cache"), "--work", str(tmp_path / "w"),
        "--json", str(out),
    ]  # fmt: skip
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    rows = json.loads(out.read_text())["rows"]
    assert [r["size"] for r in rows] == [1000, 2000]
    for r in rows:
        # Exactly the asked size went in through the store, and Chroma holds every vector
        # (plus the refresh documents' chunks, each ingested through the real pipeline).
        assert 0 <= r["chunks"] - r["size"] < 10
        assert r["vectors"] >= r["chunks"] and r["replica"]["chunks"] > r["chunks"]
        assert r["bm25"]["refresh_status"] == ["added"] and r["bm25"]["refresh_found"]
        # A store grown with write intents needs no full sweep, and nothing crashed.
        assert r["bm25"]["orphan_sweep"] | {"s": 0} == {
            "ok": True,
            "s": 0,
            "swept": 0,
            "full": False,
        }
        assert r["bm25"]["chunks"] == r["replica"]["chunks"]
        assert r["bm25"]["resident"]["arrays_mb"] > 0
        assert r["replica"]["startup_s"] > 0 and r["replica"]["queries"] == 12
        lat = r["replica"]["latency_ms"]["wall"]
        assert 0 < lat["p50"] <= lat["p95"]
        assert r["chroma_rss_mb"] > 0 and r["disk_mb"]["chroma"] > 0
    assert "| 2,000 |" in p.stdout  # the README table row
