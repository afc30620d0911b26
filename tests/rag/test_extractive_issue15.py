"""The extractive answerer on documentation-like text: the second-stage refusal (a
distinctive word the documents never use), sentences that lean on the one before them,
tables, and sentence ends that page layout moved to a line of their own."""

from __future__ import annotations

from providers.base import Message, Request, Source
from providers.extractive_provider import ExtractiveProvider, RefusalModel
from providers.extractive_quotable import is_cut, tidy
from providers.extractive_refusal import common_words, unknown_terms
from tests.conftest import FakeEmbedder

MANUAL = (
    "bzip2 compresses files using the Burrows-Wheeler block-sorting text compression "
    "algorithm. It is a freely available, patent free, high-quality data compressor. "
    "The command-line options are deliberately very similar to those of GNU gzip."
)


def _provider(known=None) -> ExtractiveProvider:  # type: ignore[no-untyped-def]
    return ExtractiveProvider(
        embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=5), known=known
    )


def _ask(q: str, text: str, known=None):  # type: ignore[no-untyped-def]
    src = [Source(1, "manual.txt", 1, text, doc_id="d", chunk_id="d:0")]
    return _provider(known).generate(
        Request(messages=[Message("user", q)], question=q, sources=src)
    )


def test_the_common_word_list_ships_with_the_embedding_model() -> None:
    words = common_words()
    assert len(words) > 15_000 and "weight" in words and "zstd" not in words


def test_words_match_with_or_without_their_accents() -> None:
    src = [Source(1, "offices.txt", 1, "Our offices in São Paulo and Zurich opened in 2019.")]
    assert unknown_terms("When did the Sao Paulo office open?", src) == []
    assert unknown_terms("When did the Zürich office open?", src) == []
    # a word the documents lack is named as the user wrote it
    assert unknown_terms("When did the Wrzeszczów office open?", src) == ["Wrzeszczów"]


def test_a_distinctive_word_absent_from_the_documents_refuses() -> None:
    src = [Source(1, "manual.txt", 1, MANUAL)]
    assert unknown_terms("What file extension does the xz compressor use?", src) == ["xz"]
    r = _ask("What file extension does the xz compressor use?", MANUAL)
    assert r.refused and r.raw["unknown_terms"] == ["xz"]


def test_common_paraphrases_inflections_and_misspellings_do_not_refuse() -> None:
    src = [Source(1, "manual.txt", 1, MANUAL)]
    # "far", "advance": common English words, only paraphrases of what the text says
    assert unknown_terms("How far in advance does bzip2 compress?", src) == []
    # an inflection of a word the text has, and a misspelt one
    assert unknown_terms("Which algorithm does bzip2 use for compressing?", src) == []
    assert unknown_terms("Is bzip2 a compresor?", src) == []
    assert not _ask("Which algorithm does bzip2 use to compress files?", MANUAL).refused


def test_a_word_the_passages_say_in_another_shape_does_not_refuse() -> None:
    text = "Schools in Nepal teach in English. The heat wave of 2009 broke records for 6000 years."
    src = [Source(1, "notes.txt", 1, text)]
    # two words written as one, a people's name made from the place's, a misspelt word
    assert unknown_terms("When was the heatwave?", src) == []
    assert unknown_terms("What do Nepalese schools teach in?", src) == []
    assert unknown_terms("What was the temprature in the heat wave?", src) == []
    # a name is never read as a misspelt everyday word
    assert unknown_terms("When did Plutonn break records?", src) == ["Plutonn"]


def test_a_word_the_corpus_has_elsewhere_does_not_refuse() -> None:
    src = [Source(1, "manual.txt", 1, MANUAL)]
    q = "Does bzip2 read the BZIP2 variable before zstd?"
    assert unknown_terms(q, src) == ["zstd"]
    assert unknown_terms(q, src, known=lambda w: w == "zstd") == []


def test_a_sentence_that_starts_with_a_pronoun_is_quoted_with_the_one_before() -> None:
    text = (
        "The Carrier R2 is an autonomous mobile robot that moves shelves in warehouses. "
        "It carries up to 600 kilograms and drives at up to 2 metres per second."
    )
    r = _ask("How much weight can the Carrier R2 carry?", text)
    assert not r.refused
    assert r.text.startswith("The Carrier R2 is") and "600 kilograms" in r.text, r.text


def test_the_rows_of_a_text_table_are_list_items() -> None:
    text = (
        "It attempts to use NROFF with the following three macro packages:\n\n"
        "+--------+------------------+\n|macro package | nroff command |\n"
        "+--------+------------------+\n|andoc | nroff -mandoc |\n|an | nroff -man |\n"
        "|doc | nroff -mdoc |\n+--------+------------------+\n"
    )
    # "configure" is not in the common-word list; the corpus has it (``known``)
    r = _ask("Which three macro packages does configure try with nroff?", text, lambda w: True)
    assert "andoc; an; doc" in r.text, r.text


