"""Extraction: a document in, its entities, events, facts and clauses out."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..documents import Document
from .mentions import Mention, find_mentions
from .noise import blank_noise, bylines, stamp_date
from .relations import RelationResult, extract_relations
from .resolve import Resolution, resolve


@dataclass
class Extraction:
    """Everything read from one document, ready to become its named graph."""

    document: Document
    mentions: list[Mention]
    resolution: Resolution
    relations: RelationResult
    authors: list[tuple[int, int, str]] = dataclasses.field(default_factory=list)  # from the byline


def extract_parsed(document: Document, doc) -> Extraction:
    """Extract from a document already parsed by spaCy.

    A page without a publication date of its own takes the one its date stamp or dateline gives.
    """
    if document.published is None and (stamped := stamp_date(document.text)):
        document = dataclasses.replace(document, published=stamped)
    text = blank_noise(document.text)
    mentions = find_mentions(text, doc)
    res = resolve(mentions, text, scope=document.iri)
    rel = extract_relations(doc, mentions, res, document.published)
    return Extraction(document, mentions, res, rel, bylines(document.text))


def extract(document: Document, nlp=None) -> Extraction:
    """Parse and extract one document."""
    from ..nlp import load_nlp, mask_irrelevant

    nlp = nlp or load_nlp()
    return extract_parsed(document, nlp(mask_irrelevant(document.text)))
