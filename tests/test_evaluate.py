import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import InputError
from graph.evaluate import GoldStandard, evaluate_files, name_key

EVAL = Path(__file__).parent / "data" / "eval"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"
needs_shared = pytest.mark.skipif(not (SHARED / "score.py").exists(), reason="../shared/eval is not here")


def counts(result: dict) -> dict:
    """The comparable part of a result: counts, misses, splits and sorted errors."""
    ents, rels = result["entities"], result["relations"]
    return {
        "entities": {k: (v["tp"], v["fp"], v["fn"]) for k, v in ents["by_type"].items()},
        "entity_errors": (ents["missed"], {k: sorted(v) for k, v in ents["false_positives"].items()},
                          ents["split_entities"]),
        "relations": {k: (v["tp"], v["fp"], v["fn"], sorted(map(list, v["false_positives"])))
                      for k, v in rels["by_relation"].items()},
        "missed": {k: sorted(map(list, v)) for k, v in rels["missed"].items()},
        "micro": (ents["micro"], rels["micro"]),
    }


def reference(gold: Path, *graphs: Path) -> dict:
    out = subprocess.run([sys.executable, str(SHARED / "score.py"), *map(str, graphs), "--gold", str(gold),
                          "--json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def ours(gold: Path, *graphs: Path) -> dict:
    return json.loads(json.dumps(evaluate_files(gold, graphs).as_dict()))


@pytest.mark.parametrize("raw, key", [("The  Republic of Ostria", "republic of ostria"),
                                      ("Danel\u2013River (Accord)", "danel river accord"),
                                      ("Ilse-Marr's", "ilse marrs"), ("theatre", "theatre")])
def test_name_key(raw, key):
    assert name_key(raw) == key


def test_invented_gold_by_hand():
    r = evaluate_files(EVAL / "gold.json", [EVAL / "graph.ttl"])
    got = {k: (v.tp, v.fp, v.fn) for k, v in r.entities.items()}
    # An Organization named like a gold State is wrong; an optional Place is free, an unknown one wrong.
    assert got == {"Person": (2, 0, 0), "State": (2, 0, 0), "Organization": (0, 1, 1), "Place": (0, 1, 0),
                   "Treaty": (1, 0, 0), "Article": (1, 0, 0)}
    assert r.split_entities == {"ostria": 2}  # two State nodes for one state (one typed by a subclass)
    rel = {k: (v.tp, v.fp, v.fn) for k, v in r.relations.items()}
    assert rel["signed"] == (1, 0, 1)         # two Ostria nodes, one gold fact: counted once
    assert rel["metWith"] == (1, 0, 0)        # symmetric: either direction
    assert rel["visited"] == (0, 1, 0)        # the optional visit is free, the invented one is wrong
    assert rel["signatureDate"] == (0, 0, 1)  # a year for a full date is neither right nor wrong
    assert rel["entryIntoForceDate"] == (1, 1, 0)
    assert rel["ratified"] == (0, 1, 0) and rel["partyTo"] == (0, 1, 1) and rel["hasArticle"] == (1, 0, 0)
    assert r.wrong_facts["visited"] == [("Ilse Marr", "visited", "Lake Orm")]
    text = "\n".join(r.lines(show_errors=True))
    assert "missed Organization: council" in text and "split over several nodes: ostria (2)" in text


@needs_shared
def test_agrees_with_the_shared_scorer_on_invented_gold():
    assert counts(ours(EVAL / "gold.json", EVAL / "graph.ttl")) == counts(
        reference(EVAL / "gold.json", EVAL / "graph.ttl"))


@needs_shared
def test_agrees_with_the_shared_scorer_on_the_seeds(tmp_path, seeds_dir):
    store, out = tmp_path / "store", tmp_path / "out"
    assert CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(out), "--store", str(store)]).exit_code == 0
    gold = SHARED / "seeds.gold.json"
    ontology = Path(__file__).parents[1] / "ontology" / "treaty.ttl"
    mine = ours(gold, out / "graph.trig", ontology)
    assert mine["relations"]["micro"]["tp"] > 0
    assert counts(mine) == counts(reference(gold, out / "graph.trig", ontology))
    from_store = CliRunner().invoke(cli, ["evaluate", str(gold), "--store", str(store), "--json"])
    assert counts(json.loads(from_store.output))["entities"] == counts(mine)["entities"]


def test_cli_evaluate(tmp_path):
    r = CliRunner().invoke(cli, ["evaluate", str(EVAL / "gold.json"), str(EVAL / "graph.ttl")])
    assert r.exit_code == 0
    assert r.output.splitlines()[-1].startswith("entity F1 ")
    assert "missed" not in r.output
    shown = CliRunner().invoke(cli, ["evaluate", str(EVAL / "gold.json"), str(EVAL / "graph.ttl"), "--show-errors"])
    assert "wrong visited: Ilse Marr -> Lake Orm" in shown.output
    data = json.loads(CliRunner().invoke(cli, ["evaluate", str(EVAL / "gold.json"), str(EVAL / "graph.ttl"),
                                               "--json"]).output)
    assert data["relations"]["by_relation"]["metWith"]["f1"] == 1.0


@pytest.mark.parametrize("content, message", [("{", "not valid JSON"), ("[]", "expected an object"),
                                              ('{"entities": [{"id": "x"}], "facts": []}', "lacks")])
def test_bad_gold_is_one_line(tmp_path, content, message):
    gold = tmp_path / "g.json"
    gold.write_text(content)
    with pytest.raises(InputError, match=message):
        GoldStandard.load(gold)
    r = CliRunner().invoke(cli, ["evaluate", str(gold), str(EVAL / "graph.ttl")])
    assert r.exit_code == 1 and message in r.output and "Traceback" not in r.output


def test_bad_graph_files(tmp_path):
    bad = tmp_path / "g.ttl"
    bad.write_text("<a> <b> .")
    for path, message in ((bad, "not valid RDF"), (tmp_path / "g.xyz", "cannot tell the RDF format"),
                          (tmp_path / "missing.ttl", "cannot read")):
        r = CliRunner().invoke(cli, ["evaluate", str(EVAL / "gold.json"), str(path)])
        assert r.exit_code == 1 and message in r.output, r.output
