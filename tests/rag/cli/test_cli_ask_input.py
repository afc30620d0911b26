"""`ask --batch FILE` / `--history FILE` input errors: one line naming the file, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.cli import build_parser, main
from rag.cli.ask import read_history, read_questions


def _batch(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "row",
    [
        # found walking the CLI: a row without "question" was a KeyError traceback, and a
        # null question was asked as the literal text "None"
        json.dumps({"history": []}),
        json.dumps({"question": None}),
        json.dumps({"question": 5}),
        json.dumps({"question": ["a list"]}),
    ],
)
def test_a_row_without_a_string_question_is_a_value_error_naming_its_line(
    tmp_path: Path, row: str
) -> None:
    batch = _batch(tmp_path, "a plain question", row)
    with pytest.raises(ValueError, match=r'batch\.jsonl line 2: .*"question"'):
        list(read_questions(batch))


def test_bad_json_names_the_file_line_not_the_rows_own_line_1(tmp_path: Path) -> None:
    batch = _batch(tmp_path, json.dumps({"question": "ok"}), "", '{"question": "a"')
    with pytest.raises(ValueError, match=r"batch\.jsonl line 3: not JSON"):
        list(read_questions(batch))


def test_good_rows_still_read(tmp_path: Path) -> None:
    batch = _batch(tmp_path, json.dumps({"question": "Q", "docs": ["a.pdf"]}), "plain")
    assert list(read_questions(batch)) == [("Q", [], ["a.pdf"]), ("plain", [], None)]


@pytest.mark.parametrize(
    ("text", "why"),
    [("nope", "not JSON"), ('{"a": 1}', "history must be a list")],
)
def test_a_bad_history_file_is_named_in_the_error(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "chat.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"chat\.json: {why}"):
        read_history(str(path))


@pytest.mark.parametrize("command", ["ask", "consensus"])
@pytest.mark.parametrize("k", ["0", "-3", "two"])
def test_k_must_be_a_positive_whole_number(
    command: str, k: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # found walking the CLI: --k 0 silently meant the default (5 sources), --k -3 gave one
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([command, "Q", "--k", k])
    assert exit_.value.code == 2
    assert "--k" in capsys.readouterr().err


def test_k_one_is_fine() -> None:
    assert build_parser().parse_args(["ask", "Q", "--k", "1"]).k == 1


def test_a_question_and_a_batch_together_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # found walking the CLI: `ask "Q" --batch FILE` answered the file and dropped "Q" silently
    batch = _batch(tmp_path, "a plain question")
    with pytest.raises(SystemExit) as exit_:
        main(["ask", "Q", "--batch", batch])
    assert exit_.value.code == 2
    assert "not both" in capsys.readouterr().err
