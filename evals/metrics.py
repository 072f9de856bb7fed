"""The evaluation's metrics: retrieval over ranked lists, answer checks per item, and their summaries."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

from assistant.models import Answer
from evals.golden import GoldenItem

MARKER = re.compile(r"\[(\d+)\]")


@dataclass
class ItemResult:
    item: GoldenItem
    answer: Answer
    rankings: dict[str, list[str]] = field(default_factory=dict)
    relevant: set[str] = field(default_factory=set)
    stage_ms: dict[str, float] = field(default_factory=dict)
    faithfulness: float | None = None


def normalise(text: str) -> str:
    """Case- and space-insensitive text, without Markdown quote and list marks at line starts."""
    text = re.sub(r"(?m)^\s*(?:>\s?)+", "", text)
    text = re.sub(r"(?m)^\s*[-*]\s+", "", text)
    return re.sub(r"\s+", " ", text.casefold()).strip()


KEY_FACT_SHARE = 0.5  # an item passes with at least half of its key facts in the answer


def item_passes(checks: dict[str, float | None], item: GoldenItem, answer: Answer) -> bool:
    """One item's verdict. Declined exactly when it should be (an unrelated work description may also be answered
    with no goal area); otherwise in the question's language, with at least half the key facts, the expected goal
    area first and exactly the expected SDGs."""
    if item.unrelated:
        return answer.refused or not answer.goal_areas
    if item.refuse or answer.refused:
        return answer.refused == item.refuse
    return (
        checks.get("language_match") == 1.0
        and (checks.get("key_fact_coverage") is None or checks["key_fact_coverage"] >= KEY_FACT_SHARE)
        and checks.get("goal_area_accuracy") in (None, 1.0)
        and checks.get("sdg_accuracy") in (None, 1.0)
    )


def hit_at(ranked: list[str], relevant: set[str], k: int) -> float:
    return float(any(r in relevant for r in ranked[:k]))


def reciprocal_rank(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    for i, r in enumerate(ranked[:k], start=1):
        if r in relevant:
            return 1.0 / i
    return 0.0


def recall_at(ranked: list[str], relevant: set[str], k: int) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def ndcg_at(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 1) for i, r in enumerate(ranked[:k], start=1) if r in relevant)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None


def retrieval_metrics(results: list[ItemResult]) -> dict[str, dict[str, float | None]]:
    out = {}
    for name in dict.fromkeys(n for r in results for n in r.rankings):
        rows = [(r.rankings[name], r.relevant) for r in results if name in r.rankings and r.relevant]
        out[name] = {
            "n": len(rows),
            "hit@1": mean([hit_at(rk, rel, 1) for rk, rel in rows]),
            "hit@3": mean([hit_at(rk, rel, 3) for rk, rel in rows]),
            "hit@5": mean([hit_at(rk, rel, 5) for rk, rel in rows]),
            "recall@10": mean([recall_at(rk, rel, 10) for rk, rel in rows]),
            "mrr@10": mean([reciprocal_rank(rk, rel, 10) for rk, rel in rows]),
            "ndcg@10": mean([ndcg_at(rk, rel, 10) for rk, rel in rows]),
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
        "refused_correctly": float(answer.refused == item.refuse) if not item.unrelated else None,
        "language_match": float(answer.language == item.language),
        "markers_resolve": float(markers <= numbers and numbers <= markers) if not answer.refused else None,
        "quote_fidelity": float(quotes_ok) if answer.citations else None,
    }
    if not item.refuse and not answer.refused:
        if item.key_facts:
            checks["key_fact_coverage"] = sum(normalise(f) in text for f in item.key_facts) / len(item.key_facts)
        if item.goal_areas:
            checks["goal_area_accuracy"] = float(
                bool(answer.goal_areas) and answer.goal_areas[0].name in item.goal_areas
            )
        if item.sdgs:
            checks["sdg_accuracy"] = float(stated_sdgs(answer.answer) == sorted(item.sdgs))
        if answer.citations and result.relevant:
            checks["citation_precision"] = sum(c.chunk_id in result.relevant for c in answer.citations) / len(
                answer.citations
            )
    checks["pass"] = float(item_passes(checks, item, answer))
    return checks


def answer_metrics(results: list[ItemResult], chunk_text: dict[str, str]) -> dict[str, float | None]:
    rows = [answer_checks(r, chunk_text) for r in results]
    keys = sorted({k for row in rows for k in row})
    metrics = {k: mean([row[k] for row in rows if row.get(k) is not None]) for k in keys}
    must = [r for r in results if r.item.refuse]
    may = [r for r in results if not r.item.refuse and not r.item.unrelated]
    metrics["refusal_rate"] = mean([float(r.answer.refused) for r in must])
    metrics["false_refusal_rate"] = mean([float(r.answer.refused) for r in may])
    relate = [r for r in results if r.item.category == "relate" and r.item.goal_areas]
    names = [[g.name for g in r.answer.goal_areas] for r in relate]
    metrics["mapper_top1"] = mean([float(bool(n) and n[0] in r.item.goal_areas) for n, r in zip(names, relate)])
    metrics["mapper_top2"] = mean([float(any(x in r.item.goal_areas for x in n[:2])) for n, r in zip(names, relate)])
    faithful = [r.faithfulness for r in results if r.faithfulness is not None]
    metrics["faithfulness"] = mean(faithful)
    metrics.update(conversation_metrics(results, rows))
    return metrics


def conversation_metrics(results: list[ItemResult], rows: list[dict[str, float | None]]) -> dict[str, float | None]:
    """Pass rate of conversation turns, and the share of conversations whose every turn passes."""
    turns: dict[str, list[float]] = {}
    for result, row in zip(results, rows):
        if result.item.conversation:
            turns.setdefault(result.item.conversation, []).append(row["pass"] or 0.0)
    every = [t for ts in turns.values() for t in ts]
    return {
        "conversation_turns": mean(every),
        "conversations_whole": mean([float(all(ts)) for ts in turns.values()]),
    }


def breakdown(results: list[ItemResult], passes: list[float], field_name: str) -> dict[str, dict]:
    """Pass rate and count by an item field (category, form, group, answer_type, operation); ``passes`` holds each
    result's verdict, in order."""
    groups: dict[str, list[float]] = {}
    for result, passed in zip(results, passes):
        value = getattr(result.item, field_name)
        if value:
            groups.setdefault(str(value), []).append(passed)
    return {k: {"n": len(v), "pass": mean(v)} for k, v in sorted(groups.items())}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1) if ordered else 0.0


