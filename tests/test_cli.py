"""The command line, through click's CliRunner and once as a real subprocess."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from graph.cli import cli


@pytest.fixture(scope="module")
def built(tmp_path_factory, seeds_dir):
    """The seeds built once into a store and an output folder shared by the read-only tests."""
    tmp = tmp_path_factory.mktemp("built")
    store, out = tmp / "store", tmp / "out"
    result = CliRunner().invoke(cli, ["build", str(seeds_dir), "--out", str(out), "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store, out, result.output


def invoke(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def test_build_writes_outputs_and_summary(built):
    store, out, output = built
    assert "documents: 2" in output and "Treaty" in output and "partyTo" in output
    for name in ("graph.ttl", "graph.trig", "graph.png"):
        assert (out / name).stat().st_size > 1000
    assert (out / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_exports_parse_with_rdflib_and_pyoxigraph(built):
    _, out, _ = built
    ttl = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    ds = rdflib.Dataset()
    ds.parse(out / "graph.trig", format="trig")
    assert len(ttl) > 200
    assert len(list(ds.graphs())) >= 3
    assert len(list(ox.parse(path=str(out / "graph.ttl"), format=ox.RdfFormat.TURTLE))) == len(ttl)
    assert len(list(ox.parse(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG))) > len(ttl) - 1


def test_validate_store_and_files(built):
    store, out, _ = built
    assert invoke("validate", "--store", store).exit_code == 0
    assert invoke("validate", out / "graph.ttl").exit_code == 0


def test_validate_reports_violations_with_exit_1(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix tkg: <https://w3id.org/treatykg/ontology#> .\n<http://x/p> a tkg:Person .\n")
    result = invoke("validate", bad)
    assert result.exit_code == 1
    assert "prefLabel" in result.output


@pytest.mark.parametrize("content", ["@prefix broken", "<http://a> <http://b> ."])
def test_validate_malformed_turtle_exit_2(tmp_path, content):
    bad = tmp_path / "bad.ttl"
    bad.write_text(content)
    result = invoke("validate", bad)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_query_formats(built):
    store, _, _ = built
    q = "SELECT ?n WHERE { ?x a tkg:State ; skos:prefLabel ?n } ORDER BY ?n"
    table = invoke("query", q, "--store", store)
    assert table.exit_code == 0 and "North Korea" in table.output
    csv = invoke("query", q, "--format", "csv", "--store", store)
    assert csv.output.splitlines()[0] == "n"
    data = json.loads(invoke("query", q, "--format", "json", "--store", store).output)
    assert {"type": "literal", "value": "Russia"} in [b["n"] for b in data["results"]["bindings"]]
    assert invoke("query", "ASK { ?x a tkg:Treaty }", "--store", store).output.strip() == "true"


@pytest.mark.parametrize("timeout", ["0", "30"])  # in this process, and in a worker with a time limit
def test_query_limit_and_offset(built, timeout):
    store, _, _ = built
    every = invoke("query", "--name", "signatures", "--format", "csv", "--timeout", timeout, "--store", store)
    rows = every.output.splitlines()
    assert every.exit_code == 0 and len(rows) >= 4
    part = invoke("query", "--name", "signatures", "--format", "csv", "--limit", 2, "--offset", 1,
                  "--timeout", timeout, "--store", store)
    assert part.exit_code == 0 and part.output.splitlines() == [rows[0], *rows[2:4]]
    # The query's own LIMIT and the requested window: the smaller one wins.
    q = "SELECT ?n WHERE { ?x a tkg:State ; skos:prefLabel ?n } ORDER BY ?n"
    states = invoke("query", q, "--format", "tsv", "--store", store).output.splitlines()[1:]
    own = invoke("query", q + " LIMIT 2", "--format", "tsv", "--limit", 5, "--offset", 1, "--timeout", timeout,
                 "--store", store)
    assert own.output.splitlines()[1:] == states[1:2]
    assert invoke("query", q, "--limit", -1, "--store", store).exit_code == 2


def test_table_is_capped_with_a_note(built):
    store, _, _ = built
    q = "SELECT ?n WHERE { ?x a tkg:State ; skos:prefLabel ?n } ORDER BY ?n"
    cut = invoke("query", q, "--max-rows", 1, "--store", store)
    assert cut.exit_code == 0 and cut.stdout.rstrip().endswith("(1 row, more not shown)")
    assert "--max-rows 0" in cut.stderr and len(cut.stderr.strip().splitlines()) == 1
    whole = invoke("query", q, "--max-rows", 0, "--store", store)
    assert whole.stderr == "" and "more not shown" not in whole.stdout


def test_named_queries_all_run(built):
    store, _, _ = built
    listing = invoke("query", "--list", "--store", store)
    names = [line.split()[0] for line in listing.output.splitlines()]
    assert {"signatures", "timeline", "invocations", "articles", "neighbourhood"} <= set(names)
    for name in names:
        result = invoke("query", "--name", name, "--param", "name=Putin", "--store", store)
        assert result.exit_code == 0, (name, result.output)
    inv = invoke("query", "--name", "invocations", "--format", "csv", "--store", store).output
    assert "Vladimir Putin" in inv and "Article 4" in inv


def test_query_file(built, tmp_path):
    store, _, _ = built
    f = tmp_path / "q.rq"
    f.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert invoke("query", "--file", f, "--store", store).exit_code == 0


@pytest.mark.parametrize("q, message", [
    ("SELECT ?x WHERE {", "syntax"),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "refused"),
    ("", "empty"),
])
def test_bad_queries_one_line_and_store_unchanged(built, q, message):
    store, _, _ = built
    before = invoke("stats", "--store", store).output
    result = invoke("query", q, "--store", store)
    assert result.exit_code == 1
    assert message in result.output.lower()
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert invoke("stats", "--store", store).output == before


def test_unknown_named_query(built):
    store, _, _ = built
    result = invoke("query", "--name", "nope", "--store", store)
    assert result.exit_code == 1 and "no query named" in result.output


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "ntriples", "jsonld", "graphml", "rdfxml"])
def test_export_formats(built, tmp_path, fmt):
    store, _, _ = built
    out = tmp_path / f"g.{fmt}"
    result = invoke("export", "--format", fmt, "-o", out, "--store", store)
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000
    if fmt == "jsonld":
        json.loads(out.read_text())


def test_render_focus_and_unknown_entity(built, tmp_path):
    store, _, _ = built
    ok = invoke("render", "-o", tmp_path / "p.png", "--focus", "Putin", "--depth", "1", "--store", store)
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    bad = invoke("render", "-o", tmp_path / "x.png", "--focus", "Nobody At All", "--store", store)
    assert bad.exit_code == 1 and "Nobody At All" in bad.output and "Traceback" not in bad.output


def test_ingest_bad_inputs_keep_store(tmp_path, sample_doc):
    store = tmp_path / "s"
    assert invoke("ingest", sample_doc, "--store", store).exit_code == 0
    before = invoke("stats", "--store", store).output
    empty, binary, latin = tmp_path / "e.txt", tmp_path / "b.txt", tmp_path / "l.txt"
    empty.write_text("")
    binary.write_bytes(b"\x00\xff\x00")
    latin.write_bytes("na\xefve".encode("latin-1"))
    for bad in (empty, binary, latin, tmp_path / "missing.txt"):
        result = invoke("ingest", bad, "--store", store)
        assert result.exit_code == 1, bad
        assert "Traceback" not in result.output
    assert invoke("stats", "--store", store).output == before


def test_remove_and_reingest(tmp_path, sample_doc):
    store = tmp_path / "s"
    invoke("ingest", sample_doc, "--store", store)
    stats = invoke("stats", "--store", store).output
    assert invoke("ingest", sample_doc, "--store", store).exit_code == 0
    assert invoke("stats", "--store", store).output == stats
    assert invoke("remove", "lisbon.txt", "--store", store).exit_code == 0
    assert "documents: 0" in invoke("stats", "--store", store).output
    missing = invoke("remove", "lisbon.txt", "--store", store)
    assert missing.exit_code == 1 and "no document" in missing.output


def test_store_from_environment(tmp_path, sample_doc, monkeypatch):
    monkeypatch.setenv("TREATYKG_STORE", str(tmp_path / "env"))
    assert invoke("ingest", sample_doc).exit_code == 0
    assert (tmp_path / "env").is_dir()


def test_every_command_has_help_with_an_example():
    for name, _command in cli.commands.items():
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output, name


def test_check_and_timeline(built, tmp_path):
    store, _, _ = built
    result = invoke("check", "--store", store)
    assert result.exit_code in (0, 1) and "finding" in result.output
    tl = invoke("timeline", "Comprehensive Strategic Partnership Treaty", "-o", tmp_path / "t.png", "--store", store)
    assert tl.exit_code == 0, tl.output
    assert "2024-12-04" in tl.output


def test_real_subprocess(tmp_path, sample_doc):
    exe = Path(sys.executable).parent / "treatykg"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "graph"]
    env = dict(os.environ, TREATYKG_STORE=str(tmp_path / "s"))
    run = subprocess.run(cmd + ["ingest", str(sample_doc)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    q = subprocess.run(cmd + ["query", "--name", "parties", "--format", "tsv"], capture_output=True, text=True,
                       env=env)
    assert q.returncode == 0 and q.stdout.startswith("treaty\tparty")
    bad = subprocess.run(cmd + ["query", "SELECT WHERE"], capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1


def test_query_graph_formats(built):
    store, _, _ = built
    q = "CONSTRUCT { ?t a tkg:Treaty ; skos:prefLabel ?l } WHERE { ?t a tkg:Treaty ; skos:prefLabel ?l }"
    turtle = invoke("query", q, "--store", store)
    assert turtle.exit_code == 0 and "@prefix tkg:" in turtle.output and "tkg:Treaty" in turtle.output
    for fmt, rdf in (("ntriples", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)):
        out = invoke("query", q, "--format", fmt, "--store", store).output
        assert set(ox.parse(out, format=rdf)) == set(ox.parse(turtle.output, format=ox.RdfFormat.TURTLE))
    wrong = invoke("query", q, "--format", "csv", "--store", store)
    assert wrong.exit_code == 1 and "use --format" in wrong.output


def test_query_refuses_service_unless_allowed(built):
    store, _, _ = built
    q = "SELECT ?s WHERE { ?s a tkg:State OPTIONAL { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } } }"
    refused = invoke("query", q, "--store", store)
    assert refused.exit_code == 1 and "SERVICE is refused" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    allowed = invoke("query", q, "--allow-service", "--store", store)
    assert allowed.exit_code == 0 and "rows)" in allowed.output


def test_validate_corrupt_store_exits_2(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "CURRENT").write_text("not a manifest name\n")
    result = invoke("validate", "--store", store)
    assert result.exit_code == 2 and "cannot open store" in result.output
    assert "internal error" not in result.output


def test_closed_pipe_exits_quietly():
    # The reader closes the pipe before anything is written, as `| head` does once it has its lines.
    proc = subprocess.Popen([sys.executable, "-m", "graph", "query", "--list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) in (0, 141) and err == ""


def test_errors_are_one_line_with_controls_shown(tmp_path):
    result = invoke("query", "--file", tmp_path / "a\nb\x1b[31m.rq")
    assert result.exit_code == 1 and "\x1b" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and "a\\nb\\x1b[31m.rq" in result.output


def test_timeout_stops_a_query_with_status_3_and_one_line(built):
    store, _, _ = built
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    result = invoke("query", endless, "--timeout", "0.5", "--store", store)
    assert result.exit_code == 3, result.output
    assert result.output.strip().count("\n") == 0 and "time limit of 0.5 s" in result.output
    quick = invoke("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a tkg:Treaty }", "--timeout", "0", "--store", store)
    assert quick.exit_code == 0 and "(1 row)" in quick.output
    assert invoke("query", "ASK {}", "--timeout", "-1", "--store", store).exit_code == 2  # a usage error


def test_render_timeline_and_check_take_a_timeout(built, tmp_path):
    store, _, _ = built
    assert invoke("check", "--timeout", "30", "--store", store).exit_code in (0, 1)
    rendered = invoke("render", "-o", tmp_path / "g.png", "--timeout", "30", "--store", store)
    assert rendered.exit_code == 0 and (tmp_path / "g.png").exists(), rendered.output
    treaty = invoke("query", "SELECT ?n WHERE { ?t a tkg:Treaty ; skos:prefLabel ?n }", "--format", "tsv",
                    "--store", store).output.splitlines()[1]
    drawn = invoke("timeline", treaty, "-o", tmp_path / "t.png", "--timeout", "30", "--store", store)
    assert drawn.exit_code == 0, drawn.output


def test_readme_worked_example_prints_what_the_readme_shows(tmp_path, monkeypatch):
    """Every treatykg command of the README's worked example, run on docs/examples, prints what it shows."""
    import shlex

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("### A worked example", 1)[1].split("```\n", 2)[1]
    steps = re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").symlink_to(root / "docs")
    store = str(tmp_path / "ex")
    ran = 0
    for step in steps:
        command, *shown = step.rstrip("\n").split("\n")
        args = shlex.split(command, comments=True)
        if args[0] != "treatykg":
            continue
        args = [store if a == "/tmp/ex" else a for a in args[1:]]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, (command, result.output)
        # Each line shown is printed, in that order (the README leaves out the Turtle prefixes).
        rest = iter(result.output.rstrip("\n").split("\n"))
        assert all(line in rest for line in shown), (command, result.output)
        ran += 1
    assert ran >= 9
    edge = block.split("| head -7     # one edge per piece of evidence\n", 1)[1].split("\n$ ", 1)[0]
    assert edge in (tmp_path / "graph.graphml").read_text(encoding="utf-8")


