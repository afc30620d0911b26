"""``python -m rag ollama list|pull MODEL|health``: manage the local Ollama server's models.

Also ``python -m rag consensus QUESTION --providers a,b [--synth c]`` (rag/consensus.py).

``list`` shows installed models and which ones the settings need (provider, fallback, task
routes, consensus) but are missing; ``pull`` downloads one (or ``--missing``: all of them)
with a progress bar on stderr; ``health`` exits 1 when the server is not reachable. With
``--json`` each prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from providers.errors import ProviderError
from providers.ollama_admin import PullProgress
from rag.ollama import admin_for, settings_models
from rag.settings import ConfigError, load_settings

__all__ = ["add_parser", "admin_for", "cmd_ollama", "settings_models"]


def _out(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, default=str), flush=True)


def _bar(model: str, enabled: bool) -> Any:
    """A byte progress bar on stderr (stdout stays clean for --json)."""
    if not enabled:
        return lambda p: None, lambda: None
    from tqdm import tqdm

    bar = tqdm(
        total=0, desc=f"pull {model}", unit="B", unit_scale=True, file=sys.stderr, leave=False
    )

    def update(p: PullProgress) -> None:
        if p.overall_total and bar.total != p.overall_total:
            bar.total = p.overall_total
        bar.set_postfix_str(p.status[:30], refresh=False)
        bar.update(p.overall_completed - bar.n)

    return update, bar.close


def cmd_ollama(args: argparse.Namespace) -> int:
    settings = load_settings()
    with admin_for(settings) as admin:
        try:
            if args.action == "health":
                h = admin.health()
                if args.json:
                    _out(h)
                elif h["ok"]:
                    print(
                        f"Ollama {h.get('version') or ''} running at {h['base_url']}, {h.get('models', 0)} models"
                    )
                else:
                    print(f"error: {h['error']}", file=sys.stderr)
                return 0 if h["ok"] else 1
            if args.action == "list":
                models = admin.list_models()
                st = admin.status(settings_models(settings))
                if args.json:
                    _out({"base_url": admin.base_url, "models": models, **st.to_json()})
                else:
                    for m in models:
                        print(
                            f"{m['name']:40} {m.get('parameter_size') or '':>8} {m.get('quantization') or ''}"
                        )
                    for name in st.needed:
                        print(
                            f"needed: {name:33} {'MISSING' if name in st.missing else 'installed'}",
                            file=sys.stderr,
                        )
                    if st.missing:
                        print(
                            f"pull with: python -m rag ollama pull {st.missing[0]}", file=sys.stderr
                        )
                return 0
            # pull
            targets = (
                admin.status(settings_models(settings)).missing if args.missing else [args.model]
            )
            if not targets or not all(targets):
                if args.missing:
                    if args.json:
                        _out({"pulled": []})
                    else:
                        print("nothing missing")
                    return 0
                print("error: ollama pull needs a MODEL (or --missing)", file=sys.stderr)
                return 2
            pulled = []
            for model in targets:
                update, close = _bar(model, sys.stderr.isatty() or args.progress)
                try:
                    final = admin.pull(model, update)
                finally:
                    close()
                pulled.append(
                    {"model": model, "status": final.status, "bytes": final.overall_total}
                )
                if not args.json:
                    print(f"pulled {model}")
            if args.json:
                _out({"pulled": pulled})
            return 0
        except ProviderError as e:
            if args.json:
                _out({"ok": False, "error": e.message, "kind": e.kind})
            print(f"error: {e.message}", file=sys.stderr)
            return 1


def add_parser(sub: Any) -> argparse.ArgumentParser:
    add_consensus_parser(sub)
    sp = sub.add_parser(
        "ollama",
        help="Ollama models: list | pull MODEL | health",
        description=__doc__.split("\n")[0],
    )
    sp.add_argument("action", choices=["list", "pull", "health"])
    sp.add_argument("model", nargs="?", help="pull: model name, e.g. llama3.2 or qwen2.5:0.5b")
    sp.add_argument(
        "--missing", action="store_true", help="pull: every model the settings need but lack"
    )
    sp.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not a TTY"
    )
    sp.add_argument("--json", action="store_true", help="machine-readable JSON output")
    sp.set_defaults(func=cmd_ollama)
    return sp


# --- consensus (kept here with the other trust commands: one import hook in rag.cli) -------
def cmd_consensus(args: argparse.Namespace) -> int:
    from rag.consensus import consensus_from_settings
    from rag.engine import Engine

    engine = Engine(load_settings())
    engine.ensure_demo()
    specs = [s.strip() for s in (args.providers or "").split(",") if s.strip()] or None
    try:
        r = consensus_from_settings(engine, args.question, specs, args.synth, k=args.k)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        _out(r.to_json())
        return 0
    print(r.answer.answer)
    g = r.answer.grounding
    print(
        f"\n(consensus by {r.synthesizer}, {r.method}; "
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


def add_consensus_parser(sub: Any) -> argparse.ArgumentParser:
    sp = sub.add_parser(
        "consensus", help="ask several providers and synthesise a grounded consensus"
    )
    sp.add_argument("question")
    sp.add_argument(
        "--providers", help="comma-separated provider:model list (default RAG_CONSENSUS_PROVIDERS)"
    )
    sp.add_argument("--synth", help="provider:model that writes the consensus (default: the first)")
    sp.add_argument("--k", type=int, default=None)
    sp.add_argument("--json", action="store_true", help="machine-readable JSON output")
    sp.set_defaults(func=cmd_consensus)
    return sp
