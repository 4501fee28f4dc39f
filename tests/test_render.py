"""render: the entity graph drawn from a small in-memory store built by hand after docs/data-model.md."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyoxigraph as ox
import pytest
from PIL import Image

from graph.errors import QueryError, UnknownEntityError
from graph.namespaces import DCTERMS, RDF, SKOS, TKG, XSD, article_iri, document_iri, entity_iri
from graph.render import (
    CLASSES,
    RELATIONS,
    _draw_edges,
    _edge_groups,
    _inverse,
    _top_eigenvectors,
    display_label,
    entity_graph,
    find_entity,
    layout,
    render,
    select,
    shortest_name,
)
from graph.store import OxigraphStore

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DOC = document_iri("putin-pyongyang.txt")
A = ox.NamedNode(RDF + "type")


def tkg(local: str) -> ox.NamedNode:
    return ox.NamedNode(TKG + local)


def entity(triples: list, cls: str, label: str, *aliases: str, doc: str = DOC) -> ox.NamedNode:
    """Add an entity's triples (class, prefLabel, altLabels, mentionedIn) and return its node."""
    node = ox.NamedNode(entity_iri(cls, label))
    triples += [(node, A, tkg(cls)), (node, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(label)),
                (node, tkg("mentionedIn"), ox.NamedNode(doc))]
    triples += [(node, ox.NamedNode(SKOS + "altLabel"), ox.Literal(a)) for a in aliases]
    return node


def store_of(triples: list, doc: str = DOC) -> OxigraphStore:
    store = OxigraphStore(None)
    doc_node = ox.NamedNode(doc)
    store.replace_documents({doc: [(doc_node, A, tkg("Document")),
                                   (doc_node, ox.NamedNode(DCTERMS + "identifier"), ox.Literal("doc.txt"))]
                             + triples})
    return store


