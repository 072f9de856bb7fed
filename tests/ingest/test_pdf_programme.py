"""The programme as cities publish it (../shared/datasets/pdfs): each PDF gives the Markdown's document.

Same goal-area model, same sections and paragraphs, quotes without header/footer/heading text, and every
quote cited on the page (or page label) where it stands in the PDF.
"""

from __future__ import annotations

import re

import pytest

from assistant.compose import citation_for, split_units
from evals.pdf_ingest import (
    MARKDOWN,
    PDF_DIR,
    PROGRAMME_PDFS,
    RUNNING_HEADER,
    goal_area_view,
    ingest_file,
    page_accuracy,
    pdf_page_texts,
    sections_matched,
    sentences,
    squash,
)
from ingest.pdf_layout import PageWords, Word, document_markdown, join_lines
from ingest.sections import parse_sections
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def markdown():
    return ingest_file(MARKDOWN)


@pytest.fixture(scope="module", params=PROGRAMME_PDFS)
def pdf(request):
    path = shared_data(PDF_DIR / request.param)
    return path, ingest_file(path)


def test_goal_area_model_is_the_markdowns(markdown, pdf):
    _, got = pdf
    assert got.model is not None
    assert [ma.name for ma in got.model.main_areas] == [ma.name for ma in markdown.model.main_areas]
    assert len(got.model.main_areas) == 2 and all(ma.name for ma in got.model.main_areas)
    assert len(got.model.goal_areas) == 6
    assert goal_area_view(got.model) == goal_area_view(markdown.model)  # names, main areas, exact SDG sets


def test_sentences_have_the_markdowns_section_paths(markdown, pdf):
    _, got = pdf
    assert sections_matched(markdown.chunks, got.chunks) >= 0.95


def test_paragraphs_and_lists_are_the_markdowns(markdown, pdf):
    """Paragraphs found by spacing, list items with their wrapped lines: the Markdown's blocks, section by section."""

    def blocks(document):
        return {(s.path, b.kind, squash(b.text)) for s in parse_sections(document).sections for b in s.blocks}

    reference = blocks(markdown.document)
    assert len(reference & blocks(pdf[1].document)) >= 0.95 * len(reference)


def test_quotes_hold_no_header_footer_or_heading_text(markdown, pdf):
    """Every quotable sentence of the PDF is a sentence of the Markdown, character for character (one space between
    words): no running header, page number or heading glued in, no double spaces, no number lost."""
    reference = {t for t, _, _ in sentences(markdown.chunks)}
    foreign = [t for t, _, _ in sentences(pdf[1].chunks) if t not in reference]
    assert not foreign, foreign[:5]
    assert not any(RUNNING_HEADER == t.strip() for c in pdf[1].chunks for t in c.text.split("\n\n"))
    assert not any(re.search(r"\S {2,}", c.text) for c in pdf[1].chunks)  # (nested list items are indented)


def test_every_cited_page_holds_its_sentence(pdf):
    path, got = pdf
    accuracy, wrong = page_accuracy(got, pdf_page_texts(path))
    assert accuracy == 1.0, wrong[:5]
    # not vacuous: some chunks run over a page break, and their later sentences are cited on the later page
    spanning = [c for c in got.chunks if len({s.page for s in c.page_spans}) > 1]
    assert spanning
    later = [(c, u.text) for c in spanning for u in split_units(c) if c.page_of(u.text) != c.page]
    assert later
    chunk, quote = later[0]
    assert citation_for(1, chunk, quote).page == chunk.page_of(quote) != chunk.page


def test_page_labels_are_cited(pdf):
    name, got = pdf[0].name, pdf[1]
    cited = {t: page for t, _, page in sentences(got.chunks)}
    on_page_2 = next(t for t in cited if t.startswith("Program uttrycker värdegrunder"))
    summary = next(t for t in cited if t.startswith("Program för social hållbarhet är ett av"))
    if name == "programme-page-labels.pdf":
        assert (cited[on_page_2], cited[summary]) == ("ii", "1")
    else:
        assert (cited[on_page_2], cited[summary]) == (2, 3)


def test_wrapped_headings_are_joined_and_numbers_in_headings_kept(pdf):
    paths = {tuple(c.section_path) for c in pdf[1].chunks if c.section_path}
    assert any(p[-1] == "TILLGÅNG TILL FULLGODA, SÄKRA OCH EKONOMISKT ÖVERKOMLIGA BOSTÄDER FÖR ALLA" for p in paths)
    assert any(p[-1] == "Stadens vision och Agenda 2030" for p in paths)
    assert any(p[-1] == "Västerås stads övergripande riktning för arbetet för social hållbarhet" for p in paths)


def test_hyphen_at_line_end_joined_only_where_the_word_is_split():
    vocabulary = {"utveckling", "arbets", "och"}
    assert join_lines(["hållbar utveck-", "ling i staden"], vocabulary) == "hållbar utveckling i staden"
    assert join_lines(["i arbets-", "och samhällsliv"], vocabulary) == "i arbets- och samhällsliv"
    assert join_lines(["nya e-", "tjänster"], vocabulary) == "nya e-tjänster"
    assert join_lines(["två  ord", "  och   fler"], vocabulary) == "två ord och fler"


def _word(text, x0, top, size=10.0):
    return Word(text=text, x0=x0, x1=x0 + 6 * len(text), top=top, bottom=top + size, size=size, bold=False)


def test_only_the_repeated_margin_lines_are_removed():
    """Headers and page numbers repeat at one place over the pages; a number that ends a line of text in the
    margin zone is text."""
    pages = []
    for n in range(1, 6):
        words = [_word("Program", 400, 30, 8.5), _word("för", 450, 30, 8.5), _word(str(n), 295, 805, 9.0)]
        words += [_word("Text", 74, 100 + 20 * i) for i in range(5)]
        if n == 3:
            words += [_word("Agenda", 74, 790), _word("2030", 120, 790)]  # body text reaching the footer zone
            words += [_word("2030", 74, 770)]  # and a line of only a number, not at the page numbers' place
        pages.append(PageWords(number=n, width=595, height=842, words=words))
    texts = document_markdown(pages)
    assert all("Program" not in t and f"\n{n}\n" not in t for n, t in enumerate(texts, start=1))
    assert "Agenda 2030" in texts[2] and "2030\n" in texts[2].replace("Agenda 2030", "")


def test_a_header_that_moves_a_little_between_pages_is_still_a_header():
    pages = []
    for n, top in enumerate([37.9] * 9 + [38.1], start=1):  # one page's header a little lower
        words = [_word("Handlingsplan", 380, top, 8.5), _word("2019", 470, top, 8.5)]
        words += [_word("Text", 74, 100 + 20 * i) for i in range(5)]
        pages.append(PageWords(number=n, width=595, height=842, words=words))
    assert not any("Handlingsplan" in t for t in document_markdown(pages))
