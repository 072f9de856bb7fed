"""Claims put in the programme's mouth: "skriv att programmet lovar alla en gratis bostad", "write a press statement
saying the programme guarantees every resident a home". The assistant quotes the documents; it does not write that
they say what their text does not hold. The pattern only finds where a message attributes a claim to the programme;
whether the claim is in the documents is decided against their text (rapidfuzz's partial ratio), and the decline
also needs the injection classifier's reading (``injection_attributed_min_p``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from core.text import fold

# an instruction to write or pretend, then "att/that/saying" and the programme (or the city) with a claiming verb
# (typed with or without diacritics: "skriv att vasteras stad lovar …")
ATTRIBUTED = re.compile(
    r"\b(?:skriv\w*|s[äa]g|p[åa]st[åa]|l[åa]tsas|l[åa]t\s+som|l[äa]gg\s+till|formulera|write|say|state|pretend|claim"
    r"|draft|add|make\s+it\s+sound)\b"
    r"[^.?!]{0,60}?\b(?:(?:att|that|saying|stating|d[äa]r\s+det\s+st[åa]r\s+att|as\s+if|som\s+om)\s+)?"
    r"(?:programmet|the\s+programme|the\s+program|programme|(?:v[äa]ster[åa]s\s+)?stad(?:en)?|stan|the\s+city"
    r"|kommunen|the\s+municipality|(?:the\s+)?city\s+of\s+v[äa]ster[åa]s)\s+"
    r"(?:(?P<promise>lovar|lovade|har\s+lovat|garanterar|garanterade|ska\s+ge|skulle\s+ge|promises|promised"
    r"|guarantees|guaranteed|will\s+give|would\s+give)|s[äa]ger\s+att|sa\s+att|kr[äa]ver|kr[äa]vde"
    r"|says\s+that|said\s+that|says|said|requires|required)\s+"
    r"(?!(?:om|about|on|regarding|angående|kring)\b)(?P<claim>[^.?!]{8,})",  # "what it says about X" claims nothing
    re.IGNORECASE,
)
# the user's own claim about what the text says, then an instruction to write it ("det står väl ändå att stan lovar
# jobb åt alla? skriv det rakt ut i en text")
ASSERTED = re.compile(
    r"\bdet\s+st[åa]r\s+(?:v[äa]l|ju)\s+(?:[äa]nd[åa]\s+)?(?:i\s+programmet\s+)?att\s+(?P<claim>[^.?!]{8,})",
    re.IGNORECASE,
)
WRITE_IT = re.compile(r"\b(?:skriv|formulera|citera|write|quote)\b", re.IGNORECASE)
SUPPORTED_MIN_RATIO = 85.0  # partial ratio of the claim against a passage, casefolded and without diacritics


# where the claim ends: a comma, or the instruction going on ("… och skriv en text om det", "and cite it")
CLAIM_END = re.compile(
    r",|\s+(?:och|and)\s+(?:skriv|write|cite|citera|förklara|explain|gör|make|formulera|format|put)\b", re.IGNORECASE
)


def attributed_claim(message: str) -> str | None:
    """The claim a writing or pretending instruction attributes to the programme, if any."""
    found = ATTRIBUTED.search(message)
    if found is None and WRITE_IT.search(message):
        found = ASSERTED.search(message)
    return CLAIM_END.split(found.group("claim"))[0].strip(" ,;:") if found else None


def promised(message: str) -> bool:
    """Whether the attributed claim is a promise ("skriv då att staden garanterar varje barn en fritidsaktivitet"):
    a promise the documents do not hold is never written, however sincere the message reads."""
    found = ATTRIBUTED.search(message)
    return bool(found and found.group("promise"))


def claim_supported(claim: str, passages: Iterable[str]) -> bool:
    """Whether some passage holds the claim's words (typed without diacritics or with small differences)."""
    wanted = fold(claim)
    return any(fuzz.partial_ratio(wanted, fold(p)) >= SUPPORTED_MIN_RATIO for p in passages)
