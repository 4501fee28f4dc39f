"""htmlview: the interactive page, its data, and the page itself in a real headless Chromium."""

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import TreatyKGError
from graph.htmlview import facts, page_data, vis_network_js
from graph.namespaces import DCTERMS, NIF, PROV, RDF, SKOS, TKG, XSD, article_iri, document_iri, entity_iri, hashed_iri
from graph.render import COLOURS, entity_graph, render
from graph.store import OxigraphStore

A = ox.NamedNode(RDF + "type")
DOC_NAME = "harbour-accord.txt"
SIGNED = "Premier Ilse Varga and President Tomas Reyna signed the Harbour Accord in Valmora on Monday."
MET = "Varga met Reyna at the old customs house before the ceremony."
INVOKED = "Norland later invoked Article 3 of the accord over the fishing dispute."
DATED = "The accord was signed on 3 March 2031."


def tkg(local: str) -> ox.NamedNode:
    return ox.NamedNode(TKG + local)


class Doc:
    """One document graph laid out as docs/data-model.md describes it."""

    def __init__(self, name: str, title: str) -> None:
        self.iri = document_iri(name)
        self.node = ox.NamedNode(self.iri)
        self.triples: list = [(self.node, A, tkg("Document")),
                              (self.node, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(name)),
                              (self.node, ox.NamedNode(DCTERMS + "title"), ox.Literal(title))]
        self.offset = 0

    def entity(self, cls: str, label: str, *aliases: str) -> ox.NamedNode:
        node = ox.NamedNode(entity_iri(cls, label))
        self.triples += [(node, A, tkg(cls)), (node, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(label))]
        self.triples += [(node, ox.NamedNode(SKOS + "altLabel"), ox.Literal(a)) for a in aliases]
        return node

    def fact(self, s, p: str, o, text: str | None = None) -> None:
        self.triples.append((s, tkg(p), o))
        if text:
            begin, self.offset = self.offset, self.offset + len(text) + 1
            sentence = ox.NamedNode(f"{self.iri}#char={begin},{begin + len(text)}")
            node = ox.NamedNode(hashed_iri("assertion", self.iri, str(s), p, str(o)))
            self.triples += [(sentence, A, tkg("Sentence")),
                             (sentence, ox.NamedNode(NIF + "anchorOf"), ox.Literal(text)),
                             (sentence, ox.NamedNode(NIF + "referenceContext"), self.node),
                             (node, A, tkg("Assertion")), (node, ox.NamedNode(RDF + "subject"), s),
                             (node, ox.NamedNode(RDF + "predicate"), tkg(p)), (node, ox.NamedNode(RDF + "object"), o),
                             (node, ox.NamedNode(PROV + "wasDerivedFrom"), sentence)]


