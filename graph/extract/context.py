"""Shared ground for the relation rules: the records they produce and per-document look-ups.

Look-ups by position (the entities inside a span, the person named last before a pronoun, the
treaty a paragraph is about) use mention offsets sorted once per document and bisection, so a
rule's cost does not grow with the number of mentions in the document.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from datetime import date

from ..dates import find_dates
from .mentions import Mention, gazetteer
from .resolve import Entity, Resolution

ACTORS = {"Person", "State", "Organization"}

@dataclass
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class Event:
    """Something reported: signed, ratified, visited… with its status (asserted, planned, …)."""

    kind: str
    status: str
    sentence: Sentence
    rule: str
    agents: list[Entity] = field(default_factory=list)
    treaty: Entity | None = None
    others: list[Entity] = field(default_factory=list)  # met persons, visited places
    date: str | None = None
    place: Entity | None = None
    speaker: Entity | None = None
    at: int = -1  # where the trigger word is, when a rule needs to know what came first


@dataclass
class Fact:
    """One contract triple (object entity or literal value) with its evidence."""

    s: Entity
    p: str
    sentence: Sentence
    rule: str
    o: Entity | None = None
    value: str | None = None


@dataclass
class Clause:
    article: Entity
    text: str
    sentence: Sentence


@dataclass
class RelationResult:
    events: list[Event] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)


class Context:
    """Per-document look-ups shared by the rules."""

    def __init__(self, doc, mentions: list[Mention], res: Resolution, published: date | None):
        self.doc = doc
        self.text = doc.text
        self.res = res
        self.published = published
        self.mentions = [m for m in mentions if res.entity(m) is not None]
        self._index()
        self.mentions += self._descriptions()
        self._index()
        self.by_token: dict[int, list[Mention]] = {}
        for m in self.mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            for t in span:
                self.by_token.setdefault(t.i, []).append(m)

    def _index(self) -> None:
        self.mentions.sort(key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.mentions]
        # The longest mention bounds how far before ``start`` a mention ending after it can begin.
        self.longest = max((m.end - m.start for m in self.mentions), default=0)

    def between(self, start: int, end: int) -> list[Mention]:
        """Mentions lying wholly inside [start, end), in text order."""
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        return [m for m in self.mentions[lo:hi] if m.end <= end]

    def starting(self, start: int, end: int) -> list[Mention]:
        """Mentions that start inside [start, end), in text order."""
        return self.mentions[bisect.bisect_left(self.starts, start):bisect.bisect_left(self.starts, end)]

    def before(self, pos: int, reach: int):
        """Mentions ending at or before ``pos`` and starting after ``pos - reach``, nearest first."""
        hi = bisect.bisect_left(self.starts, pos)
        for m in reversed(self.mentions[bisect.bisect_left(self.starts, pos - reach):hi]):
            if m.end <= pos:
                yield m

    def ents_in_tokens(self, tokens, classes=None) -> list[Entity]:
        seen: dict[str, Entity] = {}
        for t in sorted(tokens, key=lambda t: t.i):
            for m in self.by_token.get(t.i, []):
                e = self.res.entity(m)
                if e is not None and (classes is None or e.cls in classes):
                    seen.setdefault(e.iri, e)
            if t.lower_ in {"he", "she", "his", "her"} and (classes is None or "Person" in classes):
                p = self.cataphor(t) or self.person_before(t.idx)
                if p is not None:
                    seen.setdefault(p.iri, p)
            if _is_pair_of_people(t) and (classes is None or "Person" in classes):
                for p in self.persons_before(t.idx, 2):
                    seen.setdefault(p.iri, p)
        return list(seen.values())

    def ents_in_span(self, start: int, end: int, classes=None) -> list[Entity]:
        out: dict[str, Entity] = {}
        for m in self.between(start, end):
            e = self.res.entity(m)
            if e is not None and (classes is None or e.cls in classes):
                out.setdefault(e.iri, e)
        return list(out.values())

    def _descriptions(self) -> list[Mention]:
        """"the Cuban leader" after "Cuban leader Fidel Castro": a mention of that person.

        Only descriptions that one person in the document was introduced with are resolved.
        """
        g = gazetteer()
        seen: dict[tuple[str, str], set[str]] = {}
        people: dict[str, Entity] = {}
        intro, desc = _description_patterns()
        for m in self.mentions:
            e = self.res.entity(m)
            if e is None or e.cls != "Person":
                continue
            found = intro.search(self.text[max(0, m.start - 60):m.start])
            if found:
                key = (g.demonyms[found.group("d")], found.group("t").lower())
                seen.setdefault(key, set()).add(e.iri)
                people[e.iri] = e
        out = []
        if not seen:
            return out
        for m in desc.finditer(self.text):
            key = (g.demonyms.get(m.group("d"), ""), m.group("t").lower())
            if len(seen.get(key, ())) == 1:
                e = people[next(iter(seen[key]))]
                mention = Mention(m.start(), m.end(), m.group(0), "Person", e.key, e.display, "description")
                self.res.of[id(mention)] = e
                out.append(mention)
        return out

    def cataphor(self, pron) -> Entity | None:
        """"On the eve of his visit, X published …": a pronoun ahead of its clause's subject is that subject."""
        root = pron.sent.root
        if pron.i >= root.i:
            return None
        subj = next((c for c in root.children if c.dep_ == "nsubj" and c.i > pron.i), None)
        if subj is None:
            return None
        ents = self.ents_in_tokens([subj], {"Person"}) if subj.lower_ not in {"he", "she"} else []
        return ents[0] if ents else None

    def treaty_before(self, pos: int) -> Entity | None:
        """Antecedent of "it" for a treaty: the treaty the paragraph last had as a subject, else the
        one it named last, else the document's main treaty."""
        para = para_start(self.text, pos)
        subject = named = None
        for m in self.between(para, pos):
            if m.cls != "Treaty":
                continue
            e = self.res.entity(m)
            span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is not None and span.root.dep_ in {"nsubj", "nsubjpass"}:
                subject = (m.start, e) if subject is None or m.start > subject[0] else subject
            named = (m.start, e) if named is None or m.start > named[0] else named
        if subject is not None:
            return subject[1]
        return named[1] if named is not None else self.res.main_treaty

    def body_for(self, word: str, pos: int) -> Entity | None:
        """The organisation "the alliance" / "the bloc" stands for: the most named fitting one before."""
        counts: dict[str, list] = {}
        for m in self.between(0, pos):
            e = self.res.entity(m)
            if e is not None and e.cls == "Organization" and any(
                    k in e.key for k in _COLLECTIVE_NAMES[word]):
                counts.setdefault(e.iri, [0, e])[0] += 1
        return max(counts.values(), key=lambda c: c[0])[1] if counts else None

    def article_before(self, pos: int) -> Entity | None:
        """The article named last before ``pos`` in the same or the previous paragraph."""
        para = self.text.rfind("\n", 0, max(0, self.text.rfind("\n", 0, pos) - 1)) + 1
        found = [m for m in self.between(para, pos) if m.cls == "Article"]
        return self.res.entity(max(found, key=lambda m: m.start)) if found else None

    def treaties_before(self, pos: int) -> list[Entity]:
        """:meth:`treaty_before` as a list of at most one treaty."""
        found = self.treaty_before(pos)
        return [found] if found is not None else []

    def persons_before(self, pos: int, n: int) -> list[Entity]:
        """The last ``n`` different persons named before ``pos`` ("the two leaders")."""
        seen: dict[str, Entity] = {}
        for m in self.before(pos, 1500 + self.longest):
            e = self.res.entity(m)
            if pos - m.end < 1500 and e is not None and e.cls == "Person":
                seen.setdefault(e.iri, e)
                if len(seen) == n:
                    break
        return list(seen.values()) if len(seen) == n else []

    def person_before(self, pos: int) -> Entity | None:
        """Antecedent of "he"/"she": the nearest person named before, within about three sentences."""
        for m in self.before(pos, 600 + self.longest):
            e = self.res.entity(m)
            if pos - m.end < 600 and e is not None and e.cls == "Person":
                return e
        return None

    def date_near(self, sent: Sentence, anchor: int) -> str | None:
        """The date expression nearest to the trigger, ignoring dates inside quotes it is not in."""
        rel = anchor - sent.start
        trigger_quoted = inside_quote(self.text, anchor)
        # "today" in a quote is the day the speaker spoke, not the day of publication.
        found = find_dates(sent.text, None if trigger_quoted else self.published)
        found = [d for d in found if inside_quote(self.text, sent.start + d[0]) == trigger_quoted]
        if not found:
            return None
        # "entered into force on 1 December 2009": a date just after the trigger belongs to it.
        after = [d for d in found if 0 <= d[0] - rel <= 60]
        if after:
            return after[0][2]
        return min(found, key=lambda d: min(abs(d[0] - rel), abs(d[1] - rel)))[2]