# Escape sequences and controls a document may hold: ESC (CSI, OSC), the 8-bit CSI, BEL, bidi overrides.
HOSTILE_NAME = "wire\x1b]0;owned\x07\x9b.txt"
HOSTILE_TEXTS = ("Chile and Peru signed the Pacific Fisheries Treaty on 12 May 2019 \u202eevil\u202c \x9b2J.",
                 "Chile and Peru signed the Pacific Fisheries Treaty on 13 May 2019 \x1b[31mred\x1b[0m.")


def _terminal_safe(text: str) -> bool:
    return all(c.isprintable() or c == "\n" for c in text)


@pytest.fixture
def hostile_store(tmp_path):
    """A store whose documents' names and sentences hold terminal escape sequences."""
    from datetime import date

    from graph.documents import document_from_text
    from graph.extract import extract
    from graph.rdfbuild import build_triples
    from graph.store import OxigraphStore

    store = OxigraphStore(tmp_path / "hostile")
    for i, text in enumerate(HOSTILE_TEXTS):
        doc = document_from_text(f"{i}{HOSTILE_NAME}", text, date(2020, 6, 1))
        store.replace_documents({doc.iri: build_triples(extract(doc))})
    store.close()
    return tmp_path / "hostile"


SENTENCES = "SELECT ?doc ?s WHERE { ?x nif:anchorOf ?s ; nif:referenceContext ?d . ?d dcterms:identifier ?doc }"