@pytest.fixture
def store() -> OxigraphStore:
    """Eight related entities, one entity without relations, and an event (not an entity)."""
    t: list = []
    putin = entity(t, "Person", "Vladimir Putin", "Putin", "President Putin")
    kim = entity(t, "Person", "Kim Jong Un", "Kim Jong-un")
    russia = entity(t, "State", "Russia")
    dprk = entity(t, "State", "North Korea", "DPRK")
    treaty = entity(t, "Treaty", "Comprehensive Strategic Partnership Treaty",
                    "Treaty on Comprehensive Strategic Partnership")
    art = ox.NamedNode(article_iri(treaty.value, "4"))
    t += [(art, A, tkg("Article")), (art, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Article 4")),
          (art, tkg("number"), ox.Literal("4"))]
    duma = entity(t, "Organization", "State Duma")
    pyongyang = entity(t, "Place", "Pyongyang")
    entity(t, "Organization", "Lonely Institute")
    t += [(putin, tkg("signed"), treaty), (kim, tkg("signed"), treaty),
          (russia, tkg("partyTo"), treaty), (dprk, tkg("partyTo"), treaty),
          (treaty, tkg("hasArticle"), art), (art, tkg("articleOf"), treaty),
          (putin, tkg("affiliatedWith"), russia), (kim, tkg("affiliatedWith"), dprk),
          (putin, tkg("metWith"), kim), (kim, tkg("metWith"), putin),
          (putin, tkg("visited"), pyongyang), (duma, tkg("ratified"), treaty), (russia, tkg("invokes"), art),
          (treaty, tkg("signatureDate"), ox.Literal("2024-06-19", datatype=ox.NamedNode(XSD + "date")))]
    event = ox.NamedNode(TKG.replace("ontology#", "id/event/") + "e1")
    t += [(event, A, tkg("Signing")), (event, tkg("agent"), putin), (event, tkg("treaty"), treaty),
          (event, tkg("status"), tkg("asserted"))]
    return store_of(t)


def assert_png(path: Path, min_kb: int = 10) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC
    assert len(data) > min_kb * 1024, len(data)


def test_whole_graph_png_and_counts(store, tmp_path):
    out = tmp_path / "sub" / "graph.png"
    result = render(store, out)
    assert_png(out, 20)
    # articleOf is left out (inverse of hasArticle); the event and the date literal are no edges.
    assert (result.nodes, result.edges) == (8, 12)
    assert not result.capped
    assert result.message == "1 entity without relations not drawn"


def test_entity_graph_nodes_edges_and_aliases(store):
    g = entity_graph(store)
    assert g.number_of_nodes() == 9
    labels = {d["label"]: d["cls"] for _, d in g.nodes(data=True)}
    assert labels["Article 4"] == "Article" and labels["Pyongyang"] == "Place"
    relations = sorted(d["relation"] for _, _, d in g.edges(data=True))
    assert "articleOf" not in relations and relations.count("metWith") == 2 and relations.count("signed") == 2
    putin = entity_iri("Person", "Vladimir Putin")
    assert set(g.nodes[putin]["aliases"].split("|")) == {"Putin", "President Putin"}


@pytest.mark.parametrize("name", ["putin", "President Putin", "VLADIMIR PUTIN", "  Vladimir   Putin "])
def test_focus_by_any_label(store, name):
    assert find_entity(entity_graph(store), name) == entity_iri("Person", "Vladimir Putin")


@pytest.mark.parametrize("name, cls, label", [
    ("Kim Jong-un", "Person", "Kim Jong Un"),  # hyphen folded to a space
    ("Kim Jong\u2011un", "Person", "Kim Jong Un"),  # non-breaking hyphen
    ("the DPRK", "State", "North Korea"),  # leading "the" dropped
    ("\u201cTreaty on Comprehensive Strategic Partnership\u201d", "Treaty",
     "Comprehensive Strategic Partnership Treaty"),  # typographic quotes
])
def test_focus_folds_case_quotes_dashes_and_the(store, name, cls, label):
    assert find_entity(entity_graph(store), name) == entity_iri(cls, label)


def test_focus_render_by_alias(store, tmp_path):
    result = render(store, tmp_path / "kim.png", focus="kim jong-un", depth=1)
    assert_png(tmp_path / "kim.png")
    # Kim, his treaty, his state and Putin (met with).
    assert result.nodes == 4
    assert "Around Kim Jong Un" not in result.message  # the title is in the picture, not the message


def test_depth_limits_nodes(store, tmp_path):
    counts = [render(store, tmp_path / f"d{d}.png", focus="Pyongyang", depth=d).nodes for d in (0, 1, 2, 3)]
    # Pyongyang; + Putin; + Russia, Kim, treaty; + North Korea, Article 4, State Duma.
    assert counts == [1, 2, 5, 8]


def test_relation_filter(store, tmp_path):
    result = render(store, tmp_path / "signed.png", relations=["signed"])
    # Putin, Kim and the treaty; entities without a 'signed' edge are left out.
    assert (result.nodes, result.edges) == (3, 2)
    both = render(store, tmp_path / "two.png", relations=["tkg:Signed", "partyTo"])
    assert (both.nodes, both.edges) == (5, 4)


def test_unknown_relation_lists_valid_ones(store, tmp_path):
    with pytest.raises(QueryError) as err:
        render(store, tmp_path / "x.png", relations=["sined"])
    message = str(err.value)
    assert "'sined'" in message and "\n" not in message
    assert all(r in message for r in RELATIONS)
    assert not (tmp_path / "x.png").exists()


def test_unknown_focus_raises(store, tmp_path):
    with pytest.raises(UnknownEntityError, match="no entity named 'Nobody At All'"):
        render(store, tmp_path / "x.png", focus="Nobody At All")
    assert not (tmp_path / "x.png").exists()


def test_match_prefers_exact_label_then_person_or_state(tmp_path):
    t: list = []
    entity(t, "State", "Georgia")
    entity(t, "Place", "Georgia")  # the US state, same name
    entity(t, "State", "Russia")
    entity(t, "Organization", "Russia Today", "Russia")  # an alias equal to another entity's name
    g = entity_graph(store_of(t))
    assert find_entity(g, "Georgia") == entity_iri("State", "Georgia")
    assert find_entity(g, "russia") == entity_iri("State", "Russia")
    assert find_entity(g, "Russia Today") == entity_iri("Organization", "Russia Today")


def test_metwith_both_ways_is_one_line_without_arrow_heads(store):
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    g = entity_graph(store)
    met = [e for e in _edge_groups(g) if e[2] == "metWith"]
    assert len(met) == 1 and met[0][3] == "plain"
    # Drawn: one head per directed edge, none for metWith.
    pair = select(g, focus="Putin", depth=1)[0]
    pair = pair.subgraph([entity_iri("Person", "Vladimir Putin"), entity_iri("Person", "Kim Jong Un"),
                          entity_iri("Treaty", "Comprehensive Strategic Partnership Treaty")]).copy()
    labels = {n: display_label(pair, n) for n in pair}
    pos, *_ = layout(pair, labels, 8.5)
    ax = Figure().add_subplot()
    _draw_edges(ax, pair, pos, dict.fromkeys(pair, 200.0), labels, 8.5)
    (heads,) = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_facecolor()[0][0] < 0.9]
    assert len(heads.get_paths()) == 2  # Putin and Kim signed the treaty; they met each other


