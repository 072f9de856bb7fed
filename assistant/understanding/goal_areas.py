"""Which goal areas a piece of text speaks of: by the goal areas' own words, by SDG number, or by meaning."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

from assistant.models import GoalAreaRef
from core.embedders import Embedder
from core.models import GoalArea, GoalAreaModel, MainArea
from core.text import (
    ENGLISH_STOP_WORDS,
    SWEDISH_STOP_WORDS,
    fold,
    shared_token_count,
    stem_word,
    stems,
    strip_diacritics,
    tokenize,
    words,
)

# "Jag jobbar som ...", "jobbar med ...", "I work as ...": the framing says it is work, not which work; it names no
# goal area ("Jag jobbar med våld i nära relationer. Vilka globala mål hör till …?" is not about the employment area).
FRAMING = re.compile(
    r"\b(jag|vi)\s+(jobbar|arbetar)\b|\bmitt\s+(jobb|arbete)\b|\b(jobbar|jobbade|arbetar)\s+(med|som|inom)\b"
    r"|\b(jobba|arbeta)\s+(efter|utifrån|enligt)\b"  # "en värdegrund vi ska jobba efter": how, not employment
    r"|\b(jobba|jobbar|arbeta|arbetar)\s+(i|på|med)\b|\b(göra|gör|gjort)\s+jobbet\b"  # "oss som jobbar i kommunen"
    r"|\b(i|we)\s+(work|am working|'m working)\b|\bmy\s+(job|work)\b"
    r"|\b(i|in)\s+pra[ck]ti(k|c)(en|e)\b",  # "genomföras i praktiken": in practice, not an internship
    re.IGNORECASE,
)

# "våldsförebyggande arbete", "uppsökande arbete": work as an activity, named by what it does (a present participle
# before it), not employment; the participle stays ("våld…" still names the health area)
ACTIVITY_WORK = re.compile(r"\b(\w+(?:ande|ende))\s+(?:arbete|arbetet|jobb|jobbet)\b", re.IGNORECASE)


@dataclass
class GoalAreaMatch:
    goal_area: GoalArea
    score: float
    via: Literal["name", "meaning"]
    position: int = 0  # where the text first names it (word index), for questions that compare two areas


@lru_cache(maxsize=1)
def words_file() -> dict:
    """``data/goal_area_words.toml``: everyday words of goal areas and main areas, and words too generic."""
    return tomllib.loads(resources.files("assistant").joinpath("data/goal_area_words.toml").read_text(encoding="utf-8"))


def _words_by_anchor(entries: list[dict], names: list[str], key: str = "words") -> list[list[tuple[str, ...]]]:
    """Each entry's words (stemmed phrases, under ``key``) go to the first name that holds all of its anchor."""
    out: list[list[tuple[str, ...]]] = [[] for _ in names]
    for entry in entries:
        anchor = set(tokenize(entry["anchor"]))
        for i, name in enumerate(names):
            if anchor and shared_token_count(anchor, set(tokenize(name))) == len(anchor):
                out[i].extend(t for t in dict.fromkeys(tuple(stems(w)) for w in entry.get(key, [])) if t)
                break
    return out


def load_goal_area_words(model: GoalAreaModel, key: str = "words") -> list[list[tuple[str, ...]]]:
    """The everyday words of each goal area (as stemmed token tuples), in the model's goal-area order; with
    ``key="names"`` only those that take the area as a whole."""
    return _words_by_anchor(words_file().get("goal_area", []), [ga.name for ga in model.goal_areas], key)


def _word_present(token: str, present: set[str]) -> bool:
    """The stem itself, or a compound built on it: 'bostad' in 'bostadsområden', 'hälso' in 'hälsoprojekt',
    'skol' in 'högstadieskola' (a head at the end needs four letters before it: not 'arbet' in 'samarbete')."""
    if token in present:
        return True
    if len(token) < 4:
        return False
    return any(p.startswith(token) or (p.endswith(token) and len(p) - len(token) >= 4) for p in present)


FUZZY_MIN = 88  # rapidfuzz ratio from which a misspelt word ("utbildnigsområdet") stands for a goal-area word
FUZZY_MIN_LENGTH = 7  # shorter words are left as they are: "arbeta" is not a typo of "arbete"


def _vocabulary(phrases: list[list[tuple[str, ...]]]) -> dict[int, list[str]]:
    """The goal-area words' stems long enough for typo matching, grouped by length."""
    by_length: dict[int, list[str]] = {}
    for stem in sorted({t for area in phrases for phrase in area for t in phrase if len(t) >= FUZZY_MIN_LENGTH}):
        by_length.setdefault(len(stem), []).append(stem)
    return by_length


