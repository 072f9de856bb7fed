"""Personal data taken out of feedback before it is stored: Swedish personnummer and samordningsnummer (checked
with the Luhn digit by the `personnummer` package), e-mail addresses, and phone numbers (Google's
`phonenumbers`, Swedish numbering by default)."""

from __future__ import annotations

import re

import phonenumbers
from personnummer import personnummer

PERSONNUMMER = "[personnummer]"
EMAIL = "[e-post]"
PHONE = "[telefon]"

# 6 or 8 digits of birth date, an optional - or +, 4 digits; not inside a longer run of digits.
ID_CANDIDATE = re.compile(r"(?<![\d-])(?:\d{2})?\d{6}[-+ ]?\d{4}(?![\d-])")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact(text: str | None) -> str | None:
    if not text:
        return text
    text = ID_CANDIDATE.sub(lambda m: PERSONNUMMER if _is_personnummer(m.group()) else m.group(), text)
    text = EMAIL_PATTERN.sub(EMAIL, text)
    return _redact_phones(text)


def _is_personnummer(candidate: str) -> bool:
    try:
        return bool(personnummer.valid(candidate.replace(" ", "-")))
    except Exception:  # noqa: BLE001 - the package raises on some malformed dates; then it is not one
        return False


def _redact_phones(text: str) -> str:
    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "SE")]
    for start, end in reversed(spans):
        text = text[:start] + PHONE + text[end:]
    return text
