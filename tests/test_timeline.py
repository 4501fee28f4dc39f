"""timeline: a treaty's dated lifecycle points from events and date facts, with their sources."""

from datetime import date

import pyoxigraph as ox
import pytest

from graph.errors import QueryError, UnknownEntityError
from graph.namespaces import DCTERMS, NIF, PROV, RDF, SKOS, TKG, XSD, document_iri, entity_iri, hashed_iri
from graph.store import OxigraphStore
from graph.timeline import TimelinePoint, date_span, timeline, timeline_points

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DOC_NAME = "new-start.txt"
DOC = document_iri(DOC_NAME)
A = ox.NamedNode(RDF + "type")


def tkg(local: str) -> ox.NamedNode:
    return ox.NamedNode(TKG + local)


def when(value: str) -> ox.Literal:
    kind = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(value)]
    return ox.Literal(value, datatype=ox.NamedNode(XSD + kind))


class Doc:
    """Triples of one document graph, written the way docs/data-model.md lays them out."""

    def __init__(self, name: str = DOC_NAME) -> None:
        self.iri = document_iri(name)
        self.node = ox.NamedNode(self.iri)
        self.triples: list = [(self.node, A, tkg("Document")),
                              (self.node, ox.NamedNode(DCTERMS + "identifier"), ox.Literal(name))]
        self.offset = 0

    def entity(self, cls: str, label: str, *aliases: str) -> ox.NamedNode:
        node = ox.NamedNode(entity_iri(cls, label))
        self.triples += [(node, A, tkg(cls)), (node, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(label)),
                         (node, tkg("mentionedIn"), self.node)]
        self.triples += [(node, ox.NamedNode(SKOS + "altLabel"), ox.Literal(a)) for a in aliases]
        return node

    def sentence(self, text: str) -> ox.NamedNode:
        begin, self.offset = self.offset, self.offset + len(text) + 1
        node = ox.NamedNode(f"{self.iri}#char={begin},{begin + len(text)}")
        self.triples += [(node, A, tkg("Sentence")), (node, ox.NamedNode(NIF + "anchorOf"), ox.Literal(text)),
                         (node, ox.NamedNode(NIF + "referenceContext"), self.node)]
        return node

    def event(self, kind: str, treaty, status: str = "asserted", day: str | None = None, agents=(),
              text: str | None = None) -> ox.NamedNode:
        node = ox.NamedNode(hashed_iri("event", self.iri, kind, status, str(day), *(a.value for a in agents)))
        self.triples += [(node, A, tkg(kind)), (node, tkg("treaty"), treaty),
                         (node, tkg("status"), tkg(status))]
        self.triples += [(node, tkg("agent"), a) for a in agents]
        if day:
            self.triples.append((node, tkg("date"), when(day)))
        if text:
            self.triples.append((node, ox.NamedNode(PROV + "wasDerivedFrom"), self.sentence(text)))
        return node

    def fact(self, s, p: str, o, text: str | None = None) -> None:
        """A plain triple and, given a sentence, its assertion node."""
        self.triples.append((s, tkg(p), o))
        if text:
            node = ox.NamedNode(hashed_iri("assertion", self.iri, str(s), p, str(o)))
            self.triples += [(node, A, tkg("Assertion")), (node, ox.NamedNode(RDF + "subject"), s),
                             (node, ox.NamedNode(RDF + "predicate"), tkg(p)),
                             (node, ox.NamedNode(RDF + "object"), o),
                             (node, ox.NamedNode(PROV + "wasDerivedFrom"), self.sentence(text))]


SIGNED = "Obama and Medvedev signed New START in Prague on April 8, 2010."
RATIFIED = "The Duma ratified the treaty on January 26, 2011."


