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
