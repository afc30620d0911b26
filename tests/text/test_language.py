"""Which language a question is in: foreign only when its small words say so clearly."""

from __future__ import annotations

import pytest

from text.language import ENGLISH, OTHER, foreign_language, language_of

FOREIGN = [
    ("Quelle est la limite d'hôtel à Londres ?", "French"),
    ("Combien de jours de congé ai-je ?", "French"),
    ("Wie viele Urlaubstage bekomme ich?", "German"),
    # "was" and "die" are English words too: half a marker each, with "ist" two of German
    ("Was ist die Hotelgrenze in London?", "German"),
    ("Quel est le plafond d'hôtel à Londres ?", "French"),
    ("Quanto costa il robot?", "Italian"),
    ("Können Sie mir sagen, wie lange das dauert?", "German"),  # "Sie" is no name
    ("WIE VIELE URLAUBSTAGE BEKOMME ICH?", "German"),  # all capitals: nothing looks a name
    ("Wie viele?", "German"),
    ("¿Cuántos días de vacaciones tengo?", "Spanish"),
    ("Qual é o limite do hotel em Londres?", "Portuguese"),
    ("Quanti giorni di ferie ho?", "Italian"),
    ("Hoeveel vakantiedagen krijg ik?", "Dutch"),
    ("休暇は何日ありますか？", "Japanese"),
    ("我有多少天假期？", "Chinese"),
    ("휴가는 며칠입니까?", "Korean"),
    ("Сколько дней отпуска я получаю?", OTHER),  # Cyrillic: which language is not said
]

# English, with names, quotes and typos that hold another language's small words or none.
ENGLISH_QUESTIONS = [
    "hotle limit in londn",
    "What is the hotle limit in londn?",
    "daily meal alowance?",
    "Who is Jean de la Fontaine?",
    "What does la vie est belle mean?",
    "Where do the Los Angeles Lakers and the Los Angeles Clippers play?",
    "What was the limit in 2019?",
    "Is there a café in the Zürich office?",
    "What is El Niño?",
    "Tell me about Das Kapital",
    "I'd like the employees' leave policy",
    "What is the de minimis rule?",
    "Urlaubstage?",  # one word: not enough to tell
    # English words that are another language's small words too: "was", "die" (German),
    # "per" (Italian), "hat" and "bin" (German has, am)
    "Was Die Hard released?",
    "Hotel del Coronado per diem?",
    "hard hat in bin area?",
    "Can I rent a van for my son?",
    # names: capitalised words inside a sentence, and the particles before them
    "Who is Jean-Luc de la Tour du Pin?",
    "Who is Juan de la Cruz y Santos?",
    "Who is Leonardo da Vinci?",
    "Ho Chi Minh City hotel limit?",
    "AI in LA?",
]


@pytest.mark.parametrize(("question", "language"), FOREIGN)
def test_a_question_in_another_language_is_recognised(question: str, language: str) -> None:
    assert foreign_language(question) == language


@pytest.mark.parametrize("question", ENGLISH_QUESTIONS)
def test_english_questions_with_foreign_names_or_typos_are_not_foreign(question: str) -> None:
    assert foreign_language(question) is None


def test_english_prose_is_english_even_with_a_name_said_often() -> None:
    text = (
        "Professional sports teams in Southern California include teams from the NFL (Los "
        "Angeles Rams, San Diego Chargers); NBA (Los Angeles Lakers, Los Angeles Clippers); "
        "MLB (Los Angeles Dodgers, Los Angeles Angels of Anaheim); and MLS (LA Galaxy)."
    )
    assert language_of(text) == ENGLISH


def test_german_prose_is_german() -> None:
    text = "Die Mitarbeiter bekommen 25 Urlaubstage im Jahr. Das Hotel darf nicht mehr kosten."
    assert language_of(text) == "German"
