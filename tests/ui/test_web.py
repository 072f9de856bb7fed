"""The chat page's pure parts: SDG badge text colours that pass WCAG AA on the UN colours, quotes as real
blockquotes that stay escaped, and no text that can become a link."""

from __future__ import annotations

import pytest

from ui.web import SDG_COLOURS, badge_text_colour, contrast, link_markers


def test_contrast_matches_wcag_reference_values():
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    assert round(contrast("#ffffff", "#FF3A21"), 2) == 3.57  # SDG 5 with white text: the failure axe found
    assert round(contrast("#ffffff", "#ea580c"), 2) == 3.56


@pytest.mark.parametrize("goal", sorted(SDG_COLOURS))
def test_every_sdg_badge_passes_aa(goal):
    background = SDG_COLOURS[goal]
    assert contrast(background, badge_text_colour(background)) >= 4.5


def test_quotes_become_blockquotes_and_stay_escaped():
    text = "Programmet säger:\n\n> Området omfattar mål 5 [1]\n> <script>alert(1)</script> [x](javascript:alert(1))"
    rendered = link_markers(text)
    lines = rendered.split("\n")
    assert lines[2] == "> Området omfattar mål 5 [[1]](#source-1)"
    assert lines[3].startswith("> &lt;script&gt;") and "\\[x\\](javascript" in lines[3]
    assert link_markers("a > b") == "a &gt; b"  # only a line's leading > quotes


@pytest.mark.parametrize("text", ["se https://evil.example/x", "www.example.com", "mejla a@b.se", "HTTP://X.SE"])
def test_nothing_can_autolink(text):
    rendered = link_markers(text)
    assert "://" not in rendered and "www." not in rendered and "@" not in rendered