def test_a_full_stop_alone_on_the_last_line_ends_the_sentence() -> None:
    text = "Public modules must be installed in the modules\ndirectory,\n/usr/lib/python3\n."
    assert tidy(text).endswith("/usr/lib/python3.")


def test_a_sentence_cut_inside_a_bracket_or_starting_with_and_is_cut() -> None:
    assert is_cut("/usr/bin/python3 (or /usr/bin/python3.")
    assert is_cut("and /usr/bin/pydoc commands pointing to Python3.", at_start=False)
    assert not is_cut("The packages (python-is-python3) provide /usr/bin/python.")


MAN_TABLE = (
    "The manual is split into sections, listed here:\n\n"
    "+--------+--------------------------------------------------+\n"
    "|Section |                 Section contents                 |\n"
    "+--------+--------------------------------------------------+\n"
    "|   1    | user executable programs or shell commands       |\n"
    "|   2    | system calls (functions provided by the kernel)  |\n"
    "|   6    | games                                            |\n"
    "+--------+--------------------------------------------------+\n"
    "Other sections are local."
)


def test_a_text_table_row_is_quoted_with_its_column_names() -> None:
    from providers.extractive_tables import render_row
    from text.sentences import sentence_spans

    rows = [render_row(MAN_TABLE, s, e) for s, e in sentence_spans(MAN_TABLE)]
    assert "Section: 6 | Section contents: games" in rows
    assert not any(r and "Section contents |" in r for r in rows)  # the header row is no answer
    r = _ask("Which section holds system calls provided by the kernel?", MAN_TABLE, lambda w: True)
    assert "Section: 2 | Section contents: system calls" in r.text, r.text


def test_a_header_row_at_the_chunk_end_is_neither_an_item_nor_an_answer() -> None:
    from providers.extractive_tables import render_row

    text = "It attempts to use NROFF with the following three macro packages:\n\n+------+\n|macro package | command |"
    assert render_row(text, text.index("|macro"), len(text)) is None
    nxt = "+------+\n|andoc | nroff -mandoc |\n|an | nroff -man |\n|doc | nroff -mdoc |\n+---+"
    src = [
        Source(1, "m.txt", 1, text, doc_id="d", chunk_id="d:1"),
        Source(2, "m.txt", 1, nxt, doc_id="d", chunk_id="d:2"),
    ]
    q = "Which three macro packages does it use?"
    r = _provider(lambda w: True).generate(
        Request(messages=[Message("user", q)], question=q, sources=src)
    )
    assert "packages: andoc; an; doc." in r.text, r.text


def test_a_list_item_is_a_whole_answer_without_a_full_stop() -> None:
    text = (
        "It is made up of several user programs:\n"
        "         o man       - an interface to the system reference manuals\n"
        "         o whatis    - search the manual page names\n"
        "         o apropos   - search the manual page names and descriptions\n"
        "         o manpath   - determine search path for manual pages\n\n"
        "In addition there are two shell scripts."
    )
    r = _ask("Which program searches manual page names and descriptions?", text, lambda w: True)
    assert r.text.startswith("apropos - search the manual page names and descriptions [1]"), r.text


def test_a_term_over_its_description_is_quoted_with_the_term() -> None:
    text = (
        "The following options are known.\n\n"
        "--disable-setuid\n"
        "By default, man will be installed as a setuid program to the cache owner.\n"
        "Use this option to install man as a non-setuid program instead.\n\n"
        "--disable-cache-owner\n"
        "Use this option to leave the ownership of cache files unconstrained.\n"
    )
    assert tidy("old-versions\nThe set of interpreter names.") == (
        "old-versions: The set of interpreter names."
    )
    assert tidy("Security Objectives\nThe FISMA defines three.") == "The FISMA defines three."
    r = _ask("What does the --disable-setuid option do?", text, lambda w: True)
    assert r.text.startswith("--disable-setuid: By default, man will be installed"), r.text
    assert "non-setuid program instead" in r.text and "cache-owner" not in r.text, r.text


def test_a_number_in_words_answers_how_many_even_before_a_colon() -> None:
    text = (
        "The script can be installed as mandb_nfmt and linked to mandb_tfmt for your site. "
        "Such a format script will be supplied with either two or three arguments:\n"
        "o manual page filename\no pre-processor string\n"
    )
    r = _ask("How many arguments is a mandb_nfmt format script given?", text, lambda w: True)
    assert "either two or three arguments" in r.text, r.text


def test_a_sentence_cut_by_the_chunk_end_is_completed_from_the_next_chunk() -> None:
    first = (
        "A program may require its own private Python modules. These modules should be "
        "installed in /usr/share/module, or"
    )
    rest = "/usr/lib/module if the modules are architecture-dependent. Other text follows."
    src = [Source(1, "policy.html", 1, first, doc_id="d", chunk_id="d:4")]
    follow = {"d:4": rest}
    p = ExtractiveProvider(
        embed=FakeEmbedder().embed,
        refusal=RefusalModel(weights={}, bias=5),
        follow=lambda s: follow.get(s.chunk_id, ""),
    )
    q = "Where should private modules of a program be installed?"
    r = p.generate(Request(messages=[Message("user", q)], question=q, sources=src))
    assert "installed in /usr/share/module, or /usr/lib/module if the modules are" in r.text
    assert "Other text" not in r.text, r.text
    # without the next chunk the cut sentence is never quoted
    r = _ask(q, first)
    assert "/usr/share/module, or" not in r.text, r.text


