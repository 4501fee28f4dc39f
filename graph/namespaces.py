"""Vocabularies and deterministic IRI minting.

IRIs are a pure function of an entity's class and canonical key, so the same
entity read by two workers (or twice by one) gets the same node.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pyoxigraph as ox
from anyascii import anyascii

BASE = "https://w3id.org/treatykg/"
TKG = BASE + "ontology#"
ID = BASE + "id/"
DOC = BASE + "doc/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
DCTERMS = "http://purl.org/dc/terms/"
ELI = "http://data.europa.eu/eli/ontology#"

ENTITY_CLASSES = ("Person", "State", "Organization", "Place", "Treaty", "Article")

# The prefixes written in Turtle, TriG, JSON-LD and query output, and shown in tables. Entities get one
# prefix per class (state:chile, treaty:punta-arenas-treaty) rather than one for all of id/: Turtle allows
# "/" in a prefixed name only escaped (id:state\/chile), which reads badly and which not every tool
# writes back. Articles (id/article/<treaty>/art_4) have no prefix and are written as whole IRIs, as is
# any IRI whose rest after a namespace is not a plain local name (see compact_iri).
PREFIXES = {
    "tkg": TKG,
    **{cls.lower(): f"{ID}{cls.lower()}/" for cls in ENTITY_CLASSES if cls != "Article"},
    "assertion": ID + "assertion/",
    "event": ID + "event/",
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "nif": NIF,
    "dcterms": DCTERMS,
    "eli": ELI,
}

# Queries also know id: (as they always have), for IRIs of any kind written id:state\/chile.
SPARQL_PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in {**PREFIXES, "id": ID}.items())

# A local name that needs no escape in Turtle, SPARQL or a JSON-LD compact IRI, and starts with a letter
# or digit (as the project's slugs and hashes do).
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
# Longest namespace first, so that a namespace inside another would still get its own prefix.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact_iri(iri: str) -> str | None:
    """``iri`` as a prefixed name of PREFIXES (``state:chile``), or None when no prefix gives a plain local
    name: the IRI is then written whole, as pyoxigraph's Turtle writer does for it."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and _PLAIN_LOCAL.fullmatch(iri[len(ns):]):
            return f"{prefix}:{iri[len(ns):]}"
    return None

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"',
                         "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-"})


def fold(text: str) -> str:
    """Fold typographic quotes and dashes to ASCII and collapse whitespace."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def _ascii_slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", anyascii(text).lower()).strip("-")


def _digest(text: str, size: int) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:size]


def _outside_latin(text: str) -> bool:
    # Latin letters with diacritics transliterate faithfully (Łódź, Ørsted, Straße); other scripts
    # do not (homophones in Chinese, unwritten vowels in Arabic), so their ASCII form is ambiguous.
    return any(c.isalpha() and not unicodedata.name(c, "").startswith("LATIN") for c in text)


def slug(text: str) -> str:
    """Lower-case ASCII slug of a name: the stable part of an IRI.

    Names are transliterated (anyascii), so every script keeps a readable slug. Where the ASCII form
    alone could stand for several names (empty, from a script other than Latin, or cut for length) a
    hash of the name, ignoring case and punctuation, keeps distinct names apart.
    """
    name = fold(text)
    ascii_slug = _ascii_slug(name)
    if ascii_slug and not _outside_latin(name):
        if len(ascii_slug) > 80:  # keep IRIs readable; the hash keeps long names distinct
            return ascii_slug[:64].rstrip("-") + "-" + _digest(ascii_slug, 8)
        return ascii_slug
    key = re.sub(r"[\W_]+", "-", name.casefold()).strip("-") or name
    head = ascii_slug[:64].rstrip("-")
    return (head + "-" if head else "x") + _digest(key, 10)


def entity_iri(cls: str, key: str) -> str:
    """IRI of an entity of class ``cls`` (one of ENTITY_CLASSES) with canonical key ``key``."""
    return f"{ID}{cls.lower()}/{slug(key)}"


def scoped_entity_iri(cls: str, key: str, scope: str) -> str:
    """IRI of an entity known only within one document (``scope``, its IRI): "the peace agreement" of one
    report is not the peace agreement of another."""
    return f"{entity_iri(cls, key)}--{scope.rstrip('/').rsplit('/', 1)[-1]}"


def article_iri(treaty_iri: str | None, number: str, paragraph: str | None = None, part: str = "art") -> str:
    """IRI of an article of a treaty (Akoma Ntoso style fragment ids: art_4, art_4__para_2, and para_36
    for an agreement numbered by paragraph)."""
    owner = treaty_iri.rsplit("/", 1)[-1] if treaty_iri else "unknown-treaty"
    frag = f"{part}_{slug(number)}"
    if paragraph:
        frag += f"__para_{slug(paragraph)}"
    return f"{ID}article/{owner}/{frag}"


def document_iri(identifier: str) -> str:
    """IRI of a source document (it also names the document's graph), from its identifier: the
    sidecar's ``id`` or ``url``, else its path relative to the folder it was found in.

    A readable part is followed by a hash of the exact identifier, so identifiers that read alike
    (``a b.txt`` and ``A_B.txt``, names in other scripts) stay distinct documents.
    """
    readable = _ascii_slug(fold(identifier))[:60].rstrip("-") or "doc"
    return f"{DOC}{readable}-{_digest(identifier, 12)}"


def is_iri(text: str) -> bool:
    """True when ``text`` is an absolute IRI (RFC 3987, as pyoxigraph checks it)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def hashed_iri(kind: str, *parts: str) -> str:
    """IRI of a derived node (assertion, event, sentence) from the parts that define it."""
    digest = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:16]
    return f"{ID}{kind}/{digest}"