def corrected(tokens: list[str], vocabulary: dict[int, list[str]]) -> list[str]:
    """Each token, or the goal-area word it misspells: the closest word by rapidfuzz ratio against the token itself
    or its start (a compound: "utbildnigsområd" starts like "utbildning")."""
    known = {w for stems_of_length in vocabulary.values() for w in stems_of_length}
    out = []
    for token in tokens:
        if len(token) < FUZZY_MIN_LENGTH or any(token.startswith(w) for w in known):
            out.append(token)
            continue
        best, best_score = token, 0.0
        for length, candidates in vocabulary.items():
            if length > len(token) + 1:
                continue
            for start in {token[: length - 1], token[:length], token[: length + 1]}:
                found = process.extractOne(start, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
                if found is not None and found[1] > best_score:
                    best, best_score = found[0], found[1]
        out.append(best)
    return out


def main_area_words(model: GoalAreaModel) -> list[list[tuple[str, ...]]]:
    """Everyday words of each main area: its own heading, and the entries of the words file."""
    extra = _words_by_anchor(words_file().get("main_area", []), [ma.name for ma in model.main_areas])
    return [([tuple(stems(ma.heading))] if ma.heading else []) + words for ma, words in zip(model.main_areas, extra)]


class GoalAreaResolver:
    """Finds the goal areas a text names.

    By words: a goal area's everyday words (``data/goal_area_words.toml``, Swedish and English) found in
    the text name it; the goal area with most such words comes first. Failing words, the text is
    compared by embedding with each goal area's own text, and the best is taken only when it is
    clearly ahead of the second.
    """

    def __init__(
        self, model: GoalAreaModel, embedder: Embedder, min_similarity: float = 0.80, min_margin: float = 0.015
    ):
        self.model = model
        self.embedder = embedder
        self.min_similarity = min_similarity
        self.min_margin = min_margin
        self._words = load_goal_area_words(model)
        self._folded_words = [[tuple(fold(t) for t in phrase) for phrase in phrases] for phrases in self._words]
        self._names = load_goal_area_words(model, "names")
        self._folded_names = [[tuple(fold(t) for t in phrase) for phrase in phrases] for phrases in self._names]
        self._generic = {w.casefold() for w in words_file().get("generic", [])}
        self._weak = {tuple(stems(w)) for w in words_file().get("weak", [])}
        self._weak |= {tuple(fold(t) for t in phrase) for phrase in self._weak}
        self._main_words = main_area_words(model)
        self._profiles = embedder.embed_passages_array([f"{ga.name}. {ga.text}" for ga in model.goal_areas])
        self._vocabulary = _vocabulary(self._words)
        self._folded_vocabulary = _vocabulary(self._folded_words)

    def _matching_tokens(self, text: str) -> tuple[list[str], bool]:
        """The text's content-word stems, typos corrected; folded when the text has no diacritics at all
        ("halsoomradet" is matched without them; otherwise letters count)."""
        plain = text == strip_diacritics(text)
        text = ACTIVITY_WORK.sub(r"\1", FRAMING.sub(" ", text))
        return self._read_stems(self._content_words(text), plain), plain

    def _read_stems(self, words: list[str], plain: bool) -> list[str]:
        """Each word's stem, folded when the text has no diacritics, a typo corrected to the goal-area word it
        misspells."""
        stems = [stem_word(w) for w in words]
        stems = [fold(t) for t in stems] if plain else stems
        return corrected(stems, self._folded_vocabulary if plain else self._vocabulary)

    def _only_weak(self, matched: list[tuple[str, ...]], present: set[str]) -> bool:
        """Whether every matched phrase is a weak word found only inside a compound ("arbete" in "trygghetsarbetet")."""
        return all(phrase in self._weak and not all(t in present for t in phrase) for phrase in matched)

    def names_whole_area(self, text: str) -> GoalArea | None:
        """The goal area a topic takes as a whole ("hälsa", "bostäder", "safety"), not a subject within it ("kultur",
        "segregation"): one of its ``names`` in ``data/goal_area_words.toml``; a weak word inside a compound
        ("arbete" in "trygghetsarbetet") only when no other area is named."""
        tokens, plain = self._matching_tokens(text)
        present = set(tokens)
        found = []
        for ga, phrases in zip(self.model.goal_areas, self._folded_names if plain else self._names):
            matched = [phrase for phrase in phrases if all(_word_present(t, present) for t in phrase)]
            if matched:
                weak = self._only_weak(matched, present)
                found.append((ga, weak))
        strong = [ga for ga, weak in found if not weak]
        return (strong or [ga for ga, _ in found] or [None])[0]

    def by_name(self, text: str) -> list[GoalAreaMatch]:
        """Goal areas whose words the text uses: most words first, then the one the text names first. An area named
        only by weak words inside compounds ("arbete" in "trygghetsarbetet": work on safety) is left out when another
        area is named."""
        tokens, plain = self._matching_tokens(text)
        present = set(tokens)
        hits = []
        for ga, phrases in zip(self.model.goal_areas, self._folded_words if plain else self._words):
            matched = [phrase for phrase in phrases if all(_word_present(t, present) for t in phrase)]
            if matched:
                first = min(i for i, tok in enumerate(tokens) for phrase in matched if _word_present(phrase[0], {tok}))
                # a word itself counts fully, a word inside a compound ("bostadsområde") half
                score = sum(1.0 if all(t in present for t in phrase) else 0.5 for phrase in matched)
                weak = self._only_weak(matched, present)
                hits.append((GoalAreaMatch(ga, score, "name", first), first, weak))
        if not all(weak for _, _, weak in hits):
            hits = [h for h in hits if not h[2]]
        return [m for m, _, _ in sorted(hits, key=lambda h: (-h[0].score, h[1]))]

    def _content_words(self, text: str) -> list[str]:
        return [
            w
            for w in words(text)
            if w not in SWEDISH_STOP_WORDS and w not in ENGLISH_STOP_WORDS and w not in self._generic
        ]

    def _stems(self, text: str) -> list[str]:
        return [stem_word(w) for w in self._content_words(text)]

    def words_found(self, text: str) -> dict[str, list[str]]:
        """The text's own words that name each goal area (for explaining a match), misspelt ones too."""
        return {name: typed for name, (typed, _) in self.found(text).items()}

    def found(self, text: str) -> dict[str, tuple[list[str], list[str]]]:
        """Per goal area the text names: its own words that name it, and the goal-area words they match (stemmed, as
        in ``data/goal_area_words.toml``): "kultur" for "kulturförvaltningen", which a keyword search for the typed
        compound would miss."""
        raw = self._content_words(text)
        plain = text == strip_diacritics(text)
        stem_of = dict(zip(raw, self._read_stems(raw, plain)))
        present = set(stem_of.values())
        found: dict[str, tuple[list[str], list[str]]] = {}
        for ga, phrases in zip(self.model.goal_areas, self._folded_words if plain else self._words):
            hits = [p for p in phrases if all(_word_present(t, present) for t in p)]
            own = [w for w in raw if any(_word_present(t, {stem_of[w]}) for p in hits for t in p)]
            if own:
                found[ga.name] = (list(dict.fromkeys(own)), list(dict.fromkeys(t for p in hits for t in p)))
        return found

    def main_areas_named(self, text: str) -> list[MainArea]:
        present = set(self._stems(text))
        return [
            ma
            for ma, phrases in zip(self.model.main_areas, self._main_words)
            if any(phrase and all(_word_present(t, present) for t in phrase) for phrase in phrases)
        ]

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        return self._profiles @ np.asarray(vector, dtype=np.float32)

    def by_meaning(self, vector: np.ndarray) -> list[GoalAreaMatch]:
        sims = self.similarities(vector)
        order = np.argsort(-sims)
        best, second = float(sims[order[0]]), float(sims[order[1]])
        if best < self.min_similarity or best - second < self.min_margin:
            return []
        return [GoalAreaMatch(self.model.goal_areas[int(order[0])], best, "meaning")]

    def resolve(self, text: str, vector: np.ndarray | None = None) -> list[GoalAreaMatch]:
        named = self.by_name(text)
        if named:
            return named
        if vector is None:
            vector = self.embedder.embed_queries_array([text])[0]
        return self.by_meaning(vector)


def answer_goal_areas(
    resolver: GoalAreaResolver | None, question: str, vector: np.ndarray, carried: list[GoalArea], cited: list[str]
) -> list[GoalAreaRef]:
    """The goal areas an answer concerns: those the question names (by words or meaning); failing that, those a
    follow-up carries from the conversation, plus those of the passages it quotes."""
    if resolver is None:
        return []
    # an area found by meaning alone counts only when the answer quotes it ("hur definieras hållbar utveckling?" is
    # near the education area's name, "… som främjar hållbar utveckling", but not about it)
    named = [m.goal_area for m in resolver.resolve(question, vector) if m.via == "name" or m.goal_area.name in cited]
    areas = named or list(carried)
    if not named:
        for name in cited:
            ga = resolver.model.goal_area(name)
            if ga is not None and ga not in areas:
                areas.append(ga)
    return [GoalAreaRef.of(ga) for ga in areas]