def test_relation_names_are_drawn_above_the_markers_and_under_the_node_names(store, monkeypatch):
    from matplotlib.colors import to_rgba

    from graph.render import EDGE_TEXT

    drawn = {}
    monkeypatch.setattr("graph.render._save", lambda fig, out, dpi: drawn.setdefault("ax", fig.axes[0]))
    render(store, "unused.png")
    collections = drawn["ax"].collections
    markers = next(c for c in collections if len(c.get_offsets()) == 8)  # one offset per node drawn
    relation_names = next(c for c in collections if to_rgba(EDGE_TEXT) in map(tuple, c.get_facecolor()))
    node_names = next(c for c in collections if to_rgba("black") in map(tuple, c.get_facecolor()))
    assert markers.get_zorder() < relation_names.get_zorder() < node_names.get_zorder()


def test_articles_are_labelled_with_their_treaty_and_long_names_wrap(store):
    g = entity_graph(store)
    art = article_iri(entity_iri("Treaty", "Comprehensive Strategic Partnership Treaty"), "4")
    assert display_label(g, art) == "Article 4 ·\nComprehensive\nStrategic Partnership\nTreaty"
    # The treaty's shortest name is the one shown; the prefLabel on a tie.
    assert shortest_name({"label": "Non-Proliferation Treaty", "aliases": "NPT|Treaty on the Non-Proliferation"}) \
        == "NPT"
    assert shortest_name({"label": "Oslo Accord", "aliases": "Accord Oslo"}) == "Oslo Accord"
    long = entity_iri("Treaty", "Comprehensive Strategic Partnership Treaty")
    # Every word of a long name is drawn: it wraps onto as many lines as it needs, never cut.
    assert display_label(g, long).split() == "Comprehensive Strategic Partnership Treaty".split()
    assert "…" not in display_label(g, long)


def big_store(n: int = 200) -> OxigraphStore:
    """A hub state with n - 1 people affiliated with it; the first ten also met the next one."""
    t: list = []
    hub = entity(t, "State", "Hubland")
    people = [entity(t, "Person", f"Person {i:03d}") for i in range(n - 1)]
    t += [(p, tkg("affiliatedWith"), hub) for p in people]
    t += [(people[i], tkg("metWith"), people[i + 1]) for i in range(10)]
    return store_of(t)


