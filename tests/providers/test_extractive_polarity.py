"""Yes or No before a yes/no answer only when the sentence says it: "meeting-free" says no
to meetings, a limit says no to "all", and a number must be the one asked."""

from __future__ import annotations

from providers.extractive_qtype import polarity, says_predicate, unanswered_yes_no


def test_x_free_says_no_to_x_unless_the_question_asks_for_x_free() -> None:
    said = "Fridays are meeting-free days."
    assert polarity("Do we have meetings on Fridays?", said) == "No"
    assert polarity("Are Fridays meeting-free?", said) == "Yes"


def test_a_limit_says_no_to_all() -> None:
    said = "Up to 5 unused vacation days can be carried over into the next calendar year."
    assert polarity("Can I carry over all my unused vacation days?", said) == "No"
    assert polarity("Can I carry over unused vacation days?", said) == "Yes"


def test_a_yes_to_a_number_needs_the_number_as_asked() -> None:
    extended = "An extended warranty adds three more years for 4,000 dollars."
    assert polarity("Is the warranty three years?", extended) is None
    plain = "Every robot has a two-year warranty covering parts and labour."
    assert polarity("Is the warranty two years?", plain) == "Yes"
    long = "Passwords must be at least 14 characters long."
    assert polarity("Do passwords need 14 characters?", long) == "Yes"


def test_no_yes_or_no_when_the_thing_asked_about_is_never_mentioned() -> None:
    q = "Does bzip2 support encryption?"
    s = "Building it like this is dangerous and not supported, since you remove bzip2's checks."
    assert polarity(q, s, s) is None
    assert polarity(q, "bzip2 does not support encryption.") == "No"


def test_the_thing_asked_about_picks_the_sentence_and_without_it_there_is_no_answer() -> None:
    q = "Can I put the grinder in the dishwasher?"
    assert says_predicate(q, "Never put the motor base in water or in a dishwasher.") == 0.5
    assert says_predicate(q, "At the end of its life, do not put the grinder in waste.") == 0.0
    paint = "Does the tenancy agreement allow me to paint the walls?"
    opening = "This Agreement is made on 14 February 2025 between Harbourview Lettings Ltd."
    assert unanswered_yes_no(paint, opening)
    assert not unanswered_yes_no(paint, "No. Tenants must not paint without consent.")
    # one of the last two words said is enough: "by default" is "Normally"
    q = "Will bzip2 overwrite an existing output file by default?"
    assert not unanswered_yes_no(q, "Normally, bzip2 will not overwrite existing output files.")
    assert not unanswered_yes_no("How long is the warranty?", opening)  # no yes/no question


def test_a_yes_that_holds_only_under_a_condition_is_quoted_without_yes() -> None:
    """A walk: "Can I get a refund after 14 days?" got "Yes. After 14 days, refunds are only
    offered when a replacement is impossible." - yes, but only then."""
    from providers.extractive_qtype import polarity

    q = "Can I get a refund after 14 days?"
    assert (
        polarity(q, "After 14 days, refunds are only offered when a replacement is impossible.")
        is None
    )
    assert (
        polarity(q, "After 14 days you can still get a refund, unless the seal is broken.") is None
    )
    assert polarity(q, "After 14 days you can still get a full refund.") == "Yes"
    # the question asks the condition itself: the sentence answers it
    assert (
        polarity(
            "Can I get a refund only if the item is faulty?",
            "You can get a refund only if the item is faulty.",
        )
        == "Yes"
    )


def test_a_number_in_a_yes_no_question_is_a_qualifier_not_what_is_asked() -> None:
    q = "Is protocol v2 the default transport protocol again in 2.29?"
    assert not unanswered_yes_no(q, "The transport protocol v2 has become the default again.")
    assert unanswered_yes_no(q, "Fix to a regression introduced during 2.27 cycle.")
