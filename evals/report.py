"""The evaluation report: JSON, Markdown and (with a baseline) a per-category plot."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from evals.metrics import CATEGORY_SCORE, category_scores


def write_report(report: dict, folder: Path) -> Path:
    """<timestamp>.json, .md and (with a baseline) .png in ``folder``; returns the JSON path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    png = None
    plotted = report["splits"].get("test") or next(iter(report["splits"].values())) if "splits" in report else report
    if "baseline" in plotted:
        png = folder / f"{stamp}.png"
        plot_categories(plotted, png)
    (folder / f"{stamp}.md").write_text(markdown_report(report, png.name if png else None), encoding="utf-8")
    return path


def _fmt(value) -> str:
    return (
        "–"
        if value is None
        else (
            f"{value:+.3f}"
            if isinstance(value, float) and value < 0
            else f"{value:.3f}"
            if isinstance(value, float)
            else str(value)
        )
    )


SIDE_BY_SIDE = (
    "pass",
    "refusal_rate",
    "false_refusal_rate",
    "conversation_turns",
    "conversations_whole",
    "key_fact_coverage",
    "goal_area_accuracy",
    "sdg_accuracy",
    "mapper_top2",
    "citation_precision",
    "quote_fidelity",
    "markers_resolve",
    "language_match",
)


def markdown_report(report: dict, png_name: str | None) -> str:
    """One split's report, or (with ``splits``) dev and test side by side, then each split in full."""
    if "splits" not in report:
        return markdown_split(report, png_name)
    splits = report["splits"]
    names = list(splits)
    lines = [
        "# hallbar evaluation: " + " and ".join(f"{n} ({splits[n]['items']} items)" for n in names),
        "",
        "Dev is tuned on; test is frozen (nothing is fitted on it).",
        *_side_by_side_head("Side by side", names),
    ]
    for key in SIDE_BY_SIDE:
        lines.append(f"| {key} | " + " | ".join(_fmt(splits[n]["answers"].get(key)) for n in names) + " |")
    fused = [splits[n]["retrieval"].get("fused", {}) for n in names]
    for key in ("hit@5", "mrr@10", "ndcg@10"):
        lines.append(f"| fused {key} | " + " | ".join(_fmt(f.get(key)) for f in fused) + " |")
    for kind in ("category", "form", "answer_type", "operation"):
        lines += _side_by_side_head(f"Pass rate by {kind}", names)
        values = sorted({v for n in names for v in splits[n]["kinds"][kind]})
        for value in values:
            cells = [splits[n]["kinds"][kind].get(value) for n in names]
            lines.append(
                f"| {value} | " + " | ".join(f"{_fmt(c['pass'])} ({c['n']})" if c else "–" for c in cells) + " |"
            )
    lines += _occupation_lines(report, names) + _distractor_lines(report, names)
    for n in names:
        lines += [
            "",
            "---",
            "",
            markdown_split(splits[n], png_name if n == names[-1] else None).replace("# hallbar", f"# {n}:", 1),
        ]
    return "\n".join(lines) + "\n"


def _side_by_side_head(title: str, names: list[str]) -> list[str]:
    """A section heading and the head of a table with one column per split."""
    return ["", f"## {title}", "", "| measure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]


def _occupation_lines(report: dict, names: list[str]) -> list[str]:
    if "occupations" not in report:
        return []
    occ = report["occupations"]
    lines = _side_by_side_head("Occupations (`hallbar relate`)", names)
    for key in ("n", "top1", "top2", "unrelated_flagged", "related_confident"):
        lines.append(f"| {key} | " + " | ".join(_fmt(occ[n].get(key)) for n in names) + " |")
    return lines


def _distractor_lines(report: dict, names: list[str]) -> list[str]:
    if "distractors" not in report:
        return []
    d = report["distractors"]
    lines = _side_by_side_head(f"With {d['documents_added']} unrelated documents ({d['chunks']} chunks)", names)
    clean = [report["splits"][n]["answers"]["pass"] for n in names]
    lines.append("| pass | " + " | ".join(_fmt(d["pass"].get(n)) for n in names) + " |")
    lines.append("| drop | " + " | ".join(_fmt(round(c - d["pass"][n], 4)) for c, n in zip(clean, names)) + " |")
    return lines


def markdown_split(report: dict, png_name: str | None) -> str:
    lines = [
        f"# hallbar evaluation {report['created_at']}",
        "",
        f"{report['items']} golden items · backend {report['backend']} · {report['index']['chunks']} chunks · "
        f"{report['index']['embedder']} · Python {report['machine']['python']} on {report['machine']['platform']} "
        f"({report['machine']['cpus']} CPUs) · "
        + ", ".join(f"{k} {v}" for k, v in report["machine"]["versions"].items()),
        "",
        "## Retrieval",
        "",
        "| retriever | n | hit@1 | hit@3 | hit@5 | recall@10 | MRR@10 | nDCG@10 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows = dict(report["retrieval"])
    if "baseline" in report:
        rows["baseline (dense top-k, 1000/200)"] = report["baseline"]["retrieval"].get("dense", {})
    for name, m in rows.items():
        lines.append(
            f"| {name} | {m.get('n', '–')} | "
            + " | ".join(_fmt(m.get(k)) for k in ("hit@1", "hit@3", "hit@5", "recall@10", "mrr@10", "ndcg@10"))
            + " |"
        )
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
    ax.bar(
        [i + 0.2 for i in x],
        [theirs.get(c, 0.0) for c in cats],
        width=0.4,
        label="baseline (LangChain recipe)",
        color="#b9b9b9",
    )
    ax.set_xticks(list(x), [f"{c}\n({CATEGORY_SCORE.get(c)})" for c in cats], fontsize=7, rotation=20)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title(f"Golden set by category ({report['items']} items)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