@pytest.fixture
def store() -> OxigraphStore:
    d = Doc()
    treaty = d.entity("Treaty", "New START", "Treaty on Measures for the Further Reduction and Limitation of "
                      "Strategic Offensive Arms", "START-3")
    other = d.entity("Treaty", "Open Skies Treaty")
    d.entity("Treaty", "Dormant Pact")
    obama, medvedev = d.entity("Person", "Barack Obama"), d.entity("Person", "Dmitry Medvedev")
    senate, russia = d.entity("Organization", "U.S. Senate"), d.entity("State", "Russia")
    usa = d.entity("State", "United States")
    d.event("Signing", treaty, day="2010-04-08", agents=(obama, medvedev), text=SIGNED)
    d.event("Ratification", treaty, day="2010-12", agents=(senate,),
            text="The Senate approved it in December 2010.")
    d.event("EntryIntoForce", treaty, day="2011-02-05", text="It entered into force on February 5, 2011.")
    d.event("Suspension", treaty, day="2023-02-21", agents=(russia,),
            text="Russia suspended its participation.")
    d.event("Withdrawal", treaty, "denied", day="2023-02-21", agents=(russia,),
            text="Russia said it was not withdrawing from the treaty.")
    d.event("Withdrawal", treaty, "planned", day="2026", agents=(usa,),
            text="Washington may leave it in 2026.")
    d.event("Invocation", treaty, day="2022-08-08", agents=(russia,), text="Russia invoked the treaty in August 2022.")
    # An invocation of one of its articles, without a date of its own: the publication date stands in.
    art = ox.NamedNode(entity_iri("Article", "New START Article XIV"))
    d.triples += [(art, A, tkg("Article")), (art, ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Article XIV")),
                  (art, tkg("articleOf"), treaty),
                  (d.node, tkg("publishedDate"), when("2024-05-10"))]
    d.event("Invocation", art, agents=(usa,), text="Washington invoked Article XIV.")
    # Who acts for which state: the people and the body are drawn under it.
    d.fact(obama, "affiliatedWith", usa, "President Obama of the United States.")
    d.fact(medvedev, "affiliatedWith", russia, "Russian President Medvedev.")
    d.fact(senate, "affiliatedWith", usa, "The U.S. Senate.")
    d.event("Signing", treaty, "planned", agents=(russia,))  # no date: not on a timeline
    d.event("Withdrawal", other, day="2020-11-22", agents=(usa,))  # another treaty
    # Date facts: the first two repeat events (same day; a year the event falls in) and are left out.
    d.fact(treaty, "signatureDate", when("2010-04-08"), SIGNED)
    d.fact(treaty, "signatureDate", when("2010"))
    d.fact(treaty, "entryIntoForceDate", when("2011-02-05"))
    d.fact(treaty, "ratificationDate", when("2011-01-26"), RATIFIED)
    s = OxigraphStore(None)
    s.replace_documents({d.iri: d.triples})
    return s


def test_points_sorted_with_kinds_statuses_and_agents(store, tmp_path):
    result = timeline(store, "New START", tmp_path / "t.png")
    assert result.treaty == "New START" and result.iri == entity_iri("Treaty", "New START")
    assert [(p.date, p.kind, p.agent, p.status) for p in result.points] == [
        ("2010-04-08", "Signing", "Barack Obama", "asserted"),
        ("2010-04-08", "Signing", "Dmitry Medvedev", "asserted"),
        ("2010-12", "Ratification", "U.S. Senate", "asserted"),
        ("2011-01-26", "Ratification", None, "asserted"),
        ("2011-02-05", "EntryIntoForce", None, "asserted"),
        ("2022-08-08", "Invocation", "Russia", "asserted"),
        ("2023-02-21", "Suspension", "Russia", "asserted"),
        ("2023-02-21", "Withdrawal", "Russia", "denied"),
        ("2024-05-10", "Invocation", "United States", "asserted"),
        ("2026", "Withdrawal", "United States", "planned"),
    ]
    whens = [p.when for p in result.points]
    assert whens == sorted(whens)


def test_invocations_are_on_the_timeline_dated_by_sentence_or_publication(store, tmp_path):
    result = timeline(store, "New START", tmp_path / "t.png")
    invoked = [(p.date, p.agent, p.article, p.dated) for p in result.points if p.kind == "Invocation"]
    assert invoked == [("2022-08-08", "Russia", None, "sentence"),
                       ("2024-05-10", "United States", "Article XIV", "published")]
    assert ("2024-05-10 (published)\tInvocation of Article XIV\tUnited States\tasserted\tnew-start.txt\t"
            "Washington invoked Article XIV.") in result.lines()


def test_people_and_bodies_are_grouped_under_the_state_they_act_for(store, tmp_path):
    from graph.timeline import lane_groups

    points = timeline(store, "New START", tmp_path / "t.png").points
    assert {p.agent: p.party for p in points if p.agent} == {
        "Barack Obama": "United States", "Dmitry Medvedev": "Russia", "U.S. Senate": "United States",
        "Russia": None, "United States": None}
    assert lane_groups(points) == [("treaty", None), ("United States", None), ("Barack Obama", "United States"),
                                   ("U.S. Senate", "United States"), ("Russia", None),
                                   ("Dmitry Medvedev", "Russia")]
    # A person whose state has no point of its own still appears under it.
    alone = [p for p in points if p.agent == "Dmitry Medvedev"]
    assert lane_groups(alone) == [("Russia", None), ("Dmitry Medvedev", "Russia")]


def test_points_carry_their_sources(store, tmp_path):
    points = timeline(store, "New START", tmp_path / "t.png").points
    signing = points[0]
    assert (signing.document, signing.sentence, signing.source) == (DOC_NAME, SIGNED, "event")
    fact = next(p for p in points if p.date == "2011-01-26")
    assert (fact.document, fact.sentence, fact.source) == (DOC_NAME, RATIFIED, "fact")
    assert all(p.document == DOC_NAME and p.sentence for p in points)


def test_png_written(store, tmp_path):
    out = tmp_path / "deep" / "new-start.png"
    result = timeline(store, "New START", out)
    data = out.read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 20 * 1024
    assert result.path == out and result.message == ""


@pytest.mark.parametrize("name", ["new start", "the New START", "START 3", "start\u20113",
                                  "Treaty on Measures for the Further Reduction and Limitation of "
                                  "Strategic Offensive Arms"])
def test_treaty_found_by_any_label(store, tmp_path, name):
    assert timeline(store, name, tmp_path / "t.png").treaty == "New START"


@pytest.mark.parametrize("name", ["Nonexistent Accord", "Russia"])  # Russia exists, but is no treaty
def test_unknown_treaty_raises(store, tmp_path, name):
    with pytest.raises(UnknownEntityError, match=f"no treaty named '{name}'"):
        timeline(store, name, tmp_path / "t.png")
    assert not (tmp_path / "t.png").exists()


def test_no_dated_points_still_writes_png(store, tmp_path):
    out = tmp_path / "dormant.png"
    result = timeline(store, "Dormant Pact", out)
    assert result.points == [] and "no dated" in result.message
    assert out.read_bytes()[:8] == PNG_MAGIC


def test_other_treaties_and_kinds_stay_out(store):
    points = timeline_points(store, entity_iri("Treaty", "Open Skies Treaty"))
    assert [(p.date, p.kind, p.agent) for p in points] == [("2020-11-22", "Withdrawal", "United States")]


def test_date_spans_and_midpoints():
    assert date_span("2024-12-04") == (date(2024, 12, 4), date(2024, 12, 4))
    assert date_span("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert date_span("2023") == (date(2023, 1, 1), date(2023, 12, 31))
    assert date_span("2024-12-04Z") == (date(2024, 12, 4), date(2024, 12, 4))
    for bad in ("2024-13", "2023-02-30", "spring 2020", ""):
        assert date_span(bad) is None
    year = TimelinePoint("2023", "Signing", None, "asserted", None, None)
    month = TimelinePoint("2023-06", "Signing", None, "asserted", None, None)
    assert year.when == date(2023, 7, 2) and month.when == date(2023, 6, 15)
    assert year.lane == "treaty"


def test_svg_by_extension_and_old_file_kept_on_failure(store, tmp_path, request):
    svg = tmp_path / "t.svg"
    timeline(store, "New START", svg)
    assert b"<svg" in svg.read_bytes()[:2000]
    out = tmp_path / "t.png"
    out.write_bytes(b"old picture")
    request.getfixturevalue("failing_savefig")
    with pytest.raises(OSError, match="disk full"):
        timeline(store, "New START", out)
    assert out.read_bytes() == b"old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.png", "t.svg"]


@pytest.mark.parametrize("name", ["t.html", "t.gif"])  # an interactive page is for the entity graph only
def test_other_extensions_refused_before_any_work(store, tmp_path, name):
    with pytest.raises(QueryError, match=r"cannot render to '.*': the file name must end in .png, .svg, .pdf$"):
        timeline(store, "New START", tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_year_and_month_dates_are_drawn_as_spans(store, tmp_path, monkeypatch):
    """A point known to the month or year gets a bar over that whole period, a day none."""
    drawn = {}
    monkeypatch.setattr("graph.timeline._save", lambda fig, out: drawn.setdefault("fig", fig))
    timeline(store, "New START", tmp_path / "t.png")
    ax = drawn["fig"].axes[0]
    bars = sorted(tuple(line.get_xdata()) for line in ax.lines if line.get_linewidth() == 6)
    assert bars == [(date(2010, 12, 1), date(2011, 1, 1)), (date(2026, 1, 1), date(2027, 1, 1))]
    import matplotlib.pyplot as plt

    plt.close(drawn["fig"])