def test_cap_at_max_nodes(tmp_path):
    store = big_store(200)
    out = tmp_path / "big.png"
    result = render(store, out)
    assert result.capped and result.nodes == 150
    assert result.message == "showing 150 of 200 nodes; use --focus/--relation/--max-nodes"
    assert_png(out, 100)
    g, _, capped, message = select(entity_graph(store), max_nodes=20)
    assert capped and g.number_of_nodes() == 20 and message.startswith("showing 20 of 200 nodes")
    assert not select(entity_graph(store), max_nodes=200)[2]


def test_cap_keeps_focus_and_highest_degree():
    g, centre, capped, _ = select(entity_graph(big_store(200)), focus="Person 150", depth=2, max_nodes=12)
    assert capped and g.number_of_nodes() == 12
    assert centre in g and g.nodes[centre]["label"] == "Person 150"
    # Besides the focus: the hub and the people with an extra metWith edge (degree 2 or 3).
    labels = {d["label"] for _, d in g.nodes(data=True)}
    assert "Hubland" in labels and {f"Person {i:03d}" for i in range(10)} <= labels


def test_empty_store_still_writes_png(tmp_path):
    out = tmp_path / "empty.png"
    result = render(OxigraphStore(None), out)
    assert (result.nodes, result.edges, result.capped) == (0, 0, False)
    assert result.message == "no entities to draw"
    assert_png(out, 5)


def test_same_picture_whatever_the_hash_seed(tmp_path):
    """Set order changes with PYTHONHASHSEED; the layout must not."""
    script = (
        "import sys, hashlib, pathlib\n"
        "sys.path.insert(0, sys.argv[1])\n"
        "import tests.test_render as t\n"
        "from graph.render import render\n"
        "p = pathlib.Path(sys.argv[2])\n"
        "render(t.big_store(40), p, focus='Person 003', depth=2)\n"
        "print(hashlib.sha256(p.read_bytes()).hexdigest())\n"
    )
    root = str(Path(__file__).resolve().parent.parent)
    digests = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run([sys.executable, "-c", script, root, str(tmp_path / f"s{seed}.png")],
                             capture_output=True, text=True, env=env, check=True)
        digests.add(run.stdout.strip())
    assert len(digests) == 1


def test_import_does_not_load_pyplot():
    code = "import sys, graph.render, graph.timeline; print('matplotlib.pyplot' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


def test_picture_decodes_with_legend_band_and_colours(store, tmp_path):
    out = tmp_path / "whole.png"
    render(store, out)
    with Image.open(out) as im:
        assert round(im.info["dpi"][0]) == 130
        pixels = np.asarray(im.convert("RGB"))
    # The class colours are drawn (markers and legend), on a white background.
    colours = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in ("#4e79a7", "#e15759", "#b07aa1")}
    present = {tuple(p) for p in pixels.reshape(-1, 3)}
    assert colours <= present
    assert (pixels[0] == 255).all()


@pytest.mark.parametrize("suffix, magic", [(".png", PNG_MAGIC), (".svg", b"<?xml"), (".PDF", b"%PDF-")])
def test_format_follows_extension(store, tmp_path, suffix, magic):
    out = tmp_path / f"graph{suffix}"
    result = render(store, out, focus="Putin")
    assert out.read_bytes().startswith(magic)
    assert result.path == out
    if suffix == ".svg":
        assert b"<svg" in out.read_bytes()[:2000]
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left beside it


def test_unknown_extension_is_refused_before_drawing(store, tmp_path):
    with pytest.raises(QueryError, match=r"cannot render to '.*graph\.jpg': the file name must end in .png, .svg"):
        render(store, tmp_path / "graph.jpg")
    assert list(tmp_path.iterdir()) == []


def test_failed_render_keeps_the_old_file(store, tmp_path, request):
    out = tmp_path / "graph.png"
    out.write_bytes(b"old picture")
    request.getfixturevalue("failing_savefig")
    with pytest.raises(OSError, match="disk full"):
        render(store, out)
    assert out.read_bytes() == b"old picture"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.png"]


