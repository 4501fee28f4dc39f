"""Roles: who holds an office for which state or body (affiliatedWith), who met whom, who visited where.

Affiliations come from titles before a name ("the Ruritanian Trade Minister X"), appositions after
it ("X, foreign minister of Y"), "X of the Z ministry", bodies "led by X", and a bare title read
against the state acting in (or setting) its sentence, else the state the report is about.
Meetings and visits come from their verbs ("met", "received", "visited", "arrived in") and nouns
("talks with", "a visit to").
"""

from __future__ import annotations

import functools
import re

from .context import (
    Context,
    Event,
    Fact,
    RelationResult,
    Sentence,
    listed_people,
    para_start,
    state_entity,
    subjects,
    titles_alternation,
)
from .frames import Trigger, behalf_of
from .mentions import gazetteer
from .modality import cues, status_of
from .resolve import Entity

__all__ = ["apply_document", "apply_sentence"]


def apply_sentence(triggers: list[Trigger], sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    """The role rules that read one sentence: affiliations, and the visits and meetings its triggers evoke."""
    _affiliations(sent, span, ctx, out)
    for trig in triggers:
        if trig.frame.event == "Visit":
            _visit(trig, sent, ctx, out)
        elif trig.frame.event == "Meeting":
            _meeting(trig, sent, ctx, out)


def apply_document(ctx: Context, out: RelationResult) -> None:
    """The role rules that read across sentences: a bare title's state, once per person."""
    _bare_titles(ctx, out)


def _affiliations(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    g = gazetteer()
    has_title, title_of_before, apposition, poss_title_before = _affiliation_patterns()
    title_words = _title_words()
    persons = [m for m in ctx.starting(sent.start, sent.end) if ctx.res.entity(m) is not None
               and ctx.res.entity(m).cls == "Person"]
    for m in persons:
        person = ctx.res.entity(m)
        # 1. Title before the name: "Russian Defense Minister X", "NATO Secretary General X".
        first = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
        if first is not None:
            i = first.start
            while i > span.start:
                t = ctx.doc[i - 1]
                # "Secretary of State", "Minister for Trade": a preposition between capitals is inside a title.
                after_title = ctx.doc[i].is_title or (ctx.doc[i].lower_ == "the" and i + 1 < len(ctx.doc)
                                                      and ctx.doc[i + 1].is_title)
                inner_of = i - 2 >= span.start and ctx.doc[i - 2].is_title and after_title and (
                    t.lower_ in {"of", "for"} or t.lower_ == "and" and ctx.doc[i - 2].lower_ in title_words)
                # "Minister of Foreign Affairs of the Islamic Republic of Iran X"
                inner_of = inner_of or (t.lower_ == "the" and i - 2 >= span.start and ctx.doc[i - 2].lower_ == "of"
                                        and ctx.doc[i].is_title)
                if not inner_of and (t.is_punct and t.text not in {".", "'", "’", "-"} or t.pos_ in {
                        "DET", "ADP", "VERB", "AUX", "CCONJ", "SCONJ", "PRON", "NUM", "SPACE"}):
                    break
                if t.is_lower and t.lower_ not in title_words and t.lower_ not in {"'s", "’s"}:
                    break
                i -= 1
            cstart = ctx.doc[i].idx if i < first.start else m.start
            words = ctx.text[cstart:m.start]
        else:
            words, cstart = "", m.start
        if words.strip() and (m.title or has_title.search(words)):
            for e in ctx.ents_in_span(cstart, m.start, {"State", "Organization"}):
                out.facts.append(Fact(person, "affiliatedWith", sent, "title-before-name", o=e))
            for w in re.findall(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?", words):
                state = g.demonyms.get(w) or g.demonyms.get(w.split()[0])
                if state:
                    ent = state_entity(ctx, state)
                    if ent is not None:
                        out.facts.append(Fact(person, "affiliatedWith", sent, "demonym-title", o=ent))
        pre = ctx.text[max(sent.start, m.start - 120):m.start]
        pre_app = title_of_before.search(pre)
        if pre_app:
            base = m.start - len(pre) + pre_app.start("x")
            for e in ctx.ents_in_span(base, base + len(pre_app.group("x")), {"State", "Organization"}):
                out.facts.append(Fact(person, "affiliatedWith", sent, "title-apposition-before", o=e))
        poss = poss_title_before.search(pre)
        if poss:
            base = m.start - len(pre) + poss.start("x")
            for e in ctx.ents_in_span(base, base + len(poss.group("x")), {"State", "Organization"}):
                out.facts.append(Fact(person, "affiliatedWith", sent, "possessive-title-before", o=e))
        # 2. Apposition after the name: "X, general secretary of the CPC and chairman of …".
        post = ctx.text[m.end:sent.end]
        app = apposition.match(post)
        if app:
            a0 = m.end + app.start("a")
            a_text = app.group("a")
            # "X, Canadian Prime Minister Y and …": a title followed by another person is that person's.
            other = next((p.start for p in persons if a0 <= p.start < a0 + len(a_text)), None)
            if other is not None:
                head = ctx.text[a0:other]
                cut = max(head.rfind(","), head.rfind(" and "))
                a_text = head[:cut] if cut > 0 and has_title.search(head[:cut]) else ""
            for e in ctx.ents_in_span(a0, a0 + len(a_text), {"State", "Organization"}):
                out.facts.append(Fact(person, "affiliatedWith", sent, "apposition", o=e))
            for w in re.findall(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)?", a_text):
                state = g.demonyms.get(w) or g.demonyms.get(w.split()[0])
                if state and state_entity(ctx, state):
                    out.facts.append(Fact(person, "affiliatedWith", sent, "apposition-demonym",
                                          o=state_entity(ctx, state)))
        # 5. "X delivered remarks on behalf of Ruritania": whom X speaks or acts for.
        if first is not None and first.root.dep_ in {"nsubj", "nsubjpass"}:
            verb = first.root.head
            for e in {b.iri: b for h in [verb, *(c for c in verb.children if c.dep_ == "dobj")]
                      for b in behalf_of(h, ctx)}.values():
                out.facts.append(Fact(person, "affiliatedWith", sent, "on-behalf-of", o=e))
        # 4. "the al-Qaeda network led by X", "a delegation headed by X": the body X leads.
        led = re.search(r"\b(?:led|headed|chaired|run|founded)\s+by\s+(?:[\w.'’-]+\s+){0,4}$",
                        ctx.text[max(sent.start, m.start - 60):m.start])
        if led:
            end = m.start - len(led.group(0))
            bodies = ctx.ents_in_span(max(sent.start, end - 60), end, {"Organization"})
            if bodies:
                out.facts.append(Fact(person, "affiliatedWith", sent, "led-by", o=bodies[-1]))
        # 3. "Professor X of Korea University", "X of the Foreign Ministry".
        of = re.match(r"\s+(?:of|from|at)\s+(?:the\s+)?", post)
        if of:
            start = m.end + of.end()
            nxt = next((x for x in ctx.starting(start, start + 1) if ctx.res.entity(x) is not None
                        and ctx.res.entity(x).cls == "Organization"), None)
            if nxt is not None:
                out.facts.append(Fact(person, "affiliatedWith", sent, "person-of-org", o=ctx.res.entity(nxt)))


@functools.lru_cache(maxsize=1)
def _affiliation_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    titles = titles_alternation()
    has_title = re.compile(rf"\b(?:{titles})\b", re.I)
    # "the leader of the PLO, Chairman X"
    title_of_before = re.compile(rf"\b(?:{titles})\s+(?:of|for)\s+(?P<x>[^,;]{{2,80}}),\s*(?:[A-Z][a-z]+\s+)?$",
                                 re.I)
    # "X, general secretary of the CPC and chairman of the CMC"
    # (", and his counterpart Y" starts another person's description, not X's.)
    apposition = re.compile(rf"\s*,\s*(?!(?:and|or|but|while|whose)\b)"
                            rf"(?P<a>(?:the\s+|a\s+|then\s+|former\s+|acting\s+|deputy\s+)*"
                            rf"(?:[\w.'’-]+\s+){{0,3}}?(?:{titles})\b[^;:«“,]*)", re.I)
    # "Ruritania's Ambassador to Austria, X": the possessor is whom X serves; "to Austria" is where.
    poss_title_before = re.compile(rf"(?P<x>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,3}})['’]s\s+(?:[\w-]+\s+){{0,2}}?"
                                   rf"(?:{titles})\b(?:\s+(?:to|in|at)\s+[^,;]{{2,40}})?,\s*$", re.I)
    return has_title, title_of_before, apposition, poss_title_before


@functools.lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    g = gazetteer()
    return frozenset(w for t in g.titles for w in t.split()) | {"then", "former", "acting", "late", "incoming",
                                                                 "outgoing", "presidential", "de", "facto"}


def _visit(trig: Trigger, sent: Sentence, ctx: Context, out: RelationResult) -> None:
    places = {"State", "Place"}
    tok, frame = trig.token, trig.frame
    if trig.form == "verb":
        if tok.pos_ != "VERB":
            return
        reach = frame.reach(tok.lemma_)
        heads = [c for c in tok.children if c.dep_ == "dobj" and "dobj" in reach]
        heads += [p for c in tok.children if c.dep_ == "prep" and c.lower_ in reach
                  for cc in [c, *c.conjuncts] for p in cc.children if p.dep_ == "pobj"]
        # "flew to Cairo and then on to Jerusalem": a conjoined "on to" names another stop.
        heads += [p for c in tok.children if c.dep_ in {"conj", "advmod", "prep"} for pp in c.subtree
                  if pp.dep_ == "prep" and pp.lower_ == "to" and pp.head != tok for p in pp.children
                  if p.dep_ == "pobj" and "to" in reach]
        dests = []
        for h in heads:
            # "visited the X Republic in Y's Far East": the place visited (the head, its conjuncts and
            # the first place named), not every place its description mentions.
            sub = ctx.ents_in_tokens(list(h.subtree), places)
            dests += ctx.ents_in_tokens([h] + list(h.conjuncts), places) + sub[:1]
        agents = subjects(tok, ctx, {"Person"})
        status = status_of(tok)
    else:
        toks = [t for c in tok.children if c.dep_ == "prep" and c.lower_ in frame.noun_place_preps for t in c.subtree]
        toks += [t for c in tok.children if c.dep_ == "compound" for t in c.subtree]
        dests = ctx.ents_in_tokens(toks, places)
        agents = ctx.ents_in_tokens([t for c in tok.children if c.dep_ == "poss" for t in c.subtree], {"Person"})
        agents += ctx.ents_in_tokens([t for c in tok.children if c.dep_ == "prep" and c.lower_ in frame.noun_agent_preps
                                      for t in c.subtree], {"Person"})
        if not agents and tok.head.lemma_ in frame.support_verbs:
            agents = subjects(tok.head, ctx, {"Person"})
        # "the planned visit", "ahead of a visit", "paid a visit" as the verb's modality says.
        status = status_of(tok)
        if tok.head.lemma_ in cues().planned | {"invite", "ahead"}:
            status = "planned"
        elif tok.head.lemma_ in frame.support_verbs and status == "asserted":
            status = status_of(tok.head)
    if not dests or not agents:
        return
    out.events.append(Event("Visit", status, sent, f"visit-{tok.pos_.lower()}", agents=agents, others=dests,
                            date=ctx.date_near(sent, tok.idx)))


def _meeting(trig: Trigger, sent: Sentence, ctx: Context, out: RelationResult) -> None:
    persons = {"Person"}
    tok, frame = trig.token, trig.frame
    a: list[Entity] = []
    b: list[Entity] = []
    if trig.form == "verb":
        if tok.pos_ != "VERB":
            return
        reach = frame.reach(tok.lemma_)
        a = subjects(tok, ctx, persons)
        b = ctx.ents_in_tokens([t for c in tok.children if c.dep_ == "dobj" and "dobj" in reach for t in c.subtree]
                               + [t for c in tok.children if c.dep_ == "prep" and c.lower_ in reach
                                  for t in c.subtree], persons)
        if tok.lemma_ in frame.object_required and not b:
            return
        status = status_of(tok)
    else:
        withs = [t for c in tok.children if c.dep_ == "prep" and c.lower_ == "with" for t in c.subtree]
        betw = [t for c in tok.children if c.dep_ == "prep" and c.lower_ == "between" for t in c.subtree]
        if betw:
            ents = ctx.ents_in_tokens(betw, persons)
            if len(ents) < 2:
                # "a meeting between Prime Minister X, and his counterpart, Y, before …": read the list
                # from the text, whatever the parse made of it.
                ents = [e for c in tok.children if c.dep_ == "prep" and c.lower_ == "between"
                        for e in listed_people(c, ctx)]
            a, b = ents[:1], ents[1:]
        elif withs:
            b = ctx.ents_in_tokens(withs, persons)
            a = ctx.ents_in_tokens([t for c in tok.children if c.dep_ == "poss" for t in c.subtree], persons)
            head = tok.head
            while not a and head.pos_ not in {"VERB", "AUX"} and head.head != head:
                head = head.head
            if not a and head.pos_ in {"VERB", "AUX"}:
                a = subjects(head, ctx, persons)
        elif tok.dep_ in {"dobj", "pobj"} and _light_verb(tok).lemma_ in frame.support_verbs:
            # "X and Y held talks", "engaged in an exchange of views": the light verb's subjects meet.
            a = subjects(_light_verb(tok), ctx, persons)
            if len(a) < 2:
                return
        else:
            return
        status = status_of(tok.head) if tok.head.pos_ in {"VERB", "AUX"} else "asserted"
    if not b and len(a) >= 2:
        a, b = a[:1], a[1:]
    pairs = [(x, y) for x in a for y in b if x.iri != y.iri]
    if pairs:
        out.events.append(Event("Meeting", status, sent, f"meet-{tok.lemma_}", agents=[p[0] for p in pairs],
                                others=[p[1] for p in pairs], date=ctx.date_near(sent, tok.idx)))


def _light_verb(tok):
    """The verb a noun is the object of, directly ("held talks") or through a preposition ("engaged in talks")."""
    return tok.head if tok.dep_ == "dobj" else tok.head.head


@functools.lru_cache(maxsize=1)
def _bare_title() -> re.Pattern:
    """A national office with no country named, after anything but a capitalised word (which would
    name it): "after Foreign Minister X", "said Defense Secretary X"."""
    offices = "|".join(re.escape(o).replace(r"\ ", r"\s+") for o in sorted(gazetteer().national_offices, key=len,
                                                                           reverse=True))
    return re.compile(rf"(?:^|[^\w\s'’-]\s*|\b[a-z]+\s+)(?P<t>(?:Deputy\s+)?(?:{offices}))\s+$")


def _home_state(ctx: Context):
    """The state a report is about: named at least three times and twice as often as any other."""
    counts: dict[str, list] = {}
    for m in ctx.mentions:
        e = ctx.res.entity(m)
        if e is not None and e.cls == "State":
            counts.setdefault(e.iri, [0, e])[0] += 1
    ranked = sorted(counts.values(), key=lambda c: -c[0])
    if ranked and ranked[0][0] >= 3 and (len(ranked) == 1 or ranked[0][0] >= 2 * ranked[1][0]):
        return ranked[0][1]
    return None


def _bare_titles(ctx: Context, out: RelationResult) -> None:
    """"President X" with no country named: the state acting in the same sentence, else the state the
    report is about.

    Only for persons with no state found otherwise, and only a state that is a subject or object in
    that sentence ("… President X has said that Syria will honour …"), not one it deals with ("talks
    with Beijing") or one that titles someone else there. The report's own state is taken only for
    someone who holds no office of a body either. An office American whenever unqualified
    ("Secretary of State") is that.
    """
    known = {f.s.iri for f in out.facts if f.p == "affiliatedWith" and f.o is not None and f.o.cls == "State"}
    in_bodies = {f.s.iri for f in out.facts if f.p == "affiliatedWith" and f.o is not None}
    us_offices = {" ".join(o.split()) for o in gazetteer().us_offices}
    home = _home_state(ctx)
    for m in ctx.mentions:
        person = ctx.res.entity(m)
        if person is None or person.cls != "Person" or person.iri in known:
            continue
        line_start = para_start(ctx.text, m.start)
        title = _bare_title().search(ctx.text[max(line_start, m.start - 40):m.start])
        if not title:
            continue
        stop = ctx.text.rfind(". ", line_start, m.start)
        sent_start = stop + 2 if stop >= 0 else line_start
        ends = [i for i in (ctx.text.find(". ", m.end), ctx.text.find("\n", m.end)) if i != -1]
        sent_end = min(ends, default=len(ctx.text))
        sent = Sentence(sent_start, sent_end, ctx.text[sent_start:sent_end])
        if " ".join(title.group("t").split()) in us_offices:
            state = state_entity(ctx, "United States")
        else:
            others = {f.o.iri for f in out.facts if f.p == "affiliatedWith" and f.o is not None
                      and f.sentence.start <= m.start <= f.sentence.end and f.s.iri != person.iri}
            visited = {o.iri for ev in out.events if ev.kind == "Visit" and ev.sentence.start <= m.start
                       <= ev.sentence.end for o in ev.others}
            counts: dict[str, list] = {}
            named: dict[str, Entity | None] = {}
            for x in ctx.starting(sent_start, sent_end):
                e = ctx.res.entity(x)
                if e is None or e.cls != "State":
                    continue
                tok = ctx.doc.char_span(x.start, x.end, alignment_mode="expand")
                # Where the sentence is set ("in Poland", "in Kigali, Rwanda") or a side of it ("between
                # Ruritania and the bloc"), not a state dealt with ("talks with", "sent to").
                if tok is not None and (tok.root.dep_ == "appos" or tok.root.dep_ == "pobj"
                                        and tok.root.head.lower_ in {"in", "at", "between"}):
                    named[e.iri] = e
                elif e.iri not in named:
                    named[e.iri] = None
                if e.iri in others:
                    continue
                if tok is not None and tok.root.dep_ in {"nsubj", "nsubjpass", "dobj", "poss"}:
                    counts.setdefault(e.iri, [0, -abs(x.start - m.start), e])
                    counts[e.iri][0] += 1
            state = max(counts.values(), key=lambda c: (c[0], c[1]))[2] if counts else None
            if state is None and person.iri not in in_bodies:
                # "in Poland, Justice Minister X said": the one state the sentence names, unless
                # someone else holds it or it is where a visit goes; a sentence naming none, the report's.
                rest = [e for iri, e in named.items() if iri not in others and iri not in visited]
                rest = rest if None not in rest else []
                state = (rest[0] if len(rest) == 1 else None) if named else home
        if state is not None:
            known.add(person.iri)
            out.facts.append(Fact(person, "affiliatedWith", sent, "bare-title", o=state))