def harbour_store() -> OxigraphStore:
    d = Doc(DOC_NAME, "Two neighbours sign a harbour accord")
    varga = d.entity("Person", "Ilse Varga", "Varga")
    reyna = d.entity("Person", "Tomas Reyna", "Reyna")
    norland, sudmark = d.entity("State", "Norland"), d.entity("State", "Sudmark")
    accord = d.entity("Treaty", "Harbour Accord", "Accord on the Joint Administration of the Valmora Harbour")
    article = ox.NamedNode(article_iri(accord.value, "3"))
    d.triples += [(article, A, tkg("Article")), (article, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Article 3"))]
    valmora = d.entity("Place", "Valmora")
    council = d.entity("Organization", "Joint Harbour Council")
    d.fact(varga, "signed", accord, SIGNED)
    d.fact(reyna, "signed", accord, SIGNED)
    d.fact(varga, "metWith", reyna, MET)
    d.fact(varga, "affiliatedWith", norland)  # no sentence recorded
    d.fact(reyna, "affiliatedWith", sudmark)
    d.fact(norland, "partyTo", accord)
    d.fact(sudmark, "partyTo", accord)
    d.fact(accord, "hasArticle", article)
    d.fact(norland, "invokes", article, INVOKED)
    d.fact(varga, "visited", valmora, SIGNED)
    d.fact(council, "affiliatedWith", accord)
    d.fact(accord, "signatureDate", ox.Literal("2031-03-03", datatype=ox.NamedNode(XSD + "date")), DATED)
    store = OxigraphStore(None)
    store.replace_documents({d.iri: d.triples})
    return store


@pytest.fixture
def store() -> OxigraphStore:
    return harbour_store()


def page_json(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)[1])


def test_page_is_self_contained(store, tmp_path):
    out = tmp_path / "view.html"
    result = render(store, out)
    html = out.read_text(encoding="utf-8")
    assert (result.nodes, result.edges) == (8, 11)
    library = vis_network_js()
    assert library in html  # the library is inlined whole ...
    # ... and nothing is loaded from elsewhere: no script, stylesheet, image or frame source, no fetch, and no
    # address outside the library (whose own are in its licence comment and the SVG namespace) and the data
    # (entity IRIs, which name things and are never followed).
    assert not re.search(r"<[a-z]+[^>]+(src|href)\s*=", html, re.I)
    own = re.sub(r'<script type="application/json" id="data">.*?</script>', "", html.replace(library, ""), flags=re.S)
    assert len(own) < 20_000  # the page's own markup, style and script are all that is left
    assert not re.search(r"https?://", own)
    assert not re.search(r"fetch\(|XMLHttpRequest|@import|url\(", own)
    assert [p.name for p in tmp_path.iterdir()] == ["view.html"]


def test_without_pyvis_the_page_is_refused_in_one_line(store, tmp_path, monkeypatch):
    monkeypatch.setattr("graph.htmlview.importlib.util.find_spec", lambda name: None)
    with pytest.raises(TreatyKGError, match=r"^cannot write an HTML view: vis-network not found"):
        render(store, tmp_path / "v.html")
    assert not (tmp_path / "v.html").exists()


def test_cli_writes_the_page(store, tmp_path, monkeypatch):
    monkeypatch.setattr("graph.cli._open", lambda *args, **kwargs: store)
    out = tmp_path / "graph.html"
    result = CliRunner().invoke(cli, ["render", "-o", str(out), "--focus", "Varga"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"wrote {out} (5 nodes, 6 edges)"
    data = page_json(out)
    assert data["title"].startswith("Around Ilse Varga (1 hop)")
    assert [n["name"] for n in data["nodes"] if n["centre"]] == ["Ilse Varga"]


def test_page_data_has_facts_with_sources_colours_and_filters(store, tmp_path):
    render(store, tmp_path / "v.html")
    data = page_json(tmp_path / "v.html")
    nodes = {n["name"]: n for n in data["nodes"]}
    assert len(nodes) == 8 and data["title"].endswith("8 entities, 11 relations")
    assert [c["name"] for c in data["classes"]] == ["Person", "State", "Organization", "Place", "Treaty", "Article"]
    assert {c["name"]: c["colour"] for c in data["classes"]} == COLOURS
    assert data["relations"] == sorted(["signed", "metWith", "affiliatedWith", "partyTo", "hasArticle", "invokes",
                                        "visited"])
    varga = nodes["Ilse Varga"]
    assert varga["aliases"] == ["Varga"] and varga["cls"] == "Person"
    signed = next(f for f in varga["facts"] if f["p"] == "signed")
    assert signed["sources"] == [{"sentence": SIGNED, "document": DOC_NAME,
                                  "title": "Two neighbours sign a harbour accord"}]
    unsourced = next(f for f in varga["facts"] if f["p"] == "affiliatedWith")
    assert unsourced["sources"] == []
    accord = nodes["Harbour Accord"]
    dated = next(f for f in accord["facts"] if f["p"] == "signatureDate")
    assert dated["value"] == "2031-03-03" and dated["sources"][0]["sentence"] == DATED
    name = {n["id"]: n["name"] for n in data["nodes"]}
    assert sorted((name[e["from"]], r, name[e["to"]]) for e in data["edges"] for r in e["relations"]) == [
        ("Harbour Accord", "hasArticle", "Article 3"), ("Ilse Varga", "affiliatedWith", "Norland"),
        ("Ilse Varga", "metWith", "Tomas Reyna"), ("Ilse Varga", "signed", "Harbour Accord"),
        ("Ilse Varga", "visited", "Valmora"), ("Joint Harbour Council", "affiliatedWith", "Harbour Accord"),
        ("Norland", "invokes", "Article 3"), ("Norland", "partyTo", "Harbour Accord"),
        ("Sudmark", "partyTo", "Harbour Accord"), ("Tomas Reyna", "affiliatedWith", "Sudmark"),
        ("Tomas Reyna", "signed", "Harbour Accord")]
    assert nodes["Article 3"]["label"] == "Article 3 · Harbour\nAccord"  # as the picture labels it
    invoked = next(f for f in nodes["Article 3"]["facts"] if f["p"] == "invokes")
    assert (name[invoked["s"]], [s["sentence"] for s in invoked["sources"]]) == ("Norland", [INVOKED])
    visited = next(f for f in varga["facts"] if f["p"] == "visited")
    assert [s["sentence"] for s in visited["sources"]] == [SIGNED]
    met = [e for e in data["edges"] if e["relations"] == ["metWith"]]
    assert len(met) == 1 and met[0]["symmetric"]
    assert all(not e["symmetric"] for e in data["edges"] if e["relations"] != ["metWith"])


def test_markup_in_names_cannot_break_out_of_the_page(tmp_path):
    d = Doc("x.txt", "x")
    odd = d.entity("Person", "</script><b>Mallory</b>")
    d.fact(odd, "affiliatedWith", d.entity("State", "Norland"))
    store = OxigraphStore(None)
    store.replace_documents({d.iri: d.triples})
    render(store, tmp_path / "x.html")
    html = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "</script><b>" not in html
    assert "</script><b>Mallory</b>" in {n["name"] for n in page_json(tmp_path / "x.html")["nodes"]}


def test_facts_only_between_drawn_nodes(store):
    g = entity_graph(store, ["signed"])
    found = facts(store, g)
    assert all(f["p"] in {"signed", "signatureDate"} for fs in found.values() for f in fs)
    data = page_data(g, None, "t", "", found)
    assert {n["name"] for n in data["nodes"]} >= {"Ilse Varga", "Tomas Reyna", "Harbour Accord"}


# --------------------------------------------------------------------------- in a real browser

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,900"]


def _browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    for exe in ("chromium", "chromedriver"):
        if not shutil.which(exe):
            return f"{exe} not found on PATH (Debian: apt-get install chromium chromium-driver)"
    return None


def test_a_missing_browser_is_named_in_the_skip_reason(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda exe: None if exe == "chromedriver" else f"/usr/bin/{exe}")
    assert _browser_missing() == "chromedriver not found on PATH (Debian: apt-get install chromium chromium-driver)"


@pytest.fixture
def browser():
    missing = _browser_missing()
    if missing:
        pytest.skip(f"no headless Chromium for the HTML view test: {missing}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="treatykg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in CHROMIUM_FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_page_in_headless_chromium(store, tmp_path, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    out = tmp_path / "view.html"
    render(store, out)
    browser.get(out.as_uri())
    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return !!window.treatykg"))
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0  # fetched nothing
    assert browser.execute_script("return window.treatykg.nodes.length") == 8
    assert browser.find_element(By.ID, "count").text == "8 entities, 11 relations shown"

    # A real click on Ilse Varga's marker shows her facts and the sentence they were read from.
    canvas = browser.find_element(By.CSS_SELECTOR, "#graph canvas")
    varga = entity_iri("Person", "Ilse Varga")
    x, y = browser.execute_script(
        "const n = window.treatykg.network; const p = n.canvasToDOM(n.getPosition(arguments[0]));"
        "return [p.x, p.y];", varga)
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(canvas, x - size["width"] / 2,
                                                      y - size["height"] / 2).click().perform()
    details = browser.find_element(By.ID, "details")
    WebDriverWait(browser, 10).until(lambda d: "Ilse Varga" in details.text)
    sentences = [e.text for e in details.find_elements(By.CSS_SELECTOR, "blockquote.sentence")]
    assert SIGNED in sentences and MET in sentences
    assert DOC_NAME in details.text
    assert labels_clear_of_nodes(browser) == 11  # every relation drawn, none on a node
    screenshot = os.environ.get("TREATYKG_SCREENSHOT")
    if screenshot:  # how docs/html-view.png is made
        browser.save_screenshot(screenshot)

    # Filters: hiding people hides their edges; hiding a relation takes it out of the labels.
    browser.find_element(By.CSS_SELECTOR, "#classes input[value=Person]").click()
    assert browser.find_element(By.ID, "count").text == "6 entities, 5 relations shown"
    browser.find_element(By.CSS_SELECTOR, "#relations input[value=partyTo]").click()
    assert browser.find_element(By.ID, "count").text == "6 entities, 3 relations shown"

    # Search by an alias selects the entity and opens its facts.
    browser.find_element(By.CSS_SELECTOR, "#classes input[value=Person]").click()
    search = browser.find_element(By.ID, "search")
    search.send_keys("reyna")
    WebDriverWait(browser, 10).until(lambda d: "Tomas Reyna" in details.text)
    assert browser.execute_script("return window.treatykg.network.getSelectedNodes()") == [
        entity_iri("Person", "Tomas Reyna")]
    assert browser.find_element(By.ID, "matches").text == "1 found"
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []


def _apart(p: list, q: list) -> bool:
    """Whether two convex polygons (lists of corners) are apart: some edge's normal separates them."""
    for poly in (p, q):
        for (ax, ay), (bx, by) in zip(poly, poly[1:] + poly[:1], strict=True):
            nx_, ny_ = ay - by, bx - ax
            a, b = [x * nx_ + y * ny_ for x, y in p], [x * nx_ + y * ny_ for x, y in q]
            if max(a) <= min(b) or max(b) <= min(a):
                return True
    return False


def labels_clear_of_nodes(browser) -> int:
    """Check, in the page as drawn, that no relation name placed clear of nodes overlaps a shown node's
    marker or name (vis-network's bounding box of both); the number of relation names drawn."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return window.treatykg.labelBoxes().length"))
    boxes = browser.execute_script("return window.treatykg.labelBoxes()")
    nodes = browser.execute_script(
        "const t = window.treatykg; return t.nodes.get({filter: n => !n.hidden})"
        ".map(n => [n.id, t.network.getBoundingBox(n.id)])")
    for box in boxes:
        if not box["free"]:
            continue  # no spot clear of nodes: drawn above them, as in the picture
        for node, b in nodes:
            rect = [[b["left"], b["top"]], [b["right"], b["top"]], [b["right"], b["bottom"]], [b["left"], b["bottom"]]]
            assert _apart(box["corners"], rect), (box["text"], node)
    return len(boxes)


def test_relation_names_clear_of_nodes_in_a_crowded_page(tmp_path, browser):
    """Forty entities with long names, linked by one to three relations a pair: the page draws every
    relation name where the picture does, and none overlaps a node as the browser lays the names out."""
    import random

    import networkx as nx

    from graph.htmlview import write_page
    from graph.render import CLASSES, RELATIONS, _edge_groups

    rnd = random.Random(7)
    g = nx.MultiDiGraph()
    for i in range(40):
        g.add_node(f"https://example.org/n{i}", label=f"Entity number {i} of the region", cls=rnd.choice(CLASSES),
                   aliases="")
    for _ in range(64):
        u, v = rnd.sample(range(40), 2)
        for rel in rnd.sample(RELATIONS, rnd.choice([1, 1, 2, 3])):
            g.add_edge(f"https://example.org/n{u}", f"https://example.org/n{v}", key=rel, relation=rel)
    out = tmp_path / "crowded.html"
    data = page_data(g, None, "crowded", "", {})
    write_page(data, out)
    browser.get(out.as_uri())
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(lambda d: d.execute_script("return !!window.treatykg"))
    # The first view fits the whole graph: the boxes compared are those of the drawing at that zoom.
    # Most names find a spot clear of nodes; the others are drawn above the nodes, never under them.
    placed = [e for e in data["edges"] if e["label"]["free"]]
    assert labels_clear_of_nodes(browser) == len(_edge_groups(g)) and 2 * len(placed) > len(data["edges"])
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []
