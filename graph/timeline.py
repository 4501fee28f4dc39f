"""Timeline: a treaty's life (signature, ratifications, entry into force, …, invocations of it and of its
articles) per party, with sources.

The points come from two places in the graph: events (``tkg:Signing`` … ``tkg:Withdrawal`` and
``tkg:Invocation``, with a ``tkg:date``), which know their agent and status, and the treaty's own date facts
(``tkg:signatureDate``, ``tkg:entryIntoForceDate``, ``tkg:ratificationDate``), which do not. An invocation
without a date of its own is placed at its document's publication date, marked as such, as the
``invocations`` query dates it. People and bodies are drawn under the state they act for.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import networkx as nx

from .atomic import atomic_output
from .namespaces import TKG
from .render import find_entity, output_format

KINDS = ("Signing", "Ratification", "Accession", "InstrumentExchange", "EntryIntoForce", "Suspension",
         "Withdrawal", "Invocation")
KIND_LABELS = {"Signing": "signed", "Ratification": "ratified", "Accession": "acceded",
               "InstrumentExchange": "instruments exchanged", "EntryIntoForce": "entry into force",
               "Suspension": "suspended", "Withdrawal": "withdrew", "Invocation": "invoked"}
MARKERS = {"Signing": "o", "Ratification": "s", "Accession": "P", "InstrumentExchange": "D",
           "EntryIntoForce": "*", "Suspension": "v", "Withdrawal": "X", "Invocation": "^"}
COLOURS = {"Signing": "#4e79a7", "Ratification": "#59a14f", "Accession": "#9c755f",
           "InstrumentExchange": "#b07aa1", "EntryIntoForce": "#f28e2b", "Suspension": "#e15759",
           "Withdrawal": "#333333", "Invocation": "#76b7b2"}
# Statuses drawn filled: the source says it happened. Planned, denied, conditional, claimed: hollow.
FILLED = {"asserted", "partial"}
TREATY_LANE = "treaty"

_FACT_KINDS = {"signatureDate": "Signing", "entryIntoForceDate": "EntryIntoForce",
               "ratificationDate": "Ratification"}

_TREATIES = """
SELECT ?x ?label ?alt WHERE {
  ?x a tkg:Treaty ; skos:prefLabel ?label .
  OPTIONAL { ?x skos:altLabel ?alt }
} ORDER BY ?x"""

_EVENTS = """
SELECT DISTINCT ?e ?cls ?d ?dated ?status ?a ?agent ?article ?doc ?docname ?sentence WHERE {{
  VALUES ?c {{ {classes} }}
  # An invocation may name one of the treaty's articles rather than the treaty.
  {{ ?e a ?c ; tkg:treaty <{treaty}> }}
  UNION {{ ?e a tkg:Invocation ; tkg:treaty ?x . ?x tkg:articleOf <{treaty}> ; skos:prefLabel ?article .
          BIND(tkg:Invocation AS ?c) }}
  ?e tkg:status ?st .
  BIND(STRAFTER(STR(?c), "#") AS ?cls)
  BIND(STRAFTER(STR(?st), "#") AS ?status)
  OPTIONAL {{ ?e tkg:agent ?a . ?a skos:prefLabel ?agent }}
  OPTIONAL {{ ?e prov:wasDerivedFrom ?s . ?s nif:anchorOf ?sentence ; nif:referenceContext ?doc .
             OPTIONAL {{ ?doc dcterms:identifier ?docname }}
             OPTIONAL {{ ?doc tkg:publishedDate ?published }} }}
  OPTIONAL {{ ?e tkg:date ?own }}
  # News reports an invocation when it happens, so the publication date stands in, marked as such.
  BIND(COALESCE(?own, IF(?c = tkg:Invocation, ?published, ?none)) AS ?d)
  FILTER(BOUND(?d))
  BIND(IF(BOUND(?own), "sentence", "published") AS ?dated)
}}"""

# The state each agent that is not one acts for: the one its affiliation is told of most often.
_PARTIES = """
SELECT ?a ?state (COUNT(DISTINCT ?f) AS ?n) WHERE {{
  VALUES ?a {{ {agents} }}
  FILTER NOT EXISTS {{ ?a a tkg:State }}
  ?f rdf:subject ?a ; rdf:predicate tkg:affiliatedWith ; rdf:object ?st .
  ?st a tkg:State ; skos:prefLabel ?state .
}} GROUP BY ?a ?state"""

_FACTS = """
SELECT DISTINCT ?p ?d ?doc ?docname ?sentence WHERE {{
  VALUES ?p {{ tkg:signatureDate tkg:entryIntoForceDate tkg:ratificationDate }}
  <{treaty}> ?p ?d .
  OPTIONAL {{ ?a rdf:subject <{treaty}> ; rdf:predicate ?p ; rdf:object ?d ; prov:wasDerivedFrom ?s .
             ?s nif:anchorOf ?sentence ; nif:referenceContext ?doc .
             OPTIONAL {{ ?doc dcterms:identifier ?docname }} }}
}}"""

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:Z|[+-]\d{2}:\d{2})?$")


def date_span(value: str) -> tuple[date, date] | None:
    """First and last day an xsd:date, gYearMonth or gYear covers; None if it is not such a date."""
    m = _DATE.match(value.strip())
    if not m:
        return None
    try:
        year = int(m[1])
        if m[3]:
            day = date(year, int(m[2]), int(m[3]))
            return day, day
        if m[2]:
            first = date(year, int(m[2]), 1)
            return first, (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:  # year 0, month 13, 30 February
        return None


@dataclass(frozen=True)
class TimelinePoint:
    """One dated step of a treaty's life, with the sentence and document it was read from."""

    date: str  # as written in the graph: 2024-12-04, 2024-12 or 2024
    kind: str  # one of KINDS
    agent: str | None  # party's label; None for the treaty as a whole
    status: str  # asserted, planned, denied, conditional, partial, claimed
    document: str | None  # document name (dcterms:identifier), else its IRI
    sentence: str | None
    source: str = "event"  # "event" (a tkg:Event) or "fact" (a date property of the treaty)
    article: str | None = None  # the article an invocation names, when it names one
    dated: str = "sentence"  # "published": the document's publication date stands in for the event's
    party: str | None = None  # the state a person or body acts for, its lane drawn under that state's

    @property
    def span(self) -> tuple[date, date]:
        span = date_span(self.date)
        assert span is not None  # points are only made from parsable dates
        return span

    @property
    def when(self) -> date:
        """The middle of the period the date covers (a gYear sits at mid-year)."""
        first, last = self.span
        return first + (last - first) / 2

    @property
    def lane(self) -> str:
        return self.agent or TREATY_LANE

    def cells(self) -> tuple[str, str, str, str, str]:
        """Date ("(published)" when the publication gave it), kind (with an invocation's article), agent,
        status and document, as a person reads them."""
        return (self.date + (" (published)" if self.dated == "published" else ""),
                self.kind + (f" of {self.article}" if self.article else ""), self.agent or "-", self.status,
                self.document or "-")


