"""Promise 6: keys from env, .env, settings, secrets.toml and the sidebar never appear in
anything we write - CLI stdout/stderr and JSON, log records at DEBUG, exception texts, the
cache and usage SQLite files, the Chroma store, the index dir - even when providers fail
(the fake OpenAI echoes the key it got in its 401 message, as the real API does)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.fakes.servers import FakeServer, Reply
from tests.reliability.checks import run_cli
from tests.ui.conftest import reset_streamlit_secrets

# Deliberately not all key-shaped: the ones without a known prefix are only caught if the
# code registers every configured key for redaction, not by pattern luck.
SENTINELS = {
    "env": "sk-proj-ENVSENTINEL0123456789abcdefghij",
    "dotenv": "dotenvSENTINEL-4f9a2c7e1b8d",
    "dotenv2": "AIzaDOTENVSENTINEL2-0123456789abcdefg",
    "settings": "settingsSENTINEL-77aa11bb22cc",
    "secrets_toml": "tomlSENTINEL-5e6f7a8b9c0d",
    "session": "sessionSENTINEL-0a1b2c3d4e5f",
}


def _leaks(text: str | bytes) -> list[str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return [s for s in SENTINELS.values() if s in text] + [
        m
        for m in (
            "ENVSENTINEL",
            "dotenvSENTINEL",
            "DOTENVSENTINEL2",
            "settingsSENTINEL",
            "tomlSENTINEL",
            "sessionSENTINEL",
        )
        if m in text
    ]


def _files_with_leaks(root: Path, skip: set[Path]) -> dict[str, list[str]]:
    hits: dict[str, list[str]] = {}
    for p in root.rglob("*"):
        if p.is_file() and p not in skip:
            found = _leaks(p.read_bytes())
            if found:
                hits[str(p.relative_to(root))] = found
    return hits


def _faulty_fakes(start_fake: Callable[[str], FakeServer]) -> dict[str, FakeServer]:
    fakes = {n: start_fake(n) for n in ("openai", "anthropic", "gemini")}
    fakes["openai"].default = Reply(fault="auth")  # echoes the key in its error message
    fakes["gemini"].default = Reply(fault="rate_limit", retry_after=0)
    fakes["anthropic"].default = Reply(text="Otters hold hands while sleeping [1].")
    return fakes


def _ingest_in_process(index: Path, path: Path) -> None:
    from rag.embeddings import HashEmbedder
    from rag.engine import Engine
    from rag.settings import load_settings

    engine = Engine(load_settings(index_dir=index, auto_ingest_demo=False), embedder=HashEmbedder())
    assert [r.status for r in engine.ingest([path])] == ["added"]


def _keys_reached(fakes: dict[str, FakeServer], *secrets: str) -> None:
    sent = " ".join(str(c.headers) + str(c.query) for f in fakes.values() for c in f.calls)
    for s in secrets:  # otherwise "no leak" would prove nothing
        assert s in sent, f"{s} never reached a fake provider"


@pytest.mark.timeout(240)
def test_cli_session_with_sentinel_keys_leaks_nothing(
    tmp_path: Path, start_fake: Callable[[str], FakeServer]
) -> None:
    fakes = _faulty_fakes(start_fake)
    work = tmp_path / "work"
    work.mkdir()
    dotenv = work / ".env"
    dotenv.write_text(
        f"RAG_ANTHROPIC_API_KEY={SENTINELS['dotenv']}\nRAG_GEMINI_API_KEY={SENTINELS['dotenv2']}\n"
    )
    (work / "otters.txt").write_text("Otters hold hands while sleeping so they do not drift apart.")
    index = tmp_path / "index"
    env = {
        "RAG_OPENAI_API_KEY": SENTINELS["env"],
        "RAG_OPENAI_BASE_URL": fakes["openai"].base_url,
        "RAG_ANTHROPIC_BASE_URL": fakes["anthropic"].base_url,
        "RAG_GEMINI_BASE_URL": fakes["gemini"].base_url,
        "RAG_MAX_RETRIES": "1",
        "RAG_RETRY_MAX_WAIT_S": "0.2",
    }
    chain = [
        "--provider",
        "gemini:gemini-2.0-flash",
        "--fallback",
        "openai:gpt-4o-mini,anthropic:claude-3-5-haiku-latest",
    ]
    _ingest_in_process(index, work / "otters.txt")  # saves a CLI start; no key plays a part in it
    runs = [
        run_cli(index, "-vv", "ask", "--json", *chain, "Why do otters hold hands?", cwd=work, **env)
    ]
    assert runs[0].returncode == 0, runs[0].stderr[-1500:]
    assert '"provider": "anthropic"' in runs[0].stdout  # gemini and openai failed first
    _keys_reached(fakes, SENTINELS["env"], SENTINELS["dotenv"], SENTINELS["dotenv2"])

    out = {
        f"run{i} {s}": _leaks(getattr(r, s))
        for i, r in enumerate(runs)
        for s in ("stdout", "stderr")
    }
    assert not {k: v for k, v in out.items() if v}, out
    assert (index / "state").is_dir() and list(index.rglob("*.sqlite3"))  # cache/usage were written
    assert not _files_with_leaks(tmp_path, skip={dotenv})


@pytest.mark.timeout(240)
def test_library_and_app_session_with_sentinel_keys_leaks_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    start_fake: Callable[[str], FakeServer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fakes = _faulty_fakes(start_fake)
    for var, value in {
        "RAG_INDEX_DIR": str(tmp_path / "index"),
        "RAG_EMBEDDING_BACKEND": "hash",
        "RAG_AUTO_INGEST_DEMO": "false",
        "RAG_MAX_RETRIES": "1",
        "RAG_RETRY_MAX_WAIT_S": "0.2",
        "OPENAI_BASE_URL": fakes["openai"].base_url,
        "ANTHROPIC_BASE_URL": fakes["anthropic"].base_url,
        "RAG_OPENAI_BASE_URL": fakes["openai"].base_url,
        "RAG_ANTHROPIC_BASE_URL": fakes["anthropic"].base_url,
        "RAG_GEMINI_BASE_URL": fakes["gemini"].base_url,
    }.items():
        monkeypatch.setenv(var, value)
    texts = _library_texts(tmp_path)
    secrets_toml, app_texts = _app_texts(tmp_path, monkeypatch)
    texts += app_texts

    _keys_reached(fakes, SENTINELS["settings"], SENTINELS["session"], SENTINELS["secrets_toml"])
    texts += [r.getMessage() for r in caplog.records] + [caplog.text]
    texts += [
        "".join(traceback.format_exception(*r.exc_info)) for r in caplog.records if r.exc_info
    ]
    leaked = [(t[:200], _leaks(t)) for t in texts if _leaks(t)]
    assert not leaked, leaked[:3]
    assert not _files_with_leaks(tmp_path, skip={secrets_toml})


def _library_texts(tmp_path: Path) -> list[str]:
    """The library with a key passed in settings, another as a session key, DEBUG logging
    and failing providers: everything it shows about the answer, settings and errors."""
    from rag.embeddings import HashEmbedder
    from rag.engine import Engine
    from rag.llm import describe_providers, make_chain
    from rag.settings import load_settings

    settings = load_settings(
        gemini_api_key=SENTINELS["settings"], openai_api_key=SENTINELS["settings"]
    )
    engine = Engine(settings, embedder=HashEmbedder())
    doc = tmp_path / "otters.txt"
    doc.write_text("Otters hold hands while sleeping so they do not drift apart.")
    engine.ingest([doc])
    chain = make_chain(
        engine,
        "gemini:gemini-2.0-flash",
        ["openai:gpt-4o-mini", "anthropic:claude-3-5-haiku-latest"],
        keys={"anthropic": SENTINELS["session"]},
    )
    ans = engine.ask("Why do otters hold hands?", provider=chain)
    assert ans.provider == "anthropic", ans.attempts
    texts = [
        repr(ans),
        str(ans.to_json()),
        repr(settings),
        str(settings.model_dump()),
        repr(chain.providers),
    ]
    texts += [str(describe_providers(settings, {"anthropic": SENTINELS["session"]}))]
    for p in chain.providers[:-1]:
        try:
            p.generate(chain_request(engine))
        except Exception as e:  # the failing ones: their exception text must be clean too
            texts += [str(e), repr(e), "".join(traceback.format_exception(e))]
    return texts


def _app_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """The app with a key from secrets.toml (cwd/.streamlit) and one typed in the sidebar:
    (the secrets.toml written, everything the page shows)."""
    from streamlit.testing.v1 import AppTest

    app_dir = tmp_path / "app"
    (app_dir / ".streamlit").mkdir(parents=True)
    secrets_toml = app_dir / ".streamlit" / "secrets.toml"
    secrets_toml.write_text(f'OPENAI_API_KEY = "{SENTINELS["secrets_toml"]}"\n')
    monkeypatch.chdir(app_dir)
    reset_streamlit_secrets()  # read this secrets.toml, not one an earlier test left loaded
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.selectbox(key="provider").set_value("openai").run()  # secrets.toml key: 401 echo
        at.chat_input[0].set_value("Why do otters hold hands?").run()
        at.selectbox(key="provider").set_value("anthropic").run()
        at.text_input(key="api_key_anthropic").set_value(SENTINELS["session"]).run()
        at.chat_input[0].set_value("Do otters sleep?").run()
    finally:
        reset_streamlit_secrets()  # and no later test sees its key (st.secrets is global)
    assert not at.exception
    texts: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "metric",
        "json",
        "code",
    ):
        texts += [
            str(getattr(e, "value", "")) + str(getattr(e, "label", "")) for e in getattr(at, kind)
        ]
    texts += [e.label for e in at.expander]
    return secrets_toml, texts


def chain_request(engine: Any) -> Any:
    from rag.answer import build_request

    return build_request("Why do otters hold hands?", engine.retrieve("otters"))