def test_more_than_500_nodes_lay_out(tmp_path):
    """A component past the stress layout's size gets networkx's spring layout, which runs on scipy's sparse
    matrices above 500 nodes."""
    out = tmp_path / "big.png"
    result = render(big_store(700), out, max_nodes=650)
    assert result.capped and result.nodes == 650
    assert_png(out, 100)


def test_uses_public_matplotlib_api_only():
    source = (Path(__file__).resolve().parent.parent / "graph" / "render.py").read_text()
    assert "ft2font" not in source and "get_font(" not in source and "zlib" not in source


def test_layout_linear_algebra_matches_lapack():
    rng = np.random.default_rng(3)
    w = rng.uniform(0, 1, (40, 40))
    w = w + w.T
    np.fill_diagonal(w, 0)
    lap = np.diag(w.sum(1)) - w + 1 / 40  # as stress majorization builds it
    assert np.allclose(_inverse(lap), np.linalg.inv(lap))
    # Classical scaling of points near a plane: two large eigenvalues, as a graph's distances give.
    points = rng.uniform(0, 10, (40, 2))
    sq = ((points[:, None] - points[None]) ** 2).sum(2) + rng.uniform(0, 0.5, (40, 40))
    sq = (sq + sq.T) / 2
    centred = -0.5 * (sq - sq.mean(0)[None] - sq.mean(1)[:, None] + sq.mean())
    values, vectors = _top_eigenvectors(centred)
    assert np.allclose(values, np.linalg.eigvalsh(centred)[::-1][:2])
    assert np.allclose(centred @ vectors, vectors * values, atol=1e-6)


