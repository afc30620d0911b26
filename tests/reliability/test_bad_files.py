"""Promise 2: every bad file fails alone, with a clear one-line reason, leaving the store and
the other files untouched; uploads cannot escape the upload folder; parsers under fuzzing
raise nothing but IngestError."""

from __future__ import annotations

import io
import os
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.files import save_upload
from ingest.loaders import IngestError, load
from tests.ingest.samples import corrupt_pdf, docx_file, encrypted_pdf, image_only_pdf, text_pdf
from tests.reliability.checks import snapshot, visibility_violations


def _sparse_200mb(p: Path) -> Path:
    # truncate makes a sparse file: 200 MB on paper, nothing on disk, nothing to read.
    subprocess.run(["truncate", "-s", "200M", str(p)], check=True)
    return p


def _pdf_bytes(tmp: Path) -> bytes:
    return text_pdf(tmp / "src.pdf", ["Real PDF text about giraffes."]).read_bytes()


# kind -> (file name, builder(path, tmp_dir), words that must appear in the reason)
BAD: dict[str, tuple[str, Callable[[Path, Path], object], tuple[str, ...]]] = {
    "corrupt pdf": ("corrupt.pdf", lambda p, t: corrupt_pdf(p), ("pdf",)),
    "truncated pdf": ("cut.pdf", lambda p, t: p.write_bytes(_pdf_bytes(t)[:300]), ("pdf",)),
    "encrypted pdf": ("locked.pdf", lambda p, t: encrypted_pdf(p), ("encrypted", "password")),
    "empty file": ("empty.txt", lambda p, t: p.write_bytes(b""), ("empty",)),
    "200 MB file": (
        "huge.pdf",
        lambda p, t: _sparse_200mb(p),
        ("over the 50 MB limit", "RAG_MAX_FILE_MB"),
    ),
    "binary named .txt": ("blob.txt", lambda p, t: p.write_bytes(os.urandom(4096)), ("binary",)),
    "non-UTF-8 text": (
        "latin.txt",
        lambda p, t: p.write_bytes(b"caf\x81 \x8d\x8f\x90\x9d " * 200),
        ("utf-8",),
    ),
    "10 MB single line": (
        "line.txt",
        lambda p, t: p.write_bytes(b"word " * 2_000_000),
        ("single line",),
    ),
    "image-only pdf": ("scan.pdf", lambda p, t: image_only_pdf(p), ("image-only", "ocr")),
    "PDF bytes named .txt": (
        "paper.txt",
        lambda p, t: p.write_bytes(_pdf_bytes(t)),
        ("wrong extension", "pdf"),
    ),
    "text named .pdf": ("notes.pdf", lambda p, t: p.write_text("just some text"), ("not a pdf",)),
    "DOCX bytes named .md": (
        "doc.md",
        lambda p, t: p.write_bytes(_seed_docx()),
        ("wrong extension", "zip"),
    ),
    "corrupt docx": (
        "broken.docx",
        lambda p, t: p.write_bytes(b"PK\x03\x04 not really a zip"),
        ("docx",),
    ),
    "unsupported type": ("tool.exe", lambda p, t: p.write_bytes(b"MZ\x90\x00"), ("unsupported",)),
    "html with no text": (
        "blank.html",
        lambda p, t: p.write_text("<html><script>x()</script></html>"),
        ("no text",),
    ),
}


