"""Documents: read .txt/.md files (and their .meta.json sidecars) into clean, checked text.

Web pages, JSON Lines dumps and feeds are read by :mod:`graph.readers`, chosen by suffix.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import InputError
from .namespaces import document_iri
from .readers import SUFFIXES as READER_SUFFIXES
from .readers import OnError, read_path

TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = TEXT_SUFFIXES + READER_SUFFIXES
MAX_BYTES = 5_000_000  # far beyond any news article; bigger files are almost surely not one

_SOURCE_TRAILER = re.compile(r"^\s*(?:source|sources|via)\s*:\s*\S.*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")


@dataclass
class Document:
    """A source document ready for extraction; ``text`` is what offsets refer to."""

    name: str
    text: str
    published: date | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    meta: dict = field(default_factory=dict)
    digest: str | None = None  # SHA-256 of the source bytes when they are not the text (a web page)

    @property
    def iri(self) -> str:
        return document_iri(self.name)

    @property
    def sha256(self) -> str:
        return self.digest or hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def clean_text(raw: str) -> str:
    """Normalise (NFC, newlines) and drop boilerplate: repeated headlines and ``source:`` trailers."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    # A stray backslash is scraping debris (a photo credit glued to its caption): break the line.
    text = re.sub(r"[ \t]*\\[ \t]*", "\n", text)
    lines = text.split("\n")
    while lines and _SOURCE_TRAILER.match(lines[-1] or "x") or (lines and not lines[-1].strip()):
        lines.pop()
    seen: set[str] = set()
    kept: list[str] = []
    for line in lines:
        line = _MD_HEADING.sub("", line).rstrip()
        key = line.strip().lower()
        # A headline repeated by a scraper is noise; repeated short lines are not facts twice.
        if key and key in seen and len(key) < 200:
            continue
        if key:
            seen.add(key)
        kept.append(line)
    text = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def parse_date(value: object, where: str) -> date | None:
    """An ISO publication date from a sidecar, page or record, or None when absent."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(f"{where}: publication date is not an ISO date: {value!r}") from None


def read_sidecar(path: Path) -> dict:
    """The ``NAME.meta.json`` beside ``NAME.txt``, or {} when there is none."""
    meta_path = path.with_name(path.stem + ".meta.json")
    if not meta_path.exists():
        return {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{meta_path}: not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{meta_path}: expected a JSON object")
    return meta


def document_from_text(name: str, raw: str, published: date | None = None, **meta: object) -> Document:
    """Build a Document from text already in memory (checked like a file's)."""
    if "\x00" in raw:
        raise InputError(f"{name}: binary content, not a text document")
    text = clean_text(raw)
    if not text:
        raise InputError(f"{name}: empty document")
    return Document(name=name, text=text, published=published,
                    title=meta.get("title"), source=meta.get("source"), url=meta.get("url"),
                    path=meta.get("path"), meta=dict(meta))


def read_document(path: str | Path, published: date | None = None) -> Document:
    """Read one document; ``published`` overrides the sidecar's date."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{path}: too large ({size:,} bytes; the limit is {MAX_BYTES:,})")
    data = path.read_bytes()
    if b"\x00" in data:
        raise InputError(f"{path}: binary file, not a UTF-8 text document")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    meta = read_sidecar(path)
    pub = published or parse_date(meta.get("published"), str(path))
    extra = {k: v for k, v in meta.items() if k not in {"published", "title", "source", "url"}}
    return document_from_text(path.name, raw, pub, title=meta.get("title"), source=meta.get("source"),
                              url=meta.get("url"), path=str(path), **extra)


def find_documents(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the document files they hold, in a stable order."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                                and not f.name.endswith(".meta.json")))
        elif p.exists():
            found.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    return found


def read_documents(path: Path, published: date | None = None, on_error: OnError | None = None) -> Iterator[Document]:
    """The documents of one file: one for text, one per record or entry for dumps and feeds.

    ``on_error`` receives the one-line reason a record was skipped; without it, the first bad
    record raises.
    """
    if path.suffix.lower() in READER_SUFFIXES:
        yield from read_path(path, published, on_error)
    else:
        yield read_document(path, published)


def iter_documents(paths: Iterable[str | Path], published: date | None = None) -> Iterator[Document]:
    """Read documents one by one (streaming: nothing is held beyond the current one)."""
    for path in find_documents(paths):
        yield from read_documents(path, published)
