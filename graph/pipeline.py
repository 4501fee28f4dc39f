"""Ingest: documents → extraction → RDF → store, streaming, in batches, with optional workers."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .documents import Document, find_documents, read_documents
from .errors import InputError, TreatyKGError
from .store import Store

BATCH_DOCS = 32


@dataclass
class IngestReport:
    """What an ingest did: documents written, and the ones refused with why."""

    documents: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    triples: int = 0


def document_triples(document: Document, parsed=None) -> list[tuple]:
    """The named-graph triples of one document (parsing it unless ``parsed`` is given)."""
    from .extract import extract, extract_parsed
    from .rdfbuild import build_triples

    ex = extract_parsed(document, parsed) if parsed is not None else extract(document)
    return build_triples(ex)


def _read_all(paths: Iterable[Path], published: date | None, report: IngestReport) -> Iterator[Document]:
    for path in paths:
        try:
            yield from read_documents(path, published, report.errors.append)
        except InputError as exc:
            report.errors.append(str(exc))


def _as_text(triples: list[tuple]) -> list[tuple[str, str, str]]:
    # N-Triples term strings cross process boundaries cheaply and are what the store writes.
    return [(str(s), str(p), str(o)) for s, p, o in triples]


def _worker_init() -> None:
    from .nlp import load_nlp

    load_nlp()


def _worker_batch(docs: list[Document]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    from .nlp import load_nlp, mask_irrelevant

    nlp = load_nlp()
    out = []
    for d, parsed in zip(docs, nlp.pipe([mask_irrelevant(d.text) for d in docs]), strict=False):
        out.append((d.iri, _as_text(document_triples(d, parsed))))
    return out


def _zoned_batch(docs: list[Document]) -> list[tuple[str, list[tuple[str, str, str]]]]:
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
    files = find_documents(paths)
    docs = _read_all(files, published, report)
    return ingest_documents(docs, store, workers=workers, progress=progress, batch_size=batch_size,
                            on_document=on_document, total=len(files), report=report)


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
                for results in pool.imap(_zoned_batch, _batches(iter(docs), max(1, batch_size // (2 * workers)))):
                    _write(store, results, report, bar, on_document)
        else:
            for batch in _batches(iter(docs), batch_size):
                _write(store, _zoned_batch(batch), report, bar, on_document)
    finally:
        bar.close()
    return report


def _write(store: Store, results, report: IngestReport, bar, on_document) -> None:
    store.replace_documents(dict(results))
    for iri, triples in results:
        report.documents.append(iri)
        report.triples += len(triples)
        if on_document:
            on_document(iri)
    bar.update(len(results))


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
    """Remove a document's graph, by file name or IRI; returns the IRI removed."""
    from .namespaces import document_iri

    iri = document if document.startswith(("http://", "https://")) else document_iri(Path(document).name)
    if not store.remove_document(iri):
        raise TreatyKGError(f"no document {document!r} in the store")
    return iri