@pytest.fixture
def seeded(engine, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A store holding two good documents; the bad files are ingested beside a third."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text("Aardvarks eat ants at night.")
    (good / "b.md").write_text("# Badgers\n\nBadgers dig setts.")
    assert {r.status for r in engine.ingest([good])} == {"added"}
    return engine


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_file_fails_alone_with_a_clear_reason(seeded, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    name, build, words = BAD[kind]
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = bad_dir / name
    build(bad, tmp_path)
    other = tmp_path / "other.txt"
    other.write_text(f"Capybaras are the largest rodents ({kind}).")
    before = snapshot(seeded.store)

    t0 = time.monotonic()
    results = {Path(r.path).name: r for r in seeded.ingest([bad, other])}
    elapsed = time.monotonic() - t0

    r = results[name]
    assert r.status == "failed", r
    assert r.error and "\n" not in r.error and len(r.error) <= 300, r.error
    assert all(w.lower() in r.error.lower() for w in words), r.error
    assert "Traceback" not in r.error and "unexpected error" not in r.error, r.error
    assert results["other.txt"].status == "added"  # the good file beside it still goes in
    after = snapshot(seeded.store)
    assert before.docs.items() <= after.docs.items()  # earlier documents untouched
    assert set(after.docs) - set(before.docs) == {results["other.txt"].doc_id}
    assert not visibility_violations(seeded.store, ["capybaras rodents", "aardvarks"])
    assert elapsed < 20, f"{kind} took {elapsed:.1f}s"


def test_oversized_file_is_refused_before_it_is_read(
    engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import ingest.pipeline as pipeline

    huge = _sparse_200mb(tmp_path / "huge.txt")

    def must_not_read(*_a: object, **_k: object) -> None:
        raise AssertionError("the 200 MB file was opened")

    monkeypatch.setattr(pipeline, "file_sha256", must_not_read)
    monkeypatch.setattr(pipeline, "load", must_not_read)
    [r] = engine.ingest([huge])
    assert r.status == "failed" and "over the 50 MB limit" in (r.error or "")


def test_duplicate_upload_is_unchanged_not_doubled(engine) -> None:  # type: ignore[no-untyped-def]
    data = b"Ocelots are wild cats of the Americas."
    first = engine.ingest_upload("ocelot.txt", data)
    again = engine.ingest_upload("ocelot.txt", data)
    renamed = engine.ingest_upload("copy of ocelot.txt", data)
    assert first.status == "added"
    assert again.status == "unchanged" and renamed.status == "unchanged"
    assert again.doc_id == renamed.doc_id == first.doc_id
    assert len(engine.docs()) == 1 and engine.store.vector_count() == first.chunks


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "../../etc/cron.d/x.txt",
        "/etc/passwd",
        "uploads/../../x.txt",
        "..\\..\\win.txt",
        "C:\\x.txt",
        "..",
    ],
)
def test_upload_names_cannot_escape_the_upload_folder(engine, tmp_path: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    before = sorted(p for p in engine.settings.index_dir.parent.rglob("*"))
    r = engine.ingest_upload(name, b"Malicious but plain text.")
    assert r.status == "failed" and r.error and "\n" not in r.error
    assert "outside the upload folder" in r.error or "invalid file name" in r.error
    after = sorted(p for p in engine.settings.index_dir.parent.rglob("*"))
    assert [
        p for p in after if p not in before and "uploads" not in p.parts and p.suffix == ".txt"
    ] == []
    assert engine.docs() == []


def test_upload_with_directories_lands_inside_and_links_are_refused(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ok = engine.ingest_upload("folder/sub/report.txt", b"Quarterly report about narwhals.")
    assert ok.status == "added"
    assert (engine.uploads_dir / "report.txt").read_bytes() == b"Quarterly report about narwhals."
    # A link planted in the upload folder must not let an upload write outside it.
    outside = tmp_path / "outside.txt"
    outside.write_text("do not overwrite")
    (engine.uploads_dir / "planted.txt").symlink_to(outside)
    r = engine.ingest_upload("planted.txt", b"overwrite attempt")
    assert r.status == "failed" and "outside the upload folder" in (r.error or "")
    assert outside.read_text() == "do not overwrite"
    # No temp files left behind, and nothing outside uploads/ was ingested.
    assert [p.name for p in engine.uploads_dir.iterdir() if p.name.startswith(".")] == []
    assert [d.name for d in engine.docs()] == ["report.txt"]


def test_a_failed_upload_leaves_the_upload_folder_as_it_was(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A broken file uploaded under an indexed document's name fails alone: the indexed
    document's file (what its page previews and re-reads open) keeps its bytes, and a broken
    file with a new name leaves nothing behind."""
    good = _pdf_bytes(tmp_path)
    assert engine.ingest_upload("report.pdf", good).status == "added"
    broken = engine.ingest_upload("report.pdf", good[:300])
    assert broken.status == "failed" and "pdf" in (broken.error or "").lower()
    assert (engine.uploads_dir / "report.pdf").read_bytes() == good
    (doc,) = engine.docs()
    assert Path(doc.path).read_bytes() == good
    assert engine.ingest_upload("broken.pdf", good[:300]).status == "failed"
    assert sorted(p.name for p in engine.uploads_dir.iterdir()) == ["report.pdf"]


def test_a_renamed_copy_of_an_indexed_upload_is_not_kept(engine) -> None:  # type: ignore[no-untyped-def]
    """Bytes indexed already under another name are "unchanged": nothing indexes the copy, so
    it is not left in the upload folder (where a delete would never reach it)."""
    body = b"Quarterly report about narwhals."
    assert engine.ingest_upload("report.txt", body).status == "added"
    assert engine.ingest_upload("report-copy.txt", body).status == "unchanged"
    assert engine.ingest_upload("report.txt", body).status == "unchanged"
    assert sorted(p.name for p in engine.uploads_dir.iterdir()) == ["report.txt"]
    assert [d.name for d in engine.docs()] == ["report.txt"]


def test_oversized_upload_is_refused_before_it_is_written(engine) -> None:  # type: ignore[no-untyped-def]
    limit = int(engine.settings.max_file_mb * 1_000_000)
    r = engine.ingest_upload("big.txt", b"x" * (limit + 1))
    assert r.status == "failed" and "RAG_MAX_FILE_MB" in (r.error or "")
    assert not (engine.uploads_dir / "big.txt").exists()


def test_save_upload_is_atomic_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ingest.pipeline as pipeline

    def boom(*_a: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.os, "replace", boom)
    with pytest.raises(OSError):
        save_upload(tmp_path / "up", "x.txt", b"data")
    assert list((tmp_path / "up").iterdir()) == []  # no half file, no temp file


# --- fuzzing: whatever the bytes, a loader raises IngestError or returns pages -------------
FUZZ_SECONDS_PER_FORMAT = 8  # x4 formats, well under the 60 s budget


def _seed_docx() -> bytes:
    buf = io.BytesIO()
    import docx

    d = docx.Document()
    d.add_paragraph("Fuzz seed paragraph about otters.")
    d.save(buf)
    return buf.getvalue()


def _mutations(seed: bytes) -> st.SearchStrategy[bytes]:
    """Random bytes, and the seed with random bytes overwritten/cut (reaches deeper parsers)."""

    def mutate(args: tuple[list[tuple[int, int]], int]) -> bytes:
        edits, cut = args
        b = bytearray(seed)
        for pos, val in edits:
            b[pos % len(b)] = val
        return bytes(b[: max(1, cut % (len(b) + 1))])

    edits = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), max_size=20)
    return st.one_of(
        st.binary(max_size=4096), st.tuples(edits, st.integers(0, 1 << 20)).map(mutate)
    )


def _fuzz(tmp_path: Path, suffix: str, data_strategy: st.SearchStrategy[bytes]) -> int:
    seen = {"n": 0}
    deadline = time.monotonic() + FUZZ_SECONDS_PER_FORMAT

    @settings(
        max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(data=data_strategy)
    def run(data: bytes) -> None:
        if time.monotonic() > deadline:
            return  # bounded wall time on a busy machine
        seen["n"] += 1
        p = tmp_path / f"fuzz{suffix}"
        p.write_bytes(data)
        try:
            pages = load(p, max_bytes=1_000_000)
        except IngestError as e:
            assert e.reason and "\n" not in e.reason.strip(), e.reason
            return
        assert pages and all(pg.number >= 1 and isinstance(pg.text, str) for pg in pages)

    run()
    return seen["n"]


def _sample_pdf(tmp: Path) -> bytes:
    return text_pdf(
        tmp / "seed.pdf", ["Page one about otters.", "Page two about beavers."]
    ).read_bytes()


@pytest.mark.parametrize("suffix", [".txt", ".html", ".pdf", ".docx"])
def test_fuzzed_parsers_raise_only_ingest_error(tmp_path: Path, suffix: str) -> None:
    if suffix == ".txt":
        strategy = st.one_of(
            st.binary(max_size=4096),
            st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")),
        )
    elif suffix == ".html":
        seed = b"<html><head><title>t</title></head><body><p>Otters &amp; <b>beavers</b></p><table><tr><td>1</td></tr></table></body></html>"
        strategy = st.one_of(
            _mutations(seed),
            st.text(alphabet="<>/=\"' &;abcdehlmoprstx!-", max_size=500).map(str.encode),
        )
    elif suffix == ".pdf":
        strategy = _mutations(_sample_pdf(tmp_path))
    else:
        strategy = _mutations(_seed_docx())
        docx_file(tmp_path / "sanity.docx", ["x"])  # the builder itself works here
        assert zipfile.is_zipfile(tmp_path / "sanity.docx")
    assert _fuzz(tmp_path, suffix, strategy) >= 20  # it really ran
