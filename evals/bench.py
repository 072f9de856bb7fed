"""Performance benchmark: ingest (cold, incremental, unchanged), query embedding, retrieval, answers,
start-up and peak memory, for hallbar and the baseline recipe in the same run, so ratios survive a
noisy machine. Prints numbers; asserts nothing."""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from pathlib import Path

from assistant.chain import Assistant
from core.embedders import build_embedder
from core.settings import Settings
from evals.baseline import BaselinePipeline
from evals.golden import load_golden
from evals.metrics import percentile
from evals.runner import machine
from ingest.pipeline import Indexer


def _ms(fn, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _timed(fn) -> tuple[object, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _bench_ingest(indexer: Indexer, corpus: Path) -> tuple[dict, float]:
    """Cold, unchanged and incremental (one sentence added) ingest; the numbers and the cold time."""
    cold, cold_s = _timed(indexer.ingest)
    unchanged, unchanged_s = _timed(indexer.ingest)
    programme = next(corpus.glob("*.md"))
    programme.write_text(
        programme.read_text(encoding="utf-8") + "\nEn mening tillagd för mätningen.\n", encoding="utf-8"
    )
    incremental, incremental_s = _timed(indexer.ingest)
    numbers = {
        "cold_s": round(cold_s, 2),
        "chunks": cold.chunks,
        "chunks_per_s": round(cold.chunks / cold_s, 1),
        "unchanged_s": round(unchanged_s, 3),
        "unchanged_embedded": unchanged.embedded,
        "incremental_s": round(incremental_s, 2),
        "incremental_embedded": incremental.embedded,
        "incremental_reused": incremental.reused,
    }
    return numbers, cold_s


def _bench_hallbar(assistant: Assistant, texts: list[str]) -> dict:
    embed = [v for q in texts for v in _ms(lambda q=q: assistant.embedder.embed_query(q))]
    retrieval = [v for q in texts for v in _ms(lambda q=q: assistant.searcher.search(q))]
    answers = [v for q in texts for v in _ms(lambda q=q: assistant.ask(q))]
    warm = [v for q in texts for v in _ms(lambda q=q: assistant.ask(q))]
    return {
        "query_embedding_ms_p50": percentile(embed, 0.5),
        "retrieval_ms_p50": percentile(retrieval, 0.5),
        "retrieval_ms_p95": percentile(retrieval, 0.95),
        "answer_ms_p50": percentile(answers, 0.5),
        "answer_ms_p95": percentile(answers, 0.95),
        "answer_warm_ms_p50": percentile(warm, 0.5),
        "answer_warm_ms_p95": percentile(warm, 0.95),
    }


def _bench_baseline(baseline: BaselinePipeline, build_s: float, texts: list[str]) -> dict:
    retrieval = [v for q in texts for v in _ms(lambda q=q: baseline.rank(q, 4))]
    answers = [v for q in texts for v in _ms(lambda q=q: baseline.ask(q))]
    return {
        "build_s": round(build_s, 2),
        "chunks": len(baseline.chunks),
        "retrieval_ms_p50": percentile(retrieval, 0.5),
        "retrieval_ms_p95": percentile(retrieval, 0.95),
        "answer_ms_p50": percentile(answers, 0.5),
        "answer_ms_p95": percentile(answers, 0.95),
    }


def run_bench(settings: Settings, questions: int = 60) -> dict:
    embedder = build_embedder(settings)
    items = [i for i in load_golden() if not i.history][:questions]
    texts = [i.question for i in items]
    result: dict = {"machine": machine(), "questions": len(items)}
    with tempfile.TemporaryDirectory(prefix="hallbar-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(settings.corpus_dir, corpus)
        bench = settings.model_copy(update={"data_dir": Path(tmp) / "data", "corpus_dir": corpus})
        result["ingest"], cold_s = _bench_ingest(
            Indexer(bench, embedder_factory=lambda: embedder, progress=False), corpus
        )
        assistant, startup_s = _timed(lambda: Assistant(bench, embedder=embedder))
        result["startup_s"] = round(startup_s, 2)
        result["hallbar"] = h = _bench_hallbar(assistant, texts)
        baseline, build_s = _timed(lambda: BaselinePipeline(bench, embedder))
        result["baseline"] = b = _bench_baseline(baseline, build_s, texts)
        result["ratios_hallbar_over_baseline"] = {
            "ingest_time": round(cold_s / build_s, 2),
            "retrieval_p50": round(h["retrieval_ms_p50"] / b["retrieval_ms_p50"], 2),
            "answer_p50": round(h["answer_ms_p50"] / b["answer_ms_p50"], 2),
            "answer_p95": round(h["answer_ms_p95"] / b["answer_ms_p95"], 2),
        }
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["note"] = (
        "start-up = loading models and index as the server does; answer = extractive path; first pass cold, second warm"
    )
    return result
