"""Readers for inputs other than plain text: web pages, JSON Lines news dumps and RSS/Atom feeds.

Each reader yields :class:`~graph.documents.Document` objects built the same way as a text file's
(cleaned, checked, offsets into ``Document.text``), so extraction and provenance do not care where
a document came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from .errors import InputError

HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)
FEED_SUFFIXES = (".rss", ".atom", ".xml")
SUFFIXES = HTML_SUFFIXES + JSONL_SUFFIXES + FEED_SUFFIXES

OnError = Callable[[str], None]


def _skip(on_error: OnError | None, message: str) -> None:
    """Report a bad record and go on, or stop at it when nobody listens."""
    if on_error is None:
        raise InputError(message)
    on_error(message)


def _read_bytes(path: Path) -> bytes:
    from .documents import MAX_BYTES

    if not path.is_file():
        raise InputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(f"{path}: too large ({size:,} bytes; the limit is {MAX_BYTES:,})")
    return path.read_bytes()


def read_html(path: str | Path, published: date | None = None):
    """One web page: its main text (menus, footers and sidebars dropped) and its metadata.

    A ``.meta.json`` sidecar wins over what the page says about itself; ``published`` wins over both.
    The document's hash is of the page's bytes, so it identifies the file as saved.
    """
    import trafilatura

    from .documents import document_from_text, parse_date, read_sidecar

    path = Path(path)
    data = _read_bytes(path)
    extracted = trafilatura.bare_extraction(data, with_metadata=True)
    if extracted is None or not (extracted.text or "").strip():
        raise InputError(f"{path}: no main text found in the page")
    page = extracted.as_dict()
    meta = read_sidecar(path)
    pub = published or parse_date(meta.get("published") or page.get("date"), str(path))
    extra = {k: v for k, v in meta.items() if k not in {"published", "title", "source", "url", "path"}}
    doc = document_from_text(
        str(meta.get("id") or path.name), page["text"], pub,
        title=meta.get("title") or page.get("title"), source=meta.get("source") or page.get("sitename"),
        url=meta.get("url") or page.get("url"), path=str(path), **extra)
    doc.digest = hashlib.sha256(data).hexdigest()
    return doc


def iter_jsonl(path: str | Path, published: date | None = None, on_error: OnError | None = None):
    """Articles of a JSON Lines dump, one per line, read line by line (a dump of any size streams).

    A line that is not a JSON object with a ``text`` or ``content`` is reported through ``on_error``
    (``FILE:LINE: why``) and skipped; the other lines are still read.
    """
    from .documents import document_from_text, parse_date

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            where = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig"))
            except UnicodeDecodeError as exc:
                _skip(on_error, f"{where}: not valid UTF-8 (byte {exc.start})")
                continue
            except ValueError as exc:  # json.JSONDecodeError
                _skip(on_error, f"{where}: not valid JSON ({exc})")
                continue
            try:
                if not isinstance(record, dict):
                    raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
                text = record.get("text") or record.get("content")
                if not isinstance(text, str) or not text.strip():
                    raise InputError(f"{where}: no 'text' or 'content'")
                pub = published or parse_date(record.get("published") or record.get("date"), where)
                name = str(record.get("id") or record.get("url") or f"{path.name}#{number}")
                yield document_from_text(name, text, pub, title=_str(record.get("title")),
                                         source=_str(record.get("source")), url=_str(record.get("url")),
                                         path=f"{path}#{number}")
            except InputError as exc:
                _skip(on_error, str(exc) if str(exc).startswith(where) else f"{where}: {exc}")


def _str(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _entry_text(entry) -> str:
    """The entry's full content as text (feeds carry HTML); the summary when there is no content."""
    import trafilatura

    parts = [c.get("value", "") for c in entry.get("content") or []] or [entry.get("summary", "")]
    html = "".join(parts)
    if not html.strip():
        return ""
    # Recall over precision: a feed entry is the article itself, with no page furniture to drop.
    page = f"<html><body><article>{html}</article></body></html>"
    return trafilatura.extract(page, favor_recall=True) or trafilatura.html2txt(page) or ""


def iter_feed(path: str | Path, published: date | None = None, on_error: OnError | None = None):
    """Entries of an RSS or Atom feed file, each one document (its full content, else its summary)."""
    import feedparser

    from .documents import document_from_text

    path = Path(path)
    parsed = feedparser.parse(_read_bytes(path))
    if not parsed.entries:
        why = f" ({parsed.bozo_exception})" if parsed.bozo else ""
        raise InputError(f"{path}: not an RSS or Atom feed with entries{why}")
    source = parsed.feed.get("title")
    for number, entry in enumerate(parsed.entries, start=1):
        where = f"{path}#{number}"
        try:
            text = _entry_text(entry)
            if not text.strip():
                raise InputError(f"{where}: entry has no content")
            stamp = entry.get("published_parsed") or entry.get("updated_parsed")
            # feedparser gives UTC struct_time; the calendar day is what the feed states.
            pub = published or (date(*stamp[:3]) if stamp else None)
            name = str(entry.get("id") or entry.get("link") or f"{path.name}#{number}")
            yield document_from_text(name, text, pub, title=_str(entry.get("title")), source=_str(source),
                                     url=_str(entry.get("link")), path=where)
        except InputError as exc:
            _skip(on_error, str(exc) if str(exc).startswith(where) else f"{where}: {exc}")


def read_path(path: Path, published: date | None = None, on_error: OnError | None = None) -> Iterator:
    """The documents of one input file of a kind this module reads, chosen by suffix."""
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return iter([read_html(path, published)])
    if suffix in JSONL_SUFFIXES:
        return iter_jsonl(path, published, on_error)
    if suffix in FEED_SUFFIXES:
        return iter_feed(path, published, on_error)
    raise InputError(f"{path}: not an input kind read here ({', '.join(SUFFIXES)})")
