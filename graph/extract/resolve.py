"""Entity resolution within a document: one entity per real thing, whatever names it goes by.

Mentions with the same class and canonical key are one entity. On top of that: surname-only
person mentions join the full name they abbreviate, short organisation names join the one longer
name they are part of, shorter treaty names join the treaty they abbreviate, and "the treaty" /
"the document" / "the Egyptian-Israeli pact" point at the treaty the document is about. Entity IRIs
come from class and key alone, so every document (and worker) mints the same IRI.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from ..namespaces import article_iri, entity_iri, fold, scoped_entity_iri
from .mentions import Mention, gazetteer, normalize_key


@dataclass
class Entity:
    """A resolved entity of one document."""

    cls: str
    key: str
    display: str
    iri: str
    labels: set[str] = field(default_factory=set)
    mentions: list[Mention] = field(default_factory=list)
    parties: set[str] = field(default_factory=set)  # treaties: state names
    treaty: Entity | None = None  # articles
    number: str | None = None
    part_of: Entity | None = None  # paragraphs: their article ("Article 7(1)" is part of Article 7)
    paragraph: str | None = None

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions) if self.mentions else 0


@dataclass
class Resolution:
    entities: list[Entity]
    of: dict[int, Entity]  # id(mention) -> entity
    main_treaty: Entity | None

    def entity(self, mention: Mention) -> Entity | None:
        return self.of.get(id(mention))


def _label(text: str) -> str:
    return fold(text).strip(" ,.;:")


def resolve(mentions: list[Mention], text: str = "", scope: str = "") -> Resolution:
    """Group a document's mentions into entities (``text`` lets anaphors see sentences and paragraphs).

    ``scope`` names the document: a generic treaty name ("the peace agreement") with no parties to tell
    it apart is that document's treaty, not every peace agreement's.
    """
    g = gazetteer()
    by_key: dict[tuple[str, str], Entity] = {}
    of: dict[int, Entity] = {}

    def add(m: Mention, ent: Entity) -> None:
        ent.mentions.append(m)
        ent.labels.add(_label(m.text))
        ent.labels.add(m.display)
        for alias in m.extra.get("aliases", []):
            ent.labels.add(alias)
        of[id(m)] = ent

    def get(cls: str, key: str, display: str) -> Entity:
        ent = by_key.get((cls, key))
        if ent is None:
            ent = Entity(cls, key, display, entity_iri(cls, key))
            by_key[(cls, key)] = ent
        return ent

    _generic_as_anaphors(mentions, text)
    named = [m for m in mentions if m.key and m.cls != "Article"]
    # Persons: full names first, so that surname-only mentions can find them.
    persons = sorted((m for m in named if m.cls == "Person"), key=lambda m: -len(m.key.split()))
    for m in persons:
        target = _person_target(m, by_key)
        if target is None:
            target = get("Person", m.key, m.display)
        add(m, target)
    # Organisations: longest names first, then short forms that are part of exactly one of them.
    for m in named:
        if m.cls == "Organization":
            m.key = _expanded_org_key(m)
    orgs = sorted((m for m in named if m.cls == "Organization"), key=lambda m: -len(m.key))
    for m in orgs:
        target = by_key.get(("Organization", m.key)) or _org_target(m, by_key)
        add(m, target or get("Organization", m.key, m.display))
    # Proper names before generic ones, so that "a treaty on strategic partnership" joins the Strategic
    # Partnership Treaty the same report names.
    treaties = sorted((m for m in named if m.cls == "Treaty"),
                      key=lambda m: (bool(m.extra.get("generic")), -len(m.key.split())))
    for m in treaties:
        target = by_key.get(("Treaty", m.key)) or _treaty_target(m, by_key)
        if target is None and m.extra.get("generic") and not m.parties and scope:
            # Full names come first, so a generic one left unclaimed is this document's own treaty.
            target = Entity("Treaty", m.key, m.display, scoped_entity_iri("Treaty", m.key, scope))
            by_key[("Treaty", m.key)] = target
        ent = target or get("Treaty", m.key, m.display)
        ent.parties.update(m.parties)
        add(m, ent)
    for m in named:
        if m.cls in {"State", "Place"}:
            add(m, get(m.cls, m.key, m.display))

    _join_aliases(mentions, text, by_key, of)
    treaty_ents = list({id(e): e for e in by_key.values() if e.cls == "Treaty"}.values())
    main = _main_treaty(treaty_ents, text)
    named_treaties = _NamedTreaties(mentions, of)
    for m in mentions:
        if m.cls == "Treaty" and m.key is None:
            ent = _anaphor_target(m, treaty_ents, main, named_treaties, text)
            if ent is not None:
                if not m.source == "treaty-anaphor":
                    add(m, ent)  # "the Egyptian-Israeli treaty" is a name users search for
                else:
                    of[id(m)] = ent
                    ent.mentions.append(m)
                ent.parties.update(m.parties)
    # Articles belong to the treaty named after "of", else to the document's treaty.
    with_treaty: dict[str | None, list[Mention]] = {}
    for x in mentions:
        if x.cls == "Article" and x.treaty is not None and of.get(id(x.treaty)) is not None:
            with_treaty.setdefault(x.number, []).append(x)
    by_number = {number: _ByStart(xs) for number, xs in with_treaty.items()}
    resolved_treaties = _ByStart(x for x in mentions if x.cls == "Treaty" and of.get(id(x)) is not None)
    for m in mentions:
        if m.cls != "Article":
            continue
        owner = of.get(id(m.treaty)) if m.treaty is not None else None
        if owner is None:
            # A bare "Article 50" is the Article 50 named with its treaty earlier in the document.
            same = by_number.get(m.number)
            earlier = same.last_before(m.start) if same else None
            if earlier is not None:
                owner = of[id(earlier.treaty)]
        if owner is None:
            # Otherwise the treaty the paragraph was last speaking of ("… the protocol. … Article 25").
            para = text.rfind("\n", 0, m.start) + 1
            before = resolved_treaties.last_before(m.start, since=para, ending_by=m.start)
            if before is not None:
                owner = of[id(before)]
        owner = owner or main
        # Agreements numbered by paragraph get "para_36", so they never clash with an "Article 36".
        part = "para" if m.source == "paragraph" else "art"
        key = f"{owner.key if owner else 'unknown'}#{part}{m.number}"
        ent = by_key.get(("Article", key))
        if ent is None:
            ent = Entity("Article", key, m.display, article_iri(owner.iri if owner else None, m.number, part=part),
                         treaty=owner, number=m.number)
            by_key[("Article", key)] = ent
        ent.labels.add(m.display)
        if owner is not None:
            ent.labels.add(f"{m.display} of the {owner.display}")
        ent.mentions.append(m)
        of[id(m)] = ent
        if m.paragraph and part == "art":
            # "Article 7(1)" is a clause of its own, part of Article 7: what is invoked is the paragraph.
            pkey = f"{key}__para{m.paragraph}"
            para = by_key.get(("Article", pkey))
            if para is None:
                para = Entity("Article", pkey, f"{m.display}({m.paragraph})",
                              article_iri(owner.iri if owner else None, m.number, paragraph=m.paragraph),
                              treaty=owner, number=m.number, part_of=ent, paragraph=m.paragraph)
                by_key[("Article", pkey)] = para
            para.labels.add(para.display)
            para.labels.add(" ".join(m.text.split()))  # as written: "Article XI:2(a)", "paragraph 3 of Article XIV"
            if owner is not None:
                para.labels.add(f"{para.display} of the {owner.display}")
            para.mentions.append(m)
            of[id(m)] = para
    entities = sorted({id(e): e for e in by_key.values()}.values(), key=lambda e: (e.cls, e.key))
    for e in entities:
        if e.cls == "State" and e.display in g.historical:
            e.labels.add(e.display)
    return Resolution(entities, of, main)


# "a Fisheries Cooperation Treaty, called the Keta Treaty", "the X Treaty or the Y Treaty,", "X, also known as Y".
_ALIAS_LINK = re.compile(r"\s*,?\s*(?:(?:also|formally|officially|better|commonly)\s+)?(?:called|known\s+as|dubbed|"
                         r"nicknamed|named|or)\s+(?:the\s+)?", re.I)


def _join_aliases(mentions: list[Mention], text: str, by_key: dict, of: dict[int, Entity]) -> None:
    """Two treaty names the text gives as names of one treaty become one entity: the one a proper
    name (not a description) with the fewest words keeps its IRI, so other reports that use only
    that name reach the same node."""
    named = sorted((m for m in mentions if m.cls == "Treaty" and m.key and id(m) in of), key=lambda m: m.start)
    for a, b in zip(named, named[1:], strict=False):
        ea, eb = of[id(a)], of[id(b)]
        link = _ALIAS_LINK.fullmatch(text, a.end, b.start)
        if ea is eb or not link:
            continue
        if re.search(r"\bor\b", link.group(0), re.I) and not text.startswith(",", b.end):
            continue  # "ratify the X or the Y" offers two treaties; "the X or the Y, will …" renames one

        keep, drop = sorted((ea, eb), key=lambda e: (any(m.extra.get("generic") for m in e.mentions),
                                                      len(e.display.split()), e.display))
        for m in drop.mentions:
            of[id(m)] = keep
        keep.mentions += drop.mentions
        keep.labels |= drop.labels
        keep.parties |= drop.parties
        for k, e in list(by_key.items()):
            if e is drop:
                by_key[k] = keep


_INDEFINITE = re.compile(r"\b(?:an?|another|one)\s+(?:[\w'’-]+\s+){0,3}$", re.I)


def _generic_as_anaphors(mentions: list[Mention], text: str) -> None:
    """"the arms pact" in a report that names the New START treaty is a treaty the report names, found like
    "the treaty"; "a free trade agreement", and a generic name in a report that names none, is a treaty of
    its own."""
    if not any(m.cls == "Treaty" and m.key and not m.extra.get("generic") for m in mentions):
        return
    for m in mentions:
        if m.extra.get("generic") and not m.parties and not _INDEFINITE.search(text, max(0, m.start - 40), m.start):
            m.key, m.anaphor = None, True


def _person_target(m: Mention, by_key) -> Entity | None:
    words = m.key.split()
    if ("Person", m.key) in by_key:
        return by_key[("Person", m.key)]
    candidates = [e for (cls, _), e in by_key.items() if cls == "Person"
                  and len(e.key.split()) > len(words)
                  and (e.key.split()[-len(words):] == words or e.key.split()[:len(words)] == words)]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        # "Bush" next to "George W. Bush" and "Jeb Bush": the one mentioned last before it.
        before = [e for e in candidates if any(x.start < m.start for x in e.mentions)]
        if before:
            return max(before, key=lambda e: max(x.start for x in e.mentions if x.start < m.start))
    return None


def _expanded_org_key(m: Mention) -> str:
    """"AU Commission" is keyed as "African Union Commission": a known body's acronym heading a longer
    name is spelled out, so both spellings (in any report) mint one IRI."""
    first, _, rest = m.display.partition(" ")
    full = gazetteer().orgs.get(fold(first)) if rest and first.isupper() and len(first) > 1 else None
    return normalize_key(f"{full} {rest}") if full else m.key


def _org_target(m: Mention, by_key) -> Entity | None:
    """The longer organisation name a short one abbreviates.

    "National Assembly" abbreviates "National Assembly of Hungary" and "Defense Ministry"
    abbreviates "Japanese Defense Ministry"; "Communist Party of China" does not abbreviate
    "Central Committee of the Communist Party of China", which is another body.
    """
    words = m.key.split()
    n = len(words)
    state_words = _state_words()
    candidates = []
    for (cls, _), e in by_key.items():
        other = e.key.split()
        if cls != "Organization" or len(other) <= n:
            continue
        if n >= 2 and other[:n] == words and other[n] in {"of", "for"}:
            candidates.append(e)
        elif other[-n:] == words and all(w in state_words for w in other[:-n]):
            candidates.append(e)
    # "National Assembly" read inside "Hungary's National Assembly" is that body, whatever else could fit.
    containing = [e for e in candidates if any(x.start <= m.start and m.end <= x.end for x in e.mentions)]
    candidates = containing or candidates
    return candidates[0] if len(candidates) == 1 else None


@functools.lru_cache(maxsize=1)
def _state_words() -> frozenset[str]:
    """Every word of a state's names and demonyms, as keys spell them."""
    g = gazetteer()
    return frozenset(w for name in list(g.states) + list(g.demonyms) for w in normalize_key(name).split())


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w)


