from text.wording import worded_as

HANDBOOK = ["Employees may work remotely up to three days per week.", "Home-office allowance."]


def test_an_everyday_phrase_the_documents_never_use_is_read_in_their_wording() -> None:
    assert worded_as("Can I work from home?", HANDBOOK) == "Can I work remotely?"
    assert worded_as("Is working from home OK?", HANDBOOK) == "Is working remotely OK?"
    assert worded_as("wfh on fridays?", HANDBOOK) == "remote work on fridays?"


def test_the_documents_own_wording_and_unrelated_documents_are_left_alone() -> None:
    said = ["Staff may work from home on Fridays; remote work needs approval."]
    assert worded_as("Can I work from home?", said) == "Can I work from home?"
    # nothing about remote work: no rewrite that would only mislead the read-as note
    assert worded_as("Can I work from home?", ["The hotel limit is 220 dollars."]) == (
        "Can I work from home?"
    )
    assert worded_as("How long is maternity leave?", ["20 weeks of parental leave."]) == (
        "How long is parental leave?"
    )


def test_people_working_somewhere_is_read_as_the_documents_employing_them() -> None:
    said = ["The company employs about 240 people.", "Full-time employees accrue 25 days."]
    assert worded_as("How many people work here?", said) == "How many people are employed here?"
    assert worded_as("How many employees are there?", said) == "How many people are employed?"
    assert worded_as("How many staff does the company have?", said) == (
        "How many people does the company employ?"
    )


def test_food_a_day_is_read_as_the_daily_meal_allowance() -> None:
    said = ["The daily meal allowance is 75 dollars."]
    assert worded_as("How much can I spend on food per day?", said) == (
        "How much can I spend on meals daily?"
    )
    assert worded_as("Is food included?", ["Hotels are booked early."]) == "Is food included?"


def test_start_lose_how_big_and_power_rating_in_the_documents_words() -> None:
    lease = ["The tenancy begins on 1 March 2025. The Tenant pays a deposit of £1,470."]
    assert worded_as("When does the tenancy start?", lease) == "When does the tenancy begin?"
    assert worded_as("How big is the deposit?", lease) == "How much is the deposit?"
    assert worded_as("How big is the garden?", lease) == "How big is the garden?"  # no amount
    policy = ["Report a lost or stolen device within 24 hours."]
    assert worded_as("What if I lose my laptop?", policy) == "What if I lost my laptop?"
    spec = ["Rated power | Value: 240 W"]
    assert worded_as("What is the power rating?", spec) == "What is the rated power?"
    # documents that say "start" themselves are read as they are
    assert worded_as("When does it start?", ["Start date: 1 March; it begins then."]) == (
        "When does it start?"
    )


def test_an_acronym_the_documents_never_use_is_spelt_out_as_they_say_it() -> None:
    said = (
        "Twelve of them have electric vehicle chargers. Staff get paid time off. Single "
        "sign-on with Okta is available. We can easily open the Department of Commerce site."
    )
    assert worded_as("How many spaces have EV chargers?", [said]) == (
        "How many spaces have electric vehicle chargers?"
    )
    assert worded_as("How many EVs are there?", [said]) == "How many electric vehicles are there?"
    assert worded_as("How much PTO do I get?", [said]) == "How much paid time off do I get?"
    assert worded_as("Is SSO available?", [said]) == "Is single sign-on available?"
    assert worded_as("Who runs the DOC?", [said]) == "Who runs the department of commerce?"
    # a function word is no part of a name ("can easily open"), capitals that are words stay,
    # and an acronym the documents use is theirs
    assert worded_as("Who is the CEO?", [said]) == "Who is the CEO?"
    assert worded_as("HOW MUCH PTO?", [said]) == "HOW MUCH PTO?"  # all capitals: words
    assert worded_as("Is it sold in the US?", [said + " Use sparingly."]) == (
        "Is it sold in the US?"
    )
    assert worded_as("How many EV chargers?", [said + " EV means electric."]) == (
        "How many EV chargers?"
    )