Point = TimelinePoint


@dataclass
class TimelineResult:
    """The treaty found, its dated points (earliest first) and the picture written."""

    treaty: str
    iri: str
    points: list[TimelinePoint] = field(default_factory=list)
    path: Path | None = None
    message: str = ""

    def lines(self) -> list[str]:
        """The points as tab-separated rows: their cells, then the sentence."""
        return ["\t".join((*p.cells(), " ".join((p.sentence or "-").split()))) for p in self.points]


def _treaty_graph(store) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for sol in store.query(_TREATIES):
        node = sol["x"].value
        if node not in g:
            g.add_node(node, label=sol["label"].value, cls="Treaty", aliases="")
        if sol["alt"] is not None:
            g.nodes[node]["aliases"] = "|".join(filter(None, [g.nodes[node]["aliases"], sol["alt"].value]))
    return g


def find_treaty(store, name: str) -> tuple[str, str]:
    """IRI and label of the treaty called ``name`` (any of its labels; matched as render's --focus)."""
    g = _treaty_graph(store)
    node = find_entity(g, name, classes=("Treaty",))
    return node, g.nodes[node]["label"]


def _value(sol, var: str) -> str | None:
    term = sol[var]
    return term.value if term is not None else None


def timeline_points(store, treaty_iri: str) -> list[TimelinePoint]:
    """The treaty's dated lifecycle points and invocations, earliest first; points without a usable date are
    left out."""
    points: set[TimelinePoint] = set()
    classes = " ".join(f"tkg:{k}" for k in KINDS)
    rows = [sol for sol in store.query(_EVENTS.format(treaty=treaty_iri, classes=classes))
            if date_span(sol["d"].value) is not None]
    parties = _parties(store, {sol["a"].value for sol in rows if sol["a"] is not None})
    for sol in rows:
        agent = sol["a"].value if sol["a"] is not None else None
        points.add(TimelinePoint(sol["d"].value, sol["cls"].value, _value(sol, "agent"), sol["status"].value,
                                 _value(sol, "docname") or _value(sol, "doc"), _value(sol, "sentence"),
                                 article=_value(sol, "article"), dated=sol["dated"].value,
                                 party=parties.get(agent)))
    events = [p for p in points if p.status in FILLED]
    for sol in store.query(_FACTS.format(treaty=treaty_iri)):
        when = sol["d"].value
        kind = _FACT_KINDS[sol["p"].value[len(TKG):]]
        if date_span(when) is None:
            continue
        # An asserted event of the same kind within the same day, month or year already tells it, and better.
        if any(p.kind == kind and p.date.startswith(when) for p in events):
            continue
        points.add(TimelinePoint(when, kind, None, "asserted", _value(sol, "docname") or _value(sol, "doc"),
                                 _value(sol, "sentence"), source="fact"))
    return sorted(points, key=lambda p: (p.when, KINDS.index(p.kind), p.agent or "", p.status,
                                         p.document or "", p.sentence or "", p.source))


