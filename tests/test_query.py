import json

import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.query import bind_params, catalogue, format_result, load_query, run_query
from graph.store import OxigraphStore

G = "https://w3id.org/treatykg/doc/x"
T = ox.NamedNode("https://w3id.org/treatykg/id/treaty/t")


@pytest.fixture
def store():
    s = OxigraphStore(None)
    s.replace_documents({G: [
        (T, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
         ox.NamedNode("https://w3id.org/treatykg/ontology#Treaty")),
        (T, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal("Test, \"quoted\" Treaty")),
    ]})
    return s


def test_catalogue_has_descriptions():
    cat = catalogue()
    assert {"signatures", "timeline", "invocations", "articles", "neighbourhood", "claims"} <= set(cat)
    assert all(q.description for q in cat.values())


def test_every_named_query_parses(store):
    for q in catalogue().values():
        run_query(store, bind_params(q.text, {k: "x" for k in q.params}))


def test_formats(store):
    r = run_query(store, "SELECT ?l WHERE { ?t skos:prefLabel ?l }")
    assert format_result(r, "csv") == 'l\n"Test, ""quoted"" Treaty"'
    assert format_result(r, "tsv").splitlines()[1] == 'Test, "quoted" Treaty'
    assert json.loads(format_result(r, "json"))["results"]["bindings"][0]["l"]["value"].startswith("Test")
    assert "(1 row)" in format_result(r, "table")
    assert format_result(run_query(store, "ASK { ?t a tkg:Treaty }")) == "true"
    construct = format_result(run_query(store, "CONSTRUCT WHERE { ?t a tkg:Treaty }"))
    assert "Treaty" in construct


def test_bind_params_quotes_values(store):
    q = bind_params("SELECT ?t WHERE { ?t skos:prefLabel ?l . FILTER(CONTAINS(?l, ?name)) }",
                    {"name": 'quoted"'})
    assert len(run_query(store, q).rows) == 1
    with pytest.raises(QueryError):
        bind_params("SELECT * {}", {"bad name": "x"})


def test_load_query_needs_exactly_one_source(tmp_path):
    with pytest.raises(QueryError):
        load_query()
    with pytest.raises(QueryError):
        load_query("SELECT * {}", name="signatures")
    with pytest.raises(QueryError, match="cannot read"):
        load_query(file=tmp_path / "missing.rq")
