"""Answer-type check: a question that asks for a figure, an amount, a name, a date, contact details, a later
document's contents or another law's wording is answered only when the evidence holds that kind of answer.
Otherwise it is declined with a message saying the documents do not give it, and the nearest passage on the
topic is cited, so the user still learns where the programme speaks of it."""

from __future__ import annotations

import re

from assistant.retrieval.searcher import RetrievedChunk
from core.models import Chunk

MONTHS = r"januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
EVIDENCE = {
    "figure": re.compile(r"\b\d+(?:[,.]\d+)?\s*(?:%|procent|personer|invånare|hushåll|st\b)", re.IGNORECASE),
    "amount": re.compile(r"\b\d[\d\s]*(?:[,.]\d+)?\s*(?:kr|kronor|tkr|mkr|miljoner|miljarder|sek)\b", re.IGNORECASE),
    "name": re.compile(r"\b[A-ZÅÄÖ][a-zåäöé]+ [A-ZÅÄÖ][a-zåäöé]+(?:son|sson|berg|ström|lund|qvist|kvist)\b"),
    "date": re.compile(
        rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b\d{{1,2}} (?:{MONTHS})\b|\b(?:{MONTHS}) \d{{4}}\b", re.IGNORECASE
    ),
    "contact": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\b0\d{1,3}[- ]?\d{2,3}[ ]?\d{2}[ ]?\d{2}\b"),
}
# who took part or carries a responsibility, answered by the groups a passage names ("förvaltningar och bolag,
# näringsliv, civilsamhället"), unless the question asks for one by name ("vad heter", "vilken förvaltning", "vem är")
GROUPS = re.compile(
    r"\b(?:förvaltning(?:ar|arna)|bolag(?:en)?|nämnder(?:na)?|näringsliv(?:et)?|civil(?:a\s+)?samhället"
    r"|civilsamhälle(?:t)?|föreningar|organisationer|myndigheter|offentliga\s+verksamheter)\b",
    re.IGNORECASE,
)
ONE_BY_NAME = re.compile(
    r"\b(?:vad\s+heter|heter|namn(?:et)?|name[ds]?|vilken|vilket|which|hen|vem\s+är|who\s+is|who\s+chairs"
    r"|vem\s+leder|who\s+leads)\b",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
ASKS_EMAIL = re.compile(r"e-?post|e-?mail|\bmejl|\bmail", re.IGNORECASE)
ASKS_PHONE = re.compile(r"telefon|\bnummer|\bnumber|\bphone|\bring|\bcall", re.IGNORECASE)
YEAR = re.compile(r"\b(20\d{2})\b")
# a year named without its number: "handlingsplanen för i år", "årets handlingsplan", "next year's action plan"
DATED = re.compile(
    r"\b(i\s+år|årets|förra\s+året|nästa\s+år\w*|senaste|this\s+year\w*|last\s+year\w*|next\s+year\w*|latest|"
    r"current)\b",
    re.IGNORECASE,
)
# a law, convention or other document named in the definite form, also in the genitive ("barnkonventionens artikel")
LAW = re.compile(
    r"\b(\w+(?:lagen|balken|förordningen|konventionen|programmet|planen|policyn))s?\b"
    r"|\b((?:\w+\s+){0,2}(?:act|law|code|convention|regulation))s?\b",
    re.IGNORECASE,
)

# the indefinite form of a named law or document: "grundlagen" -> "grundlag", "miljöprogrammet" -> "miljöprogram"
INDEFINITE = re.compile(r"(lag|balk|förordning|konvention|program|plan|policy)(?:en|met|et|n)$")


# a question for money in so many words ("hur mkt pengar har avsatts …", "what's the budget"): the amount it asks
# for is checked whatever the classifier reads (a budget is never a question about the programme's content)
ASKS_AMOUNT = re.compile(
    r"\bhur\s+(?:mycket|mkt|mycke)\s+pengar\b|\bbudget(?:en|ar|s)?\b|\bkronor\b|\bkost(?:ar|ade|a)\b"
    r"|\bhow\s+much\s+(?:money|funding|does\s+(?:\w+\s+){1,3}cost)\b",
    re.IGNORECASE,
)


# last year's outcome ("vad visade uppföljningen förra året?", "last year's results"): a document later than the
# programme, which only an action plan or follow-up of that year can hold
EARLIER_YEAR = re.compile(r"\b(?:förra\s+året|förra\s+årets|i\s+fjol|last\s+year(?:'s)?)\b", re.IGNORECASE)


# an action plan or follow-up of a given year ("årets handlingsplan", "handlingsplanen för 2025", "the latest
# follow-up report"): a document later than the programme (not Agenda 2030's year)
PLAN = r"(?:handlingsplan\w*|uppföljning\w*|action\s+plans?|follow-?ups?(?:\s+reports?)?)"
WHEN = (
    r"(?:årets|i\s+års|nästa\s+års|förra\s+årets|senaste|(?!2030)20\d\d(?:\s+års)?|this\s+year'?s|next\s+year'?s"
    r"|last\s+year'?s|latest|current)"
)
DATED_DOCUMENT = re.compile(
    rf"\b{WHEN}\s+(?:\w+\s+)?{PLAN}\b|\b{PLAN}\s+(?:för|for)\s+(?:i\s+år|(?!2030)20\d\d|this\s+year|next\s+year)\b",
    re.IGNORECASE,
)


def cued_answer_type(question: str) -> str | None:
    """The kind of answer a question asks for in so many words: "amount" for money, a later document for last
    year's outcome or a dated action plan, else none."""
    if ASKS_AMOUNT.search(question):
        return "amount"
    return "later_document" if EARLIER_YEAR.search(question) or DATED_DOCUMENT.search(question) else None


# the programme as the source asked about: "säger stadens styrdokument något om barnkonventionen?", "står det … i
# programmet?"; a law named in the same clause is then a topic of the programme, not a text whose wording is asked for
PROGRAMME_ASKED = re.compile(
    r"\b(?:i|ur|enligt)\s+(?:programmet|dokumentet|styrdokument\w*)\b"
    r"|\b(?:programmet|dokumentet|styrdokument\w*)\s+(?:säger|nämner|tar\s+upp|skriver)\b"
    r"|\b(?:in|does)\s+the\s+(?:programme|program|document)\b|\bthe\s+(?:programme|program)\s+(?:say|mention)",
    re.IGNORECASE,
)
CLAUSE = re.compile(r"(?<=[.!?;])\s+|,\s+")


def named_documents(question: str) -> set[str]:
    """The laws and documents a question asks about in their own right ("vad säger socialtjänstlagen …",
    "barnkonventionens artikel 12", "the Education Act"), folded; not the programme itself, and not one named in a
    clause that asks what the programme says ("säger stadens styrdokument något om barnkonventionen?")."""
    return {
        m.casefold()
        for clause in CLAUSE.split(question)
        if not PROGRAMME_ASKED.search(clause)
        for pair in LAW.findall(clause)
        for m in pair
        if m
    } - {"programmet"}


def names_a_document(question: str) -> bool:
    return bool(named_documents(question))


def evidence_holds(answer_type: str, question: str, hits: list[RetrievedChunk], best: Chunk | None = None) -> bool:
    """Whether the top passages hold the kind of answer the question asks for; ``best``: the chunk of the sentence
    the selector finds best, evidence too (end matter such as "Kontaktcenter: 021-…" is rarely a top chunk)."""
    text = " ".join([*(hit.chunk.text for hit in hits[:3]), best.text if best else ""])
    if answer_type == "contact" and ASKS_EMAIL.search(question) and not ASKS_PHONE.search(question):
        return bool(EMAIL.search(text))  # a phone number is no answer to "what is their e-mail?"
    if answer_type == "name" and not ONE_BY_NAME.search(question) and GROUPS.search(text):
        return True  # "vem var med och tog fram programmet?": the groups the passages name answer it
    if answer_type in EVIDENCE:
        return bool(EVIDENCE[answer_type].search(text))
    if answer_type == "later_document":
        years = set(YEAR.findall(question))
        # "how is the action plan followed up" (no year named): the programme's own words about it are the answer
        if not years and not DATED.search(question):
            return bool(re.search(r"handlingsplan|uppfölj", text, re.IGNORECASE))
        return any(
            hit.chunk.kind.value == "action_plan" and (not years or years & set(YEAR.findall(hit.chunk.document_title)))
            for hit in hits[:3]
        )
    if answer_type == "other_law":  # only a law or document the question names can be missing from the evidence
        # a law the passages name, also in its indefinite form or as their heading ("grundlagen": "Svensk grundlag")
        headings = " ".join(" ".join(hit.chunk.section_path) for hit in hits[:3])
        said = f"{text} {headings}".casefold()
        return all(INDEFINITE.sub(r"\1", name) in said for name in named_documents(question))
    return True
