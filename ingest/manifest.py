"""The corpus manifest (``corpus/manifest.toml``): one ``[[documents]]`` table per document."""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from core.models import DocumentKind, DocumentMeta

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
        doc_id = re.sub(r"[^a-z0-9._-]+", "-", rel.casefold()).strip("-.") or "document"
        log.warning("%s: not in %s; indexed as kind 'other' with its file name as title", path, MANIFEST_NAME)
        return DocumentMeta(id=doc_id, path=rel, title=path.stem, kind=DocumentKind.other)


def load_manifest(root: Path) -> Manifest:
    file = root / MANIFEST_NAME
    if not root.is_dir():
        raise ManifestError(f"{root}: corpus folder not found")
    if not file.exists():
        return Manifest(root=root, documents=[])
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
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
    return Manifest(root=root, documents=docs)


def discover_files(root: Path) -> list[Path]:
    """Every file under the corpus folder except the manifest and hidden files, in a stable order."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
