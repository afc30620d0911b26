"""How the CLI fails, found walking it as a new user: one line saying what and why, never a
Python traceback; with --json a JSON object on stdout too; --help of every command with
examples; a mistyped flag or command gets a suggestion."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.cli import build_parser, main
from rag.cli.output import progress_bar
from tests.conftest import ROOT


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rag", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **env},
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("RAG_AUTO_INGEST_DEMO", "false")
    return tmp_path / "index"


def _commands() -> dict[str, argparse.ArgumentParser]:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_help_has_examples_and_named_arguments(command: str) -> None:
    text = _commands()[command].format_help()
    assert "\nexamples:\n  python -m rag" in text or "\nexamples:\n  RAG_" in text
    assert "--workspace NAME" in text  # not the bare metavar WORKSPACE
    positionals = _commands()[command]._positionals._group_actions
    assert all(a.help for a in positionals), [a.dest for a in positionals if not a.help]


def test_top_help_says_exit_codes_and_where_the_index_is() -> None:
    text = build_parser().format_help()
    assert "exit codes: 0 ok" in text and "130 interrupted" in text
    assert "RAG_INDEX_DIR" in text and "``" not in text  # no reST markup in a terminal


def test_a_mistyped_flag_is_reported_with_the_commands_usage_and_a_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["ask", "Q", "--jsno"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert "usage: python -m rag ask" in err  # was the top-level usage, listing no flag
    assert "did you mean --json?" in err


def test_a_mistyped_command_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["aks", "Q"])
    assert "did you mean ask?" in capsys.readouterr().err


def test_a_usage_error_with_json_still_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["ask", "Q", "--json", "--k", "0"])
    out = json.loads(capsys.readouterr().out)
    assert out["exit_code"] == 2 and "--k" in out["error"]


def test_a_blank_question_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["ask", "   "])
    assert exit_.value.code == 2
    assert "ask needs a QUESTION" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda d: d / "nope.txt", r"--batch .*nope\.txt: no such file or folder"),
        (lambda d: d, r"--batch .*: is a folder, not a file"),
        (lambda d: _write(d / "empty.txt", b""), r"empty\.txt has no questions"),
        (lambda d: _write(d / "bin.txt", b"\xff\xfe"), r"bin\.txt is not UTF-8 text"),
        (lambda d: _write(d / "b.jsonl", b'{"question": " "}\n'), r"b\.jsonl line 1: .*empty"),
    ],
)
def test_a_bad_batch_file_is_one_line_and_json(
    index: Path, tmp_path: Path, make, why: str, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    assert main(["ask", "--batch", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    out = json.loads(captured.out)  # was nothing on stdout: `jq` choked on an empty input
    assert out["exit_code"] == 2
    import re

    assert re.search(why, out["error"]), out["error"]
    assert captured.err.count("\n") == 1 and captured.err.startswith("error: ")
    assert "Errno" not in captured.err


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_missing_history_file_names_the_flag(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", "Q", "--history", str(tmp_path / "chat.json")]) == 2
    err = capsys.readouterr().err
    assert "--history" in err and "chat.json: no such file or folder" in err


@pytest.mark.parametrize("flag", ["--provider", "--fallback"])
def test_an_unknown_provider_is_a_usage_error_not_a_silent_fallback(
    index: Path, flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # found walking the CLI: --provider opanai logged a warning and answered extractively,
    # exit code 0
    assert main(["ask", "Q", flag, "opanai:gpt-4o"]) == 2
    err = capsys.readouterr().err
    assert "unknown provider 'opanai'" in err and "openai" in err


def test_an_empty_folder_is_named_before_the_model_loads(
    index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import rag.cli.documents

    monkeypatch.setattr(rag.cli.documents, "engine_for", lambda: pytest.fail("engine made"))
    (tmp_path / "empty").mkdir()
    assert main(["ingest", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err
    assert "no files to ingest in" in err and "empty" in err and ".pdf" in err


def test_usage_day_must_be_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    # found walking the CLI: --day yesterday said "No provider calls recorded yet."
    with pytest.raises(SystemExit) as exit_:
        main(["usage", "--day", "yesterday"])
    assert exit_.value.code == 2 and "like 2026-03-31" in capsys.readouterr().err


def test_eval_sample_must_not_be_negative(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["eval", "squad", "x.json", "--sample", "-5"])  # was a ValueError traceback
    assert "must be 0 or more" in capsys.readouterr().err


def test_the_progress_bar_shows_the_last_file_of_a_burst() -> None:
    # found walking the CLI: files are committed a batch at a time; tqdm skipped the redraws
    # of a burst and the bar sat at 0/11 while 10 files were already stored
    err = io.StringIO()
    saved, sys.stderr = sys.stderr, err
    try:
        update, close = progress_bar("ingest", True, total=3)
        for done in (1, 2, 3):
            update(f"f{done}.pdf", done, 3)
        screen = err.getvalue()
        close()
    finally:
        sys.stderr = saved
    assert "0/3" in screen  # shown at once, not at the first file stored
    assert "3/3" in screen


def test_an_index_dir_under_a_file_is_one_line_and_json(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    proc = _cli("docs", "--json", env={"RAG_INDEX_DIR": str(tmp_path / "afile" / "idx")})
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2
    out = json.loads(proc.stdout)
    assert "not a folder" in out["error"] and "RAG_INDEX_DIR" in out["error"]


def test_a_closed_pipe_is_a_quiet_exit_not_a_traceback(tmp_path: Path) -> None:
    # found walking the CLI: `python -m rag ask --batch q.txt | head -c 10` ended in a
    # BrokenPipeError traceback
    env = {**os.environ, "RAG_INDEX_DIR": str(tmp_path / "index")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag", "workspaces", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader leaves before the first line is written
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_an_unexpected_error_never_prints_a_key_it_holds() -> None:
    from rag.cli.errors import describe

    err = RuntimeError(
        "GET https://api.example/v1?key=AIzaSyA1234567890abcdefghijklmnopqrstu failed"
    )
    text, _ = describe(err)
    assert "AIzaSyA1234567890abcdefghijklmnopqrstu" not in text and "RuntimeError" in text
