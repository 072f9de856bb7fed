"""Reading the previous answer's quotes back (no model needed)."""

from __future__ import annotations

from assistant.answer_types import evidence_holds
from assistant.followups import previous_quotes
from assistant.retrieval.searcher import RetrievedChunk
from tests.fixtures.small import programme


def test_previous_quotes_reads_blockquotes_with_their_markers_removed():
    text = "**Målområde:** X\n\nProgrammet säger:\n\n> En mening. [1]\n\n> Inledning:\n> - punkt ett\n> - punkt två [2]"
    assert previous_quotes(text) == ["En mening.", "Inledning:\n- punkt ett\n- punkt två"]
    assert previous_quotes("Inga citat här.") == []


def hits(text: str) -> list[RetrievedChunk]:
    return [RetrievedChunk(next(c for c in programme()[1] if text in c.text), 1.0)]


def test_evidence_for_a_figure_a_name_or_a_later_document_is_looked_for_in_the_passages():
    housing = hits("variation av hustyper")
    assert not evidence_holds("figure", "Hur många är hemlösa?", housing)
    assert not evidence_holds("name", "Vem skrev programmet?", housing)
    assert not evidence_holds("later_document", "Vad står i handlingsplanen för 2023?", housing)
    assert not evidence_holds("other_law", "Vad säger socialtjänstlagen om bistånd?", housing)
    contact = hits("Kontaktcenter")
    assert evidence_holds("contact", "Vilket telefonnummer har kontaktcenter?", contact)
