"""Extraction: a document in, its entities, events, facts and clauses out."""

from __future__ import annotations

from dataclasses import dataclass

from ..documents import Document
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
    res = resolve(mentions, document.text)
    rel = extract_relations(doc, mentions, res, document.published)
    return Extraction(document, mentions, res, rel)


def extract(document: Document, nlp=None) -> Extraction:
    """Parse and extract one document."""
    from ..nlp import load_nlp, mask_irrelevant

    nlp = nlp or load_nlp()
    return extract_parsed(document, nlp(mask_irrelevant(document.text)))
