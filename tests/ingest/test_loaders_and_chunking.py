from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import chunk_pages, split_sentences
from ingest.loaders import IngestError, Page, load
from ingest.tokens import count_tokens
from tests.ingest import samples
from text.sentences import sentences


def test_pdf_pages_are_physical_and_one_based(tmp_path: Path) -> None:
    pdf = samples.text_pdf(tmp_path / "a.pdf", ["Alpha page text.", "Beta page text.", "Gamma."])
    pages = load(pdf)
    assert [p.number for p in pages] == [1, 2, 3]
    assert "Beta" in pages[1].text


def test_html_keeps_visible_text_only(tmp_path: Path) -> None:
    f = tmp_path / "p.html"
    f.write_text(
        "<html><head><title>T</title><script>var secret='tracking';</script><style>p{}</style></head>"
        "<body><h1>Hello</h1><p>Visible paragraph.</p><noscript>no js</noscript></body></html>"
    )
    text = load(f)[0].text
    assert "Visible paragraph." in text and "Hello" in text
    assert "tracking" not in text and "p{}" not in text


def test_html_inline_markup_does_not_break_sentences(tmp_path: Path) -> None:
    # The space between two inline elements used to become a blank line: a paragraph break
    # in the middle of the sentence for the splitter, the chunker and the answerer.
    f = tmp_path / "p.html"
    f.write_text(
        "<html><body><p>As noted, the form <code><span>#!/usr/bin/env</span>\n"
        "<em><span>interpreter_name</span></em></code> is deprecated.</p>\n"
        "<p>The packages <code>a</code> and <code>b</code>\nprovide it.</p></body></html>"
    )
    text = load(f)[0].text
    assert sentences(text) == [
        "As noted, the form #!/usr/bin/env interpreter_name is deprecated.",
        "The packages a and b provide it.",
    ]
    assert "\n\n" in text.strip()  # the paragraphs are still apart


def test_html_hyphen_before_markup_is_not_a_line_end_hyphenation(tmp_path: Path) -> None:
    from ingest.cleaning import clean_pages

    f = tmp_path / "p.html"
    f.write_text("<p>They are packaged as python3-django-<em>name</em>.</p>")
    assert "python3-django- name" in clean_pages(load(f))[0].text


def test_markdown_and_docx(tmp_path: Path) -> None:
    md = tmp_path / "n.md"
    md.write_text("# Title\n\nSee [the docs](http://x.example) and **bold** text.\n")
    assert load(md)[0].text.startswith("Title")
    assert "the docs" in load(md)[0].text and "http://" not in load(md)[0].text
    dx = samples.docx_file(tmp_path / "w.docx", ["First paragraph.", "Second paragraph."])
    assert "Second paragraph." in load(dx)[0].text


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: samples.corrupt_pdf(p / "bad.pdf"), "PDF"),
        (lambda p: samples.encrypted_pdf(p / "locked.pdf"), "encrypted"),
        (lambda p: samples.image_only_pdf(p / "scan.pdf"), "no extractable text"),
        (lambda p: ((p / "empty.txt").write_bytes(b"") and None) or p / "empty.txt", "empty"),
        (lambda p: ((p / "x.xyz").write_text("hi") and None) or p / "x.xyz", "unsupported"),
        (
            lambda p: (
                ((p / "bin.txt").write_bytes(bytes(range(256)) * 40) and None) or p / "bin.txt"
            ),
            "binary",
        ),
        (
            lambda p: (
                ((p / "fake.pdf").write_text("just text, not a pdf") and None) or p / "fake.pdf"
            ),
            "not a PDF",
        ),
        (lambda p: ((p / "junk.docx").write_text("not a zip") and None) or p / "junk.docx", "docx"),
    ],
)
def test_bad_files_fail_with_a_clear_reason(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(IngestError) as ei:
        load(path)
    assert reason.lower() in ei.value.reason.lower()
    assert "\n" not in ei.value.reason


def test_non_utf8_text(tmp_path: Path) -> None:
    cp = tmp_path / "win.txt"
    cp.write_bytes("Caf\u00e9 cr\u00e8me costs 5\u20ac.".encode("cp1252"))
    assert "Café" in load(cp)[0].text
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok start " + bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 50)
    with pytest.raises(IngestError, match="UTF-8"):
        load(bad)


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(3_000_000)  # sparse: costs nothing on disk
    with pytest.raises(IngestError, match="limit"):
        load(big, max_bytes=1_000_000)


def test_sentences_respect_abbreviations() -> None:
    text = "Dr. Smith arrived, e.g. at noon. He left! Did he? Yes."
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans[0].startswith("Dr. Smith arrived, e.g. at noon.")
    assert spans[-1] == "Yes."


def test_chunks_fit_the_model_window_and_map_back_to_the_page() -> None:
    sentences = [
        f"Sentence number {i} talks about topic {i % 7} in some detail." for i in range(200)
    ]
    page = Page(4, " ".join(sentences))
    chunks = chunk_pages([page], max_tokens=120, overlap=30)
    assert len(chunks) > 5
    for c in chunks:
        assert c.page == 4
        assert page.text[c.start : c.end] == c.text
        assert count_tokens(c.text) <= 120
        assert c.text.endswith(".")  # whole sentences
    # consecutive chunks overlap by at least one sentence
    assert chunks[1].start < chunks[0].end
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_an_overlong_sentence_is_cut_at_token_boundaries() -> None:
    page = Page(1, "word " * 1000)
    chunks = chunk_pages([page], max_tokens=100, overlap=0)
    assert all(count_tokens(c.text) <= 100 for c in chunks)
    assert sum(c.tokens for c in chunks) == 1000


def test_a_cut_short_pdf_is_named_in_plain_words(tmp_path: Path) -> None:
    """A PDF cut off mid-download fails saying so, not with pypdf's "Stream has ended
    unexpectedly", which names the format's insides."""
    whole = samples.text_pdf(tmp_path / "whole.pdf", ["Giraffes sleep standing up."]).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(IngestError) as e:
        load(cut)
    assert e.value.reason.startswith("incomplete PDF: the file ends too early")
    assert "stream" not in e.value.reason.lower()
    assert "(" not in e.value.reason  # the upload report puts the reason in parentheses
