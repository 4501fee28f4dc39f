"""RDF build: an Extraction becomes the triples of its document's named graph.

Terms are pyoxigraph terms, written straight to the store; rdflib is only needed by the
steps that want it (SHACL, JSON-LD, GraphML).
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from .documents import literal_text
from .extract import Extraction
from .extract.mentions import clean_display, normalize_key, person_display
from .extract.relations import Sentence
from .extract.resolve import Entity
from .namespaces import DCTERMS, ELI, NIF, PROV, RDF, RDFS, SKOS, TKG, XSD, entity_iri, hashed_iri

A = NamedNode(RDF + "type")
PREF = NamedNode(SKOS + "prefLabel")
ALT = NamedNode(SKOS + "altLabel")
_xsd_string = NamedNode(XSD + "string")


def tkg(local: str) -> NamedNode:
    return NamedNode(TKG + local)


def date_literal(value: str) -> Literal:
    """xsd:date, xsd:gYearMonth or xsd:gYear by the precision of an ISO string."""
    kind = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(value)]
    return Literal(value, datatype=NamedNode(XSD + kind))


DATE_RELATIONS = {"signatureDate", "entryIntoForceDate", "ratificationDate"}


def build_triples(ex: Extraction) -> list[tuple]:
    """All triples of the document graph, without duplicates, in a stable order."""
    d = ex.document
    doc = NamedNode(d.iri)
    triples: set[tuple] = set()
    add = triples.add

    add((doc, A, tkg("Document")))
    # The text of the user's file, so offsets and the hash can be checked against it.
    add((doc, NamedNode(NIF + "isString"), Literal(literal_text(d.original))))
    add((doc, tkg("sha256"), Literal(d.sha256)))
    add((doc, NamedNode(RDFS + "label"), Literal(d.title or literal_text(d.name))))
    if d.title:
        add((doc, NamedNode(DCTERMS + "title"), Literal(d.title)))
    if d.source:
        add((doc, NamedNode(DCTERMS + "source"), Literal(str(d.source))))
    # The identifier as given (the IRI is minted from it), its controls as spaces.
    add((doc, NamedNode(DCTERMS + "identifier"), Literal(literal_text(d.name))))
    if d.url:
        add((doc, NamedNode(NIF + "sourceUrl"), Literal(str(d.url))))
    if d.published:
        add((doc, tkg("publishedDate"), date_literal(d.published.isoformat())))

    def sentence(s: Sentence) -> NamedNode:
        node = NamedNode(f"{d.iri}#char={s.start},{s.end}")
        add((node, A, tkg("Sentence")))
        add((node, NamedNode(NIF + "anchorOf"), Literal(literal_text(d.original[s.start:s.end]))))
        add((node, NamedNode(NIF + "beginIndex"), Literal(str(s.start), datatype=NamedNode(XSD + "integer"))))
        add((node, NamedNode(NIF + "endIndex"), Literal(str(s.end), datatype=NamedNode(XSD + "integer"))))
        add((node, NamedNode(NIF + "referenceContext"), doc))
        return node

    def assertion(s: NamedNode, p: NamedNode, o, sent: Sentence, rule: str) -> None:
        add((s, p, o))
        node = NamedNode(hashed_iri("assertion", d.iri, str(s), str(p), str(o)))
        add((node, A, tkg("Assertion")))
        add((node, NamedNode(RDF + "subject"), s))
        add((node, NamedNode(RDF + "predicate"), p))
        add((node, NamedNode(RDF + "object"), o))
        add((node, NamedNode(PROV + "wasDerivedFrom"), sentence(sent)))
        add((node, tkg("rule"), Literal(rule)))

    entities: dict[str, Entity] = {}
    for e in ex.resolution.entities:
        if e.mentions or any(True for _ in ()):
            entities[e.iri] = e

    def entity(e: Entity) -> NamedNode:
        node = NamedNode(e.iri)
        if e.iri not in emitted:
            emitted.add(e.iri)
            add((node, A, tkg(e.cls)))
            add((node, PREF, Literal(e.display)))
            for label in sorted(e.labels - {e.display}):
                if label and label.lower() not in {"the treaty", "the document", "this article"}:
                    add((node, ALT, Literal(label)))
            add((node, tkg("mentionedIn"), doc))
            if e.cls == "Article":
                add((node, tkg("number"), Literal(e.number or "")))
                if e.part_of is not None:
                    add((node, A, tkg("Paragraph")))
                    add((node, NamedNode(ELI + "is_part_of"), entity(e.part_of)))
                if e.treaty is not None:
                    t = entity(e.treaty)
                    first = min(e.mentions, key=lambda m: m.start)
                    sent = _enclosing(ex, first.start, first.end)
                    assertion(t, tkg("hasArticle"), node, sent, "article-of-treaty")
                    add((node, tkg("articleOf"), t))
        return node

    # Who wrote the page and who published it: people and bodies of the graph too ("By Ana Ruiz";
    # the sidecar's source), tied to the document, not to any fact it reports.
    def metadata_entity(cls: str, name: str, prop: str) -> None:
        node = NamedNode(entity_iri(cls, normalize_key(name)))
        add((node, A, tkg(cls)))
        add((node, PREF, Literal(name)))
        add((node, tkg("mentionedIn"), doc))
        add((doc, NamedNode(DCTERMS + prop), node))

    for _, _, name in ex.authors:
        metadata_entity("Person", person_display(name), "creator")
    # The sidecar's source counts as a body only where the page names it ("… | The Harbour Times |").
    outlet = clean_display(str(d.source).split(" (")[0]) if d.source else ""
    if outlet and outlet != outlet.lower() and re.search(rf"(?<!\w){re.escape(outlet)}(?!\w)", d.original):
        metadata_entity("Organization", outlet, "publisher")

    emitted: set[str] = set()
    for e in entities.values():
        if e.cls == "Treaty" and all(m.anaphor and m.source == "treaty-anaphor" for m in e.mentions):
            continue  # only ever called "the treaty": nothing to name it by
        entity(e)

    for f in ex.relations.facts:
        s = entity(f.s)
        if f.p in DATE_RELATIONS:
            assertion(s, tkg(f.p), date_literal(f.value), f.sentence, f.rule)
        elif f.o is not None:
            assertion(s, tkg(f.p), entity(f.o), f.sentence, f.rule)

    for c in ex.relations.clauses:
        art = entity(c.article)
        add((art, tkg("clauseText"), Literal(c.text)))
        add((art, tkg("quotedBy"), doc))
        add((art, NamedNode(PROV + "wasDerivedFrom"), sentence(c.sentence)))

    for ev in ex.relations.events:
        parts = [ev.kind, ev.status, str(ev.sentence.start)] + [a.iri for a in ev.agents] + \
            [ev.treaty.iri if ev.treaty else ""] + [o.iri for o in ev.others]
        node = NamedNode(hashed_iri("event", d.iri, *parts))
        add((node, A, tkg(ev.kind if ev.kind != "Replacement" else "Event")))
        add((node, tkg("status"), tkg(ev.status)))
        add((node, NamedNode(PROV + "wasDerivedFrom"), sentence(ev.sentence)))
        add((node, tkg("rule"), Literal(ev.rule)))
        label = f"{ev.kind} ({ev.status})"
        if ev.treaty is not None:
            add((node, tkg("treaty"), entity(ev.treaty)))
            label = f"{ev.kind} of {ev.treaty.display} ({ev.status})"
        add((node, NamedNode(RDFS + "label"), Literal(label)))
        for a in ev.agents:
            add((node, tkg("agent"), entity(a)))
        for o in ev.others:
            add((node, tkg("place") if ev.kind == "Visit" else tkg("agent"), entity(o)))
        if ev.place is not None:
            add((node, tkg("place"), entity(ev.place)))
        if ev.date:
            add((node, tkg("date"), date_literal(ev.date)))
        if ev.speaker is not None:
            add((node, tkg("speaker"), entity(ev.speaker)))
    return sorted(triples, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))


def _enclosing(ex: Extraction, start: int, end: int) -> Sentence:
    text = ex.document.text
    s = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    e_candidates = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    e = min(e_candidates) + 1 if e_candidates else len(text)
    chunk = text[s:min(e, len(text))].rstrip()
    return Sentence(s, s + len(chunk), chunk)