@pytest.mark.parametrize("args, visible", [
    (("check",), "\\x9b2J"), (("stats",), "documents: 2"),
    (("timeline", "Pacific Fisheries Treaty", "-o", "TMP/t.png"), " ]0;owned \\x9b.txt"),
    (("query", SENTENCES), "\\u202eevil\\u202c \\x9b2J"),
    (("query", "SELECT ?doc WHERE { ?d dcterms:identifier ?doc }"), " ]0;owned \\x9b.txt"),
    (("remove", "0" + HOSTILE_NAME), "removed")])
def test_text_from_documents_reaches_the_terminal_neutralised(hostile_store, tmp_path, args, visible):
    result = invoke(*(a.replace("TMP", str(tmp_path)) for a in args), "--store", hostile_store)
    assert result.exit_code in (0, 1), result.output
    assert _terminal_safe(result.output), repr(result.output)
    assert visible in result.output


def test_ingest_skip_lines_neutralise_file_names(tmp_path):
    (tmp_path / ("empty" + HOSTILE_NAME)).write_text("")
    result = invoke("ingest", tmp_path / ("empty" + HOSTILE_NAME), "--store", tmp_path / "s")
    assert result.exit_code == 1 and _terminal_safe(result.output), repr(result.output)
    assert "\\x1b]0;owned\\x07" in result.output


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_machine_formats_keep_document_text_as_it_is(hostile_store, fmt):
    from graph.documents import literal_text

    result = invoke("query", SENTENCES, "--format", fmt, "--store", hostile_store)
    assert result.exit_code == 0, result.output
    # JSON writes ESC and BEL as \\u escapes, which decode to the very same value.
    text = json.dumps(json.loads(result.output), ensure_ascii=False) if fmt == "json" else result.output
    # As stored: the C0 controls became spaces at ingest (literal_text), everything else is kept.
    for value in (literal_text(HOSTILE_TEXTS[0]), literal_text("0" + HOSTILE_NAME)):
        assert (json.dumps(value, ensure_ascii=False)[1:-1] if fmt == "json" else value) in text


