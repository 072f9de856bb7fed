"""Evaluation runner: retrieval metrics per retriever and answer metrics of the assistant on the golden set."""

from __future__ import annotations

import datetime as dt
import json
import platform
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.chain import Assistant
from assistant.conversation import resolve_follow_up
from assistant.language import detect_language
from assistant.models import Answer, Turn
from evals.golden import GoldenItem
from evals.metrics import hit_at, ndcg_at, reciprocal_rank, recall_at

RETRIEVERS = ("keyword", "dense", "fused")
MARKER = re.compile(r"\[(\d+)\]")


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


@dataclass
class ItemResult:
    item: GoldenItem
    answer: Answer
    rankings: dict[str, list[str]] = field(default_factory=dict)
    relevant: set[str] = field(default_factory=set)


def history_turns(assistant: Assistant, item: GoldenItem) -> list[Turn]:
    """Earlier questions of a conversation, answered for real, as a client would send them back."""
    turns: list[Turn] = []
    for question in item.history:
        answer = assistant.ask(question, history=turns)
        turns.append(Turn(question=question, answer=answer.answer, goal_areas=[g.name for g in answer.goal_areas]))
    return turns


def run_items(assistant: Assistant, items: list[GoldenItem]) -> list[ItemResult]:
    results = []
    for item in items:
        turns = history_turns(assistant, item)
        answer = assistant.ask(item.question, history=turns)
        result = ItemResult(item, answer)
        if item.relevant_sections:
            query = resolve_follow_up(item.question, turns, assistant.resolver).query
            language = detect_language(item.question)
            for name in RETRIEVERS:
                hits = assistant.searcher.search(query, k=10, language=language, retriever=name).hits
                result.rankings[name] = [h.chunk.chunk_id for h in hits]
            result.relevant = item.relevant_chunks(assistant.index.chunks)
        results.append(result)
    return results


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def retrieval_metrics(results: list[ItemResult]) -> dict[str, dict[str, float | None]]:
    out = {}
    for name in RETRIEVERS:
        rows = [(r.rankings[name], r.relevant) for r in results if name in r.rankings and r.relevant]
        out[name] = {
            "n": len(rows),
            "hit@1": _mean([hit_at(rk, rel, 1) for rk, rel in rows]),
            "hit@3": _mean([hit_at(rk, rel, 3) for rk, rel in rows]),
            "hit@5": _mean([hit_at(rk, rel, 5) for rk, rel in rows]),
            "recall@10": _mean([recall_at(rk, rel, 10) for rk, rel in rows]),
            "mrr@10": _mean([reciprocal_rank(rk, rel, 10) for rk, rel in rows]),
            "ndcg@10": _mean([ndcg_at(rk, rel, 10) for rk, rel in rows]),
        }
    return out


def stated_sdgs(answer_text: str) -> list[int]:
    """The SDG numbers the answer states first: the numbers 1-17 of its first paragraph (header or direct answer)."""
    first = answer_text.strip().split("\n\n")[0]
    return sorted({int(n) for n in re.findall(r"(?<![\d.])(\d{1,2})(?![\d.])", first) if 1 <= int(n) <= 17})


def answer_checks(result: ItemResult, chunk_text: dict[str, str]) -> dict[str, float | None]:
    item, answer = result.item, result.answer
    text = normalise(answer.answer)
    numbers = {c.n for c in answer.citations}
    markers = {int(m) for m in MARKER.findall(answer.answer)}
    quotes_ok = all(c.chunk_id in chunk_text and c.quote in chunk_text[c.chunk_id] for c in answer.citations)
    checks: dict[str, float | None] = {
        "refused_correctly": float(answer.refused == item.refuse),
        "language_match": float(answer.language == item.language),
        "markers_resolve": float(markers <= numbers and numbers <= markers) if not answer.refused else None,
        "quote_fidelity": float(quotes_ok) if answer.citations else None,
    }
    if not item.refuse and not answer.refused:
        if item.key_facts:
            checks["key_fact_coverage"] = sum(normalise(f) in text for f in item.key_facts) / len(item.key_facts)
        if item.goal_areas:
            checks["goal_area_accuracy"] = float(bool(answer.goal_areas) and answer.goal_areas[0].name in item.goal_areas)
        if item.sdgs:
            checks["sdg_accuracy"] = float(stated_sdgs(answer.answer) == sorted(item.sdgs))
        if answer.citations and result.relevant:
            checks["citation_precision"] = sum(c.chunk_id in result.relevant for c in answer.citations) / len(answer.citations)
    return checks


def answer_metrics(results: list[ItemResult], chunk_text: dict[str, str]) -> dict[str, float | None]:
    rows = [answer_checks(r, chunk_text) for r in results]
    keys = sorted({k for row in rows for k in row})
    metrics = {k: _mean([row[k] for row in rows if row.get(k) is not None]) for k in keys}
    must = [r for r in results if r.item.refuse]
    may = [r for r in results if not r.item.refuse]
    metrics["refusal_rate"] = _mean([float(r.answer.refused) for r in must])
    metrics["false_refusal_rate"] = _mean([float(r.answer.refused) for r in may])
    return metrics


def latency(results: list[ItemResult]) -> dict[str, float]:
    totals = sorted(r.answer.timings_ms.total for r in results)
    retrieval = sorted(r.answer.timings_ms.retrieval for r in results if r.answer.timings_ms.retrieval)

    def pct(values: list[float], p: float) -> float:
        return round(values[min(len(values) - 1, int(p * len(values)))], 1) if values else 0.0

    return {"total_p50": pct(totals, 0.5), "total_p95": pct(totals, 0.95), "retrieval_p50": pct(retrieval, 0.5), "retrieval_p95": pct(retrieval, 0.95)}


def per_category(results: list[ItemResult], chunk_text: dict[str, str]) -> dict[str, dict[str, float | None]]:
    cats = sorted({r.item.category for r in results})
    return {c: answer_metrics([r for r in results if r.item.category == c], chunk_text) for c in cats}


def evaluate(assistant: Assistant, items: list[GoldenItem]) -> dict:
    started = time.perf_counter()
    results = run_items(assistant, items)
    chunk_text = {cid: c.text for cid, c in assistant.index.chunks.items()}
    return {
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "processor": platform.processor() or platform.machine()},
        "index": {"embedder": assistant.index.state.embedder_id, "chunker": assistant.index.state.chunker, "chunks": len(assistant.index.chunks)},
        "items": len(items),
        "retrieval": retrieval_metrics(results),
        "answers": answer_metrics(results, chunk_text),
        "categories": per_category(results, chunk_text),
        "latency_ms": latency(results),
        "seconds": round(time.perf_counter() - started, 1),
        "failures": [
            {"id": r.item.id, "question": r.item.question, "refused": r.answer.refused, "checks": answer_checks(r, chunk_text)}
            for r in results
            if any(v is not None and v < 1.0 for v in answer_checks(r, chunk_text).values())
        ],
    }


def write_report(report: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
