"""``python -m rag workspaces list|create NAME|delete NAME [--json]``: named sets of
documents (rag/workspaces.py). Every other command takes ``--workspace NAME`` (or
``RAG_WORKSPACE``) to work in one."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rag.cli.errors import EXIT_USAGE, fail
from rag.cli.output import add_command, print_json
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
        return fail(f"workspaces {args.action} needs a NAME", EXIT_USAGE, args.json)
    elif args.action == "create":
        created = create_workspace(settings, args.name)
        out = {"workspace": args.name, "created": created}
        text = f"created workspace {args.name}" if created else f"{args.name} already exists"
    else:
        deleted = delete_workspace(settings, args.name)
        out = {"workspace": args.name, "deleted": deleted}
        text = f"deleted workspace {args.name}" if deleted else f"no workspace {args.name}"
        if not deleted:
            listed = "python -m rag workspaces list"
            print(f"error: no workspace {args.name} ({listed} shows them)", file=sys.stderr)
            if args.json:
                print_json(out)
            return 1
    if args.json:
        print_json(out)
    else:
        print(text)
    return 0


def add_parsers(sub: Any) -> None:
    sp = add_command(
        sub,
        "workspaces",
        cmd_workspaces,
        "list, create or delete workspaces (named sets of documents)",
        """python -m rag workspaces list
        python -m rag workspaces create team-a
        python -m rag ingest --workspace team-a specs/    # then use it on any command
        python -m rag workspaces delete team-a            # its documents and conversations""",
    )
    sp.add_argument("action", choices=["list", "create", "delete"], help="what to do")
    sp.add_argument("name", nargs="?", help="the workspace (create, delete)")
