"""Questions during a re-index: the latency of questions answered while the admin API re-indexes 30 documents
(SweFAQ question-answer pairs, Språkbanken Text, CC BY 4.0, read from ../shared/datasets/swefaq).

    python -m evals.reindex_latency [--questions 20] [--documents 30]

Prints p50/p95 of the latency of the same questions asked all at once (one thread each) with no re-index running
and during one, how long the re-index took, and
how many questions were answered before it finished. The test tests/ui/test_documents_api.py uses the same
set-up and asserts only orderings, never timings.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

from core.models import DocumentMeta
from core.settings import Settings
from ingest.manifest import load_manifest, manifest_text
from ingest.pipeline import Indexer

ROOT = Path(__file__).resolve().parent.parent
SWEFAQ = ROOT.parent / "shared" / "datasets" / "swefaq"
PROGRAMME_QUESTIONS = [
    "Vilka globala mål hör till bostäder?",
    "Vad är målbilden för hälsa?",
    "Vad säger programmet om trygghet?",
    "Which goal areas does the programme have?",
]
TOKEN = "bench-token"


def swefaq_pairs(folder: Path = SWEFAQ) -> list[tuple[str, str]]:
    pairs = []
    for split in ("dev", "test"):
        for line in (folder / f"swefaq_{split}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                pairs.append((row["question"], row["candidate_answers"][int(row["label"])]))
    return pairs


def write_swefaq_documents(
    corpus: Path, count: int, folder: Path = SWEFAQ, per_document: int | None = None
) -> list[str]:
    """``count`` documents of SweFAQ question-answer sections (all pairs spread over them, or ``per_document``
    each) written into the corpus and its manifest (as an administrator editing files by hand would); their
    questions."""
    pairs = swefaq_pairs(folder)
    per_doc = max(1, len(pairs) // count) if per_document is None else per_document
    entries = load_manifest(corpus).documents
    for i in range(count):
        part = pairs[i * per_doc : (i + 1) * per_doc]
        text = f"# Vanliga frågor {i + 1}\n\n" + "\n\n".join(f"## {q}\n\n{a}" for q, a in part) + "\n"
        (corpus / f"swefaq-{i + 1:02d}.md").write_text(text, encoding="utf-8")
        entries.append(
            DocumentMeta(id=f"swefaq-{i + 1:02d}", path=f"swefaq-{i + 1:02d}.md", title=f"Vanliga frågor {i + 1}")
        )
    (corpus / "manifest.toml").write_text(manifest_text(corpus, entries), encoding="utf-8")
    return [q for q, _ in pairs[: per_doc * count]]


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    generations: list[int] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)  # questions whose citations are not all of their generation
    finished_before_job: int = 0
    job_seconds: float = 0.0


def ask(client: TestClient, question: str, run: Run, job_done: threading.Event, documents_of: dict) -> None:
    started = time.perf_counter()
    resp = client.post("/api/ask", json={"question": question})
    run.latencies.append(time.perf_counter() - started)
    if not job_done.is_set():
        run.finished_before_job += 1
    resp.raise_for_status()
    generation = int(resp.headers["X-Index-Generation"])
    run.generations.append(generation)
    cited = {c["document"] for c in resp.json()["citations"]}  # document titles
    if not cited <= documents_of[generation]:
        run.mixed.append(question)


def start_questions(
    client: TestClient, questions: list[str], run: Run, job_done: threading.Event, documents_of: dict
) -> list[threading.Thread]:
    """Every question at once, each in its own thread (as concurrent users)."""
    threads = [
        threading.Thread(target=ask, args=(client, q, run, job_done, documents_of), daemon=True) for q in questions
    ]
    for t in threads:
        t.start()
    return threads


def questions_during_reindex(client: TestClient, questions: list[str], documents_of: dict) -> Run:
    """Start a re-index job, and once it is re-indexing ask every question in its own thread. ``documents_of``:
    the document titles of each generation that may answer."""
    run = Run()
    job = client.post("/api/documents/reindex?wait=false", headers={"X-Admin-Token": TOKEN})
    assert job.status_code == 202, job.text
    job_id, started = job.json()["id"], time.perf_counter()
    job_done = threading.Event()
    threads = start_questions(client, questions, run, job_done, documents_of)
    while client.get(f"/api/documents/jobs/{job_id}").json()["status"] not in ("done", "failed", "refused"):
        time.sleep(0.05)
    job_done.set()
    run.job_seconds = time.perf_counter() - started
    for t in threads:
        t.join(timeout=300)
    final = client.get(f"/api/documents/jobs/{job_id}").json()
    assert final["status"] == "done", final
    return run


def generation_titles(corpus: Path) -> dict[int, set[str]]:
    """Generation 1: the programme alone; generation 2: every document of the corpus (after the re-index)."""
    titles = {d.title for d in load_manifest(corpus).documents}
    return {1: {t for t in titles if not t.startswith("Vanliga frågor")}, 2: titles}


def quantiles(values: list[float]) -> str:
    return f"p50 {np.percentile(values, 50):.2f} s, p95 {np.percentile(values, 95):.2f} s (n={len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--documents", type=int, default=30)
    args = parser.parse_args()
    from assistant.chain import Assistant
    from core.embedders import build_embedder
    from ui.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        shutil.copytree(ROOT / "corpus", corpus)
        settings = Settings(data_dir=Path(tmp) / "data", corpus_dir=corpus, admin_token=TOKEN, rate_limit_per_minute=0)
        embedder = build_embedder(settings)
        Indexer(settings, embedder_factory=lambda: embedder, progress=False).ingest()
        faq = write_swefaq_documents(corpus, args.documents)
        questions = [(PROGRAMME_QUESTIONS + faq)[i % (len(faq) + 4)] for i in range(args.questions)]
        with TestClient(create_app(settings, Assistant(settings, embedder=embedder), mount_ui=False)) as client:
            titles = generation_titles(corpus)
            idle = Run()
            for t in start_questions(client, questions, idle, threading.Event(), titles):
                t.join(timeout=300)
            busy = questions_during_reindex(client, questions, titles)
    print(f"questions, no re-index:        {quantiles(idle.latencies)}")
    print(f"questions during a re-index:   {quantiles(busy.latencies)}")
    print(f"re-index of {args.documents} documents: {busy.job_seconds:.1f} s")
    print(f"answered before it finished:   {busy.finished_before_job} of {len(questions)}")
    print(f"generations answering:         {sorted(set(busy.generations))}; mixed answers: {len(busy.mixed)}")


if __name__ == "__main__":
    main()
