"""Word-level text tools shared by the keyword index and the heading matcher: Swedish stemming, stop words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)

SWEDISH_STOP_WORDS = frozenset(
    """
    och i att det som en ett av för till på med är de den vi alla har inte om så men från kan ska skall
    eller var vid sig sin sitt sina han hon dem deras vår vårt våra man oss dig mig du jag er ni här där
    då när hur vad vilka vilken vilket detta denna dessa också även bara mer mest under över efter inom
    genom utan mot mellan samt både än ut upp in hos bli blir blev varit vara få får fått ges ger
    """.split()
)
ENGLISH_STOP_WORDS = frozenset(
    """
    the a an and or of to in on for with is are was were be been by as at it its this that these those
    what which who whom how why when where do does did can could should would will shall my our your
    their we you i me us about from into than then there here so not no any all some
    """.split()
)


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("swedish")


def _without_marks(text: str) -> str:
    """The text decomposed (NFKD) with its combining marks (the diacritics) left out."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case and strip diacritics, so that 'bostäder' and 'bostader' meet."""
    return _without_marks(text.casefold())


def strip_diacritics(text: str) -> str:
    """The text without diacritics, case kept ('Målområden' -> 'Malomraden'), for matching typed-without forms."""
    return unicodedata.normalize("NFC", _without_marks(text))


def in_case_of(typed: str, word: str) -> str:
    """``word`` with the capital of ``typed``'s first letter, when it has one ("Progammet" -> "Programmet")."""
    return word[0].upper() + word[1:] if typed[:1].isupper() and word else word


def words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return fold(_stemmer().stemWord(word))


@lru_cache(maxsize=65536)
def _stem_unfolded(word: str) -> str:
    return _stemmer().stemWord(word)


def stem_word(word: str) -> str:
    """One word's Swedish stem, letters kept."""
    return _stem_unfolded(word.casefold())


def stems(text: str) -> list[str]:
    """Swedish stems with their letters kept ('vård' and 'värd' stay apart), stop words dropped."""
    return [_stem_unfolded(w) for w in words(text) if w not in SWEDISH_STOP_WORDS and w not in ENGLISH_STOP_WORDS]


def tokenize(text: str, drop_stop_words: bool = True) -> list[str]:
    """Swedish-stemmed, folded word tokens (stop words of both languages dropped)."""
    out = []
    for w in words(text):
        if drop_stop_words and (w in SWEDISH_STOP_WORDS or w in ENGLISH_STOP_WORDS):
            continue
        out.append(_stem(w))
    return out


def normalise_name(text: str) -> str:
    """Case- and space-insensitive form of a heading or name, without a final full stop."""
    return re.sub(r"\s+", " ", text.casefold()).strip().rstrip(".").strip()


SENTENCE_SPLIT = re.compile(r"(?<=[.!?…”])\s+(?=[A-ZÅÄÖ”\"–-])")


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; each is an exact substring of the text."""
    return [s for s in SENTENCE_SPLIT.split(text) if s.strip()]


def shared_token_count(a: set[str], b: set[str]) -> int:
    """Tokens of ``a`` found in ``b``, a stem also matching a longer stem it begins ('bost' ~ 'bostad')."""
    return sum(
        1 for t in a if t in b or (len(t) >= 4 and any(u.startswith(t) or (len(u) >= 4 and t.startswith(u)) for u in b))
    )