_PAIR_NOUNS = {"leaders", "men", "ministers", "presidents", "premiers", "heads", "statesmen", "women", "leaders'"}


# "The alliance invoked …": a collective noun for the organisation the document keeps naming.
_COLLECTIVE = {"alliance", "bloc", "organisation", "organization", "union", "grouping"}
_COLLECTIVE_NAMES = {"alliance": ("treaty organization", "alliance", "pact"), "bloc": ("union", "community",
                     "association", "organization", "cooperation"), "union": ("union",), "grouping": ("",),
                     "organisation": ("organisation", "organization"), "organization": ("organisation", "organization")}


def _is_pair_of_people(t) -> bool:
    """"the two leaders", "both ministers", "the two foreign ministers": two people named just before."""
    return t.lower_ in _PAIR_NOUNS and any(c.lower_ in {"two", "both"} for c in t.children)


def para_start(text: str, pos: int) -> int:
    """Where the paragraph (line) holding ``pos`` begins."""
    return text.rfind("\n", 0, pos) + 1


def subtree(tok):
    return list(tok.subtree)


def subjects(verb, ctx: Context, classes=ACTORS) -> list[Entity]:
    """Actors of a verb: its subject, the 'by' agent of a passive, or the subject of the verb it is
    conjoined to or complements ("X arrived and met Y", "X agreed to sign")."""
    for c in verb.children:
        if c.dep_ == "agent":
            people = listed_people(c, ctx)
            if people and "Person" in classes:
                return people
            # "signed by U.S. President X": X signed; the state only describes him.
            found = {e.iri: e for p in c.children for e in subject_entities(p, ctx, classes)}
            return list(found.values()) or ctx.ents_in_tokens([t for p in c.children for t in subject_tokens(p)],
                                                              classes)
    if any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children):
        return []  # "the treaty was ratified" names no one
    head = verb
    for _ in range(4):
        subjects = [c for c in head.children if c.dep_ == "nsubj"]
        if head.dep_ == "relcl" and all(c.lower_ in {"who", "which", "that"} for c in subjects):
            # "Modi, who arrived in Dhaka": the relative pronoun stands for the noun the clause hangs on.
            return ctx.ents_in_tokens(subject_tokens(head.head), classes)
        for c in subjects:
            found = subject_entities(c, ctx, classes)
            if found or c is subjects[-1]:
                return found
        if head.dep_ == "relcl":
            return ctx.ents_in_tokens(subject_tokens(head.head), classes)
        if head.dep_ not in {"conj", "xcomp"} or head.head == head:
            break
        head = head.head
    return []


