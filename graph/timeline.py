"""Timeline: a treaty's life (signature, ratification steps, entry into force, …) per party, with sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .render import entity_graph, find_entity
from .store import Store

KINDS = ("Signing", "Ratification", "Accession", "InstrumentExchange", "EntryIntoForce", "Suspension", "Withdrawal")
MARKERS = {"Signing": "o", "Ratification": "s", "Accession": "P", "InstrumentExchange": "D", "EntryIntoForce": "*",
           "Suspension": "v", "Withdrawal": "X"}

_EVENTS = """
SELECT DISTINCT ?cls ?d ?status ?agent ?doc ?sentence WHERE {{
  ?e a ?c ; tkg:treaty <{treaty}> ; tkg:date ?d ; tkg:status ?st .
  VALUES ?c {{ {classes} }}
  BIND(STRAFTER(STR(?c), "#") AS ?cls)
  BIND(STRAFTER(STR(?st), "#") AS ?status)
  OPTIONAL {{ ?e tkg:agent/skos:prefLabel ?agent }}
  OPTIONAL {{ ?e prov:wasDerivedFrom ?s . ?s nif:anchorOf ?sentence ; nif:referenceContext/dcterms:identifier ?doc }}
}}"""

_DATES = """
SELECT DISTINCT ?p ?d ?doc ?sentence WHERE {{
  <{treaty}> ?p ?d . VALUES ?p {{ tkg:signatureDate tkg:entryIntoForceDate tkg:ratificationDate }}
  OPTIONAL {{ ?a rdf:subject <{treaty}> ; rdf:predicate ?p ; rdf:object ?d ; prov:wasDerivedFrom ?s .
             ?s nif:anchorOf ?sentence ; nif:referenceContext/dcterms:identifier ?doc }}
}}"""

_FROM_DATE = {"signatureDate": "Signing", "entryIntoForceDate": "EntryIntoForce", "ratificationDate": "Ratification"}


@dataclass
class Point:
    date: str
    kind: str
    agent: str | None
    status: str
    document: str | None
    sentence: str | None


@dataclass
class TimelineResult:
    treaty: str
    points: list[Point]


def _as_date(value: str) -> date:
    """A point in time for an xsd:date, gYearMonth or gYear (the middle of a month or year)."""
    parts = value.split("-")
    if len(parts) == 1:
        return date(int(parts[0]), 7, 1)
    if len(parts) == 2:
        return date(int(parts[0]), int(parts[1]), 15)
    return date.fromisoformat(value)


def timeline_points(store: Store, treaty: str) -> tuple[str, list[Point]]:
    """The treaty's label and its dated lifecycle points, earliest first."""
    g = entity_graph(store, ["hasArticle"])
    node = find_entity(g.subgraph([n for n, d in g.nodes(data=True) if d["cls"] == "Treaty"]), treaty)
    label = g.nodes[node]["label"]
    points: dict[tuple, Point] = {}
    classes = " ".join(f"tkg:{k}" for k in KINDS)
    for sol in store.query(_EVENTS.format(treaty=node, classes=classes)):
        p = Point(sol["d"].value, sol["cls"].value, sol["agent"].value if sol["agent"] else None,
                  sol["status"].value, sol["doc"].value if sol["doc"] else None,
                  sol["sentence"].value if sol["sentence"] else None)
        points[(p.date, p.kind, p.agent, p.status, p.document)] = p
    covered = {(p.date, p.kind) for p in points.values() if p.status == "asserted"}
    for sol in store.query(_DATES.format(treaty=node)):
        kind = _FROM_DATE[sol["p"].value.rsplit("#", 1)[-1]]
        if (sol["d"].value, kind) in covered:
            continue
        p = Point(sol["d"].value, kind, None, "asserted", sol["doc"].value if sol["doc"] else None,
                  sol["sentence"].value if sol["sentence"] else None)
        points[(p.date, p.kind, None, p.status, p.document)] = p
    return label, sorted(points.values(), key=lambda p: (_as_date(p.date), KINDS.index(p.kind), p.agent or ""))


def timeline(store: Store, treaty: str, out: str | Path) -> TimelineResult:
    """Draw the treaty's timeline (one lane per party; hollow markers for planned or denied acts)."""
    label, points = timeline_points(store, treaty)
    _draw(label, points, Path(out))
    return TimelineResult(label, points)


def _draw(label: str, points: list[Point], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    lanes = sorted({p.agent or "(treaty)" for p in points}, key=lambda a: (a == "(treaty)", a))
    fig, ax = plt.subplots(figsize=(12, 1.6 + 0.7 * max(len(lanes), 1)))
    ax.set_title(f"{label}: timeline", fontsize=12)
    if not points:
        ax.text(0.5, 0.5, "no dated events for this treaty", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        cmap = plt.get_cmap("tab10")
        colour = {k: cmap(i) for i, k in enumerate(KINDS)}
        for p in points:
            y = lanes.index(p.agent or "(treaty)")
            filled = p.status == "asserted"
            ax.plot(_as_date(p.date), y, marker=MARKERS[p.kind], markersize=11, linestyle="none",
                    markerfacecolor=colour[p.kind] if filled else "white", markeredgecolor=colour[p.kind],
                    markeredgewidth=1.8)
            ax.annotate(p.date + ("" if filled else f" ({p.status})"), (_as_date(p.date), y),
                        textcoords="offset points", xytext=(0, 9), ha="center", fontsize=8)
        ax.set_yticks(range(len(lanes)), lanes)
        ax.set_ylim(-0.7, len(lanes) - 0.3)
        ax.grid(axis="x", alpha=0.3)
        kinds = [k for k in KINDS if any(p.kind == k for p in points)]
        handles = [Line2D([0], [0], marker=MARKERS[k], color=colour[k], linestyle="none", markersize=9, label=k)
                   for k in kinds]
        handles.append(Line2D([0], [0], marker="o", color="grey", markerfacecolor="white", linestyle="none",
                              label="planned / denied / claimed"))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
        fig.autofmt_xdate()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