def test_cli_writes_by_extension_and_refuses_others(store, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from graph.cli import cli

    monkeypatch.setattr("graph.cli._open", lambda *args, **kwargs: store)
    ok = CliRunner().invoke(cli, ["render", "-o", str(tmp_path / "p.pdf"), "--focus", "Putin"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "p.pdf").read_bytes()[:5] == b"%PDF-"
    bad = CliRunner().invoke(cli, ["render", "-o", str(tmp_path / "p.gif")])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert bad.output.strip().splitlines() == [f"Error: cannot render to '{tmp_path / 'p.gif'}': the file name "
                                               "must end in .png, .svg, .pdf, .html"]


# --------------------------------------------------------------------------- labels never hide behind nodes


def _separated(p: np.ndarray, q: np.ndarray) -> bool:
    """Whether two convex polygons (corner rows) are apart: some edge's normal separates them."""
    for poly in (p, q):
        for i in range(len(poly)):
            edge = poly[(i + 1) % len(poly)] - poly[i]
            axis = np.array([-edge[1], edge[0]])
            a, b = p @ axis, q @ axis
            if a.max() <= b.min() or b.max() <= a.min():
                return True
    return False


def _circle_clear(poly: np.ndarray, centre: np.ndarray, radius: float) -> bool:
    """Whether a circle lies wholly outside a convex polygon."""
    turns = [(b[0] - a[0]) * (centre[1] - a[1]) - (b[1] - a[1]) * (centre[0] - a[0])
             for a, b in zip(poly, np.roll(poly, -1, axis=0), strict=True)]
    if all(t >= 0 for t in turns) or all(t <= 0 for t in turns):  # the centre is inside
        return False
    for i in range(len(poly)):
        a, b = poly[i], poly[(i + 1) % len(poly)]
        t = np.clip(np.dot(centre - a, b - a) / max(np.dot(b - a, b - a), 1e-12), 0, 1)
        if np.linalg.norm(a + t * (b - a) - centre) < radius:
            return False
    return True


def hidden_relation_names(g, monkeypatch) -> tuple[int, int]:
    """Draw ``g`` as the PNG is drawn; count the relation names drawn under the node names whose white box
    overlaps a node's marker or name box, and the relation names drawn in all."""
    from matplotlib.collections import PathCollection, PolyCollection
    from matplotlib.colors import to_rgba

    from graph.render import EDGE_TEXT, _title, draw

    drawn = {}
    monkeypatch.setattr("graph.render._save", lambda fig, out, dpi: drawn.setdefault("ax", fig.axes[0]))
    draw(g, "unused.png", title=_title(g, None, 1, None))
    collections = drawn["ax"].collections
    texts = [c for c in collections if isinstance(c, PathCollection) and len(c.get_paths())
             and tuple(c.get_facecolor()[0]) == to_rgba(EDGE_TEXT)]
    backs = [c for c in collections if isinstance(c, PolyCollection) and tuple(c.get_facecolor()[0])[:3] == (1, 1, 1)]
    # Each text's white boxes sit just under it.
    relation_z = {t.get_zorder() - 0.05 for t in texts}
    node_backs = [c for c in backs if c.get_zorder() not in relation_z]
    node_boxes = [p.vertices[:4] for c in node_backs for p in c.get_paths()]
    names_z = min(c.get_zorder() for c in node_backs)
    markers = next(c for c in collections if len(c.get_offsets()) == g.number_of_nodes()
                   and not isinstance(c, PolyCollection))
    radii = np.sqrt(markers.get_sizes()) / 2 / 72
    edge_boxes = [(c.get_zorder(), p.vertices[:4]) for c in backs if c.get_zorder() in relation_z
                  for p in c.get_paths()]
    hidden = [box for z, box in edge_boxes if z < names_z
              and not (all(_separated(box, other) for other in node_boxes)
                       and all(_circle_clear(box, c, r) for c, r in zip(markers.get_offsets(), radii, strict=True)))]
    return len(hidden), len(edge_boxes)


def _random_graph(n: int, seed: int = 7):
    """``n`` entities with long names and about 1.6 n pairs linked by one to three relations."""
    import random

    import networkx as nx

    rnd = random.Random(seed)
    g = nx.MultiDiGraph()
    for i in range(n):
        g.add_node(f"n{i}", label=f"Entity number {i} of the region", cls=rnd.choice(CLASSES), aliases="")
    for _ in range(int(n * 1.6)):
        u, v = rnd.sample(range(n), 2)
        for rel in rnd.sample(RELATIONS, rnd.choice([1, 1, 2, 3])):
            g.add_edge(f"n{u}", f"n{v}", key=rel, relation=rel)
    return g


def _hub_graph(spokes: int):
    """A hub with many neighbours, long names and combined relation names, and links between neighbours."""
    import networkx as nx

    g = nx.MultiDiGraph()
    hub = entity_iri("Treaty", "Accord on the Joint Administration of the Valmora Harbour")
    g.add_node(hub, label="Accord on the Joint Administration of the Valmora Harbour", cls="Treaty", aliases="")
    for i in range(spokes):
        node = entity_iri("State", f"State {i}")
        g.add_node(node, label=f"Republic of Northern Region {i}", cls="State", aliases="")
        for rel in ("signed", "ratified", "partyTo")[: 1 + i % 3]:
            g.add_edge(node, hub, key=rel, relation=rel)
        if i % 4 == 1:
            g.add_edge(hub, node, key="references", relation="references")
        if i:
            g.add_edge(node, entity_iri("State", f"State {i - 1}"), key="metWith", relation="metWith")
    return g


@pytest.mark.parametrize("graph", ["fixture", "hub14", "random40", "random80"])
def test_relation_names_never_hide_behind_nodes(store, monkeypatch, graph):
    """A relation name is placed clear of every node's marker and name; one that cannot be is drawn above
    the node names, so none is ever under a node (placed by cost alone, 33 of random80's 136 were)."""
    g = {"fixture": lambda: entity_graph(store), "hub14": lambda: _hub_graph(14),
         "random40": lambda: _random_graph(40), "random80": lambda: _random_graph(80)}[graph]()
    g.remove_nodes_from([n for n in list(g) if g.degree(n) == 0])
    hidden, drawn = hidden_relation_names(g, monkeypatch)
    assert drawn == len(_edge_groups(g)) and hidden == 0
