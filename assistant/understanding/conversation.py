"""Follow-up questions: resolved against the conversation before retrieval.

Without a generative model the resolution is by rule: a question that names no goal area of its own
but points back ("och vilka globala mål hör till det?", "what about its SDGs?") carries the previous
turn's goal areas, and its retrieval query carries the previous question's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Turn
from assistant.understanding.goal_areas import GoalAreaResolver
from core.models import GoalArea

FOLLOW_UP_CUE = re.compile(
    r"^\s*(och|men|samt|också|än|då|and|but|also|what about|how about|hur är det med|vad gäller)\b"
    r"|\b(till|om|med|för|i|av|på|från|kring)\s+(det|den|dess|detta|denna|dessa|dem|samma)\b"
    r"|\b(dess|detta område|det området|samma område|de målen|det målområdet)\b"
    r"|\b(it|its|that|this|those|these|they|them|their|there|the same|the former|the latter"
    r"|the last one|the first one)\b"
    r"|\b(det|den|dessa|dem)\s*\??\s*$"
    r"|\bde (två|tre|fyra|fem|sex|sju|åtta)\b|\bthe (two|three|four|five|six|seven|eight)\b",
    re.IGNORECASE,
)


@dataclass
class ResolvedQuestion:
    question: str  # as asked
    query: str  # what retrieval searches for
    carried: list[GoalArea] = field(default_factory=list)
    is_follow_up: bool = False


def resolve_follow_up(
    question: str, history: list[Turn], resolver: GoalAreaResolver | None, force: bool = False
) -> ResolvedQuestion:
    """``force`` reads the question as a follow-up even without a pointing word."""
    if not history or not (force or FOLLOW_UP_CUE.search(question)):
        return ResolvedQuestion(question, question)
    if resolver is not None and resolver.by_name(question):
        return ResolvedQuestion(question, question)  # it names its own goal area
    last = history[-1]
    carried: list[GoalArea] = []
    if resolver is not None:
        for name in last.goal_areas:
            ga = resolver.model.goal_area(name)
            if ga is not None and ga not in carried:
                carried.append(ga)
        if not carried:
            carried = [m.goal_area for m in resolver.by_name(last.question)][:2]
    context = " ".join(ga.name for ga in carried) if carried else last.question
    return ResolvedQuestion(question, f"{question} {context}", carried, True)
