"""Cross-source checks: conflicting dates, impossible orders, and facts one source asserts and another denies."""

from __future__ import annotations

from dataclasses import dataclass

from .store import Store


@dataclass
class Evidence:
    document: str
    sentence: str
    value: str = ""


@dataclass
class Finding:
    """One contradiction, with the sentences of both sides."""

    kind: str
    subject: str
    detail: str
    first: Evidence
    second: Evidence

    def lines(self) -> list[str]:
        return [f"{self.kind}: {self.subject}: {self.detail}",
                f"  [{self.first.document}] {self.first.sentence}",
                f"  [{self.second.document}] {self.second.sentence}"]


_DATED = """
SELECT ?t ?label ?p ?value ?doc ?sentence WHERE {
  ?a rdf:subject ?t ; rdf:predicate ?p ; rdf:object ?value ; prov:wasDerivedFrom ?s .
  VALUES ?p { tkg:signatureDate tkg:entryIntoForceDate tkg:ratificationDate }
  ?t skos:prefLabel ?label .
  ?s nif:anchorOf ?sentence ; nif:referenceContext ?d .
  ?d dcterms:identifier ?doc .
}"""

_DENIALS = """
SELECT ?kind ?agent ?agentLabel ?t ?treatyLabel ?doc ?sentence WHERE {
  ?e tkg:status tkg:denied ; a ?kind ; tkg:agent ?agent ; tkg:treaty ?t ; prov:wasDerivedFrom ?s .
  ?agent skos:prefLabel ?agentLabel . ?t skos:prefLabel ?treatyLabel .
  ?s nif:anchorOf ?sentence ; nif:referenceContext ?d .
  ?d dcterms:identifier ?doc .
}"""

_ASSERTED = """
SELECT ?kind ?agent ?t ?doc ?sentence WHERE {
  ?e tkg:status tkg:asserted ; a ?kind ; tkg:agent ?agent ; tkg:treaty ?t ; prov:wasDerivedFrom ?s .
  ?s nif:anchorOf ?sentence ; nif:referenceContext ?d .
  ?d dcterms:identifier ?doc .
}"""


def _consistent(a: str, b: str) -> bool:
    """"2024" and "2024-06-19" agree; "2024-06-18" and "2024-06-19" do not."""
    return a.startswith(b) or b.startswith(a)


def _before(a: str, b: str) -> bool:
    """a is surely earlier than b (comparing only the precision both have)."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def check(store: Store) -> list[Finding]:
    """All contradictions and impossible orders found across the store's documents."""
    findings: list[Finding] = []
    dated: dict[str, dict[str, list[tuple[str, Evidence]]]] = {}
    labels: dict[str, str] = {}
    for sol in store.query(_DATED):
        t = sol["t"].value
        labels[t] = sol["label"].value
        p = sol["p"].value.rsplit("#", 1)[-1]
        ev = Evidence(sol["doc"].value, sol["sentence"].value, sol["value"].value)
        dated.setdefault(t, {}).setdefault(p, []).append((sol["value"].value, ev))

    for t, by_p in sorted(dated.items()):
        for p in ("signatureDate", "entryIntoForceDate"):
            values = by_p.get(p, [])
            seen: set[tuple[str, str]] = set()
            for i, (va, ea) in enumerate(values):
                for vb, eb in values[i + 1:]:
                    pair = tuple(sorted((va, vb)))
                    if not _consistent(va, vb) and pair not in seen:
                        seen.add(pair)
                        findings.append(Finding("conflicting dates", labels[t], f"{p} {va} vs {vb}", ea, eb))
        orders = [("ratificationDate", "signatureDate", "ratification before signature"),
                  ("entryIntoForceDate", "signatureDate", "entry into force before signature")]
        for late, early, what in orders:
            for vl, el in by_p.get(late, []):
                for ve, ee in by_p.get(early, []):
                    if _before(vl, ve):
                        findings.append(Finding("impossible order", labels[t], f"{what}: {vl} < {ve}", el, ee))
        eif, rat = by_p.get("entryIntoForceDate", []), by_p.get("ratificationDate", [])
        if eif and rat:
            first_rat = min(rat, key=lambda x: x[0])
            for ve, ee in eif:
                if _before(ve, first_rat[0]):
                    findings.append(Finding("impossible order", labels[t],
                                            f"entry into force before any ratification: {ve} < {first_rat[0]}",
                                            ee, first_rat[1]))

    asserted: dict[tuple[str, str, str], list[Evidence]] = {}
    for sol in store.query(_ASSERTED):
        key = (sol["kind"].value, sol["agent"].value, sol["t"].value)
        asserted.setdefault(key, []).append(Evidence(sol["doc"].value, sol["sentence"].value))
    for sol in store.query(_DENIALS):
        key = (sol["kind"].value, sol["agent"].value, sol["t"].value)
        doc = sol["doc"].value
        for ev in asserted.get(key, []):
            if ev.document != doc:
                kind = sol["kind"].value.rsplit("#", 1)[-1]
                findings.append(Finding("asserted and denied", sol["agentLabel"].value,
                                        f"{kind} of {sol['treatyLabel'].value}", ev,
                                        Evidence(doc, sol["sentence"].value)))
    # The union of document graphs can return one solution per graph: report each finding once.
    unique = {(f.kind, f.subject, f.detail, f.first.document, f.first.sentence, f.second.document,
               f.second.sentence): f for f in findings}
    return list(unique.values())