def listed_people(prep, ctx: Context) -> list[Entity]:
    """The people named after ``prep`` ("by", "between") up to the next clause or circumstance, whatever
    the parse made of the list ("signed by U.S. President X and Russian President Y in Prague")."""
    rest = ctx.text[prep.idx:prep.sent.end_char]
    # "… and was witnessed by Z" starts another clause with agents of its own.
    cut = re.search(r"\s(?:in|on|at|during|after|before|when|while|which|who|to)\s|;|(?<![A-Z])\.(?:\s|$)"
                    r"|\s(?:and|but),?\s+(?:was|were|is|are|has|had|have|will)\s", rest)
    return ctx.ents_in_span(prep.idx, prep.idx + (cut.start() if cut else len(rest)), {"Person"})


def subject_entities(tok, ctx: Context, classes) -> list[Entity]:
    """Entities a subject names, without the ones that only qualify a person in it.

    "US President Jimmy Carter signed" has Carter as subject, not the US that describes him.
    """
    person_tokens = {i for i, ms in ctx.by_token.items()
                     if any((e := ctx.res.entity(m)) is not None and e.cls == "Person" for m in ms)}
    found: dict[str, Entity] = {}
    for t in subject_tokens(tok):
        if _is_pair_of_people(t) and "Person" in classes:
            for p in ctx.persons_before(t.idx, 2):
                found.setdefault(p.iri, p)
        if t.lower_ in _COLLECTIVE and "Organization" in classes and any(d.lower_ == "the" for d in t.children):
            body = ctx.body_for(t.lower_, t.idx)
            if body is not None:
                found.setdefault(body.iri, body)
        if t.lower_ == "they" and t.dep_ in {"nsubj", "nsubjpass"}:
            for e in _they(t, ctx, classes):
                found.setdefault(e.iri, e)
        speaker = _speaker_of(t, ctx, classes)
        if speaker:
            for e in speaker:
                found.setdefault(e.iri, e)
            continue
        if t.lower_ in {"he", "she"} and "Person" in classes:
            p = ctx.cataphor(t) or ctx.person_before(t.idx)
            if p is not None:
                found.setdefault(p.iri, p)
        for m in ctx.by_token.get(t.i, []):
            e = ctx.res.entity(m)
            if e is None or e.cls not in classes:
                continue
            if e.cls != "Person" and _qualifies_person(t, person_tokens):
                continue
            found.setdefault(e.iri, e)
    return list(found.values())


