"""Ingest: documents → extraction → RDF → store, streaming, in batches, with optional workers."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from .documents import Document, Source, document_id, find_sources, read_documents, read_sidecar
from .errors import InputError, TreatyKGError
from .namespaces import DOC, document_iri, is_iri
from .readers import FEED_SUFFIXES, JSONL_SUFFIXES
from .store import Store
from .terminal import shown

BATCH_DOCS = 32
RECORD_SUFFIXES = JSONL_SUFFIXES + FEED_SUFFIXES  # files that hold many documents
PIECE_CHARS = 100_000  # spaCy wants about 1 GB per 100,000 characters parsed at once


@dataclass
class IngestReport:
    """What an ingest did: documents written, and the ones refused with why."""

    documents: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    triples: int = 0

    def summary(self) -> str:
        """One line: documents ingested, inputs skipped (each named in ``errors``), triples written."""
        return f"ingested {len(self.documents)} document(s), skipped {len(self.errors)}, {self.triples} triples"


def parse(text: str, nlp=None):
    """spaCy's parse of a document's text (irrelevant sentences blanked first).

    A text longer than PIECE_CHARS is parsed in pieces cut at paragraph breaks and joined back into
    one Doc, so spaCy's length limit (and its memory per parse) never refuses a document.
    """
    from .nlp import load_nlp, mask_irrelevant

    nlp = nlp or load_nlp()
    text = mask_irrelevant(text)
    if len(text) <= PIECE_CHARS:
        return nlp(text)
    from spacy.tokens import Doc

    # Every piece but the last ends in whitespace, so joining them adds nothing: offsets hold.
    return Doc.from_docs(list(nlp.pipe(_pieces(text))), ensure_whitespace=False)


def _pieces(text: str) -> Iterator[str]:
    start = 0
    while len(text) - start > PIECE_CHARS:
        limit = start + PIECE_CHARS
        cut = next((i + len(sep) for sep in ("\n\n", "\n", " ") if (i := text.rfind(sep, start, limit)) > start),
                   limit)
        yield text[start:cut]
        start = cut
    yield text[start:]


def document_triples(document: Document, parsed=None) -> list[tuple]:
    """The named-graph triples of one document (parsing it unless ``parsed`` is given).

    Whatever goes wrong with one document is an InputError naming it, so a batch can skip it and
    carry on with the others.
    """
    from .extract import extract_parsed
    from .rdfbuild import build_triples

    try:
        return build_triples(extract_parsed(document, parsed if parsed is not None else parse(document.text)))
    except TreatyKGError:
        raise
    except Exception as exc:  # a document the extractor cannot handle is skipped, not fatal
        reason = shown(f"{type(exc).__name__}: {exc}")[:200]
        raise InputError(f"{shown(document.path or document.name)}: skipped, extraction failed ({reason})") from exc


def input_sources(paths: Iterable[str | os.PathLike], report: IngestReport) -> list[Source]:
    """The document files under ``paths`` that can be told apart.

    A file is identified by its sidecar's ``id`` or ``url``, else its path relative to the folder
    given; files that share an identifier are all refused, by name. Dumps and feeds hold records
    identified one by one as they are read (see ``_read_all``).
    """
    groups: dict[str, list[tuple[Source, str]]] = {}
    for source in find_sources(paths, report.errors):
        if source.path.suffix.lower() in RECORD_SUFFIXES:
            groups[f"file:{source.path}"] = [(source, source.name)]
            continue
        try:
            ident = document_id(read_sidecar(source.path), source.name)
        except InputError as exc:
            report.errors.append(str(exc))
            continue
        groups.setdefault(document_iri(ident), []).append((source, ident))
    for group in groups.values():
        for source, ident in group if len(group) > 1 else ():
            others = ", ".join(shown(o.path) for o, _ in group if o is not source)
            report.errors.append(f"{shown(source.path)}: identified as {ident!r}, like {others}; "
                                 "give each an 'id' in its sidecar")
    return [g[0][0] for g in groups.values() if len(g) == 1]


def _read_all(sources: Iterable[Source], published: date | None, report: IngestReport) -> Iterator[Document]:
    """The documents of ``sources``; a record whose identifier an earlier document of this ingest
    already has is refused, naming both (records are identified only as a dump is read)."""
    first: dict[str, str] = {}
    for source in sources:
        try:
            for doc in read_documents(source.path, published, report.errors.append, source.name):
                where = doc.path or doc.name
                if first.setdefault(doc.iri, where) != where:
                    report.errors.append(f"{shown(where)}: identified as {doc.name!r}, like "
                                         f"{shown(first[doc.iri])} read before it; give each its own 'id'")
                    continue
                yield doc
        except InputError as exc:
            report.errors.append(str(exc))


def _as_text(triples: list[tuple]) -> list[tuple[str, str, str]]:
    # N-Triples term strings cross process boundaries cheaply and are what the store writes.
    return [(str(s), str(p), str(o)) for s, p, o in triples]


def _worker_init() -> None:
    from .nlp import load_nlp

    load_nlp()


def _worker_batch(docs: list[Document]) -> tuple[list[tuple[str, list[tuple[str, str, str]]]], list[str]]:
    """Triples of a batch of documents: (document IRI, triples) for each one read, and one error line
    for each one skipped."""
    from .nlp import load_nlp, mask_irrelevant

    nlp = load_nlp()
    short = [d for d in docs if len(d.text) <= PIECE_CHARS]
    try:
        parsed = dict(zip(map(id, short), nlp.pipe([mask_irrelevant(d.text) for d in short]), strict=True))
    except Exception:  # one document broke the batch parse: each is parsed alone below
        parsed = {}
    results, errors = [], []
    for d in docs:
        try:
            results.append((d.iri, _as_text(document_triples(d, parsed.get(id(d))))))
        except InputError as exc:
            errors.append(str(exc))
    return results, errors


def _zoned_batch(docs: list[Document]) -> tuple[list[tuple[str, list[tuple[str, str, str]]]], list[str]]:
    """``_worker_batch`` inside a spaCy memory zone.

    spaCy keeps every string and lexeme it has ever seen; in an archive new names never stop coming,
    so without the zone a long ingest grows by about half a megabyte per document (measured). The
    batch's results are plain strings, so nothing made in the zone outlives it.
    """
    from .nlp import load_nlp

    with load_nlp().memory_zone():
        return _worker_batch(docs)


def _batches(docs: Iterator[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for d in docs:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def ingest(paths: Iterable[str | os.PathLike], store: Store, published: date | None = None, workers: int = 1,
           progress: bool | None = None, batch_size: int = BATCH_DOCS,
           on_document: Callable[[str], None] | None = None) -> IngestReport:
    """Read, extract and store documents; each document's graph replaces any earlier version.

    Documents are streamed and written in batches, each batch in one transaction, so memory stays
    bounded and an interrupted ingest leaves every document either fully in or as it was.
    Unreadable documents are reported in ``IngestReport.errors`` and skipped.
    """
    report = IngestReport()
    sources = input_sources(paths, report)
    return ingest_documents(_read_all(sources, published, report), store, workers=workers, progress=progress,
                            batch_size=batch_size, on_document=on_document, total=len(sources), report=report)


def ingest_documents(docs: Iterable[Document], store: Store, workers: int = 1, progress: bool | None = None,
                     batch_size: int = BATCH_DOCS, on_document: Callable[[str], None] | None = None,
                     total: int | None = None, report: IngestReport | None = None) -> IngestReport:
    """Extract and store documents already read (``ingest`` without the files)."""
    report = report if report is not None else IngestReport()
    show = sys.stderr.isatty() if progress is None else progress
    bar = _progress(total or 0, show)
    try:
        if workers > 1:
            ctx = mp.get_context("fork" if sys.platform != "win32" else "spawn")
            with ctx.Pool(workers, initializer=_worker_init) as pool:
                # Small chunks keep both workers busy; the parent only writes.
                for batch in pool.imap(_zoned_batch, _batches(iter(docs), max(1, batch_size // (2 * workers)))):
                    _write(store, batch, report, bar, on_document)
        else:
            for batch in _batches(iter(docs), batch_size):
                _write(store, _zoned_batch(batch), report, bar, on_document)
    finally:
        bar.close()
    return report


def _write(store: Store, batch, report: IngestReport, bar, on_document) -> None:
    results, errors = batch
    report.errors.extend(errors)
    store.replace_documents(dict(results))
    for iri, triples in results:
        report.documents.append(iri)
        report.triples += len(triples)
        if on_document:
            on_document(iri)
    bar.update(len(results) + len(errors))


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, show: bool):
    if not show or total < 2:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", desc="ingest", file=sys.stderr)


def remove(store: Store, document: str) -> str:
    """Remove a document's graph, by its identifier (sidecar ``id`` or ``url``, or its path relative to
    the folder it was ingested from) or its IRI; returns the IRI removed."""
    # The argument itself is tried as an IRI only when it is one: anything else is an identifier, which
    # document_iri() turns into an IRI, so no argument reaches a store's SPARQL as it was typed.
    named = document.startswith(("http://", "https://")) and is_iri(document)
    candidates = [document] if named and document.startswith(DOC) else [document_iri(document)]
    if named and document not in candidates:
        candidates.append(document)  # a document IRI minted elsewhere
    for iri in candidates:
        if store.remove_document(iri):
            return iri
    raise TreatyKGError(f"no document {document!r} in the store (name it by its sidecar id or url, "
                        "its path relative to the folder ingested, or its IRI)")
