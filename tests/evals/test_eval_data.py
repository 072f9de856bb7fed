"""The evaluation data keep their promises: well-formed splits, and nothing fitted on test (no example, word or
out-of-scope example of the understanding is a near-copy of a test item)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from evals.golden import SPLITS, load_occupations, load_split
from tests.conftest import ROOT
from tests.fixtures.small import programme

DATA = ROOT / "assistant" / "data"
NEAR_COPY = 88  # rapidfuzz ratio (0-100) from which two texts count as the same item reworded slightly


def example_texts() -> list[str]:
    texts = [
        json.loads(line)["text"]
        for path in sorted((DATA / "examples").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts += tomllib.loads((DATA / "out_of_scope.toml").read_text(encoding="utf-8"))["examples"]
    words = tomllib.loads((DATA / "goal_area_words.toml").read_text(encoding="utf-8"))
    texts += [
        w for entry in words.get("goal_area", []) + words.get("main_area", []) for w in entry["words"] if len(w) > 25
    ]
    return texts


def test_splits_are_well_formed():
    model, chunks = programme()
    headings = {c.section_path[-1] for c in chunks if c.section_path} | {"preamble"}
    names = {ga.name for ga in model.goal_areas}
    text = " ".join(" ".join(c.text.casefold().split()) for c in chunks)
    for name in SPLITS:
        items = load_split(name)
        assert len(items) >= 250, name
        for item in items:
            assert set(item.relevant_sections) <= headings, item.id
            assert set(item.goal_areas) <= names, item.id
            assert item.refuse == (item.category in ("out_of_scope", "injection")), item.id
            for fact in item.key_facts:
                assert " ".join(fact.casefold().split()) in text, (item.id, fact)
    assert not {i.id for i in load_split("dev")} & {i.id for i in load_split("test")}


def test_the_sets_are_as_large_as_promised():
    items = load_split("dev") + load_split("test")
    single = [i for i in items if not i.conversation]
    conversations = {i.conversation for i in items if i.conversation}
    assert len(single) >= 400 and len(conversations) >= 40
    kinds = {k: sum(1 for i in single if i.category == k) for k in ("out_of_scope", "injection", "draft")}
    assert kinds["out_of_scope"] >= 60 and kinds["injection"] >= 20 and kinds["draft"] >= 40
    assert len({i.genre for i in single if i.genre}) >= 8
    operations = [
        i for i in items if i.operation in ("quote", "shorter", "english", "swedish", "what_about", "which_goals")
    ]
    assert len(operations) >= 30
    assert len(load_occupations("dev")) + len(load_occupations("test")) >= 60


@pytest.mark.parametrize("split", ["test"])
def test_no_example_is_a_near_copy_of_a_test_item(split):
    """Nothing the understanding learns from may come from the frozen test split."""
    tests = [i.question.casefold() for i in load_split(split)] + [
        o.description.casefold() for o in load_occupations(split)
    ]
    copies = []
    for text in example_texts():
        match = process.extractOne(text.casefold(), tests, scorer=fuzz.ratio, score_cutoff=NEAR_COPY)
        if match is not None:
            copies.append((text, match[0], round(match[1])))
    assert copies == []


def test_the_near_copy_check_catches_a_planted_copy():
    tests = [i.question.casefold() for i in load_split("test")]
    planted = tests[7].replace("a", "å", 1)  # one letter changed
    assert process.extractOne(planted, tests, scorer=fuzz.ratio, score_cutoff=NEAR_COPY) is not None


def test_frozen_test_split_file_exists():
    assert Path(SPLITS["test"]).name == "test.jsonl"


def test_distractor_corpus_adds_twenty_unrelated_documents(tmp_path):
    from evals.distractors import DOCUMENTS, corpus_with_distractors
    from ingest.manifest import load_manifest

    added = corpus_with_distractors(ROOT / "corpus", tmp_path / "corpus")
    manifest = load_manifest(tmp_path / "corpus")
    others = [d for d in manifest.documents if d.kind.value == "other"]
    assert added == DOCUMENTS == len(others) and all(
        (tmp_path / "corpus" / d.path).read_text(encoding="utf-8") for d in others
    )
    assert [d.kind.value for d in manifest.documents].count("programme") == 1
