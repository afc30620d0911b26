"""``consensus QUESTION --providers a,b [--synth c]``: several providers answer, one writes a
grounded consensus (rag/consensus.py)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rag.cli.errors import EXIT_USAGE, fail
from rag.cli.output import add_command, engine_for, positive_int, print_json
from rag.settings import ConfigError


def cmd_consensus(args: argparse.Namespace) -> int:
    from rag.consensus import consensus_from_settings

    engine = engine_for()
    engine.ensure_demo()
    specs = [s.strip() for s in (args.providers or "").split(",") if s.strip()] or None
    try:
        r = consensus_from_settings(engine, args.question, specs, args.synth, k=args.k)
    except ConfigError as e:
        return fail(str(e), EXIT_USAGE, args.json)
    if args.json:
        print_json(r.to_json())
        return 0
    print(r.answer.answer)
    g = r.answer.grounding
    how = f"consensus by {r.synthesizer}" if r.synthesizer else "one answer, not a consensus"
    print(
        f"\n({how}, {r.method}; "
        f"supported {g and g['supported']}/{g and g['total']}; "
        f"cost {'unpriced' if r.cost_usd is None else f'${r.cost_usd:.6f}'}; {r.latency_ms:.0f} ms)",
        file=sys.stderr,
    )
    for a in r.answers:
        ag = a.grounding
        print(
            f"\n--- {a.provider}:{a.model} ({a.latency_ms:.0f} ms, "
            f"supported {ag['supported'] if ag else '-'}/{ag['total'] if ag else '-'})"
        )
        print(a.answer)
    return 0


def add_parsers(sub: Any) -> None:
    sp = add_command(
        sub,
        "consensus",
        cmd_consensus,
        "ask several providers and synthesise a grounded consensus",
        """python -m rag consensus "What is the hotel limit?" --providers openai,anthropic
        python -m rag consensus "What is the hotel limit?" --synth openai:gpt-4o --json""",
    )
    sp.add_argument("question", help="the question (quote it)")
    sp.add_argument(
        "--providers", help="comma-separated provider:model list (default RAG_CONSENSUS_PROVIDERS)"
    )
    sp.add_argument("--synth", help="provider:model that writes the consensus (default: the first)")
    sp.add_argument("--k", type=positive_int, default=None, help="number of sources")
