"""The CI gate: the fast subset of the golden set must meet evals/thresholds.toml."""

from __future__ import annotations

import tomllib

import pytest

from evals.baseline import BaselinePipeline
from evals.golden import GOLDEN_PATH, fast_subset, load_golden
from evals.metrics import stated_sdgs
from evals.report import markdown_report, write_report
from evals.runner import evaluate
from tests.conftest import ROOT

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

THRESHOLDS = tomllib.loads((ROOT / "evals" / "thresholds.toml").read_text(encoding="utf-8"))


def test_golden_set_is_well_formed(corpus_assistant):
    items = load_golden(GOLDEN_PATH)
    assert len(items) >= 120
    headings = {c.section_path[-1] for c in corpus_assistant.index.chunks.values() if c.section_path} | {"preamble"}
    names = {ga.name for ga in corpus_assistant.index.goal_model.goal_areas}
    text = " ".join(c.text for c in corpus_assistant.index.chunks.values()).casefold()
    for item in items:
        assert set(item.relevant_sections) <= headings, item.id
        assert set(item.goal_areas) <= names, item.id
        assert item.refuse == (item.category in ("out_of_scope", "injection")), item.id
        for fact in item.key_facts:
            assert " ".join(fact.casefold().split()) in " ".join(text.split()), (item.id, fact)
    fast = fast_subset(items)
    assert {i.category for i in fast} == {i.category for i in items} and len(fast) < len(items) / 2


def test_fast_subset_meets_the_thresholds(corpus_assistant, tmp_path):
    report = evaluate(corpus_assistant, fast_subset(load_golden()))
    failures = []
    for metric, floor in THRESHOLDS["retrieval"]["fused"].items():
        if report["retrieval"]["fused"][metric] < floor:
            failures.append(f"fused {metric} {report['retrieval']['fused'][metric]} < {floor}")
    for metric, floor in THRESHOLDS["answers"]["min"].items():
        if report["answers"][metric] is None or report["answers"][metric] < floor:
            failures.append(f"{metric} {report['answers'][metric]} < {floor}")
    for metric, ceiling in THRESHOLDS["answers"]["max"].items():
        if report["answers"][metric] > ceiling:
            failures.append(f"{metric} {report['answers'][metric]} > {ceiling}")
    assert not failures, "\n".join(failures) + "\n\n" + markdown_report(report, None)


def test_report_with_baseline_writes_json_markdown_and_plot(corpus_assistant, tmp_path):
    golden = load_golden()
    items = [i for i in golden if i.category == "sdg_mapping"][:3] + [
        i for i in golden if i.category == "out_of_scope"
    ][:3]
    baseline = BaselinePipeline(corpus_assistant.settings, corpus_assistant.embedder)
    assert 20 < len(baseline.chunks) < 60 and all(len(c.chunk.text) <= 1000 for c in baseline.chunks.values())
    report = evaluate(corpus_assistant, items, baseline)
    assert report["baseline"]["answers"]["refusal_rate"] == 0.0  # the plain recipe never declines
    assert "delta_vs_baseline" in report and "retrieval" in report["baseline"]
    path = write_report(report, tmp_path)
    assert path.with_suffix(".md").read_text(encoding="utf-8").startswith("# hallbar evaluation")
    assert path.with_suffix(".png").read_bytes()[:4] == b"\x89PNG"


def test_stated_sdgs_reads_the_first_paragraph():
    assert stated_sdgs(
        "**Målområde:** X · Agenda 2030-mål: 5 Jämställdhet, 10 Minskad, 17 G\n\nProgrammet säger:\n\n> mål 3"
    ) == [5, 10, 17]