# End to end: inputs at the limits, through the command line.
SIGNED = ("SELECT ?t ?begin ?end ?sentence WHERE { ?a rdf:predicate tkg:signed ; rdf:object ?x ; "
          "prov:wasDerivedFrom ?s . ?x skos:prefLabel ?t . ?s nif:anchorOf ?sentence ; nif:beginIndex ?begin ; "
          "nif:endIndex ?end }")


def test_a_document_over_a_million_characters_is_ingested_in_pieces_and_its_facts_found(tmp_path):
    head = "Chile and Peru signed the Pacific Fisheries Treaty on 12 May 2019.\n\n"
    filler = "Rain fell over the harbour for most of the week, and the ferries ran late.\n\n" * 14_000
    tail = "Norway and Iceland signed the Arctic Whaling Convention on 3 March 2020.\n"
    text = head + filler + tail
    assert len(text) > 1_000_000
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    result = invoke("ingest", tmp_path / "long.txt", "--store", tmp_path / "s")
    assert result.exit_code == 0, result.output
    assert "ingested 1 document(s), skipped 0" in result.output
    rows = json.loads(invoke("query", SIGNED, "--format", "json", "--store", tmp_path / "s").output)
    found = {(b["t"]["value"], int(b["begin"]["value"]), int(b["end"]["value"]), b["sentence"]["value"])
             for b in rows["results"]["bindings"]}
    assert {t for t, *_ in found} == {"Pacific Fisheries Treaty", "Arctic Whaling Convention"}
    # Offsets past the first million characters still point into the file.
    assert all(text[begin:end] == sentence for _, begin, end, sentence in found)
    assert max(begin for _, begin, *_ in found) > 1_000_000


