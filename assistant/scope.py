"""Is a question within the documents? Decided by evidence, with thresholds calibrated on evals/golden.jsonl.

Three kinds of evidence, each measured, none a list of banned words:
- retrieval: the cosine similarity of the question to its best chunk must reach a floor (per language,
  since English questions meet Swedish text at lower similarity);
- contrast: the question must not be clearly closer to a known kind of out-of-scope request
  (``data/out_of_scope.toml``: other services, general knowledge, requests aimed at the assistant)
  than to its best chunk;
- entities: a name the documents never mention ("Stockholms", "Sirius") marks a question about
  something else.
A question that names a goal area's own topic (housing, schools, safety...) is in scope.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from core.embedders import Embedder
from core.models import Chunk, DocumentKind
from core.settings import Settings
from core.text import words

TOKEN = re.compile(r"[^\W\d_][\w\-]*", re.UNICODE)
SENTENCE_START = re.compile(r"(^|[.!?:;]\s+|[\"“”'(]\s*)$")


@dataclass
class ScopeDecision:
    in_scope: bool
    reason: str
    top_similarity: float
    out_of_scope_similarity: float
    unknown_names: list[str] = field(default_factory=list)


def load_out_of_scope_examples() -> list[str]:
    text = resources.files("assistant").joinpath("data/out_of_scope.toml").read_text(encoding="utf-8")
    return list(tomllib.loads(text)["examples"])


# English capitalises languages, days and months, which name nothing the documents could lack ("is there a good
# English translation?")
ENGLISH_CAPITALISED = frozenset(
    """english swedish monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december""".split()
)


def unknown_names(question: str, vocabulary: set[str]) -> list[str]:
    """Capitalised words inside a sentence (not its first word, not a short acronym) that the documents lack."""
    names = []
    for match in TOKEN.finditer(question):
        word = match.group(0)
        if not word[0].isupper() or SENTENCE_START.search(question[: match.start()]):
            continue
        if word.casefold() in ENGLISH_CAPITALISED:
            continue
        if word.isupper() and len(word) <= 3:
            continue
        parts = [p for p in word.casefold().split("-") if p]
        if parts and not any(_known(p, vocabulary) for p in parts):
            names.append(word)
    return names


def unknown_acronyms(question: str, vocabulary: set[str]) -> list[str]:
    """Short acronyms ("LVU", "SIP") the documents lack, which ``unknown_names`` lets pass on their own."""
    return [
        w for w in TOKEN.findall(question) if w.isupper() and 2 <= len(w) <= 3 and not _known(w.casefold(), vocabulary)
    ]


INFLECTIONS = ("s", "n", "en", "et", "ens", "ets")  # "Brundtlands", "Västeråsaren": a known word inflected


def _known(part: str, vocabulary: set[str]) -> bool:
    if part in vocabulary or any(part.endswith(e) and part[: -len(e)] in vocabulary for e in INFLECTIONS):
        return True
    return len(part) >= 4 and any(v.startswith(part) for v in vocabulary)


class ScopeGuard:
    def __init__(self, embedder: Embedder, chunks: dict[str, Chunk], settings: Settings):
        self.settings = settings
        self.examples = load_out_of_scope_examples()
        self._examples = embedder.embed_queries_array(self.examples)
        self.vocabulary = {w for c in chunks.values() for w in words(c.indexed_text())}
        # the policy documents' words (the programme, action plans), against which scope is judged
        self.policy_vocabulary = {
            w for c in chunks.values() if c.kind != DocumentKind.other for w in words(c.indexed_text())
        }

    def assess(
        self, question: str, vector: np.ndarray, top_similarity: float, language: str, names_goal_area: bool
    ) -> ScopeDecision:
        out = float((self._examples @ np.asarray(vector, dtype=np.float32)).max())
        names = unknown_names(question, self.vocabulary)
        s = self.settings
        floor = s.scope_min_similarity_en if language == "en" else s.scope_min_similarity_sv
        margin = s.scope_max_contrast_en if language == "en" else s.scope_max_contrast_sv
        decision = ScopeDecision(True, "evidence", top_similarity, out, names)
        if names_goal_area:  # a goal area's own topic: only a clear likeness to an out-of-scope request declines
            if out - top_similarity > margin + s.scope_named_extra_contrast:
                decision.in_scope, decision.reason = (
                    False,
                    f"closer to an out-of-scope request ({out:.3f}) than to the documents ({top_similarity:.3f})",
                )
            else:
                decision.reason = "names a goal area"
        elif top_similarity < floor:
            decision.in_scope, decision.reason = False, f"best passage similarity {top_similarity:.3f} < {floor}"
        elif out - top_similarity > margin:
            decision.in_scope, decision.reason = (
                False,
                f"closer to an out-of-scope request ({out:.3f}) than to the documents ({top_similarity:.3f})",
            )
        elif names:
            decision.in_scope, decision.reason = (
                False,
                f"names {len(names)} word(s) the documents never mention",
            )  # no question text in logs
        return decision
