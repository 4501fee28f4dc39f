"""Finding an entity by a name a user types: one rule for ``render --focus``, ``timeline`` and
``query --param name=``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .errors import UnknownEntityError
from .namespaces import fold


@dataclass(frozen=True)
class Named:
    """An entity as names find it: IRI, class local name, prefLabel and altLabels."""

    node: str
    cls: str
    label: str
    aliases: tuple[str, ...] = ()


def name_key(text: str) -> str:
    """Matching key of a name: quotes and dashes folded, hyphens as spaces, lower case, no leading "the"."""
    t = fold(text).lower().replace("-", " ")
    t = re.sub(r"[^\w\s]", "", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t.removeprefix("the ").strip()


def match_entity(name: str, entities: Iterable[Named], degree: Callable[[str], int],
                 what: str = "entity") -> Named:
    """The entity a name refers to: its prefLabel or any altLabel, case, quotes, dashes and "the" ignored;
    failing that, a surname alone ("Varga") finds the one person whose prefLabel ends with it.

    Several matches by name: an exact prefLabel wins over an alias, a Person or State over other classes,
    then the entity with more relations (``degree``). UnknownEntityError when nothing matches, or when a
    surname is several people's.
    """
    want = name_key(name)
    entities = list(entities)
    found = [e for e in entities
             if want and (name_key(e.label) == want or want in {name_key(a) for a in e.aliases})]
    if not found and want:
        people = [e for e in entities if e.cls == "Person" and name_key(e.label).split()[-1:] == want.split()]
        if len(people) > 1:
            names = ", ".join(sorted({e.label for e in people}))
            raise UnknownEntityError(f"{name!r} is the surname of several people ({names}): give a full name")
        found = people
    if not found:
        raise UnknownEntityError(f"no {what} named {name!r}")
    rank = {"Person": 0, "State": 1}

    def preference(e: Named) -> tuple:
        return (fold(e.label) != fold(name).strip(), name_key(e.label) != want, rank.get(e.cls, 2),
                -degree(e.node), e.node)

    return min(found, key=preference)


# Every entity's class and names, for finding one in a store (an entity typed or labelled twice keeps
# its first class and label in this order, as the rendered graph does).
_NAMES = """
SELECT ?x ?cls ?label ?alt WHERE {
  VALUES ?c { tkg:Person tkg:State tkg:Organization tkg:Place tkg:Treaty tkg:Article }
  ?x a ?c ; skos:prefLabel ?label .
  OPTIONAL { ?x skos:altLabel ?alt }
  BIND(STRAFTER(STR(?c), "#") AS ?cls)
} ORDER BY ?x ?cls ?label"""
# Relations drawn between entities, either way: the degree render counts.
_DEGREE = """SELECT (COUNT(DISTINCT *) AS ?n) WHERE {{
  VALUES ?p {{ {relations} }} {{ <{x}> ?p ?o }} UNION {{ ?o ?p <{x}> }} FILTER(isIRI(?o) && ?o != <{x}>) }}"""


def find_in_store(store, name: str) -> Named:
    """The entity of a store that ``name`` refers to, by :func:`match_entity`, as ``render --focus``
    finds it in the rendered graph."""
    from .render import RELATIONS

    first: dict[str, tuple[str, str]] = {}
    aliases: dict[str, set[str]] = {}
    for sol in store.query(_NAMES):
        node = sol["x"].value
        first.setdefault(node, (sol["cls"].value, sol["label"].value))
        if sol["alt"] is not None:
            aliases.setdefault(node, set()).add(sol["alt"].value)
    relations = " ".join(f"tkg:{r}" for r in RELATIONS)

    def degree(node: str) -> int:
        return int(next(iter(store.query(_DEGREE.format(relations=relations, x=node))))["n"].value)

    return match_entity(name, (Named(n, cls, label, tuple(sorted(aliases.get(n, ()))))
                               for n, (cls, label) in first.items()), degree)
