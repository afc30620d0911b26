"""Content words: the one stop-word list and stemmer."""

from __future__ import annotations

from text.terms import (
    POINTING_PRONOUNS,
    STOP_WORDS,
    any_word,
    content_terms,
    fold,
    pointing,
    words,
)


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


def test_a_documents_own_code_is_no_missing_word_of_a_question_about_it() -> None:
    from text.terms import without_file_names

    fips = [("FIPS199.pdf", "The FISMA defines three security objectives.")]
    q = "What are the three security objectives in FIPS 199?"
    assert without_file_names(q, fips) == "What are the three security objectives?"
    # the text says its name: nothing to vouch for; another document's code stays
    said = [("FIPS199.pdf", "FIPS 199 defines three security objectives.")]
    assert without_file_names(q, said) == q
    assert without_file_names("What does FIPS 200 require?", fips) == "What does FIPS 200 require?"
    # a title with a number is no document code
    game = [("Super_Bowl_50#3", "The Broncos won the game.")]
    assert without_file_names("Who won Super Bowl 50?", game) == "Who won Super Bowl 50?"


def test_contractions_say_nothing_and_it_in_capitals_points_at_nothing() -> None:
    # "... do not mention I'm" was a refusal's reason
    assert content_terms("What should I do if I'm sick?") == ["sick"]
    assert content_terms("What should I do if I\u2019m sick?") == ["sick"]
    p = pointing()
    assert not p.search("How do I report an IT problem?")
    assert p.search("Is it paid?") and p.search("What is its battery life?")
    assert pointing(frozenset({"this"})).search("Does this come in blue?")


def test_accents_are_folded_as_people_type_them() -> None:
    assert fold("São Paulo, Zürich, Śródmieście, Łódź, Straße, Ærø") == (
        "Sao Paulo, Zurich, Srodmiescie, Lodz, Strasse, AEro"
    )
    assert fold("plain ASCII stays") == "plain ASCII stays"
    # an accented word is one word, not "Z" + "rich"; both spellings give the same terms
    assert content_terms("Zürich's naïve café") == content_terms("Zurich's naive cafe")
    assert content_terms("the ﬁnal ﬁgure") == ["final", "figur"]
