"""The CI gate: the whole frozen test split must meet evals/thresholds.toml (floors just under what was measured
on it, so that a real regression fails CI)."""

from __future__ import annotations

import tomllib

import pytest

from evals.baseline import BaselinePipeline
from evals.golden import load_occupations, load_split
from evals.metrics import stated_sdgs
from evals.report import markdown_report, write_report
from evals.runner import evaluate, evaluate_occupations
from tests.conftest import ROOT

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

THRESHOLDS = tomllib.loads((ROOT / "evals" / "thresholds.toml").read_text(encoding="utf-8"))


def gate_failures(report: dict, occupations: dict, thresholds: dict) -> list[str]:
    failures = []
    for metric, floor in thresholds["retrieval"]["fused"].items():
        if report["retrieval"]["fused"][metric] < floor:
            failures.append(f"fused {metric} {report['retrieval']['fused'][metric]} < {floor}")
    for metric, floor in thresholds["answers"]["min"].items():
        if report["answers"].get(metric) is None or report["answers"][metric] < floor:
            failures.append(f"{metric} {report['answers'].get(metric)} < {floor}")
    for metric, ceiling in thresholds["answers"]["max"].items():
        if report["answers"][metric] > ceiling:
            failures.append(f"{metric} {report['answers'][metric]} > {ceiling}")
    for metric, floor in thresholds["occupations"]["min"].items():
        if occupations[metric] < floor:
            failures.append(f"occupations {metric} {occupations[metric]} < {floor}")
    return failures


@pytest.fixture(scope="module")
def test_split_report(corpus_assistant):
    return evaluate(corpus_assistant, load_split("test")), evaluate_occupations(
        corpus_assistant, load_occupations("test")
    )


def test_the_whole_test_split_meets_the_thresholds(test_split_report):
    report, occupations = test_split_report
    assert report["items"] == len(load_split("test"))  # the whole split, not a slice
    failures = gate_failures(report, occupations, THRESHOLDS)
    assert not failures, "\n".join(failures) + "\n\n" + markdown_report(report, None)


def test_the_gate_fails_a_planted_regression(test_split_report):
    """A floor raised just above what was measured (as a regression would lower the measure) fails the gate."""
    report, occupations = test_split_report
    raised = {**THRESHOLDS, "answers": {**THRESHOLDS["answers"], "min": {**THRESHOLDS["answers"]["min"]}}}
    raised["answers"]["min"]["refusal_rate"] = report["answers"]["refusal_rate"] + 0.05
    assert any(f.startswith("refusal_rate") for f in gate_failures(report, occupations, raised))


def test_report_with_baseline_writes_json_markdown_and_plot(corpus_assistant, tmp_path):
    dev = load_split("dev")
    items = [i for i in dev if i.category == "sdg_mapping"][:3] + [i for i in dev if i.category == "out_of_scope"][:3]
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