def latency(results: list[ItemResult]) -> dict[str, float]:
    """p50/p95 of the whole answer and of each chain stage that ran (milliseconds)."""
    out = {
        "total_p50": percentile([r.answer.timings_ms.total for r in results], 0.5),
        "total_p95": percentile([r.answer.timings_ms.total for r in results], 0.95),
    }
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
    passes = [answer_checks(r, chunk_text)["pass"] or 0.0 for r in results]
    return {
        "retrieval": retrieval_metrics(results),
        "answers": answer_metrics(results, chunk_text),
        "categories": per_category(results, chunk_text),
        "kinds": {name: breakdown(results, passes, name) for name in ("category", "form", "answer_type", "operation")},
        "latency_ms": latency(results),
    }


CATEGORY_SCORE = {  # the one score that says most about each category
    "fact": "key_fact_coverage",
    "definition": "key_fact_coverage",
    "list": "key_fact_coverage",
    "followup": "key_fact_coverage",
    "draft": "key_fact_coverage",
    "sdg_mapping": "sdg_accuracy",
    "relate": "mapper_top1",
    "out_of_scope": "refusal_rate",
    "injection": "refusal_rate",
}


def category_scores(summary: dict) -> dict[str, float]:
    return {c: (m.get(CATEGORY_SCORE.get(c, "key_fact_coverage")) or 0.0) for c, m in summary["categories"].items()}


def occupation_metrics(rankings: list[tuple[list[str], bool, list[str], bool]]) -> dict[str, float | None]:
    """From (expected areas, unrelated, ranked areas, confident) per description: expected area in the top one and
    two, and the share of unrelated work flagged (not confident) and of related work not flagged."""
    related = [(exp, got, conf) for exp, unrelated, got, conf in rankings if not unrelated]
    unrelated = [conf for _, unrelated, _, conf in rankings if unrelated]
    return {
        "n": len(rankings),
        "top1": mean([float(bool(got) and got[0] in exp) for exp, got, _ in related]),
        "top2": mean([float(any(g in exp for g in got[:2])) for exp, got, _ in related]),
        "unrelated_flagged": mean([float(not conf) for conf in unrelated]),
        "related_confident": mean([float(conf) for _, _, conf in related]),
    }