@pytest.mark.parametrize("published", ["0001-01-01", "9999-12-31"])
def test_publication_dates_at_the_ends_of_the_calendar_with_relative_dates(tmp_path, published):
    (tmp_path / "a.txt").write_text("Chile and Peru signed the Pacific Fisheries Treaty last year. Norway will "
                                    "ratify it next month, and Iceland ratified it on Tuesday, on the 30th, "
                                    "in March, on December 4 last year and yesterday.\n")
    (tmp_path / "a.meta.json").write_text(json.dumps({"published": published}))
    result = invoke("ingest", tmp_path, "--store", tmp_path / "s")
    assert result.exit_code == 0, result.output
    assert "ingested 1 document(s), skipped 0" in result.output
    assert invoke("validate", "--store", tmp_path / "s").exit_code == 0


def test_a_folder_nested_a_thousand_deep_is_ingested(deep_tree, tmp_path):
    root, deepest = deep_tree
    with open(os.path.join(deepest, "deep.txt"), "w") as f:
        f.write("Chile and Peru signed the Pacific Fisheries Treaty on 12 May 2019.\n")
    result = invoke("ingest", root, "--store", tmp_path / "s")
    assert result.exit_code == 0, result.output
    assert "ingested 1 document(s), skipped 0" in result.output
    assert "documents: 1" in invoke("stats", "--store", tmp_path / "s").output


