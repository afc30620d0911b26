"""Content words: the one stop-word list and stemmer."""

from __future__ import annotations

from text.terms import POINTING_PRONOUNS, STOP_WORDS, any_word, content_terms, words


def test_stop_words_removed_and_stemmed() -> None:
    assert content_terms("What are the fees for the travelling employees?") == [
        "fee",
        "travel",
        "employe",
    ]


def test_words_keep_inner_hyphens_and_apostrophes() -> None:
    assert words("It's a long-term plan's end") == ["long-term", "plan's", "end"]


def test_content_terms_split_hyphenated_words_into_their_parts() -> None:
    assert content_terms("a home-office allowance") == content_terms("home office allowance")
    assert content_terms("first-in-line") == content_terms("first line")


def test_one_list_serves_ui_and_extractive() -> None:
    import providers.extractive_provider as ep
    import ui.text as ut

    assert "the" in STOP_WORDS and "which" in STOP_WORDS and "fee" not in STOP_WORDS
    assert ep.content_terms is content_terms
    assert not hasattr(ut, "_STOP")


def test_any_word_matches_whole_words_only() -> None:
    pattern = any_word(POINTING_PRONOUNS)
    assert pattern.search("How many of THEM carry over?")
    assert pattern.search("Is its battery removable?")
    # "it" inside "itinerary", "he" inside "the": words, not substrings
    assert not pattern.search("Where is the itinerary?")
