"""Extraction: a document in, its entities, events, facts and clauses out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .documents import Document
from .mentions import Mention, find_mentions
from .relations import RelationResult, extract_relations
from .resolve import Resolution, resolve


@dataclass
class Extraction:
    """Everything read from one document, ready to become its named graph."""

    document: Document
    mentions: list[Mention]
    resolution: Resolution
    relations: RelationResult


def extract_parsed(document: Document, doc) -> Extraction:
    """Extract from a document already parsed by spaCy."""
    mentions = find_mentions(document.text, doc)
    res = resolve(mentions)
    rel = extract_relations(doc, mentions, res, document.published)
    return Extraction(document, mentions, res, rel)


def extract(document: Document, nlp=None) -> Extraction:
    """Parse and extract one document."""
    from .nlp import load_nlp

    nlp = nlp or load_nlp()
    return extract_parsed(document, nlp(document.text))


def extract_many(documents: Iterable[Document], nlp=None, batch_size: int = 16) -> Iterator[Extraction]:
    """Extract a stream of documents, parsing them in batches."""
    from .nlp import load_nlp

    nlp = nlp or load_nlp()
    docs = iter(documents)
    pending: list[Document] = []

    def flush() -> Iterator[Extraction]:
        for d, parsed in zip(pending, nlp.pipe([d.text for d in pending], batch_size=batch_size)):
            yield extract_parsed(d, parsed)
        pending.clear()

    for d in docs:
        pending.append(d)
        if len(pending) >= batch_size:
            yield from flush()
    yield from flush()