def test_the_ingest_summary_counts_what_was_skipped_and_the_status_says_so(tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    (news / "good.txt").write_text("Chile and Peru signed the Pacific Fisheries Treaty on 12 May 2019.\n")
    (news / "empty.txt").write_text("")
    (news / "binary.txt").write_bytes(b"\x00\xff\x00")
    (news / "shape.txt").write_text("Text.")
    (news / "shape.meta.json").write_text('{"title": {"text": "T"}}')
    result = invoke("ingest", news, "--store", tmp_path / "s")
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("ingested 1 document(s), skipped 3, ")
    assert len(lines) == 4 and all(line.startswith("skipped: ") for line in lines[:-1])
    for name in ("binary.txt", "empty.txt", "shape.meta.json"):
        assert sum(name in line for line in lines[:-1]) == 1, name
    assert invoke("ingest", news / "good.txt", "--store", tmp_path / "s").exit_code == 0


def test_the_table_format_reads_at_most_max_rows(tmp_path):
    from graph.store import OxigraphStore

    store = OxigraphStore(tmp_path / "s")
    store.replace_documents({"https://w3id.org/treatykg/doc/n": [
        (ox.NamedNode(f"https://w3id.org/treatykg/id/x{i}"), ox.NamedNode("https://w3id.org/treatykg/ontology#n"),
         ox.Literal(str(i))) for i in range(300)]})
    store.close()
    del store  # RocksDB lets go of the folder only when the store object goes
    product = "SELECT ?a ?b WHERE { ?a tkg:n ?x . ?b tkg:n ?y }"  # 90,000 rows
    table = invoke("query", product, "--store", tmp_path / "s")
    assert table.exit_code == 0, table.output
    lines = table.output.strip().splitlines()
    # The table, its count and, on stderr, how to see the rest.
    assert len(lines) == 2 + 1000 + 2 and lines[-2] == "(1000 rows, more not shown)"
    assert lines[-1].startswith("the table shows the first 1000 rows")
    few = invoke("query", product, "--max-rows", "5", "--store", tmp_path / "s").output.strip().splitlines()
    assert len(few) == 2 + 5 + 2
    exact = invoke("query", "SELECT ?a WHERE { ?a tkg:n ?x }", "--max-rows", "300", "--store", tmp_path / "s")
    assert exact.output.strip().endswith("(300 rows)")
    everything = invoke("query", product, "--max-rows", "0", "--store", tmp_path / "s").output
    assert everything.strip().endswith("(90000 rows)")
    csv = invoke("query", product, "--format", "csv", "--max-rows", "5", "--store", tmp_path / "s").output
    assert len(csv.strip().splitlines()) == 1 + 90_000