# Type words a report uses for one another; a protocol, convention or charter is another kind of text.
_INTERCHANGEABLE = {"treaty", "agreement", "pact", "accord", "deal"}


def _treaty_target(m: Mention, by_key) -> Entity | None:
    words = set(m.key.split())
    content = m.key.split()[:-1]
    if len(content) == 1 and m.display.split()[0].isupper():
        # "INF Treaty" abbreviates "Intermediate-Range Nuclear Forces Treaty".
        acr = content[0]
        for (cls, _), e in by_key.items():
            other = e.display.lower().split()
            if cls == "Treaty" and other[-1] == m.key.split()[-1] and len(other) > 2 and \
                    acr in {_initials(other[:-1]), _initials(other)}:
                return e
    type_word = m.key.split()[-1]
    if type_word in _INTERCHANGEABLE:
        # "the AfCFTA pact" after "the AfCFTA Agreement": news uses these type words for one another.
        same = [e for (cls, _), e in by_key.items() if cls == "Treaty" and e.key.split()[:-1] == content
                and e.key.split()[-1] in _INTERCHANGEABLE and e.key != m.key and content]
        if len(same) == 1:
            return same[0]
    # "Test-Ban Treaty" shortens "Comprehensive Nuclear-Test-Ban Treaty", keeping its
    # word order; "Strategic Arms Reduction Treaty" is not "Further Reduction … Strategic Offensive Arms Treaty".
    candidates = [e for (cls, _), e in by_key.items() if cls == "Treaty" and e.key.split()[-1] == type_word
                  and words < set(e.key.split()) and len(words) >= 2 and _in_order(m.key.split(), e.key.split())]
    if len(candidates) == 1:
        return candidates[0]
    # "the Reciprocal Access Agreement" after "the Japan-Australia Reciprocal Access Agreement" and before
    # "the Japan-UK one": the one named first, when it was named before the short form.
    earlier = [e for e in candidates if e.first < m.start]
    if candidates and len(earlier) == 1 and not m.parties:
        return earlier[0]
    return None


