"""Summary: what the store holds — documents, entities by class, facts by relation."""

from __future__ import annotations

from dataclasses import dataclass, field

from .store import Store

# The order facts are listed in; any other relation the graph holds follows, by name.
RELATIONS = ("signed", "ratified", "acceded", "partyTo", "withdrewFrom", "suspended", "hasArticle", "invokes",
             "references", "replaces", "affiliatedWith", "metWith", "visited", "signatureDate",
             "ratificationDate", "entryIntoForceDate")


@dataclass
class Stats:
    documents: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    facts: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    quads: int = 0

    def lines(self) -> list[str]:
        out = [f"documents: {self.documents}"]
        out.append("entities:  " + (", ".join(f"{k} {v}" for k, v in self.entities.items()) or "none"))
        out.append("facts:     " + (", ".join(f"{k} {v}" for k, v in self.facts.items()) or "none"))
        if self.events:
            out.append("events:    " + ", ".join(f"{k} {v}" for k, v in self.events.items()))
        return out


def _counts(store: Store, sparql: str) -> dict[str, int]:
    out = {}
    for sol in store.query(sparql):
        out[sol["k"].value.rsplit("#", 1)[-1]] = int(sol["n"].value)
    return out


def stats(store: Store) -> Stats:
    """Counts over the union of all documents (each distinct entity or triple once)."""
    s = Stats()
    s.documents = len(store.documents())
    entities = _counts(store, """
        SELECT ?k (COUNT(DISTINCT ?x) AS ?n) WHERE {
          ?x a ?k . VALUES ?k { tkg:Person tkg:State tkg:Organization tkg:Place tkg:Treaty tkg:Article }
        } GROUP BY ?k""")
    s.entities = {k: entities[k] for k in ("Person", "State", "Organization", "Place", "Treaty", "Article")
                  if k in entities}
    # A fact is whatever an assertion stands for, so a relation added to extraction is counted unlisted.
    facts = _counts(store, """
        SELECT ?k (COUNT(*) AS ?n) WHERE {
          { SELECT DISTINCT ?s ?k ?o WHERE { ?a a tkg:Assertion ; rdf:subject ?s ; rdf:predicate ?k ; rdf:object ?o } }
        } GROUP BY ?k""")
    rank = {r: i for i, r in enumerate(RELATIONS)}
    s.facts = dict(sorted(facts.items(), key=lambda kv: (rank.get(kv[0], len(rank)), kv[0])))
    s.events = dict(sorted(_counts(store, """
        SELECT ?k (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e tkg:status ?st ; a ?k . FILTER(?k != tkg:Event) }
        GROUP BY ?k""").items()))
    return s
