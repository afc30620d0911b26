"""Which language a question (or a passage) is written in, when that is clear.

The extractive answerer reads English: a question in another language ("Wie viele
Urlaubstage bekomme ich?") matches no sentence of English documents and is refused. The
refusal can then say why. A word-by-word "is this English?" test does not work: MiniLM's
vocabulary holds "est", "la", "ist", "die", "ich" and "de" (Wikipedia quotes them), and a
misspelt English question ("hotle limit in londn") is mostly not English words either.
What does work is the small words every sentence needs: articles, pronouns, question
words, "is" and "have". A question is in language L when at least two of its words are
L's small words and more of them are L's than English's ("Who is Jean de la Fontaine?" has
two French and two English ones: English). A name, a short quote or one foreign word
never makes a question foreign; a question of one or two words rarely says enough.
Letters of another script (Cyrillic, Greek, Arabic, CJK, ...) that make up most of the
text make it foreign too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

ENGLISH = "English"
MIN_MARKERS = 2

# The small words of questions. A word that is as much English ("me", "do", "no", "come",
# "am", "an", "in", "is", "will", "so") is not a marker of the other language.
_SMALL_WORDS: dict[str, str] = {
    ENGLISH: "what which who whom whose when where why how is are was were be been being do "
    "does did the a an of to in on for with at by from and or not can could should would will "
    "may might must i you we my our your it its this that these those there have has had many "
    "much get about if than per any some all after before during into over under me us they",
    "French": "quel quelle quels quelles est sont le la les des du un une et je tu il elle "
    "nous vous ils elles mon ma mes ton ta tes notre votre vos nos leur leurs combien comment "
    "pourquoi où quand qui que quoi dans pour avec sur sous ai avons avez ont suis sommes "
    "êtes peux peut pouvons pouvez faut dois doit cette ces au aux pas ne de en à est-ce "
    "qu'est-ce",
    "German": "was wie wo wer wen wem warum wann welche welcher welches welchen wieviel "
    "wieviele viele viel ist sind bin bist seid die der das den dem des ein eine einen einem "
    "einer ich du er sie wir ihr mein meine meinen mich mir uns und oder nicht kein keine für "
    "mit von zu zum zur im auf bei nach über gibt es habe hast hat haben kann kannst können "
    "muss müssen darf soll wird werden lange bekomme bekommt bekommen",
    "Spanish": "qué que cuál cuáles cuánto cuánta cuántos cuántas cuanto cuantos cómo como "
    "dónde donde cuándo cuando quién quiénes por para el la los las un una unos unas es son "
    "está están estoy de del en y tengo tiene tienen tenemos puedo puede pueden hay mi mis tu "
    "tus su sus nuestro nuestra con sin al se lo",
    "Portuguese": "qual quais quanto quantos quantas quanta como onde quando quem porque por "
    "para o os um uma é são está do da dos das na nos nas em eu meu minha tenho tem temos "
    "posso pode podem com sem ao não de que",
    "Italian": "quale quali quanto quanti quanta quante dove quando chi perché che il lo la "
    "gli le un uno una è sono di del della dei delle con per su ho hai ha abbiamo posso può "
    "mio mia miei non al alla nel nella",
    "Dutch": "wat hoe waar wie wanneer waarom welke hoeveel hoelang zijn ben de het een en "
    "van voor met op ik jij je wij mijn ons onze krijg krijgt heb hebt heeft kan kun kunt mag "
    "moet niet geen te naar bij om dat die deze",
}
SMALL_WORDS = {lang: frozenset(words.split()) for lang, words in _SMALL_WORDS.items()}
# Portuguese "do" (of the) is English "do": English's, like the words above.
SMALL_WORDS["Portuguese"] -= {"do"}

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# "d'hôtel", "l'employé", "qu'il": French; "I'd", "don't", "employees' leave" are not.
_ELISION = re.compile(r"(?<![^\W\d_])(?:d|l|qu|j|c|n|s|m|t)['’](?=[^\W\d_])", re.I)
# Letters of scripts other than Latin, by the first word of their Unicode names.
_SCRIPTS = {
    "CYRILLIC": None,  # Russian, Ukrainian, Bulgarian, ...: not named
    "GREEK": "Greek",
    "ARABIC": None,  # Arabic, Persian, Urdu
    "HEBREW": "Hebrew",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "CJK": "Chinese",
    "HANGUL": "Korean",
    "THAI": "Thai",
    "DEVANAGARI": None,
}
OTHER = "another language"


def _script_language(text: str) -> str | None:
    """The language of a text mostly in letters of another script, or None."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    scripts = Counter(unicodedata.name(ch, "?").split(" ")[0] for ch in letters)
    if scripts["LATIN"] * 2 >= len(letters):
        return None
    if scripts["HIRAGANA"] or scripts["KATAKANA"]:
        return "Japanese"  # kanji are CJK letters: kana say Japanese
    script = max((s for s in scripts if s != "LATIN"), key=lambda s: scripts[s])
    return _SCRIPTS.get(script) or OTHER


def language_of(text: str) -> str | None:
    """ "English", another language's name ("German"), ``OTHER`` (a language not named, or
    two that tie), or None when ``text`` does not say (too few small words)."""
    script = _script_language(text)
    if script:
        return script
    french = len({e.lower() for e in _ELISION.findall(text)})
    words = {w.lower() for w in _WORD.findall(_ELISION.sub(" ", text))}  # "Los Angeles" twice
    scores = {lang: len(words & small) for lang, small in SMALL_WORDS.items()}
    scores["French"] += french
    scores["Spanish"] += text.count("¿") + text.count("¡")
    english = scores.pop(ENGLISH)
    best = max(scores.values())
    if best >= MIN_MARKERS and best > english:
        named = [lang for lang, n in scores.items() if n == best]
        return named[0] if len(named) == 1 else OTHER
    return ENGLISH if english >= MIN_MARKERS else None


def foreign_language(question: str) -> str | None:
    """The language ``question`` is clearly written in when that is not English, else None."""
    lang = language_of(question)
    return None if lang in (None, ENGLISH) else lang
