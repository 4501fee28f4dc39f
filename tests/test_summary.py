import pyoxigraph as ox

from graph.store import OxigraphStore
from graph.summary import stats

T = "https://w3id.org/treatykg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _fact(n: int, s: str, p: str, o: ox.NamedNode | ox.Literal) -> list[tuple]:
    a = ox.NamedNode(f"https://w3id.org/treatykg/id/assertion/{n}")
    subj, pred = ox.NamedNode(s), ox.NamedNode(T + p)
    return [(subj, pred, o), (a, ox.NamedNode(RDF + "type"), ox.NamedNode(T + "Assertion")),
            (a, ox.NamedNode(RDF + "subject"), subj), (a, ox.NamedNode(RDF + "predicate"), pred),
            (a, ox.NamedNode(RDF + "object"), o)]


def test_stats_lists_every_relation_held():
    state, treaty = "https://w3id.org/treatykg/id/state/ostria", ox.NamedNode("https://w3id.org/treatykg/id/treaty/t")
    triples = (_fact(1, state, "withdrewFrom", treaty) + _fact(2, state, "acceded", treaty)
               + _fact(3, treaty.value, "ratificationDate", ox.Literal("2001", datatype=ox.NamedNode(
                   "http://www.w3.org/2001/XMLSchema#gYear")))
               + _fact(4, state, "signed", treaty) + _fact(5, state, "newRelation", treaty))
    store = OxigraphStore(None)
    store.replace_documents({"https://w3id.org/treatykg/doc/a": triples})
    assert list(stats(store).facts.items()) == [("signed", 1), ("acceded", 1), ("withdrewFrom", 1),
                                                ("ratificationDate", 1), ("newRelation", 1)]
    assert "withdrewFrom 1" in stats(store).lines()[2]
