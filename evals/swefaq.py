"""SweFAQ v2.0 retrieval benchmark (Språkbanken Text, CC BY 4.0), in the Scandinavian Embedding
Benchmark's setting: every question against the pool of all answers of its split.

The data is read from a path (default: ../shared/datasets/swefaq beside the project); it is not
copied into the project. Published nDCG@10 (SEB): multilingual-e5-small 0.687, all-MiniLM-L6-v2 0.411."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.retrieval.fusion import reciprocal_rank_fusion
from core.embedders import Embedder
from evals.metrics import ndcg_at, recall_at, reciprocal_rank
from store.keyword_index import KeywordIndex

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "swefaq"
PUBLISHED_NDCG10 = {"multilingual-e5-small": 0.687, "all-MiniLM-L6-v2": 0.411}  # SOURCE.md of the data


@dataclass
class SweFaqSplit:
    questions: list[str]
    answers: list[str]  # the pool: every distinct answer of the split
    correct: list[int]  # index into answers, per question


def load_split(folder: Path, split: str = "test") -> SweFaqSplit:
    path = folder / f"swefaq_{split}.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: give the SweFAQ folder with --data")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pool: dict[str, int] = {}
    for row in rows:
        for answer in row["candidate_answers"]:
            pool.setdefault(answer, len(pool))
    return SweFaqSplit(
        questions=[r["question"] for r in rows],
        answers=list(pool),
        correct=[pool[r["candidate_answers"][int(r["label"])]] for r in rows],
    )


def _metrics(rankings: list[list[int]], data: SweFaqSplit) -> dict[str, float]:
    rel = [{str(c)} for c in data.correct]
    ranked = [[str(i) for i in r] for r in rankings]
    return {
        "ndcg@10": round(float(np.mean([ndcg_at(r, g, 10) for r, g in zip(ranked, rel)])), 4),
        "recall@10": round(float(np.mean([recall_at(r, g, 10) for r, g in zip(ranked, rel)])), 4),
        "mrr@10": round(float(np.mean([reciprocal_rank(r, g, 10) for r, g in zip(ranked, rel)])), 4),
    }


def dense_rankings(embedder: Embedder, data: SweFaqSplit) -> tuple[list[list[int]], float]:
    t0 = time.perf_counter()
    answers = embedder.embed_passages_array(data.answers)
    questions = embedder.embed_queries_array(data.questions)
    seconds = time.perf_counter() - t0
    return [list(np.argsort(-(answers @ q))) for q in questions], seconds


def keyword_rankings(data: SweFaqSplit) -> list[list[int]]:
    from core.models import Chunk, DocumentKind

    chunks = [
        Chunk(
            chunk_id=str(i),
            document_id="swefaq",
            document_title="",
            kind=DocumentKind.other,
            section_path=[],
            pages=[],
            ordinal=i,
            text=a,
        )
        for i, a in enumerate(data.answers)
    ]
    index = KeywordIndex.build(chunks)
    return [[int(cid) for cid, _ in index.search(q, k=len(data.answers))] for q in data.questions]


def benchmark(embedders: dict[str, tuple[Embedder, str | None]], folder: Path, split: str = "test") -> dict:
    """``embedders``: name -> (embedder, the published model it corresponds to, if any)."""
    data = load_split(folder, split)
    out: dict = {"split": split, "questions": len(data.questions), "pool": len(data.answers), "results": {}}
    keyword = keyword_rankings(data)
    out["results"]["keyword (BM25, Swedish stems)"] = _metrics(keyword, data)
    for name, (embedder, published) in embedders.items():
        ranked, seconds = dense_rankings(embedder, data)
        row = _metrics(ranked, data)
        row["texts_per_s"] = round((len(data.answers) + len(data.questions)) / seconds, 1)
        if published in PUBLISHED_NDCG10:
            row["published_ndcg@10"] = {published: PUBLISHED_NDCG10[published]}
        out["results"][name] = row
        fused = [
            [int(i) for i, _ in reciprocal_rank_fusion([[str(x) for x in d[:50]], [str(x) for x in k[:50]]])]
            for d, k in zip(ranked, keyword)
        ]
        out["results"][f"fused ({name} + BM25, RRF)"] = _metrics(fused, data)
    return out
