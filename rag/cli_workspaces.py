"""``python -m rag workspaces list|create NAME|delete NAME [--json]``: named sets of
documents (rag/workspaces.py). Every other command takes ``--workspace NAME`` (or
``RAG_WORKSPACE``) to work in one."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rag.settings import load_settings
from rag.workspaces import create_workspace, delete_workspace, list_workspaces


def cmd_workspaces(args: argparse.Namespace) -> int:
    settings = load_settings()
    out: dict[str, Any]
    if args.action == "list":
        names = list_workspaces(settings)
        out = {"workspaces": names}
        text = "\n".join(names)
    elif not args.name:
        print(f"error: workspaces {args.action} needs a NAME", file=sys.stderr)
        return 2
    elif args.action == "create":
        created = create_workspace(settings, args.name)
        out = {"workspace": args.name, "created": created}
        text = f"created workspace {args.name}" if created else f"{args.name} already exists"
    else:
        deleted = delete_workspace(settings, args.name)
        out = {"workspace": args.name, "deleted": deleted}
        text = f"deleted workspace {args.name}" if deleted else f"no workspace {args.name}"
        if not deleted:
            print(json.dumps(out) if args.json else text, file=sys.stderr)
            return 1
    print(json.dumps(out) if args.json else text)
    return 0


def add_parser(sub: Any) -> None:
    help_ = "list, create or delete workspaces (named sets of documents)"
    sp = sub.add_parser("workspaces", help=help_, description=help_)
    sp.add_argument("--json", action="store_true", help="machine-readable JSON output")
    sp.add_argument("action", choices=["list", "create", "delete"])
    sp.add_argument("name", nargs="?", help="the workspace (create, delete)")
    sp.set_defaults(func=cmd_workspaces)
