"""``python -m rag ollama list|pull MODEL|health``: manage the local Ollama server's models.

``list`` shows installed models and which ones the settings need (provider, fallback, task
routes, consensus) but are missing; ``pull`` downloads one (or ``--missing``: all of them)
with a progress bar on stderr; ``health`` exits 1 when the server is not reachable. With
``--json`` each prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from providers.errors import ProviderError
from providers.ollama_admin import OllamaAdmin, PullProgress
from rag.cli.output import add_command, print_json
from rag.ollama import admin_for, settings_models
from rag.settings import Settings, load_settings


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


def _health(args: argparse.Namespace, admin: OllamaAdmin, settings: Settings) -> int:
    h = admin.health()
    if args.json:
        print_json(h)
    elif h["ok"]:
        version = h.get("version") or ""
        print(f"Ollama {version} running at {h['base_url']}, {h.get('models', 0)} models")
    else:
        print(f"error: {h['error']}", file=sys.stderr)
    return 0 if h["ok"] else 1


def _list(args: argparse.Namespace, admin: OllamaAdmin, settings: Settings) -> int:
    models = admin.list_models()
    st = admin.status(settings_models(settings))
    if args.json:
        print_json({"base_url": admin.base_url, "models": models, **st.to_json()})
        return 0
    for m in models:
        print(f"{m['name']:40} {m.get('parameter_size') or '':>8} {m.get('quantization') or ''}")
    for name in st.needed:
        state = "MISSING" if name in st.missing else "installed"
        print(f"needed: {name:33} {state}", file=sys.stderr)
    if st.missing:
        print(f"pull with: python -m rag ollama pull {st.missing[0]}", file=sys.stderr)
    return 0


def _pull(args: argparse.Namespace, admin: OllamaAdmin, settings: Settings) -> int:
    targets = admin.status(settings_models(settings)).missing if args.missing else [args.model]
    if not targets or not all(targets):
        if not args.missing:
            print("error: ollama pull needs a MODEL (or --missing)", file=sys.stderr)
            return 2
        if args.json:
            print_json({"pulled": []})
        else:
            print("nothing missing")
        return 0
    pulled = []
    for model in targets:
        update, close = _bar(model, sys.stderr.isatty() or args.progress)
        try:
            final = admin.pull(model, update)
        finally:
            close()
        pulled.append({"model": model, "status": final.status, "bytes": final.overall_total})
        if not args.json:
            print(f"pulled {model}")
    if args.json:
        print_json({"pulled": pulled})
    return 0


ACTIONS = {"health": _health, "list": _list, "pull": _pull}


def cmd_ollama(args: argparse.Namespace) -> int:
    settings = load_settings()
    with admin_for(settings) as admin:
        try:
            return ACTIONS[args.action](args, admin, settings)
        except ProviderError as e:
            if args.json:
                print_json({"ok": False, "error": e.message, "kind": e.kind})
            print(f"error: {e.message}", file=sys.stderr)
            return 1


def add_parsers(sub: Any) -> None:
    sp = add_command(
        sub,
        "ollama",
        cmd_ollama,
        "Ollama models: list | pull MODEL | health",
        """python -m rag ollama health            # exit code 1 when the server is not reachable
        python -m rag ollama list              # installed, and what the settings need
        python -m rag ollama pull --missing    # every model the settings need""",
    )
    sp.add_argument("action", choices=list(ACTIONS), help="what to do")
    sp.add_argument("model", nargs="?", help="pull: model name, e.g. llama3.2 or qwen2.5:0.5b")
    sp.add_argument(
        "--missing", action="store_true", help="pull: every model the settings need but lack"
    )
    sp.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not a TTY"
    )
