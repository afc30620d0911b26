"""text.quotes: the passage sentences an answer used (what the source list highlights) are
the ones it quoted or paraphrased, not every sentence sharing a couple of its words."""

from __future__ import annotations

from text.quotes import used_sentences

PETS = (
    "Pet policy. Dogs are allowed in the Berlin office on Fridays only. Cats are not allowed "
    "in any office. The pet coordinator is Jonas Weber."
)


def test_a_quoted_sentence_is_used_and_a_short_one_sharing_two_words_is_not() -> None:
    # The extractive answer to "On which day are dogs allowed in the Berlin office?": the
    # cats sentence shares "allowed" and "office", two of its three content words.
    answer = ["Dogs are allowed in the Berlin office on Fridays only. [1]"]
    assert used_sentences(PETS, answer) == [False, True, False, False]


def test_a_quote_is_found_whatever_its_case_spacing_and_citation() -> None:
    answer = ["Yes.", "dogs are  allowed in the Berlin office on Fridays only [1]."]
    assert used_sentences(PETS, answer) == [False, True, False, False]


def test_a_paraphrase_marks_the_sentences_it_draws_on() -> None:
    # One model sentence built from two passage sentences: both count, each adds words.
    answer = ["Dogs may come to the Berlin office on Fridays, but cats are never allowed [1]."]
    assert used_sentences(PETS, answer) == [False, True, True, False]
    # A paraphrase of the dogs sentence alone leaves the cats sentence out.
    assert used_sentences(PETS, ["On Fridays, dogs may visit the Berlin office."]) == [
        False,
        True,
        False,
        False,
    ]


def test_a_paraphrase_of_two_sentences_of_a_policy() -> None:
    passage = "All expenses require receipts. Claims must be filed within 30 days. Ask Finance."
    answer = ["Expenses need receipts and must be filed within 30 days."]
    assert used_sentences(passage, answer) == [True, True, False]


def test_short_sentences_and_unrelated_answers_light_nothing() -> None:
    passage = "See below. Summary. The hotel limit in London is 320 dollars a night."
    assert used_sentences(passage, ["Look below for the summary of the policy."]) == [
        False,
        False,
        False,
    ]
    assert used_sentences(passage, []) == [False, False, False]
    assert used_sentences(passage, ["[1]"]) == [False, False, False]
    assert used_sentences("", ["Anything at all."]) == []
