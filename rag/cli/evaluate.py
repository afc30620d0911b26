"""``eval beir DIR | squad FILE | refusal FILE | qa SET.json``: quality on public sets and
our own, each in its own collection so the user's index is never touched."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.cli.errors import EXIT_USAGE, fail, os_error_text
from rag.cli.output import (
    add_command,
    engine_for,
    non_negative_int,
    positive_int,
    print_json,
    progress_bar,
)

if TYPE_CHECKING:
    from rag.engine import Engine

Progress = Callable[[str, int, int], None]


def _slug(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]+", "-", name)[:40].strip("-") or "x"


def _beir(args: argparse.Namespace, folder: Path, progress: Progress) -> dict[str, Any]:
    from rag.eval import beir

    engine = engine_for(collection=f"eval-beir-{_slug(folder.name)}")
    return beir.evaluate(engine, folder, split=args.split, progress=progress)


def _qa(args: argparse.Namespace, folder: Path, progress: Progress) -> dict[str, Any]:
    from rag.eval import qa

    engine = engine_for(collection=f"eval-qa-{_slug(folder.stem)}")
    return qa.evaluate(engine, folder, split=args.split, k=args.k, progress=progress)


def _qa_docs(args: argparse.Namespace) -> tuple[Engine, Path] | None:
    """``eval refusal --qa SET.json``: our own set's engine (its own collection) and path."""
    if not args.qa:
        return None
    return engine_for(collection=f"eval-qa-{_slug(Path(args.qa).stem)}"), Path(args.qa)


def _refusal(args: argparse.Namespace, folder: Path, progress: Progress) -> dict[str, Any]:
    from rag.eval import refusal

    engine = engine_for(collection=f"eval-squad-{_slug(folder.name)}")
    return refusal.run(
        engine,
        folder,
        out=Path(args.out) if args.out else refusal.DEFAULT_OUT,
        k=args.k,
        max_answerable_refused=args.max_answerable_refused,
        progress=progress,
        cache=Path(args.cache) if args.cache else None,
        n_questions=args.sample or None,
        docs=_qa_docs(args),
    )


def _squad(args: argparse.Namespace, folder: Path, progress: Progress) -> dict[str, Any]:
    from rag.eval import squad

    engine = engine_for(collection=f"eval-squad-{_slug(folder.name)}")
    return squad.evaluate(
        engine,
        folder,
        n_questions=args.sample or None,
        k=args.k,
        progress=progress,
        heldout=args.heldout,
        seed=args.seed,
    )


KINDS = {"beir": _beir, "squad": _squad, "refusal": _refusal, "qa": _qa}
SHAPES = {
    "beir": "a BEIR folder (corpus.jsonl.gz, queries.jsonl.gz, qrels/)",
    "squad": "a SQuAD JSON file",
    "refusal": "a SQuAD 2.0 JSON file",
    "qa": "a qa set (set.json)",
}


def cmd_eval(args: argparse.Namespace) -> int:
    folder = Path(args.path)
    if not folder.exists():
        return fail(f"{folder} does not exist", EXIT_USAGE, args.json)
    update, close = progress_bar("index", True)
    try:
        out = KINDS[args.kind](args, folder, update)
    except OSError as e:  # a folder that is not a BEIR set: corpus.jsonl.gz missing
        return fail(f"{args.path} is not {SHAPES[args.kind]} ({os_error_text(e)})", 2, args.json)
    except (ValueError, KeyError) as e:  # JSON that is not the set's shape
        why = f"missing {e}" if isinstance(e, KeyError) else str(e)
        return fail(f"{args.path} is not {SHAPES[args.kind]} ({why})", EXIT_USAGE, args.json)
    finally:
        close()
    if args.json:
        print_json(out)
    elif args.kind == "qa":
        from rag.eval import qa

        print(qa.format_report(out))
    else:
        for key, value in out.items():
            print(f"{key:28} {value}")
    return 0


def add_parsers(sub: Any) -> None:
    sp = add_command(
        sub,
        "eval",
        cmd_eval,
        "evaluate: beir DIR | squad FILE | refusal FILE (refit) | qa SET.json",
        """python -m rag eval beir ../shared/data/beir-scifact      # nDCG@10, recall, MRR
        python -m rag eval squad squad-v1.1-dev.json.gz --sample 200
        python -m rag eval qa tests/data/qa/set.json --split test
        Each set is indexed in its own collection: your documents are never touched.""",
    )
    sp.add_argument("kind", choices=list(KINDS), help="which evaluation")
    sp.add_argument("path", help="the set: a BEIR folder, a SQuAD file or a qa set.json")
    sp.add_argument("--split", default="test", help="BEIR qrels split; qa: test | fit | all")
    sp.add_argument(
        "--sample", type=non_negative_int, default=1000, help="SQuAD questions to sample (0 = all)"
    )
    sp.add_argument("--k", type=positive_int, default=5, help="sources per question (default 5)")
    sp.add_argument("--seed", type=int, default=7, help="SQuAD question sample seed")
    sp.add_argument(
        "--heldout",
        action="store_true",
        help="SQuAD: only articles the refusal model was not fitted on",
    )
    sp.add_argument(
        "--out", help="refusal: where to write the model (default rag/models/refusal.json)"
    )
    sp.add_argument(
        "--max-answerable-refused",
        type=float,
        default=0.175,
        help="refusal: threshold refuses at most this share of answerables (fit articles)",
    )
    sp.add_argument("--cache", help="refusal: pickle of retrieved sources, reused when present")
    sp.add_argument("--qa", help="refusal: also fit on the fit half of this qa set (set.json)")
