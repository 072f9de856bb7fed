"""Performance benchmark: ingest (cold, incremental, unchanged), query embedding, retrieval, answers,
start-up and peak memory, for hallbar and the baseline recipe in the same run, so ratios survive a
noisy machine. Prints numbers; asserts nothing."""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from pathlib import Path

from evals.golden import load_golden
from evals.runner import machine, percentile
from core.embedders import build_embedder
from core.settings import Settings


def _ms(fn, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def run_bench(settings: Settings, questions: int = 60) -> dict:
    from assistant.chain import Assistant
    from evals.baseline import BaselinePipeline
    from ingest.pipeline import Indexer

    embedder = build_embedder(settings)
    items = [i for i in load_golden() if not i.history][:questions]
    result: dict = {"machine": machine(), "questions": len(items)}
    with tempfile.TemporaryDirectory(prefix="hallbar-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(settings.corpus_dir, corpus)
        bench = settings.model_copy(update={"data_dir": Path(tmp) / "data", "corpus_dir": corpus})
        indexer = Indexer(bench, embedder_factory=lambda: embedder, progress=False)
        t0 = time.perf_counter()
        cold = indexer.ingest()
        cold_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        unchanged = indexer.ingest()
        unchanged_s = time.perf_counter() - t0
        programme = next(corpus.glob("*.md"))
        programme.write_text(programme.read_text(encoding="utf-8") + "\nEn mening tillagd för mätningen.\n", encoding="utf-8")
        t0 = time.perf_counter()
        incremental = indexer.ingest()
        incremental_s = time.perf_counter() - t0
        result["ingest"] = {
            "cold_s": round(cold_s, 2), "chunks": cold.chunks, "chunks_per_s": round(cold.chunks / cold_s, 1),
            "unchanged_s": round(unchanged_s, 3), "unchanged_embedded": unchanged.embedded, "incremental_s": round(incremental_s, 2),
            "incremental_embedded": incremental.embedded, "incremental_reused": incremental.reused,
        }
        t0 = time.perf_counter()
        assistant = Assistant(bench, embedder=embedder)
        result["startup_s"] = round(time.perf_counter() - t0, 2)
        texts = [i.question for i in items]
        embed = [v for q in texts for v in _ms(lambda q=q: embedder.embed_query(q))]
        retrieval = [v for q in texts for v in _ms(lambda q=q: assistant.searcher.search(q))]
        answers = [v for q in texts for v in _ms(lambda q=q: assistant.ask(q))]
        warm = [v for q in texts for v in _ms(lambda q=q: assistant.ask(q))]
        result["hallbar"] = {
            "query_embedding_ms_p50": percentile(embed, 0.5),
            "retrieval_ms_p50": percentile(retrieval, 0.5), "retrieval_ms_p95": percentile(retrieval, 0.95),
            "answer_ms_p50": percentile(answers, 0.5), "answer_ms_p95": percentile(answers, 0.95),
            "answer_warm_ms_p50": percentile(warm, 0.5), "answer_warm_ms_p95": percentile(warm, 0.95),
        }
        t0 = time.perf_counter()
        baseline = BaselinePipeline(bench, embedder)
        base_build = time.perf_counter() - t0
        b_retrieval = [v for q in texts for v in _ms(lambda q=q: baseline.rank(q, 4))]
        b_answers = [v for q in texts for v in _ms(lambda q=q: baseline.ask(q))]
        result["baseline"] = {
            "build_s": round(base_build, 2), "chunks": len(baseline.chunks),
            "retrieval_ms_p50": percentile(b_retrieval, 0.5), "retrieval_ms_p95": percentile(b_retrieval, 0.95),
            "answer_ms_p50": percentile(b_answers, 0.5), "answer_ms_p95": percentile(b_answers, 0.95),
        }
        h, b = result["hallbar"], result["baseline"]
        result["ratios_hallbar_over_baseline"] = {
            "ingest_time": round(cold_s / base_build, 2),
            "retrieval_p50": round(h["retrieval_ms_p50"] / b["retrieval_ms_p50"], 2),
            "answer_p50": round(h["answer_ms_p50"] / b["answer_ms_p50"], 2),
            "answer_p95": round(h["answer_ms_p95"] / b["answer_ms_p95"], 2),
        }
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["note"] = "start-up = loading models and index as the server does; answer = extractive path; first pass cold, second warm"
    return result
