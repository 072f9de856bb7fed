"""Ingest on the real corpus into real Chroma with the real embedder: incremental, idempotent, crash-safe."""

from __future__ import annotations

import shutil

import pytest

from ingest.pipeline import Indexer
from store.index_store import IndexStore
from store.keyword_index import KeywordIndex
from store.state import STATE_FILE
from tests.conftest import FIXTURES, PROGRAMME_ID
from tests.fixtures.pdfs import ACTION_PLAN_PAGES, write_pdf

pytestmark = pytest.mark.integration  # the real embedder, index, servers or subprocesses

PLAN_ENTRY = """
[[documents]]
id = "handlingsplan-exempel"
path = "handlingsplan-exempel.md"
title = "Handlingsplan (testexempel)"
kind = "action_plan"
year = 2019
"""


def indexer(settings, embedder) -> Indexer:
    return Indexer(settings, embedder_factory=lambda: embedder, progress=False)


def collection_of(settings):
    store = IndexStore(settings)
    state = store.read_state()
    return store, state, store.get_collection(state.collection, None, state.embedder_id)


def edit(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def add_action_plan(corpus):
    shutil.copy(FIXTURES / "handlingsplan-exempel.md", corpus / "handlingsplan-exempel.md")
    with open(corpus / "manifest.toml", "a", encoding="utf-8") as fh:
        fh.write(PLAN_ENTRY)


def test_ingest_builds_chroma_and_keyword_index(settings, counting_embedder):
    report = indexer(settings, counting_embedder).ingest()
    assert report.errors == [] and report.changed == [PROGRAMME_ID]
    assert report.chunks == report.embedded == counting_embedder.passages_embedded > 20
    store, state, collection = collection_of(settings)
    assert collection.count() == report.chunks == state.chunk_count
    got = collection.get(where={"sdg_11": True}, include=["metadatas"])
    areas = {m["goal_area"] for m in got["metadatas"]}
    assert areas == {
        "Tillgång till fullgoda, säkra och ekonomiskt överkomliga bostäder för alla",
        "Inkludering, samhandling och demokrati",
        "Trygghet och levande kommundelar",
    }
    keyword = KeywordIndex.from_json(store.read_json(state.keyword_index_file))
    assert set(keyword.chunk_ids) == set(state.documents[PROGRAMME_ID].chunk_ids)
    top = keyword.search("segregation i boendet", k=1)[0][0]
    assert "tillgang-till-fullgoda" in top
    assert store.read_goal_area_model(state).cli_view()[0]["sdgs"] == [1, 2, 3, 5, 10, 17]
    query = counting_embedder.embed_query("Hur ska staden motverka segregation i boendet?")
    best = collection.query(query_embeddings=[query], n_results=1)["ids"][0][0]
    assert "tillgang-till-fullgoda" in best


def test_reingest_unchanged_embeds_nothing(settings, counting_embedder):
    first = indexer(settings, counting_embedder).ingest()
    before = counting_embedder.passages_embedded
    again = indexer(settings, counting_embedder).ingest()
    assert again.nothing_changed and again.embedded == 0 and again.unchanged == [PROGRAMME_ID]
    assert counting_embedder.passages_embedded == before
    assert again.generation == first.generation and "nothing re-embedded" in again.summary()


def test_editing_one_file_re_embeds_only_its_changed_chunks(settings, counting_embedder):
    add_action_plan(settings.corpus_dir)
    first = indexer(settings, counting_embedder).ingest()
    edit(settings.corpus_dir / "handlingsplan-exempel.md", "låg inkomst", "låga inkomster")
    counting_embedder.texts.clear()
    second = indexer(settings, counting_embedder).ingest()
    assert second.changed == ["handlingsplan-exempel"] and second.unchanged == [PROGRAMME_ID]
    assert second.embedded == 1  # only the edited chunk; the goal-area linker embeds its own comparison texts
    embedded_chunks = [
        t for t in counting_embedder.texts if t.startswith(("Handlingsplan (testexempel) >", "Program för"))
    ]
    assert len(embedded_chunks) == 1 and "låga inkomster" in embedded_chunks[0]
    assert second.reused == first.chunks - 1
    _, state, collection = collection_of(settings)
    assert collection.count() == state.chunk_count == first.chunks
    bostad = collection.get(where={"document_id": "handlingsplan-exempel"}, include=["documents", "metadatas"])
    edited = [d for d in bostad["documents"] if "låga inkomster" in d]
    assert len(edited) == 1 and not any("låg inkomst." in d for d in bostad["documents"])


def test_action_plan_chunks_carry_their_links(settings, counting_embedder):
    add_action_plan(settings.corpus_dir)
    indexer(settings, counting_embedder).ingest()
    _, _, collection = collection_of(settings)
    got = collection.get(where={"document_id": "handlingsplan-exempel"}, include=["metadatas"])
    links = {
        m["section_path"].split("\x1f")[-1]: (m["goal_area"], m["link_method"], m["sdgs"]) for m in got["metadatas"]
    }
    assert links["Bostad"] == (
        "Tillgång till fullgoda, säkra och ekonomiskt överkomliga bostäder för alla",
        "name_match",
        "5,10,11,17",
    )
    assert links["Gemensamt gör vi skillnad"][:2] == ("Inkludering, samhandling och demokrati", "embedding")


def test_removed_file_loses_its_chunks(settings, counting_embedder):
    add_action_plan(settings.corpus_dir)
    indexer(settings, counting_embedder).ingest()
    (settings.corpus_dir / "handlingsplan-exempel.md").unlink()
    report = indexer(settings, counting_embedder).ingest()
    assert report.removed == ["handlingsplan-exempel"] and report.embedded == 0
    _, state, collection = collection_of(settings)
    assert collection.get(where={"document_id": "handlingsplan-exempel"})["ids"] == []
    assert set(state.documents) == {PROGRAMME_ID}


def test_bad_files_are_reported_and_skipped_without_loss(settings, counting_embedder):
    first = indexer(settings, counting_embedder).ingest()
    corpus = settings.corpus_dir
    (corpus / "locked.pdf").write_bytes(write_pdf(corpus / "tmp.pdf", ACTION_PLAN_PAGES, password="x").read_bytes())
    (corpus / "tmp.pdf").unlink()
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    (corpus / "empty.md").write_bytes(b"")
    (corpus / "latin1.txt").write_bytes("Trygghet på gatorna".encode("latin-1"))
    report = indexer(settings, counting_embedder).ingest()
    assert len(report.errors) == 5 and report.nothing_changed and report.embedded == 0
    joined = "\n".join(report.errors)
    for name in ("locked.pdf", "broken.pdf", "notes.docx", "empty.md", "latin1.txt"):
        assert name in joined
    _, state, collection = collection_of(settings)
    assert collection.count() == first.chunks and state.generation == first.generation


def test_indexed_file_that_turns_unreadable_keeps_its_chunks(settings, counting_embedder):
    add_action_plan(settings.corpus_dir)
    indexer(settings, counting_embedder).ingest()
    first_plan_ids = IndexStore(settings).read_state().documents["handlingsplan-exempel"].chunk_ids
    (settings.corpus_dir / "handlingsplan-exempel.md").write_bytes("Bostäder".encode("latin-1"))
    (settings.corpus_dir / "program-for-social-hallbarhet-2018.md").open("a", encoding="utf-8").write(
        "\nEn ny mening.\n"
    )
    report = indexer(settings, counting_embedder).ingest()
    assert any("handlingsplan-exempel.md" in e and "UTF-8" in e for e in report.errors)
    assert report.removed == []
    _, state, collection = collection_of(settings)
    kept = collection.get(where={"document_id": "handlingsplan-exempel"})["ids"]
    assert len(kept) == len(state.documents["handlingsplan-exempel"].chunk_ids) == len(first_plan_ids) > 0


def test_crash_halfway_leaves_previous_index_serving(settings, counting_embedder):
    first = indexer(settings, counting_embedder).ingest()
    add_action_plan(settings.corpus_dir)
    (settings.corpus_dir / "program-for-social-hallbarhet-2018.md").open("a", encoding="utf-8").write(
        "\nEn tillagd mening om fritidsgårdar.\n\nEn till om parker.\n"
    )
    counting_embedder.passages_embedded = 0
    counting_embedder.fail_after = 10  # past the goal-area linker, inside the chunk embedding
    with pytest.raises(RuntimeError, match="simulated crash"):
        indexer(settings, counting_embedder).ingest()
    store, state, collection = collection_of(settings)
    assert state.generation == first.generation and collection.count() == first.chunks
    assert "handlingsplan-exempel" not in state.documents
    assert len(store.collection_names()) == 2  # the half-built generation is there, unused
    counting_embedder.fail_after = None
    done = indexer(settings, counting_embedder).ingest()
    store, state, collection = collection_of(settings)
    assert state.generation == first.generation + 1 and "handlingsplan-exempel" in state.documents
    # the crash leftover is gone; the previous generation stays for processes still serving it, until the next ingest
    assert sorted(store.collection_names()) == [f"hallbar_g{first.generation}", state.collection]
    assert f"hallbar_g{first.generation}" in state.previous
    assert collection.count() == done.chunks > first.chunks
    edit(settings.corpus_dir / "handlingsplan-exempel.md", "låg inkomst", "låga inkomster")
    third = indexer(settings, counting_embedder).ingest()
    assert sorted(IndexStore(settings).collection_names()) == [state.collection, f"hallbar_g{third.generation}"]


def test_corrupt_state_gives_a_clear_message(settings, counting_embedder):
    indexer(settings, counting_embedder).ingest()
    IndexStore(settings).backend.write_blob(STATE_FILE, "{not json")  # the file, or the record on a Chroma server
    from core.errors import IndexNotReadyError

    with pytest.raises(IndexNotReadyError, match="--rebuild"):
        indexer(settings, counting_embedder).ingest()
    assert indexer(settings, counting_embedder).ingest(rebuild=True).chunks > 0
    assert IndexStore(settings).read_state().generation == 1


def test_rebuild_re_embeds_everything(settings, counting_embedder):
    first = indexer(settings, counting_embedder).ingest()
    counting_embedder.passages_embedded = 0
    again = indexer(settings, counting_embedder).ingest(rebuild=True)
    assert again.embedded == first.chunks == counting_embedder.passages_embedded


def test_manifest_errors_are_clear(settings, counting_embedder):
    (settings.corpus_dir / "manifest.toml").write_text(
        '[[documents]]\nid = "Bad Id"\npath = "x.md"\ntitle = "x"\n', encoding="utf-8"
    )
    from ingest.manifest import ManifestError

    with pytest.raises(ManifestError, match="document 1: id"):
        indexer(settings, counting_embedder).ingest()
