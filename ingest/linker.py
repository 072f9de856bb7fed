"""Links sections of other documents (action plans) to the programme's goal areas: by the programme's own
structure, by heading name, or by embedding."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core.embedders import Embedder
from core.models import GoalAreaLink, GoalAreaModel
from core.text import normalise_name, shared_token_count, tokenize


class GoalAreaLinker:
    """Ties a section to a goal area: by the programme's own structure, by heading name, or by embedding.

    For other documents (action plans) the headings are tried deepest first: a heading whose words are
    mostly words of one goal area's name links by name; a heading naming a main area narrows the choice
    to that main area's goal areas. Failing a name, the section's text is compared with each goal area's
    text by embedding, and a link is made only when the best is both similar enough and clearly ahead.
    """

    def __init__(
        self,
        model: GoalAreaModel,
        embedder: Callable[[], Embedder] | None = None,
        min_similarity: float = 0.83,
        min_margin: float = 0.01,
    ):
        self.model = model
        self.embedder = embedder  # called on first need, so that linking by name never loads a model
        self.min_similarity = min_similarity
        self.min_margin = min_margin
        self._profiles: np.ndarray | None = None
        self._goal_tokens = {ga.name: set(tokenize(ga.name)) for ga in model.goal_areas}
        self._main_tokens = {ma.name: set(tokenize(ma.heading or ma.name)) for ma in model.main_areas}

    def link(self, document_id: str, section_path: tuple[str, ...] | list[str], section_text: str) -> GoalAreaLink:
        if document_id == self.model.document_id:
            return self._structure_link(section_path)
        main = next((m for m in map(self._main_area_match, section_path) if m), None)
        candidates = [ga for ga in self.model.goal_areas if main is None or ga.main_area == main]
        for heading in reversed(section_path):
            if found := self._name_match(heading, candidates):
                return found
        if self.embedder is not None and section_path and section_text.strip():
            return self._embedding_link(section_path[-1], section_text, candidates, main)
        return GoalAreaLink(main_area=main, method="name_match" if main else "none")

    def _structure_link(self, section_path) -> GoalAreaLink:
        keys = {normalise_name(h) for h in section_path}
        for ga in self.model.goal_areas:
            if normalise_name(ga.heading) in keys:
                return GoalAreaLink(
                    goal_area=ga.name, main_area=ga.main_area, sdgs=ga.sdgs, method="structure", score=1.0
                )
        for ma in self.model.main_areas:
            if normalise_name(ma.heading) in keys:
                return GoalAreaLink(main_area=ma.name, method="structure", score=1.0)
        return GoalAreaLink()

    def _main_area_match(self, heading: str) -> str | None:
        """A heading that holds every word of a main area's own heading ('Goda livsvillkor')."""
        tokens = set(tokenize(heading))
        for name, main_tokens in self._main_tokens.items():
            if main_tokens and shared_token_count(main_tokens, tokens) == len(main_tokens):
                return name
        return None

    def _name_match(self, heading: str, candidates) -> GoalAreaLink | None:
        tokens = set(tokenize(heading))
        if not tokens:
            return None
        scored = sorted(
            (
                (shared_token_count(tokens, self._goal_tokens[ga.name]) / len(tokens), i)
                for i, ga in enumerate(candidates)
            ),
            reverse=True,
        )
        best, i = scored[0]
        if best >= 0.5 and (len(scored) == 1 or scored[1][0] < best):
            ga = candidates[i]
            return GoalAreaLink(
                goal_area=ga.name, main_area=ga.main_area, sdgs=ga.sdgs, method="name_match", score=round(best, 3)
            )
        return None

    def _embedding_link(self, heading: str, section_text: str, candidates, main: str | None) -> GoalAreaLink:
        assert self.embedder is not None
        embedder = self.embedder()
        if self._profiles is None:  # symmetric passage-to-passage similarity: section text against goal-area text
            self._profiles = embedder.embed_passages_array([f"{ga.name}. {ga.text}" for ga in self.model.goal_areas])
        vector = embedder.embed_passages_array([f"{heading}. {section_text[:1000]}"])[0]
        index = [self.model.goal_areas.index(ga) for ga in candidates]
        sims = self._profiles[index] @ vector
        order = np.argsort(-sims)
        best = float(sims[order[0]])
        margin = best - float(sims[order[1]]) if len(order) > 1 else 1.0
        if best < self.min_similarity or margin < self.min_margin:
            return GoalAreaLink(main_area=main, method="none", score=round(best, 4))
        ga = candidates[int(order[0])]
        return GoalAreaLink(
            goal_area=ga.name, main_area=ga.main_area, sdgs=ga.sdgs, method="embedding", score=round(best, 4)
        )