def _they(t, ctx: Context, classes) -> list[Entity]:
    """"A met with B in Accra. They signed a protocol": "they" opening a sentence are the two or more
    actors the sentence before ended with — its conjoined subjects, or whoever met there."""
    from .frames import lexicon

    sent = t.sent
    if sent.start == 0 or t.i - sent.start > 2 or "\n" in ctx.text[sent.start_char - 3:sent.start_char]:
        return []
    root = ctx.doc[sent.start - 1].sent.root
    group = subjects(root, ctx, classes)
    meeting = lexicon().frames.get("Meeting")
    if meeting is not None and root.lemma_ in meeting.verbs:
        reach = meeting.reach(root.lemma_)
        heads = [c for c in root.children if c.dep_ == "dobj" and "dobj" in reach]
        heads += [p for c in root.children if c.dep_ == "prep" and c.lower_ in reach for p in c.children]
        group += [e for e in ctx.ents_in_tokens([x for h in heads for x in h.subtree], classes) if e not in group]
    # People described by their offices ("A, chairman of the X commission"): the people, not the bodies.
    people = [e for e in group if e.cls == "Person"]
    group = people or group
    return group if len(group) >= 2 else []


# Whether the pronoun stands for a person (None: either).
_PRONOUN_SPEAKERS: dict[str, bool | None] = {"it": False, "he": True, "she": True, "they": None, "we": None}


def _speaker_of(t, ctx: Context, classes) -> list[Entity]:
    """"The court said it keeps jurisdiction": a pronoun subject of what is said is the sayer ("it" a
    state or body, "he"/"she" a person, "they"/"we" either)."""
    from .frames import lexicon

    if t.lower_ not in _PRONOUN_SPEAKERS or t.dep_ != "nsubj" or t.head.dep_ != "ccomp" or t.head.head == t.head:
        return []
    person = _PRONOUN_SPEAKERS[t.lower_]
    said = t.head.head
    if said.lower_ not in lexicon().speech_verbs:
        return []
    sayers = [e for c in said.children if c.dep_ == "nsubj" for e in subject_entities(c, ctx, classes)]
    return [e for e in sayers if person is None or (e.cls == "Person") == person]


