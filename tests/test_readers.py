import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.documents import find_documents, iter_documents, read_documents
from graph.errors import InputError
from graph.readers import iter_feed, iter_jsonl, read_html

INPUTS = Path(__file__).parent / "data" / "inputs"


def test_html_main_text_and_metadata():
    doc = read_html(INPUTS / "page.html")
    assert doc.title == "Norland and Vestmark sign fisheries pact"
    assert doc.published == date(2023, 5, 14)
    assert doc.url == "https://gazette.example.org/2023/05/fisheries-pact"
    assert doc.source == "Harbour Gazette"
    assert "signed the Treaty of Kelda on 12 May 2023" in doc.text
    for boilerplate in ("Subscribe now", "Cookie policy", "All rights reserved", "Most read"):
        assert boilerplate not in doc.text
    assert doc.sha256 == hashlib.sha256((INPUTS / "page.html").read_bytes()).hexdigest()


def test_html_sidecar_and_published_override(tmp_path):
    page = tmp_path / "p.htm"
    page.write_bytes((INPUTS / "page.html").read_bytes())
    (tmp_path / "p.meta.json").write_text(json.dumps({"title": "Own title", "published": "2023-05-20"}))
    doc = read_html(page)
    assert (doc.title, doc.published, doc.source) == ("Own title", date(2023, 5, 20), "Harbour Gazette")
    assert read_html(page, published=date(2020, 1, 1)).published == date(2020, 1, 1)


def test_html_without_text_is_an_input_error(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>")
    with pytest.raises(InputError, match="empty.html: no main text"):
        read_html(page)


def test_html_offsets_point_into_the_extracted_text():
    from graph.extract import extract
    from graph.rdfbuild import build_triples

    doc = read_html(INPUTS / "page.html")
    triples = build_triples(extract(doc))
    anchors = {s.value: o.value for s, p, o in triples if p.value.endswith("#anchorOf")}
    assert anchors
    for iri, text in anchors.items():
        start, end = map(int, iri.rsplit("#char=", 1)[1].split(","))
        assert doc.text[start:end] == text


def test_jsonl_records_skip_bad_lines():
    errors: list[str] = []
    docs = list(iter_jsonl(INPUTS / "dump.jsonl", on_error=errors.append))
    assert [d.name for d in docs] == ["wire-001", "dump.jsonl#2", "wire-005"]
    first, second, _ = docs
    assert (first.title, first.published, first.url, first.source) == (
        "Ostria ratifies river accord", date(2021, 3, 4), "https://wire.example.net/ostria-accord", "Example Wire")
    assert second.published == date(2021, 4, 10) and second.text.startswith("Velmar ratified")
    assert len(errors) == 2
    assert errors[0].startswith(f"{INPUTS / 'dump.jsonl'}:3: not valid JSON")
    assert errors[1] == f"{INPUTS / 'dump.jsonl'}:4: no 'text' or 'content'"
    assert all("\n" not in e for e in errors)


def test_jsonl_without_a_listener_stops_at_the_bad_line():
    with pytest.raises(InputError, match=r"dump.jsonl:3: not valid JSON"):
        list(iter_jsonl(INPUTS / "dump.jsonl"))


def test_jsonl_streams_line_by_line(tmp_path, monkeypatch):
    dump = tmp_path / "big.jsonl"
    with dump.open("w") as f:
        for i in range(2000):
            f.write(json.dumps({"id": f"r{i}", "text": f"Record {i} of the dump."}) + "\n")
    # Reading the whole file at once is what streaming must never do.
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read the whole file"))
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: pytest.fail("read the whole file"))
    gen = iter_jsonl(dump)
    assert next(gen).name == "r0"
    assert sum(1 for _ in gen) == 1999


def test_jsonl_bad_utf8_and_non_object(tmp_path):
    dump = tmp_path / "d.jsonl"
    dump.write_bytes(b'[1, 2]\n{"text": "caf\xe9"}\n{"text": "Fine text.", "published": "soon"}\n{"text": "ok"}\n')
    errors: list[str] = []
    assert [d.text for d in iter_jsonl(dump, on_error=errors.append)] == ["ok"]
    assert [e.split(": ", 1)[0].rsplit(":", 1)[1] for e in errors] == ["1", "2", "3"]
    assert "expected a JSON object" in errors[0] and "UTF-8" in errors[1] and "ISO date" in errors[2]


def test_rss_and_atom_entries():
    rss = list(iter_feed(INPUTS / "feed.xml"))
    assert [d.name for d in rss] == ["https://monitor.example.com/kelda-in-force",
                                    "https://monitor.example.com/vestmark-ratifies"]
    assert rss[0].text == ("The Treaty of Kelda entered into force on 1 October 2023.\n"
                           "Norland and Vestmark are parties to the treaty.")
    assert (rss[0].published, rss[0].source, rss[0].title) == (
        date(2023, 10, 2), "Coastal Monitor", "Treaty of Kelda enters into force")
    atom = list(iter_feed(INPUTS / "feed.atom"))
    assert [(d.name, d.published, d.text) for d in atom] == [
        ("urn:example:inland-courier:17", date(2024, 1, 31),
         "Ostria withdrew from the Danel River Accord on 30 January 2024.")]


def test_feed_entry_without_content_is_skipped(tmp_path):
    feed = tmp_path / "f.rss"
    feed.write_text('<rss version="2.0"><channel><title>T</title>'
                    '<item><title>a</title></item>'
                    '<item><title>b</title><description>Body of b.</description></item></channel></rss>')
    errors: list[str] = []
    assert [d.text for d in iter_feed(feed, on_error=errors.append)] == ["Body of b."]
    assert errors == [f"{feed}#1: entry has no content"]


def test_not_a_feed(tmp_path):
    bad = tmp_path / "notes.xml"
    bad.write_text("<notes><note>hi</note></notes>")
    with pytest.raises(InputError, match="notes.xml: not an RSS or Atom feed"):
        list(iter_feed(bad))


def test_folders_find_every_input_kind_and_dispatch_by_suffix():
    found = {p.name for p in find_documents([INPUTS])}
    assert found == {"page.html", "dump.jsonl", "feed.xml", "feed.atom"}
    assert len(list(read_documents(INPUTS / "feed.xml"))) == 2
    with pytest.raises(InputError, match="dump.jsonl:3"):
        list(iter_documents([INPUTS / "dump.jsonl"]))


def test_ingest_cli_reads_every_kind_and_names_the_bad_lines(tmp_path):
    store = tmp_path / "store"
    result = CliRunner().invoke(cli, ["ingest", str(INPUTS), "--store", str(store)])
    assert result.exit_code == 1
    assert "ingested 7 document(s)" in result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert [s.split("dump.jsonl:", 1)[1].split(":", 1)[0] for s in skipped] == ["3", "4"]
    out = CliRunner().invoke(cli, ["query", "--store", str(store), "--format", "csv",
                                   "SELECT ?t WHERE { ?d a tkg:Document ; dcterms:title ?t } ORDER BY ?t"])
    assert "Norland and Vestmark sign fisheries pact" in out.output
    assert "Ostria leaves the accord" in out.output
