"""Unrelated documents for the distractor evaluation: SweFAQ answers (Swedish public-sector FAQs, CC BY 4.0),
grouped by their FAQ category into documents of kind "other", added beside the programme in a copy of the corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from core.models import DocumentKind, DocumentMeta
from evals.swefaq import DEFAULT_DATA
from ingest.manifest import add_entry

DOCUMENTS = 20  # unrelated documents, as in the outside evaluation
ANSWERS_PER_DOCUMENT = 12


def faq_documents(folder: Path = DEFAULT_DATA, documents: int = DOCUMENTS) -> dict[int, list[str]]:
    """Up to ``ANSWERS_PER_DOCUMENT`` distinct answers of each of the first ``documents`` FAQ categories."""
    paths = [folder / "swefaq_dev.jsonl", folder / "swefaq_test.jsonl"]
    if not all(p.exists() for p in paths):
        raise FileNotFoundError(
            f"{folder}: SweFAQ not found; the distractor evaluation needs ../shared/datasets/swefaq"
        )
    by_category: dict[int, list[str]] = {}
    for line in (ln for p in paths for ln in p.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        row = json.loads(line)
        answers = by_category.setdefault(int(row["category_id"]), [])
        answer = row["candidate_answers"][int(row["label"])]
        if answer not in answers and len(answers) < ANSWERS_PER_DOCUMENT:
            answers.append(answer)
    return {c: by_category[c] for c in sorted(by_category)[:documents]}


def corpus_with_distractors(
    corpus: Path, target: Path, folder: Path = DEFAULT_DATA, categories: tuple[int, ...] | None = None
) -> int:
    """Copy ``corpus`` to ``target`` and add the FAQ documents (Markdown, kind "other"), or only those of
    ``categories``; how many were added."""
    shutil.copytree(corpus, target)
    added = 0
    for category, answers in faq_documents(folder).items():
        if categories is not None and category not in categories:
            continue
        name = f"faq-{category:03d}.md"
        body = "\n\n".join(f"## Fråga {n}\n\n{answer}" for n, answer in enumerate(answers, start=1))
        (target / name).write_text(f"# Vanliga frågor, område {category}\n\n{body}\n", encoding="utf-8")
        add_entry(
            target,
            DocumentMeta(
                id=f"faq-{category:03d}", path=name, title=f"Vanliga frågor {category}", kind=DocumentKind.other
            ),
        )
        added += 1
    return added
