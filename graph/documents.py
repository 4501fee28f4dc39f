"""Documents: read .txt/.md files (and their .meta.json sidecars) into checked text.

Cleaning never moves a character: boilerplate is blanked with spaces of its own length, so an offset
into ``Document.text`` (what extraction reads) is an offset into ``Document.original`` (the text of the
user's file) too. Web pages, JSON Lines dumps and feeds are read by :mod:`graph.readers`, chosen by suffix.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from .errors import InputError
from .namespaces import document_iri
from .readers import SUFFIXES as READER_SUFFIXES
from .readers import OnError, read_path
from .terminal import shown

TEXT_SUFFIXES = (".txt", ".md")
SUFFIXES = TEXT_SUFFIXES + READER_SUFFIXES
MAX_BYTES = 5_000_000  # far beyond any news article; bigger files are almost surely not one
STRING_FIELDS = ("id", "url", "title", "source", "published")

_SOURCE_TRAILER = re.compile(r"^\s*(?:source|sources|via)\s*:\s*\S.*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Characters XML 1.0 cannot carry at all (C0 controls but tab and newlines): RDF/XML and GraphML
# exports would not parse with them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"})
_SURROGATE = re.compile("[\ud800-\udfff]")
# Bidirectional embedding and isolate controls reorder what a terminal or a picture shows.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass
class Document:
    """A source document ready for extraction.

    ``name`` is its identifier (sidecar ``id`` or ``url``, else its path relative to the folder it was
    found in); ``original`` is the decoded text of the file, ``text`` the same text with boilerplate
    blanked (same length, so offsets into one are offsets into the other).
    """

    name: str
    text: str
    published: date | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    meta: dict = field(default_factory=dict)
    original: str = ""
    digest: str | None = None  # SHA-256 of the bytes of the user's file the document was read from

    def __post_init__(self) -> None:
        self.original = self.original or self.text

    @property
    def iri(self) -> str:
        return document_iri(self.name)

    @property
    def sha256(self) -> str:
        """SHA-256 of the file's bytes (``sha256sum FILE``), or of the UTF-8 text when there is no file."""
        return self.digest or hashlib.sha256(self.original.encode("utf-8")).hexdigest()


def file_sha256(path: Path) -> str:
    """``sha256sum FILE``, read in blocks (a dump of any size)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class Source(NamedTuple):
    """A document file and the name it is known by when its sidecar gives no ``id`` or ``url``."""

    path: Path
    name: str


def clean_label(text: str) -> str:
    """A name or short literal as one plain line: NFC, no control or bidi characters, single spaces."""
    text = unicodedata.normalize("NFC", _BIDI.sub("", text))
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def literal_text(text: str) -> str:
    """Text as an RDF literal every format can carry, one character for one so offsets into it still hold:
    the C0 controls XML forbids become spaces (as extraction reads them), U+FFFE and U+FFFF U+FFFD."""
    return _NOT_XML.sub(lambda m: " " if m.group() < " " else "\ufffd", text)


def _blank(s: str) -> str:
    return " " * len(s)


def clean_text(raw: str) -> str:
    """The text extraction reads: ``raw`` with boilerplate (repeated headlines, ``source:`` trailers,
    Markdown heading marks) and control characters blanked, every character where it was.

    CRLF becomes " \\n" and other line breaks "\\n", so lines are split on "\\n" alone.
    """
    text = raw.replace("\r\n", " \n").replace("\r", "\n").translate(_LINE_BREAKS)
    text = "".join(" " if c != "\n" and unicodedata.category(c) == "Cc" else c for c in text)
    # A stray backslash is scraping debris (a photo credit glued to its caption): break the line.
    text = text.replace("\\", "\n")
    lines = text.split("\n")
    end = len(lines)
    while end and (not lines[end - 1].strip() or _SOURCE_TRAILER.match(lines[end - 1])):
        end -= 1
        lines[end] = _blank(lines[end])
    seen: set[str] = set()
    for i, line in enumerate(lines[:end]):
        heading = _MD_HEADING.match(line)
        if heading:
            line = lines[i] = _blank(heading.group(0)) + line[heading.end():]
        key = line.strip().lower()
        # A headline repeated by a scraper is noise; repeated short lines are not facts twice.
        if key and key in seen and len(key) < 200:
            lines[i] = _blank(line)
            continue
        if key:
            seen.add(key)
    return "\n".join(lines)


def decode(data: bytes, where: str) -> str:
    """Bytes of a text file as text: UTF-8 (with or without a BOM), or UTF-16/32 when a BOM says so."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    if encoding.startswith("utf-8") and b"\x00" in data:
        raise InputError(f"{where}: binary file, not a UTF-8 text document")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not valid {encoding.upper().removesuffix('-SIG')} (byte {exc.start}); "
                         "save it as UTF-8") from None
    if "\x00" in text:
        raise InputError(f"{where}: binary file, not a UTF-8 text document")
    return text