def _qualifies_person(t, person_tokens: set[int]) -> bool:
    # Up a chain of modifiers ("US" -> "President" -> "Carter"): does it end in a person's name?
    for _ in range(4):
        if t.dep_ not in {"compound", "amod", "nmod", "poss"} or t.head == t:
            return False
        t = t.head
        if t.i in person_tokens:
            return True
    return False


_WHERE_PREPS = {"to", "in", "at", "on", "against", "over", "about", "after", "before", "during", "since"}


def _describes(a) -> bool:
    """A clause, apposition or circumstance that describes the subject rather than naming more of it:
    "X, who …", "X, Russia's foreign minister", "the envoy to Y" — but not the members listed in
    "the bloc (A, B and C)"."""
    if a.dep_ in {"relcl", "acl"}:
        return True
    if a.dep_ == "prep" and a.lower_ in _WHERE_PREPS and a.head.pos_ in {"NOUN", "PROPN"}:
        return True  # "the ambassador to Austria": where he serves, not who acts
    return a.dep_ == "appos" and (a.pos_ != "PROPN" or any(c.dep_ in {"det", "poss"} for c in a.children))


def subject_tokens(tok):
    # The subject's own words and its conjuncts ("Egypt and Israel"), not what describes them.
    out = []
    for t in tok.subtree:
        if any(_describes(a) and a in tok.subtree and t in a.subtree and a != tok for a in t.ancestors):
            continue
        out.append(t)
    return out


def objects(verb, ctx: Context, classes) -> list[Entity]:
    toks = []
    for c in verb.children:
        if c.dep_ in {"dobj", "nsubjpass", "attr", "oprd", "dative"}:
            toks.extend(subtree(c))
        elif c.dep_ == "prep" or c.dep_ == "prt":
            for p in c.children:
                if p.dep_ == "pobj":
                    toks.extend(subtree(p))
    return ctx.ents_in_tokens(toks, classes)


def treaty_objects(verb, ctx) -> list[Entity]:
    return objects(verb, ctx, {"Treaty"})


def sentences(doc) -> list[tuple[Sentence, object]]:
    out = []
    for s in doc.sents:
        text = s.text.rstrip()
        if text.strip():
            out.append((Sentence(s.start_char, s.start_char + len(text), text), s))
    return out



def inside_quote(text: str, pos: int) -> bool:
    before = text[max(0, pos - 1500):pos]
    return before.count("«") > before.count("»") or before.count("“") > before.count("”")


@functools.lru_cache(maxsize=1)
def titles_alternation() -> str:
    return "|".join(re.escape(t) for t in gazetteer().titles)


@functools.lru_cache(maxsize=1)
def _description_patterns() -> tuple[re.Pattern, re.Pattern]:
    """"Cuban leader X" introduces a description; "the Cuban leader" uses it."""
    dem = "|".join(re.escape(d) for d in sorted(gazetteer().demonyms, key=len, reverse=True))
    titles = titles_alternation()
    intro = re.compile(rf"(?P<d>{dem})\s+(?P<t>{titles})\s+$", re.I)
    desc = re.compile(rf"\b[Tt]he\s+(?:then\s+)?(?P<d>{dem})\s+(?P<t>{titles})\b(?!\s+(?-i:[A-Z]))", re.I)
    return intro, desc


def state_entity(ctx: Context, state: str) -> Entity | None:
    from .mentions import normalize_key

    key = normalize_key(state)
    for e in ctx.res.entities:
        if e.cls == "State" and e.key == key:
            return e
    from ..namespaces import entity_iri

    # A state named only by its demonym ("Russian Defense Minister") is still that state.
    e = Entity("State", key, state, entity_iri("State", key))
    e.labels.add(state)
    ctx.res.entities.append(e)
    return e