def test_a_sentence_a_page_break_cut_is_completed_from_the_chunk_before() -> None:
    before = "Versions 0.9.5 and above fare much better in this respect. The ratio between"
    page = "worst-case and average-case compression time is in the region of 10:1. Earlier ones."
    src = [Source(1, "manual.pdf", 10, page, doc_id="d", chunk_id="d:7")]
    p = ExtractiveProvider(
        embed=FakeEmbedder().embed,
        refusal=RefusalModel(weights={}, bias=5),
        precede=lambda s: before if s.chunk_id == "d:7" else "",
    )
    q = "What is the ratio between worst-case and average-case compression time?"
    r = p.generate(Request(messages=[Message("user", q)], question=q, sources=src))
    assert r.text.startswith(
        "The ratio between worst-case and average-case compression time is in the region of 10:1."
    ), r.text
    # without the chunk before, the piece is not quoted as if it were a sentence (chunk 7:
    # a document's first chunk starts with its own first sentence, whatever its case)
    alone = ExtractiveProvider(embed=FakeEmbedder().embed, refusal=RefusalModel(weights={}, bias=5))
    r = alone.generate(Request(messages=[Message("user", q)], question=q, sources=src))
    assert not r.text.startswith("worst-case")


# The OCR of senate-expenditures.pdf (a ledger page) as ingest stores it: rows run together.
LEDGER = (
    "BENJAMIN L FIELD REPRESENTATIVE FROM SEP. 16 1,458.33\n"
    "DHAW20190001 05/03/2019 CITIBANK - TRAVEL CBA CARD 03/04/2019 03/06/2019 STAFF "
    "TRANSPORTATION 920.68 AIRFARE FOR E JOHNSON KANSAS CITY TO WASHINGTON DC AND RETURN "
    "DHAW20190002 05/24/2019 CITIBANK - TRAVEL CBA CARD 03/10/2019 05/15/2019 STAFF "
    "TRANSPORTATION 907.96 AIRFARE FOR S COWING KANSAS CITY TO WASHINGTON DC AND RETURN "
    "DHAW20190003 05/03/2019 CITIBANK - TRAVEL CBA CARD 03/01/2019 03/02/2019 STAFF "
    "TRANSPORTATION 737.94 AIRFARE FOR M BERG WASHINGTON DC TO SAINT LOUIS AND RETURN"
)


def test_an_ocrd_ledger_answers_with_the_entry_the_question_names() -> None:
    q = "How much was the airfare for E Johnson from Kansas City to Washington DC?"
    r = _ask(q, LEDGER, lambda w: True)
    assert "920.68 AIRFARE FOR E JOHNSON" in r.text, r.text
    assert "DHAW20190002" not in r.text and "COWING" not in r.text, r.text
    # two entries named equally well ("Kansas City to Washington"): both stay
    from providers.extractive_tables import ledger_entry

    both = ledger_entry(LEDGER, "Which airfares were from Kansas City to Washington DC?")
    assert "JOHNSON" in both and "COWING" in both


def test_another_model_code_than_the_documents_name_refuses() -> None:
    # "How much does the Carrier R3 cost?" was answered with the R2's price.
    faq = "The Carrier R2 costs 38,000 US dollars per unit. The Carrier R2 carries 600 kg."
    src = [Source(1, "faq.html", 1, faq)]
    assert unknown_terms("How much does the Carrier R3 cost?", src) == ["R3"]
    assert unknown_terms("How much does the Carrier R2 cost?", src) == []
    # a code the corpus has elsewhere, or no sibling code in the passages: not this rule
    assert unknown_terms("How much does the Carrier R3 cost?", src, known=lambda w: True) == []
    assert unknown_terms("Is Python 3 supported?", src) == []
    assert _ask("How much does the Carrier R3 cost?", faq).refused


def test_a_count_of_part_of_what_the_sentence_before_counted_is_quoted_with_it() -> None:
    """The walk: "How many parking spaces have electric vehicle chargers?" got "The Tacoma
    office garage has 85 parking spaces." - the sentence after it, "Twelve of them ...", lost
    to it by 0.001 (it was scored alone, "them" unread)."""
    text = (
        "The Tacoma office garage has 85 parking spaces. Twelve of them have electric "
        "vehicle chargers. Bicycle parking is free."
    )
    r = _ask("How many parking spaces have electric vehicle chargers?", text)
    assert "Twelve of them have electric vehicle chargers." in r.text, r.text
    assert r.text.startswith("The Tacoma office garage has 85 parking spaces."), r.text