def _parties(store, agents: set[str]) -> dict[str, str]:
    """Agent IRI -> label of the state it acts for (most often told; the first name on a tie)."""
    if not agents:
        return {}
    best: dict[str, tuple[int, str]] = {}
    for sol in store.query(_PARTIES.format(agents=" ".join(f"<{a}>" for a in sorted(agents)))):
        a, state, n = sol["a"].value, sol["state"].value, int(sol["n"].value)
        if a not in best or (-n, state) < (-best[a][0], best[a][1]):
            best[a] = (n, state)
    return {a: state for a, (_, state) in best.items()}


def timeline(store, treaty: str, out: str | Path) -> TimelineResult:
    """Draw the treaty's timeline to a PNG, SVG or PDF (by ``out``'s extension): one lane per party,
    markers by kind, hollow when not asserted.

    Raises UnknownEntityError when no treaty has that name or alias, QueryError for another extension.
    """
    output_format(out, pictures_only=True)
    iri, label = find_treaty(store, treaty)
    points = timeline_points(store, iri)
    out = Path(out)
    draw_timeline(label, points, out)
    message = "" if points else f"no dated lifecycle events for {label}"
    return TimelineResult(label, iri, points, out, message)


# --------------------------------------------------------------------------- drawing

FONT = 8.0
DODGE = 0.2  # inches between markers of one lane
HOLLOW_LABEL = "hollow: planned, denied, conditional or claimed"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _caption(p: TimelinePoint, sources: int) -> str:
    text = f"{KIND_LABELS[p.kind]}{' ' + p.article if p.article else ''} {p.date}"
    if p.dated == "published":
        text += " (published)"
    if p.status not in FILLED or p.status == "partial":
        text += f" ({p.status})"
    if sources > 1:
        text += f" ×{sources}"
    return text


def _caption_width(p: TimelinePoint, sources: int) -> float:
    """Caption width in inches (a fair estimate for DejaVu Sans)."""
    return len(_caption(p, sources)) * FONT * 0.56 / 72 + 0.06


def _anchor(x: float, width: float, room: float) -> tuple[float, str]:
    """Centre and alignment of a caption at ``x`` (inches): centred, unless that would run off an edge."""
    if x - width / 2 < 0:
        return x + width / 2 - 0.08, "left"
    if x + width / 2 > room:
        return x - width / 2 + 0.08, "right"
    return x, "center"


def _levels(xs: list[float], widths: list[float], gap: float = 0.08, most: int = 4) -> list[int]:
    """Caption row per point of one lane (0 = nearest the lane), so captions side by side do not overlap.
    ``xs`` are centres and ``widths`` caption widths, in inches, sorted by x."""
    right: list[float] = []
    out = []
    for x, w in zip(xs, widths, strict=True):
        for level, edge in enumerate(right):
            if x - w / 2 > edge + gap:
                right[level] = x + w / 2
                out.append(level)
                break
        else:
            if len(right) < most:
                right.append(x + w / 2)
                out.append(len(right) - 1)
            else:  # no room left: reuse the row whose last caption ends first
                level = min(range(most), key=lambda i: right[i])
                right[level] = x + w / 2
                out.append(level)
    return out


