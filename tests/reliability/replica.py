"""One app replica in its own process (``python -m tests.reliability.replica`` from the
checkout), for the shared-state tests: an :class:`Engine` built
from the environment (its own RAG_INDEX_DIR, the shared Chroma server and PostgreSQL),
driven by JSON lines on stdin, answering with one JSON line each on stdout:

``{"op": "ask", "q": ...}`` -> ``{"sources": [file names], "bm25": [file names]}``;
``{"op": "remove", "target": ...}`` -> ``{"results": [statuses]}``.
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    from providers.extractive_provider import RefusalModel
    from rag.engine import Engine
    from rag.settings import load_settings

    # Sharing is the point, not the refusal decision (fitted on real MiniLM vectors,
    # meaningless on the test embedder): answer whenever something is retrieved.
    engine = Engine(load_settings(), refusal=RefusalModel(weights={}, bias=5.0))
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["op"] == "ask":
            answer = engine.ask(cmd["q"])
            bm25 = engine.retrieve(cmd["q"], mode="bm25").passages
            out = {"sources": [s.source for s in answer.sources], "bm25": [p.source for p in bm25]}
        else:
            out = {"results": [r.status for r in engine.remove(cmd["target"])]}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
