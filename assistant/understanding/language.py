"""Swedish or English, per question: a character n-gram language identifier (py3langid, its model ships in the
package) restricted to the two; when it is unsure (very short or mixed text), function words, letters and the words'
frequencies in each language decide, and Swedish wins a tie."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from py3langid.langid import MODEL_FILE, LanguageIdentifier
from wordfreq import zipf_frequency

Language = Literal["sv", "en"]

SWEDISH_MARKERS = frozenset(
    """
    och att det som en ett är på för med av till vad vilka vilken vilket hur varför när var finns
    jag vi du ni man hon han de den detta dessa mitt min mina vår vårt våra står säger gäller handlar
    om inte kan ska skall får hör hör ingår också eller mål målet målen programmet staden kommunen
    tack snälla gärna hej
    """.split()
)
ENGLISH_MARKERS = frozenset(
    """
    the and of to is are what which how why when where does do did who whom whose this that these those
    i a an we you my our your their it its in on for with about from can should would will programme program
    goal goals area areas city say says mean means work working please tell me hello hi thanks thank
    """.split()
)


SURE = 0.75  # the identifier's probability from which it decides alone


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["sv", "en"])
    return identifier


REQUESTED = re.compile(
    r"\b(?:in|into|to) (?P<en>english|swedish)\b|\bpå (?:enkel |lätt |ren |god )?(?P<sv>svenska|engelska)\b",
    re.IGNORECASE,
)


def requested_language(text: str) -> Language | None:
    """The language a message asks its answer in ("skriv ett mejl på engelska", "a press lead in Swedish"), if any."""
    found = REQUESTED.search(text)
    if found is None:
        return None
    name = (found.group("en") or found.group("sv")).casefold()
    return "en" if name in ("english", "engelska") else "sv"


def detect_language(text: str) -> Language:
    language, probability = _identifier().classify(text)
    if probability >= SURE:
        return "en" if language == "en" else "sv"
    return _by_markers(text)


SHORT_FOLLOW_UP = 3  # words: "and framtidstro?", "och jobb då?", "shorter"


def follow_up_language(text: str, conversation: Language) -> Language:
    """A short message in a conversation ("and framtidstro?"): its function words decide, and a tie keeps the
    conversation's language (a Swedish term in an English conversation is no switch to Swedish)."""
    words = re.findall(r"[a-zåäöéü]+", text.casefold())
    if len(words) > SHORT_FOLLOW_UP:
        return detect_language(text)
    return _by_markers(text, tie=conversation)


LEAN = 1.5  # zipf (log10 per billion words) by which a word must be commoner in one language to count for it


@lru_cache(maxsize=4096)
def _word_language(word: str) -> Language | None:
    """The language a word other than the function words belongs to, by ``wordfreq``'s Swedish and English lists
    ("citat" Swedish, "shorter" English); None for one both use alike ("pls", "ok")."""
    if word in SWEDISH_MARKERS or re.search(r"[åäö]", word):
        return "sv"
    if word in ENGLISH_MARKERS:
        return "en"
    lean = zipf_frequency(word, "sv") - zipf_frequency(word, "en")
    return "sv" if lean >= LEAN else "en" if lean <= -LEAN else None


def _by_markers(text: str, tie: Language = "sv") -> Language:
    votes = [_word_language(w) for w in re.findall(r"[a-zåäöéü]+", text.casefold())]
    sv, en = votes.count("sv"), votes.count("en")
    if en != sv:
        return "en" if en > sv else "sv"
    return tie
