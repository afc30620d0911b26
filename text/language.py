"""Which language a question (or a passage) is written in, when that is clear.

The extractive answerer reads English: a question in another language ("Wie viele
Urlaubstage bekomme ich?") matches no sentence of English documents and is refused. The
refusal can then say why. A word-by-word "is this English?" test does not work: MiniLM's
vocabulary holds "est", "la", "ist", "die", "ich" and "de" (Wikipedia quotes them), and a
misspelt English question ("hotle limit in londn") is mostly not English words either.
What does work is the small words every sentence needs: articles, pronouns, question
words, "is" and "have". A question is in language L when its words make at least two
markers of L and more of L than of English. A word that is English too ("was", "die",
"hat", "bin", "per") is half a marker: "hard hat in bin area?" is not German, but "Was ist
die Hotelgrenze in London?" still is. Names are no markers: a capitalised word inside a
sentence ("Die Hard", "Los Angeles", "Ho Chi Minh") and the particles before one ("Jean de
la Fontaine", "Hotel del Coronado", "Juan de la Cruz y Santos"). So a name, a short quote or
one foreign word never makes a question foreign; a question of one or two words rarely
says enough. Letters of another script (Cyrillic, Greek, Arabic, CJK, ...) that make up
most of the text make it foreign too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import pairwise

ENGLISH = "English"
MIN_MARKERS = 2

# The small words of questions. Words as much English as anything ("me", "no", "come",
# "am", "an", "in", "is", "will", "so") are left out; "do", "was", "per" are half markers.
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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SMALL_WORDS = {lang: _words(words) for lang, words in _SMALL_WORDS.items()}
# Half markers: small words of two languages ("was", "per", "do"), and other languages'
# small words that are common English words ("hard hat", "the die is cast", "a van").
_FOREIGN = frozenset().union(*(w for lang, w in SMALL_WORDS.items() if lang != ENGLISH))
_SHARED = (SMALL_WORDS[ENGLISH] & _FOREIGN) | _words(
    "die bin hat im met van son sin hay con um com ton pour"
)
# Lower-case particles of names: before a capitalised word they are part of the name.
# Not "der", "das", "des": German capitalises its nouns, and before one they are articles.
_PARTICLES = _words("de del della di da do dos du la le van von y zu")
# German "Sie" (you) is capitalised anywhere: a small word, not a name.
_FORMAL = frozenset({"Sie", "Ihr"})
_SENTENCE_END = frozenset(".?!:;\n")

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


def _not_names(text: str) -> set[str]:
    """The words of ``text`` (lower case) that can be small words of another language: not
    a capitalised word inside a sentence, nor a particle before one ("de la Tour")."""
    cased = any(ch.islower() for ch in text)  # "WIE VIELE URLAUBSTAGE?": no names to tell
    found = list(_WORD.finditer(text))
    gaps = [text[a.end() : b.start()] for a, b in pairwise(found)] + [""]
    out: set[str] = set()
    name_next = False  # the word after this one belongs to a name
    for i in reversed(range(len(found))):
        w = found[i].group()
        start = i == 0 or any(ch in _SENTENCE_END for ch in gaps[i - 1])
        name = cased and w[0].isupper() and not start and w not in _FORMAL
        name_next = name or (name_next and w in _PARTICLES and gaps[i].isspace())
        if not name_next:
            out.add(w.lower())
    return out


def _score(words: set[str], small: frozenset[str]) -> float:
    return sum(0.5 if w in _SHARED else 1.0 for w in words & small)


def language_of(text: str) -> str | None:
    """ "English", another language's name ("German"), ``OTHER`` (a language not named, or
    two that tie), or None when ``text`` does not say (too few small words)."""
    script = _script_language(text)
    if script:
        return script
    french = len({e.lower() for e in _ELISION.findall(text)})
    plain = _ELISION.sub(" ", text)
    words = {w.lower() for w in _WORD.findall(plain)}  # a set: "the" twice is one marker
    english = _score(words, SMALL_WORDS[ENGLISH])
    markers = _not_names(plain)
    scores = {
        lang: _score(markers, small) for lang, small in SMALL_WORDS.items() if lang != ENGLISH
    }
    scores["French"] += french
    scores["Spanish"] += text.count("¿") + text.count("¡")
    best = max(scores.values())
    if best >= MIN_MARKERS and best > english:
        named = [lang for lang, n in scores.items() if n == best]
        return named[0] if len(named) == 1 else OTHER
    return ENGLISH if english >= MIN_MARKERS else None


def foreign_language(question: str) -> str | None:
    """The language ``question`` is clearly written in when that is not English, else None."""
    lang = language_of(question)
    return None if lang in (None, ENGLISH) else lang