def parse_date(value: object, where: str) -> date | None:
    """An ISO publication date from a sidecar, page or record, or None when absent."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(f"{where}: 'published' is not an ISO date: {str(value)!r}") from None


def read_sidecar(path: Path) -> dict:
    """The ``NAME.meta.json`` beside ``NAME.txt``, or {} when there is none.

    ``id``, ``url``, ``title``, ``source`` and ``published`` must be strings (or null).
    """
    meta_path = path.with_name(path.stem + ".meta.json")
    where = shown(meta_path)
    try:
        if not meta_path.is_file():
            return {}
        meta = json.loads(decode(meta_path.read_bytes(), where))
    except RecursionError:
        raise InputError(f"{where}: JSON nested too deeply") from None
    except ValueError as exc:
        raise InputError(f"{where}: not valid JSON ({shown(exc)})") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read ({exc.strerror})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{where}: expected a JSON object")
    for key in STRING_FIELDS:
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{where}: {key!r} must be a string, not {type(value).__name__}")
        if value and _SURROGATE.search(value):
            raise InputError(f"{where}: {key!r} holds a lone surrogate")
    return meta


def document_id(meta: dict, fallback: str) -> str:
    """What identifies a document: the sidecar's ``id``, else its ``url``, else ``fallback`` (the path)."""
    for key in ("id", "url"):
        value = (meta.get(key) or "").strip()
        if value:
            return value
    return fallback


def document_from_text(name: str, raw: str, published: date | None = None, **meta: object) -> Document:
    """Build a Document identified by ``name`` from text already in memory (checked like a file's)."""
    if "\x00" in raw:
        raise InputError(f"{shown(name)}: binary content, not a text document")
    if _SURROGATE.search(raw):
        raise InputError(f"{shown(name)}: text holds a lone surrogate")
    text = clean_text(raw)
    if not text.strip():
        raise InputError(f"{shown(name)}: empty document")
    # Metadata become names and literals as they are, so controls are cleaned here, once for every reader.
    strings = {k: (clean_label(meta[k]) or None) if isinstance(meta.get(k), str) else None
               for k in ("title", "source", "url")}
    return Document(name=name, text=text, published=published, path=meta.get("path"),
                    meta=dict(meta), original=raw, **strings)


def read_document(path: str | Path, published: date | None = None, name: str | None = None) -> Document:
    """Read one document; ``published`` overrides the sidecar's date. ``name`` (default: the file name)
    identifies it unless its sidecar has an ``id`` or ``url``."""
    path = Path(path)
    where = shown(path)
    name = name or path.name
    if _SURROGATE.search(name):
        raise InputError(f"{where}: file name is not valid UTF-8")
    try:
        if not path.is_file():
            raise InputError(f"{where}: no such file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{where}: too large ({size:,} bytes; the limit is {MAX_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{where}: cannot read ({exc.strerror})") from None
    raw = decode(data, where)
    meta = read_sidecar(path)
    pub = published or parse_date(meta.get("published"), where)
    doc = document_from_text(document_id(meta, name), raw, pub,
                             **{k: meta.get(k) for k in ("title", "source", "url")}, path=str(path))
    doc.digest = hashlib.sha256(data).hexdigest()
    return doc


def _walk(root: Path, errors: list[str] | None) -> Iterator[Path]:
    """Document files under ``root``, depth first without recursion (a folder nested a thousand deep is
    fine); folders that cannot be read are reported in ``errors`` (raised when it is None)."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in seen:  # a symlink back up the tree
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            message = f"{shown(folder)}: cannot read folder ({exc.strerror})"
            if errors is None:
                raise InputError(message) from None
            errors.append(message)
            continue
        for entry in entries:
            p = Path(entry.path)
            try:
                if entry.is_dir():
                    stack.append(p)
                elif entry.is_file() and p.suffix.lower() in SUFFIXES and not p.name.endswith(".meta.json"):
                    yield p
            except OSError:
                stack.append(p)  # reported when it is opened as a folder


def find_sources(paths: Iterable[str | Path], errors: list[str] | None = None) -> list[Source]:
    """Expand files and folders into document files, each with its default name: its path relative
    to the folder given (a file given directly: its file name). Stable order; a file given twice is
    read once."""
    found: list[Source] = []
    taken: set[Path] = set()
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(_walk(p, errors))
            batch = [Source(f, f.relative_to(p).as_posix()) for f in files]
        elif p.exists():
            batch = [Source(p, p.name)]
        else:
            raise InputError(f"{shown(p)}: no such file or folder")
        for s in batch:
            real = Path(os.path.abspath(s.path))
            if real not in taken:
                taken.add(real)
                found.append(s)
    return found


def find_documents(paths: Iterable[str | Path]) -> list[Path]:
    """Expand files and folders into the document files they hold, in a stable order."""
    return [s.path for s in find_sources(paths)]


def read_documents(path: Path, published: date | None = None, on_error: OnError | None = None,
                   name: str | None = None) -> Iterator[Document]:
    """The documents of one file: one for text, one per record or entry for dumps and feeds.

    ``name`` (default: the file name) is the file's identifier where nothing in it gives one; records
    without an ``id`` or ``url`` are ``NAME#LINE`` (or ``NAME#ENTRY``). ``on_error`` receives the
    one-line reason a record was skipped; without it, the first bad record raises.
    """
    if path.suffix.lower() in READER_SUFFIXES:
        yield from read_path(path, published, on_error, name)
    else:
        yield read_document(path, published, name)


def iter_documents(paths: Iterable[str | Path], published: date | None = None) -> Iterator[Document]:
    """Read documents one by one (streaming: nothing is held beyond the current one)."""
    for source in find_sources(paths):
        yield from read_documents(source.path, published, name=source.name)
