"""The development set in tests/data/qa/ is sound: every gold answer is on its gold page."""

from __future__ import annotations

from collections import Counter

import pytest

from rag.eval.qa import TYPES, QAQuestion, QASet, contains_gold, load_set, normalise
from tests.conftest import TESTS_DATA

SET = TESTS_DATA / "qa" / "set.json"


@pytest.fixture(scope="module")
def qaset() -> QASet:
    return load_set(SET)


def test_every_gold_answer_occurs_on_its_gold_page(qaset: QASet) -> None:
    from rag.eval.qa import check

    assert check(qaset) == []


def test_the_set_is_big_and_varied_enough(qaset: QASet) -> None:
    types = Counter(q.type for q in qaset.questions)
    assert len(qaset.questions) >= 150
    assert types["unanswerable"] >= 40
    assert set(types) == set(TYPES)
    assert len(qaset.documents) >= 6
    kinds = Counter(d.path.suffix for d in qaset.documents)
    assert kinds[".pdf"] >= 2 and kinds[".html"] >= 1 and kinds[".txt"] >= 1
    assert len({q.id for q in qaset.questions}) == len(qaset.questions)


def test_halves_are_split_by_document(qaset: QASet) -> None:
    fit = {q.doc for q in qaset.select("fit")}
    test = {q.doc for q in qaset.select("test")}
    assert fit and test and not fit & test
    assert len(qaset.select("fit")) + len(qaset.select("test")) == len(qaset.questions)
    for split in ("fit", "test"):
        assert sum(not q.answerable for q in qaset.select(split)) >= 20


def test_documents_stay_small_enough_to_commit(qaset: QASet) -> None:
    assert sum(d.path.stat().st_size for d in qaset.documents) < 5_000_000


def test_normalise_folds_ligatures_quotes_space_and_case() -> None:
    assert normalise("Con\ufb01guration  \n  ﬁles") == "configuration files"
    assert normalise("don\u2019t") == "don't"
    q = QAQuestion("x", "d", "q?", "factoid", (1,), ("Burrows-Wheeler",))
    assert contains_gold("uses the BURROWS-wheeler\nblock sorting", q.answers)
    assert not contains_gold("", q.answers)


def test_check_reports_a_gold_answer_missing_from_its_page(qaset: QASet) -> None:
    from dataclasses import replace

    from rag.eval.qa import check

    q = next(q for q in qaset.questions if q.id == "bz-12")  # "Donna Robinson", page 10
    # only its document is read: reading all nine (OCR included) took ~40 s of the suite
    bad = replace(
        qaset,
        documents=[d for d in qaset.documents if d.name == q.doc],
        questions=[replace(q, pages=(9,)), replace(q, id="x", pages=(99,))],
    )
    problems = check(bad)
    assert any("bz-12" in p and "Donna Robinson" in p for p in problems)
    assert any(p.startswith("x: gold page") for p in problems)


def test_summary_counts_and_rates_by_type() -> None:
    from rag.eval.qa import Outcome, format_report, summarise

    ans = QAQuestion("a", "d", "q?", "factoid", (1,), ("x",))
    una = QAQuestion("u", "d", "q?", "unanswerable", (), ())
    rows = [
        Outcome(ans, True, True, False, 0.9, "x"),
        Outcome(ans, False, False, True, 0.1, ""),
        Outcome(una, False, False, True, 0.2, ""),
    ]
    out = summarise(rows)
    assert out["page_in_top5"] == 0.5 and out["contains_gold"] == 0.5
    assert out["answerable_refused"] == 0.5 and out["unanswerable_refused"] == 1.0
    assert out["counts"]["unanswerable_refused"] == "1/1"
    assert out["by_type"]["factoid"]["n"] == 2
    report = {"set": "s", "split": "test", "documents": ["d"], **out}
    assert "unanswerable_refused" in format_report(report)


def test_summary_counts_per_document_add_up() -> None:
    from rag.eval.qa import Outcome, format_report, summarise

    a1 = QAQuestion("a1", "one.pdf", "q?", "factoid", (1,), ("x",))
    u1 = QAQuestion("u1", "one.pdf", "q?", "unanswerable", (), ())
    a2 = QAQuestion("a2", "two.txt", "q?", "numeric", (1,), ("3",))
    rows = [
        Outcome(a1, True, True, False, 0.9, "x"),
        Outcome(u1, False, False, False, 0.7, "y"),
        Outcome(a2, True, False, True, 0.1, ""),
    ]
    out = summarise(rows)
    assert out["by_document"]["one.pdf"] == {
        "page_in_top5": "1/1",
        "contains_gold": "1/1",
        "answerable_refused": "0/1",
        "unanswerable_refused": "0/1",
    }
    assert out["by_document"]["two.txt"]["answerable_refused"] == "1/1"
    assert out["by_document"]["two.txt"]["unanswerable_refused"] == "0/0"
    assert out["answerable_refused"] == 0.5 and out["unanswerable_refused"] == 0.0
    report = {"set": "s", "split": "test", "documents": ["one.pdf", "two.txt"], **out}
    assert "two.txt" in format_report(report)
