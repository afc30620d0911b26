"""``ask QUESTION`` (or ``--batch FILE``): answers with their sources.

``--history FILE.json`` and the batch rows' ``"history"`` take the conversation so far as
``[{"role": "user"|"assistant", "content": "..."}, ...]``; ``--doc NAME`` and the rows'
``"docs"`` ask within some documents. Those shapes are contracts for other tools."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from providers.base import Message, available, parse_spec
from rag.cli.analysis import answer_sentiment
from rag.cli.errors import EXIT_USAGE, fail, os_error_text
from rag.cli.output import add_command, engine_for, positive_int, print_json
from rag.places import place
from rag.workspaces import DEFAULT

if TYPE_CHECKING:
    from rag.answer import Answer
    from rag.engine import Engine

Question = tuple[str, list[Message], list[str] | None]


def parse_history(rows: Any) -> list[Message]:
    """``[{"role": "user"|"assistant", "content": "..."}, ...]`` -> messages (the contract)."""
    if not isinstance(rows, list) or not all(
        isinstance(r, dict) and r.get("role") in ("user", "assistant") for r in rows
    ):
        raise ValueError('history must be a list of {"role": "user"|"assistant", "content"}')
    return [Message(r["role"], str(r.get("content") or "")) for r in rows]


def read_questions(batch: str) -> Iterator[Question]:
    """(question, history, docs) per line: plain text, or JSONL with "question", "history"
    and "docs" (names to ask within; None: the command's --doc). A bad row raises ValueError
    naming the file and line, which the command prints as one line (never a traceback)."""
    fh = sys.stdin if batch == "-" else open(batch, encoding="utf-8")  # noqa: SIM115
    with fh:
        for number, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            if not line.startswith("{"):
                yield line, [], None
                continue
            try:
                row = _json_row(line)
            except ValueError as e:
                raise ValueError(f"{batch} line {number}: {e}") from None
            if not row[0].strip():
                raise ValueError(f'{batch} line {number}: the "question" is empty')
            yield row


def _json_row(line: str) -> Question:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON ({e.msg}, column {e.colno})") from None
    question = obj.get("question") if isinstance(obj, dict) else None
    # A missing or null question would be asked as "None": the row is refused instead.
    if not isinstance(question, str):
        raise ValueError('a JSONL row needs "question": "..." (a string)')
    docs = obj.get("docs")
    if docs is not None and not (isinstance(docs, list) and all(isinstance(d, str) for d in docs)):
        raise ValueError('"docs" must be a list of document names')
    return question, parse_history(obj.get("history") or []), docs


def chain_for(args: argparse.Namespace, engine: Engine) -> Any:
    """The provider chain for ``--provider`` / ``--fallback`` (None: the extractive answerer)."""
    spec = getattr(args, "provider", None)
    fallback = getattr(args, "fallback", None)
    if (
        not spec
        and not fallback
        and engine.settings.provider == "extractive"
        and not engine.settings.fallback
    ):
        return None
    from rag.llm import make_chain

    return make_chain(engine, spec, fallback)


def read_history(path: str) -> list[Message]:
    """The ``--history`` file; a bad one raises ValueError naming it ("Expecting value: line 1
    column 1" alone did not say which file the command choked on)."""
    try:
        rows = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not JSON ({e.msg}, line {e.lineno} column {e.colno})") from None
    try:
        return parse_history(rows)
    except ValueError as e:
        raise ValueError(f"{path}: {e}") from None


def check_providers(*specs: str | None) -> None:
    """``--provider opanai`` was a warning and an answer by another provider, exit code 0:
    a name no provider has is a usage error before anything is asked."""
    known = available()
    for spec in specs:
        for one in (spec or "").split(","):
            name = parse_spec(one)[0] if one.strip() else ""
            if name and name not in known:
                raise ValueError(f"unknown provider {name!r}; known: {', '.join(known)}")


def _questions_of(args: argparse.Namespace) -> list[Question]:
    """The questions, or ValueError saying in one line what is wrong with the input."""
    which = "--batch" if args.batch else "--history"
    try:
        if args.batch:
            questions = list(read_questions(args.batch))
            if not questions:
                raise ValueError(f"{args.batch} has no questions (one per line, or JSONL)")
            return questions
        history = read_history(args.history) if args.history else []
    except OSError as e:
        raise ValueError(f"{which} {os_error_text(e)}") from None
    except UnicodeDecodeError as e:
        path = args.batch or args.history
        raise ValueError(f"{which} {path} is not UTF-8 text (byte {e.start})") from None
    return [(args.question, history, None)]


def _skipped_note(ans: Answer) -> str:
    """``openai:gpt-4o-mini skipped: no API key configured (set OPENAI_API_KEY); `` when the
    provider asked for did not answer and a later one in the chain did."""
    out = ""
    for a in ans.attempts or []:
        if a.error:
            label = f"{a.provider}:{a.model}" if a.model else a.provider
            out += f"{label} skipped: {a.error.removeprefix(label + ': ')}; "
    return out


def _said_in_the_note(record: logging.LogRecord) -> bool:
    """The chain's ``provider X failed`` warning, when the note under the answer says it."""
    return not str(record.msg).startswith("provider %s failed")


def _print_answer(ans: Answer, workspace_flag: str = "") -> None:
    for c in ans.tool_calls or []:
        got = c.error or f"sources {c.sources}"
        print(f"(search_documents: {c.query!r}, k={c.k} -> {got})", file=sys.stderr)
    print(ans.answer)
    if ans.read_as:  # misspelt words were answered as the documents spell them
        print(f"(read as: {ans.read_as})")
    print()
    for s in ans.sources:
        mark = "*" if s.n in ans.cited else " "
        where = place(s.source, s.page)
        page = f", {where}" if where else ""
        rel = "" if s.relevance is None else f", relevance {s.relevance:.2f}"
        print(f" {mark}[{s.n}] {s.source}{page}  (score {s.score:.4f}{rel})")
    if ans.no_sources:
        how = f"add documents with: python -m rag ingest{workspace_flag} PATH ...; "
        print(
            f"\n({how if ans.no_sources == 'no_documents' else ''}no model was asked)",
            file=sys.stderr,
        )
        return
    note = f"{_skipped_note(ans)}answered by {ans.provider}:{ans.model}"
    if ans.cost_usd is None:
        note += ", cost unpriced"
    elif ans.cost_usd:
        note += f", ${ans.cost_usd:.6f}"
    print(f"\n({note})", file=sys.stderr)


def cmd_ask(args: argparse.Namespace) -> int:
    try:
        check_providers(args.provider, args.fallback)
        questions = _questions_of(args)  # before the model loads: a bad file fails at once
    except ValueError as e:
        return fail(str(e), EXIT_USAGE, args.json)
    if not (args.json or args.batch) and not args.verbose:
        logging.getLogger("providers.chain").addFilter(_said_in_the_note)
    engine = engine_for()
    engine.ensure_demo()
    provider = chain_for(args, engine)
    try:
        # Every name is checked before the first answer: a typo fails at once, listing the
        # documents, instead of after a batch's worth of paid calls.
        scopes = [
            engine.resolve_docs(d if d is not None else args.doc or []) for _, _, d in questions
        ]
    except ValueError as e:
        return fail(str(e), EXIT_USAGE, args.json)
    for (q, hist, _), scope in zip(questions, scopes, strict=True):
        scoped = engine.within(scope)
        if getattr(args, "tools", False):
            from rag.llm import task_chain

            chain = provider or task_chain(engine, "answer")
            ans = scoped.ask_with_tools(q, chain, k=args.k, history=hist)
        else:
            ans = scoped.ask(q, k=args.k, provider=provider, history=hist)
        if args.json or args.batch:
            out = ans.to_json()
            if not getattr(args, "no_sentiment", False):
                out["sentiment"] = answer_sentiment(ans.answer, engine)
            print_json(out)
        else:
            ws = engine.settings.workspace
            _print_answer(ans, f" --workspace {ws}" if ws != DEFAULT else "")
    return 0


def add_parsers(sub: Any) -> None:
    sp = add_command(
        sub,
        "ask",
        cmd_ask,
        "ask a question (or --batch FILE, one per line or JSONL)",
        """python -m rag ask "What is the hotel limit?"              # answer, sources on stdout
        python -m rag ask "What is the hotel limit?" --json       # one JSON object
        python -m rag ask "And in Paris?" --history chat.json     # a follow-up
        python -m rag ask "What is the warranty?" --doc faq.html  # within one document
        python -m rag ask --batch questions.txt > answers.jsonl   # JSON lines, one per question
        python -m rag ask "What is the hotel limit?" --provider openai:gpt-4o-mini
        A provider that cannot answer (no key, down) is skipped for the next in the chain,
        ending with the offline extractive answerer; stderr says which answered.""",
    )
    sp.add_argument("question", nargs="?", help="the question (quote it)")
    sp.add_argument(
        "--k", type=positive_int, default=None, help="number of sources (default RAG_TOP_K)"
    )
    sp.add_argument(
        "--batch",
        metavar="FILE",
        help="file with one question per line, or JSONL with 'question' (and 'history', "
        "'docs'); - for stdin. Prints one JSON object per line",
    )
    sp.add_argument(
        "--history",
        metavar="FILE",
        help='JSON file: the conversation so far, [{"role": "user"|"assistant", "content": ...}]',
    )
    sp.add_argument(
        "--provider", metavar="NAME[:MODEL]", help="provider[:model], e.g. openai:gpt-4o-mini"
    )
    sp.add_argument(
        "--fallback", metavar="LIST", help="comma-separated provider[:model] list tried in order"
    )
    sp.add_argument(
        "--doc",
        action="append",
        metavar="NAME",
        help="ask within this document only (file name, path or id); repeat for several. "
        'In --batch JSONL, a row\'s "docs": [...] overrides it',
    )
    sp.add_argument(
        "--tools",
        action="store_true",
        help="let providers with function calling run search_documents (bounded)",
    )
    sp.add_argument("--no-sentiment", action="store_true", help="leave sentiment out of --json")