def lane_groups(points: list[TimelinePoint]) -> list[tuple[str, str | None]]:
    """The lanes, top to bottom, as (lane, the state it is drawn under or None): the treaty's own first, then
    each party in the order it first appears, the people and bodies acting for a state right under it (the
    state's lane is there even when the state itself has no point)."""
    groups: dict[str, list[str]] = {}
    if any(p.agent is None for p in points):
        groups[TREATY_LANE] = []
    for p in points:
        head = p.party or p.lane
        group = groups.setdefault(head, [])
        if p.party and p.lane not in group and p.lane not in groups:
            group.append(p.lane)
    return [(lane, head if lane != head else None) for head, group in groups.items() for lane in (head, *group)]


def draw_timeline(label: str, points: list[TimelinePoint], out: str | Path) -> None:
    """Draw the points to a PNG, SVG or PDF (or one saying there are none)."""
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window; imported here so the CLI starts fast
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.transforms import offset_copy

    out = Path(out)
    title = f"{label}: timeline"
    if not points:
        fig = plt.figure(figsize=(10, 3))
        fig.text(0.5, 0.8, title, ha="center", va="center", fontsize=12, fontweight="bold")
        fig.text(0.5, 0.45, "no dated lifecycle events (signature, ratification, entry into force, …)",
                 ha="center", va="center", fontsize=12, color="#666666")
        _save(fig, out)
        return

    # One marker per (lane, date, kind, status, article, dating); several sources of one point are counted.
    marks: dict[tuple, list[TimelinePoint]] = {}
    for p in points:
        marks.setdefault((p.lane, p.date, p.kind, p.status, p.article, p.dated), []).append(p)
    grouped = lane_groups(points)
    lanes = [lane for lane, _ in grouped]
    members = {lane for lane, party in grouped if party}

    first = min(p.span[0] for p in points)
    last = max(p.span[1] for p in points)
    pad = max((last - first) * 0.06, timedelta(days=45))
    x0, x1 = first - pad, last + pad
    lane_names = [_short(name, 30) for name in lanes]
    indent = 0.15  # inches a person's or body's name sits right of its state's
    left = 0.35 + max(len(n) * 9 * 0.55 / 72 + (indent if lane in members else 0.0)
                      for n, lane in zip(lane_names, lanes, strict=True))  # inches for the lane names
    plot_w = min(max(10.0, 1.1 * len(marks)), 22.0)
    fig_w = left + plot_w + 0.4

    # Caption rows per lane, worked out in inches before drawing so that lanes get the height they need.
    scale = plot_w / max((x1 - x0).days, 1)
    def in_lane(lane: str) -> list[tuple]:
        return sorted((k for k in marks if k[0] == lane), key=lambda k: (marks[k][0].when, KINDS.index(k[2])))

    rows: dict[tuple, int] = {}
    for lane in lanes:
        keys = in_lane(lane)
        widths = [_caption_width(marks[k][0], len(marks[k])) for k in keys]
        xs = [_anchor((marks[k][0].when - x0).days * scale, w, plot_w)[0]
              for k, w in zip(keys, widths, strict=True)]
        order = sorted(range(len(keys)), key=lambda i: xs[i])
        levels = _levels([xs[i] for i in order], [widths[i] for i in order])
        rows.update((keys[i], level) for i, level in zip(order, levels, strict=True))
    lane_h = [0.55 + 0.2 * (1 + max((r for k, r in rows.items() if k[0] == lane), default=0)) for lane in lanes]
    # Markers closer than DODGE inches in a lane (same day, or days apart on a long axis) move apart.
    dodge: dict[tuple, float] = {}
    for lane in lanes:
        last = -1e9
        for k in in_lane(lane):
            x = (marks[k][0].when - x0).days * scale
            shifted = max(x, last + DODGE)
            dodge[k], last = (shifted - x) * 72, shifted
    kinds = [k for k in KINDS if any(p.kind == k for p in points)]
    hollow = any(p.status not in FILLED for p in points)
    legend_labels = [KIND_LABELS[k] for k in kinds] + ([HOLLOW_LABEL] if hollow else [])
    one_row = sum(0.55 + len(t) * 9 * 0.56 / 72 for t in legend_labels) < fig_w - left
    legend_h = 0.35 if one_row else 0.6
    title_h = 0.55
    fig_h = title_h + sum(lane_h) + legend_h + 0.45
    fig = plt.figure(figsize=(fig_w, fig_h))
    ax = fig.add_axes((left / fig_w, (legend_h + 0.45) / fig_h, plot_w / fig_w, sum(lane_h) / fig_h))

    # Lanes stack downwards; each lane's marker line sits near its bottom, captions rise above it.
    tops = [sum(lane_h[:i]) for i in range(len(lanes))]
    base = {lane: -(tops[i] + lane_h[i] - 0.3) for i, lane in enumerate(lanes)}
    ax.set_ylim(-sum(lane_h), 0)
    ax.set_xlim(x0, x1)
    # A state and the people and bodies acting for it share one band; every other band is shaded.
    band = 0
    for i, (lane, party) in enumerate(grouped):
        band += i > 0 and not party
        ax.axhline(base[lane], color="#dddddd", linewidth=1.0, zorder=0)
        if band % 2:
            ax.axhspan(-(tops[i] + lane_h[i]), -tops[i], color="#f6f6f6", zorder=-1)
        heads = any(p == lane for _, p in grouped)
        ax.annotate(lane_names[i], (0, base[lane]), xycoords=("axes fraction", "data"),
                    xytext=(-(left - 0.15 - (indent if party else 0.0)) * 72, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=9, fontweight="bold" if heads else "normal",
                    annotation_clip=False)
    ax.set_yticks([])
    for spine in ("left", "right", "top"):
        ax.spines[spine].set_visible(False)
    ax.grid(axis="x", color="#e4e4e4", linewidth=0.8)
    ax.set_axisbelow(True)

    for key, group in marks.items():
        lane, _, kind, status, *_ = key
        p, y = group[0], base[lane]
        start, end = p.span
        if start != end:  # a month or a year: show the period the date stands for
            ax.plot([start, end + timedelta(days=1)], [y, y], color=COLOURS[kind], alpha=0.3, linewidth=6,
                    solid_capstyle="butt", zorder=1)
        filled = status in FILLED
        shift = offset_copy(ax.transData, fig=fig, x=dodge[key], y=0, units="points")
        ax.plot([p.when], [y], marker=MARKERS[kind], markersize=13 if kind == "EntryIntoForce" else 10,
                linestyle="none", markerfacecolor=COLOURS[kind] if filled else "white",
                markeredgecolor=COLOURS[kind], markeredgewidth=1.8, zorder=3, transform=shift)
        caption = _caption(p, len(group))
        _, align = _anchor((p.when - x0).days * scale, _caption_width(p, len(group)), plot_w)
        nudge = {"left": -6, "right": 6, "center": 0}[align]
        ax.annotate(caption, (p.when, y), xytext=(nudge + dodge[key], 9 + 14.4 * rows[key]),
                    textcoords="offset points", ha=align, va="bottom", fontsize=FONT, zorder=4,
                    color="#222222" if filled else "#666666", fontstyle="normal" if filled else "italic",
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85})

    years = (x1 - x0).days / 365.25
    locator = (mdates.YearLocator(base=5 if years < 60 else 10) if years > 15
               else mdates.AutoDateLocator(minticks=4, maxticks=12))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.tick_params(axis="x", labelsize=9)

    sources = len({p.document for p in points if p.document})
    fig.text(left / fig_w, 1 - 0.2 / fig_h, title, ha="left", va="top", fontsize=12, fontweight="bold")
    fig.text(left / fig_w, 1 - 0.42 / fig_h,
             textwrap.shorten(f"{len(points)} dated points from {sources} document{'s' * (sources != 1)}; "
                              "a bar shows the month or year a date stands for"
                              + ("; (published): the document's publication date" if any(
                                  p.dated == "published" for p in points) else ""), 200),
             ha="left", va="top", fontsize=9, color="#555555")
    handles = [Line2D([0], [0], marker=MARKERS[k], color=COLOURS[k], linestyle="none", markersize=9,
                      label=KIND_LABELS[k]) for k in kinds]
    if hollow:
        handles.append(Line2D([0], [0], marker="o", color="#777777", markerfacecolor="white",
                              linestyle="none", markersize=9, markeredgewidth=1.6, label=HOLLOW_LABEL))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(left / fig_w - 0.01, 0.06 / fig_h),
               ncol=len(handles) if one_row else (len(handles) + 1) // 2, frameon=False, fontsize=9,
               handletextpad=0.3, columnspacing=1.4)
    _save(fig, out)


def _save(fig, out: Path) -> None:
    """Write the figure in the format its file name asks for, whole or not at all, and let it go."""
    import matplotlib.pyplot as plt

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(out) as tmp:
            fig.savefig(tmp, format=output_format(out, pictures_only=True), dpi=130)
    finally:
        plt.close(fig)
