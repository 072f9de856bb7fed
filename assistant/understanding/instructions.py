"""Instructions aimed at the assistant in so many words: "strunta i vad programmet säger", "hitta på en siffra",
"svara bara ja", "answer from general knowledge", "act as a doctor", "vad tycker du själv?". Phrases of the kind, not
of any one message: the decline also needs the injection classifier's reading (``injection_cued_min_p``), and a
negated phrase ("utan att hitta på något", "don't make anything up") asks for the opposite."""

from __future__ import annotations

import re

from core.text import strip_diacritics

# matched on the text without diacritics, so "sag bara", "strunta i" and "fran allman kunskap" count as typed
INSTRUCTION = re.compile(
    strip_diacritics(
        r"\b(?:strunta\s+i|glöm\s+(?:programmet|dina|allt|instruktion\w*)|ignorera|ignore|forget\s+(?:the|your|about)"
        r"|hitta\s+på|make\s+up|invent|svara\s+(?:bara|som\s+om|från|utifrån\s+allmän)|answer\s+(?:only|as\s+if|from)"
        r"|du\s+agera[r]?|agera[r]?\s+som|act\s+as|pretend|låtsas|rollspel|role\s*-?\s*play|utan\s+att\s+citera"
        r"|without\s+quoting|allmän\s+kunskap|general\s+knowledge|just\s+say|säg\s+bara"
        # writing something as if the documents said it: "skriv det som om det står i programmet"
        r"|som\s+om\s+det\s+(?:står|stod|sägs)|as\s+if\s+(?:it|the\s+\w+)\s+(?:says|said|were|was)"
        # the assistant's own opinion, which it does not have to give
        r"|tycker\s+du|du\s+(?:själv|personligen)|din\s+(?:egen\s+)?åsikt|your\s+(?:own\s+|personal\s+)?opinion"
        r"|what\s+do\s+you\s+(?:personally\s+)?think|do\s+you\s+(?:personally\s+)?think)\b"
    ),
    re.IGNORECASE,
)
NEGATED = re.compile(r"\b(?:utan\s+att|inte|aldrig|without|don'?t|do\s+not|never)\s+(?:\w+\s+)?$", re.IGNORECASE)
# "vad vi ska hitta på" (what we will do): the activity, not making something up
ACTIVITY = re.compile(r"\bvad\b[^.?!,;]{0,40}$", re.IGNORECASE)


def gives_instruction(text: str) -> bool:
    """Whether the text tells the assistant to leave its documents, make things up or play a part."""
    plain = strip_diacritics(text)
    return any(_instructs(plain, m) for m in INSTRUCTION.finditer(plain))


def _instructs(plain: str, found: re.Match) -> bool:
    before = plain[max(0, found.start() - 40) : found.start()]
    if NEGATED.search(before[-24:]):
        return False
    return not (found.group(0).casefold().startswith("hitta") and ACTIVITY.search(before))