def _in_order(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(w in it for w in short)


_PREDECESSOR_CUE = re.compile(r"(?:replac\w*|supersed\w*|successor\s+to|instead\s+of|than)\s+(?:the\s+)?$", re.I)


def _main_treaty(treaties: list[Entity], text: str = "") -> Entity | None:
    """The treaty the document is about: the most mentioned one (the earliest on ties), not counting
    mentions of it as what another treaty replaces ("replacing NAFTA")."""
    if not treaties:
        return None

    def weight(e: Entity) -> int:
        return sum(1 for m in e.mentions if not _PREDECESSOR_CUE.search(text[max(0, m.start - 30):m.start]))

    return max(treaties, key=lambda e: (weight(e), -e.first))


class _ByStart:
    """Mentions sorted by start (ties in their document-list order), for "the last one before here"."""

    def __init__(self, mentions) -> None:
        self.items: list[Mention] = sorted(mentions, key=lambda x: x.start)
        self.starts = [x.start for x in self.items]

    def last_before(self, pos: int, since: int = 0, ending_by: int | None = None) -> Mention | None:
        """The mention starting latest before ``pos`` (and at or after ``since``, ending by ``ending_by``);
        of several starting there, the first in list order."""
        best = None
        j = bisect.bisect_left(self.starts, pos) - 1
        while j >= 0 and self.starts[j] >= since and (best is None or self.starts[j] == best.start):
            x = self.items[j]
            if ending_by is None or x.end <= ending_by:
                best = x
            j -= 1
        return best


class _NamedTreaties:
    """A document's named treaty mentions sorted by where they end, overall and per entity."""

    def __init__(self, mentions: list[Mention], of: dict[int, Entity]) -> None:
        named = [(x.end, i, x) for i, x in enumerate(mentions) if x.cls == "Treaty" and x.key]
        named.sort(key=lambda t: (t[0], t[1]))
        self.ends = [end for end, _, _ in named]
        self.named = named
        self.of = of
        self.per_entity: dict[int, list[tuple[int, int, Mention]]] = {}
        self.years_of: dict[int, set[str]] = {}
        for item in named:
            ent = of[id(item[2])]
            self.per_entity.setdefault(id(ent), []).append(item)
            self.years_of.setdefault(id(ent), set()).add(item[2].extra.get("year"))
        self.entity_ends = {e: [end for end, _, _ in items] for e, items in self.per_entity.items()}
        self.years = {x.extra.get("year") for _, _, x in named}

    def in_paragraph(self, before: int, para_start: int, cands: set[int]) -> list[Mention]:
        """Mentions of the candidates lying wholly in [para_start, before), in list order."""
        found = []
        j = bisect.bisect_right(self.ends, before) - 1
        while j >= 0 and self.ends[j] > para_start:
            _, i, x = self.named[j]
            if x.start >= para_start and id(self.of[id(x)]) in cands:
                found.append((i, x))
            j -= 1
        return [x for _, x in sorted(found, key=lambda t: t[0])]

    def last_named(self, before: int, cands: list[Entity]) -> Mention | None:
        """The candidates' mention ending last by ``before`` (the first in list order on ties)."""
        best = None
        for e in cands:
            items, ends = self.per_entity.get(id(e), []), self.entity_ends.get(id(e), [])
            j = bisect.bisect_right(ends, before) - 1
            if j < 0:
                continue
            item = items[bisect.bisect_left(ends, ends[j])]  # the first of that entity ending there
            if best is None or (item[0], -item[1]) > (best[0], -best[1]):
                best = item
        return best[2] if best else None


def _anaphor_target(m: Mention, treaties: list[Entity], main: Entity | None, named_treaties: _NamedTreaties,
                   text: str = "") -> Entity | None:
    """The treaty "the treaty", "the Finnish protocol" or "the 1974 agreement" points at.

    Candidates are narrowed by the parties or modifiers the phrase names and by its type word; among
    several, the one the paragraph named last wins (unless only as what another treaty replaced), then
    the document's main treaty, then the one named last.
    """
    word = m.extra.get("type")
    cands = list(treaties)
    if m.parties:
        wanted = set(m.parties)
        matching = [e for e in treaties if e.parties and wanted <= e.parties]
        if not matching:
            # "the Finnish protocol": a treaty whose name carries the state ("… Accession of Finland").
            names = [normalize_key(p) for p in wanted]
            matching = [e for e in treaties if all(n in e.key for n in names)]
        if not matching:
            if not m.extra.get("between"):
                return main
            # "The treaty between A and B, known formally as the X Treaty": the treaty its sentence names
            # next; else the main treaty only if the report names no other.
            stop = text.find(". ", m.end)
            stop = len(text) if stop == -1 else stop
            nxt = next((x for _, _, x in named_treaties.named if m.end <= x.start < stop), None)
            return named_treaties.of[id(nxt)] if nxt is not None else main if len(treaties) == 1 else None
        cands = matching
    mods = [w for w in m.extra.get("mods", []) if w not in _GENERIC_MODS]
    if mods:
        years = named_treaties.years
        matching = [e for e in cands if any(w in e.key.split() or (w.isdigit() and w in years and w in
                                                                   named_treaties.years_of.get(id(e), ()))
                                            for w in mods)]
        cands = matching or cands
    typed = [e for e in cands if e.key.split()[-1] == word]
    cands = typed or cands
    if len(cands) == 1:
        return cands[0]
    of = named_treaties.of
    # The treaty the paragraph last named, unless it was named only as what another one replaced.
    para_start = text.rfind("\n", 0, m.start) + 1 if text else m.start
    in_para = [x for x in named_treaties.in_paragraph(m.start, para_start, {id(e) for e in cands})
               if not _PREDECESSOR_CUE.search(text[max(0, x.start - 30):x.start])]
    # … preferring one that opened a sentence, its subject ("The Treaty of X was followed by the Y. The treaty …").
    opening = [x for x in in_para if re.search(r"(?:^|[.!?»]\s+|\n)(?:The\s+|the\s+)?(?:\d{4}\s+)?$",
                                               text[max(0, x.start - 12):x.start])]
    if opening or in_para:
        return of[id(max(opening or in_para, key=lambda x: x.end))]
    if main is not None and main in cands:
        return main
    last = named_treaties.last_named(m.start, cands)
    return of[id(last)] if last is not None else main


# Modifiers that describe any treaty and so cannot tell one from another.
_GENERIC_MODS = {"bilateral", "landmark", "historic", "proposed", "draft", "original", "current", "former", "old",
                 "final", "key", "international", "multilateral", "trilateral", "existing", "latest", "last"}
