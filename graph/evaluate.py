"""Evaluate: score graphs against a gold annotation file in the shared corpus-level format.

The format: a JSON object with ``entities`` (``id``, ``type``, ``names``, optional ``optional``) and
``facts`` (``s``, ``p`` and ``o`` or a date ``value``, optional ``optional``). A graph node stands for a
gold entity when one of its labels (``label``, ``prefLabel``, ``altLabel``, ``name``) equals one of the
entity's names once both are normalised; classes and predicates are compared by local name, so any
namespace scores the same; ``rdfs:subClassOf`` found in the graphs is followed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError

ENTITY_TYPES = ("Person", "State", "Organization", "Place", "Treaty", "Article")
OBJECT_RELATIONS = ("signed", "ratified", "partyTo", "hasArticle", "invokes", "references", "replaces",
                    "affiliatedWith", "metWith", "visited")
DATE_RELATIONS = ("signatureDate", "entryIntoForceDate")
RELATIONS = OBJECT_RELATIONS + DATE_RELATIONS
SYMMETRIC = frozenset({"metWith"})
LABELS = frozenset({"label", "prefLabel", "altLabel", "name"})
_EXTENSIONS = {".ttl": "ttl", ".trig": "trig", ".nt": "nt", ".nq": "nq", ".jsonld": "jsonld",
               ".json": "jsonld", ".rdf": "rdf", ".owl": "rdf", ".xml": "rdf"}
_SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Characters that separate words in a name: brackets, slashes and list punctuation.
_SEPARATORS = frozenset("()[]{}/,;:")


def name_key(name: str) -> str:
    """A name as compared: case-folded, dashes, underscores and separators as spaces, other punctuation
    and symbols dropped, spaces collapsed, a leading "the" dropped."""
    out = []
    for ch in unicodedata.normalize("NFKC", name).casefold():
        if ch.isalnum() or ch.isspace():
            out.append(ch)
        elif ch == "_" or ch in _SEPARATORS or unicodedata.category(ch) == "Pd":
            out.append(" ")
    words = "".join(out).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


@dataclass
class Score:
    """Counts for one entity type or relation; precision, recall and F1 follow from them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def _ratio(self, a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    @property
    def precision(self) -> float:
        return self._ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self._ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return round(2 * p * r / (p + r), 3) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass
class Evaluation:
    """Scores by entity type and by relation, with what was missed, wrong and split."""

    entities: dict[str, Score] = field(default_factory=dict)
    relations: dict[str, Score] = field(default_factory=dict)
    missed_entities: dict[str, list[str]] = field(default_factory=dict)
    wrong_entities: dict[str, list[list[str]]] = field(default_factory=dict)
    split_entities: dict[str, int] = field(default_factory=dict)
    missed_facts: dict[str, list[tuple]] = field(default_factory=dict)
    wrong_facts: dict[str, list[tuple]] = field(default_factory=dict)

    @staticmethod
    def _micro(scores: Iterable[Score]) -> Score:
        total = Score()
        for s in scores:
            total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        return total

    @property
    def entity_micro(self) -> Score:
        return self._micro(self.entities.values())

    @property
    def relation_micro(self) -> Score:
        return self._micro(self.relations.values())

    def as_dict(self) -> dict:
        return {
            "entities": {"micro": self.entity_micro.as_dict(),
                         "by_type": {k: v.as_dict() for k, v in self.entities.items()},
                         "missed": self.missed_entities, "false_positives": self.wrong_entities,
                         "split_entities": self.split_entities},
            "relations": {"micro": self.relation_micro.as_dict(),
                          "by_relation": {k: {**v.as_dict(), "false_positives": self.wrong_facts[k]}
                                          for k, v in self.relations.items()},
                          "missed": self.missed_facts},
        }

    def lines(self, show_errors: bool = False) -> list[str]:
        def row(name: str, s: Score) -> str:
            if s.tp + s.fp + s.fn == 0:
                return f"  {name:<18}{'-':>7}{'-':>7}{'-':>7}{0:>6}"
            return f"  {name:<18}{s.precision:>7}{s.recall:>7}{s.f1:>7}{s.tp + s.fn:>6}"

        out = [f"{'entities':<20}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}"]
        out += [row(k, v) for k, v in self.entities.items()]
        out.append(f"{'relations':<20}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}")
        out += [row(k, v) for k, v in self.relations.items()]
        if show_errors:
            for etype in ENTITY_TYPES:
                if self.missed_entities[etype]:
                    out.append(f"missed {etype}: {', '.join(self.missed_entities[etype])}")
                if self.wrong_entities.get(etype):
                    out.append(f"wrong {etype}: " + "; ".join(" | ".join(n) for n in self.wrong_entities[etype]))
            if self.split_entities:
                out.append("split over several nodes: "
                           + ", ".join(f"{g} ({n})" for g, n in sorted(self.split_entities.items())))
            for rel in RELATIONS:
                for fact in self.missed_facts[rel]:
                    out.append(f"missed {rel}: {fact[0]} -> {fact[2]}")
                for fact in self.wrong_facts[rel]:
                    out.append(f"wrong {rel}: {fact[0]} -> {fact[2]}")
        e, r = self.entity_micro, self.relation_micro
        out.append(f"entity F1 {e.f1} (P {e.precision} R {e.recall}); relation F1 {r.f1} "
                   f"(P {r.precision} R {r.recall}); split entities {len(self.split_entities)}")
        return out


class GoldStandard:
    """The gold file: entities by normalised name and facts by (subject, relation, object or value)."""

    def __init__(self, data: object, where: str = "gold"):
        if not isinstance(data, dict) or not isinstance(data.get("entities"), list) \
                or not isinstance(data.get("facts"), list):
            raise InputError(f"{where}: expected an object with 'entities' and 'facts' lists")
        try:
            self.entities = {e["id"]: e for e in data["entities"]}
            self.names: dict[str, set[str]] = defaultdict(set)
            for e in data["entities"]:
                for n in e["names"]:
                    self.names[name_key(n)].add(e["id"])
            self.facts = {(f["s"], f["p"], f["o"] if "o" in f else f["value"]): f for f in data["facts"]}
        except (KeyError, TypeError) as exc:
            raise InputError(f"{where}: an entity or fact lacks {exc}") from None

    @classmethod
    def load(cls, path: str | Path) -> GoldStandard:
        try:
            return cls(json.loads(Path(path).read_text(encoding="utf-8")), str(path))
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from None
        except ValueError as exc:
            raise InputError(f"{path}: not valid JSON ({exc})") from None

    def ids(self, labels: Iterable[str]) -> set[str]:
        return {g for label in labels for g in self.names.get(name_key(label), ())}

    def optional(self, gid: str) -> bool:
        return bool(self.entities[gid].get("optional"))


def load_graphs(paths: Iterable[str | Path]) -> list[ox.Quad]:
    """Every quad of the given RDF files (format by extension); graph names do not matter here."""
    quads: list[ox.Quad] = []
    for path in map(Path, paths):
        ext = _EXTENSIONS.get(path.suffix.lower())
        if ext is None:
            raise InputError(f"{path}: cannot tell the RDF format from the extension "
                             f"({', '.join(sorted(_EXTENSIONS))})")
        try:
            quads.extend(ox.parse(path=str(path), format=ox.RdfFormat.from_extension(ext)))
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
        except SyntaxError as exc:
            raise InputError(f"{path}: not valid RDF ({exc.msg})") from None
    return quads


def _superclasses(quads: list[ox.Quad]) -> dict[str, set[str]]:
    """Local class name -> itself and all its superclasses' local names."""
    parents: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        if q.predicate.value == _SUBCLASS:
            parents[local_name(q.subject.value)].add(local_name(q.object.value))
    closed: dict[str, set[str]] = {}
    for start in parents:
        seen, todo = {start}, [start]
        while todo:
            for up in parents.get(todo.pop(), ()):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        closed[start] = seen
    return closed


def _dates_agree(found: str, gold: str) -> bool:
    return found.startswith(gold)


def evaluate(quads: list[ox.Quad], gold: GoldStandard) -> Evaluation:
    """Score the graph: entities by type and facts by relation (see the module's doc for the rules)."""
    ups = _superclasses(quads)
    labels: dict[object, set[str]] = defaultdict(set)
    classes: dict[object, set[str]] = defaultdict(set)
    for q in quads:
        p = q.predicate.value
        if isinstance(q.object, ox.Literal) and local_name(p) in LABELS:
            labels[q.subject].add(q.object.value)
        elif p == _TYPE:
            name = local_name(q.object.value)
            classes[q.subject] |= ups.get(name, {name})

    result = Evaluation()
    found: dict[str, set[str]] = defaultdict(set)
    wrong: dict[str, list[list[str]]] = defaultdict(list)
    nodes_of: dict[str, set] = defaultdict(set)
    for node, cls in classes.items():
        scored = cls & set(ENTITY_TYPES)
        # A node of a subclass of another scored type (a State that is also a Place) counts once, as the
        # most specific type.
        scored = {t for t in scored if not any(t != u and t in ups.get(u, ()) for u in scored)}
        ids = gold.ids(labels[node])
        for etype in scored:
            same = {g for g in ids if gold.entities[g]["type"] == etype}
            if any(not gold.optional(g) for g in same):
                found[etype] |= same
                for g in same:
                    nodes_of[g].add(node)
            elif not any(gold.optional(g) for g in ids):
                wrong[etype].append(sorted(labels[node])[:3] or [str(node)])
    for etype in ENTITY_TYPES:
        wanted = {g for g, e in gold.entities.items() if e["type"] == etype and not e.get("optional")}
        hit = found[etype] & wanted
        result.entities[etype] = Score(len(hit), len(wrong[etype]), len(wanted - hit))
        result.missed_entities[etype] = sorted(wanted - hit)
    result.wrong_entities = {k: sorted(v) for k, v in wrong.items() if v}
    result.split_entities = {g: len(n) for g, n in nodes_of.items() if len(n) > 1}

    matched: dict[str, set[tuple]] = defaultdict(set)
    false: dict[str, set[tuple]] = defaultdict(set)
    for q in quads:
        rel = local_name(q.predicate.value)
        if rel not in RELATIONS:
            continue
        subjects = gold.ids(labels[q.subject])
        hit, ignorable = None, False
        if rel in DATE_RELATIONS:
            value = q.object.value
            for (gs, gp, gv), fact in gold.facts.items():
                if gp != rel or gs not in subjects:
                    continue
                if _dates_agree(value, str(gv)):
                    if fact.get("optional"):
                        ignorable = True
                    else:
                        hit = (gs, rel, gv)
                elif str(gv).startswith(value):
                    ignorable = True  # less precise than the gold but consistent with it
        else:
            objects = gold.ids(labels[q.object]) if not isinstance(q.object, ox.Literal) else set()
            for gs in subjects:
                for go in objects:
                    fact = gold.facts.get((gs, rel, go))
                    if fact is None and rel in SYMMETRIC:
                        fact = gold.facts.get((go, rel, gs))
                    if fact is None:
                        continue
                    if fact.get("optional"):
                        ignorable = True
                    else:
                        hit = (fact["s"], rel, fact["o"])
        if hit is not None:
            matched[rel].add(hit)
        elif not ignorable:
            # One wrong fact stated by several triples (or documents) is one error, shown by name.
            obj = q.object.value if isinstance(q.object, ox.Literal) else \
                (sorted(labels[q.object])[:1] or [local_name(q.object.value)])[0]
            subj = (sorted(labels[q.subject])[:1] or [local_name(q.subject.value)])[0]
            false[rel].add((subj, rel, obj))
    for rel in RELATIONS:
        wanted = {(f["s"], rel, f["o"] if "o" in f else f["value"]) for f in gold.facts.values()
                  if f["p"] == rel and not f.get("optional")}
        hit = matched[rel] & wanted
        result.relations[rel] = Score(len(hit), len(false[rel]), len(wanted - hit))
        result.missed_facts[rel] = sorted(wanted - hit)
        result.wrong_facts[rel] = sorted(false[rel])
    return result


def evaluate_files(gold: str | Path, graphs: Iterable[str | Path]) -> Evaluation:
    """Score RDF files (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) against a gold file."""
    return evaluate(load_graphs(graphs), GoldStandard.load(gold))


def evaluate_store(gold: str | Path, store) -> Evaluation:
    """Score what a store holds against a gold file."""
    return evaluate(list(ox.parse(store.dump("nquads"), format=ox.RdfFormat.N_QUADS)), GoldStandard.load(gold))
