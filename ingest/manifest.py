"""The corpus manifest (``corpus/manifest.toml``): one ``[[documents]]`` table per document."""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import tomlkit
from pydantic import ValidationError

from core.models import DocumentKind, DocumentMeta
from store.backends import atomic_write_text

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.toml"


class ManifestError(ValueError):
    pass


@dataclass
class Manifest:
    root: Path
    documents: list[DocumentMeta]

    def meta_for(self, path: Path) -> DocumentMeta:
        """The manifest entry of a file; a file the manifest does not list gets a described default."""
        rel = path.relative_to(self.root).as_posix()
        for meta in self.documents:
            if meta.path == rel:
                return meta
        doc_id = document_id_for(rel)
        log.warning("%s: not in %s; indexed as kind 'other' with its file name as title", path, MANIFEST_NAME)
        return DocumentMeta(id=doc_id, path=rel, title=path.stem, kind=DocumentKind.other)


def load_manifest(root: Path) -> Manifest:
    file = root / MANIFEST_NAME
    if not root.is_dir():
        raise ManifestError(f"{root}: corpus folder not found")
    if not file.exists():
        return Manifest(root=root, documents=[])
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{file}: not valid TOML ({exc})") from exc
    return Manifest(root=root, documents=parse_manifest(text, str(file)))


def parse_manifest(text: str, where: str = MANIFEST_NAME) -> list[DocumentMeta]:
    """The entries of a manifest's text; ManifestError when it is not valid TOML, an entry is invalid or an id
    repeats."""
    file = where
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{file}: not valid TOML ({exc})") from exc
    docs = []
    for i, entry in enumerate(data.get("documents", []), start=1):
        try:
            docs.append(DocumentMeta.model_validate(entry))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise ManifestError(f"{file}: document {i}: {problems}") from exc
    ids = [d.id for d in docs]
    if dupes := sorted({i for i in ids if ids.count(i) > 1}):
        raise ManifestError(f"{file}: duplicate document id(s): {', '.join(dupes)}")
    return docs


def discover_files(root: Path) -> list[Path]:
    """Every file under the corpus folder except the manifest and hidden files, in a stable order."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.name != MANIFEST_NAME
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def document_id_for(name: str) -> str:
    """A safe document id from a file name or path: lower case, letters, digits and . _ - only."""
    return re.sub(r"[^a-z0-9._-]+", "-", name.casefold()).strip("-.") or "document"


def _read_toml(file: Path) -> tomlkit.TOMLDocument:
    return tomlkit.parse(file.read_text(encoding="utf-8")) if file.exists() else tomlkit.document()


def manifest_text(root: Path, documents: list[DocumentMeta]) -> str:
    """The manifest holding exactly ``documents``, written by tomlkit (the comment lines before the first table
    are kept) and read back before it is returned, so that no title or field can break the file."""
    file = root / MANIFEST_NAME
    header = []
    if file.exists():
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                break
            header.append(line)
    tables = tomlkit.aot()
    for meta in documents:
        table = tomlkit.table()
        for key, value in meta.model_dump(exclude_none=True).items():
            if value != []:
                table.add(key, value.value if isinstance(value, Enum) else value)
        tables.append(table)
    doc = tomlkit.document()
    doc.append("documents", tables)
    text = ("\n".join(header).rstrip() + "\n\n" if any(header) else "") + tomlkit.dumps(doc)
    if parse_manifest(text) != documents:
        raise ManifestError("the manifest would not read back as written")
    return text


def add_entry(root: Path, meta: DocumentMeta) -> None:
    """Append a document's table to the manifest (written by tomlkit: no title can break the file)."""
    file = root / MANIFEST_NAME
    doc = _read_toml(file)
    documents = doc.get("documents")
    if documents is None:
        documents = tomlkit.aot()
        doc.append("documents", documents)
    table = tomlkit.table()
    for key, value in meta.model_dump(exclude_none=True).items():
        table.add(key, value.value if isinstance(value, Enum) else value)
    documents.append(table)
    atomic_write_text(file, tomlkit.dumps(doc))


def remove_entry(root: Path, doc_id: str) -> bool:
    """Remove a document's table from the manifest; False when no table has that id."""
    file = root / MANIFEST_NAME
    doc = _read_toml(file)
    documents = doc.get("documents")
    if documents is None:
        return False
    kept = [t for t in documents if t.get("id") != doc_id]
    if len(kept) == len(documents):
        return False
    remaining = tomlkit.aot()
    for table in kept:
        remaining.append(table)
    doc["documents"] = remaining
    atomic_write_text(file, tomlkit.dumps(doc))
    return True
