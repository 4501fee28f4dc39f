"""Relations: rules over the dependency parse that turn sentences into events and facts.

Each rule looks for a trigger (a verb such as "sign" or "ratify", a noun such as "visit", a
quoted clause), finds the actors and objects among the resolved entities around it, and decides
the event's status from its modality: "will sign" is planned, "did not sign" denied, "if ... would"
conditional, "claim that" claimed. Only asserted events become contract facts.
"""

from __future__ import annotations

import bisect
import re
from datetime import date

from ..dates import find_dates
from . import clauses, frames, lifecycle, roles
from .context import (
    ACTORS,
    Clause,
    Context,
    Event,
    Fact,
    RelationResult,
    Sentence,
    sentences,
    state_entity,
    subjects,
    treaty_objects,
)
from .mentions import Mention
from .modality import status_of
from .resolve import Entity, Resolution

__all__ = ["Clause", "Event", "Fact", "RelationResult", "Sentence", "extract_relations"]

# --------------------------------------------------------------------------- rules

_FORCE_RE = re.compile(r"\b(?:enter(?:s|ed|ing)?|c[oa]me?s?|coming|t[oa]oke?s?|taking|went|go(?:es)?|"
                       r"put)\s+(?:in)?to\s+(?:force|effect)|\b(?:bring(?:s|ing)?|brought)\s+(?:it|them)\s+into\s+force|\btook\s+effect|\btakes?\s+effect|"
                       r"\bbec(?:a|o)me\s+effective|\bin\s+force\s+(?:since|from)", re.I)
_THAT_DAY = re.compile(r"\b(?:from\s+)?(?:that|the\s+same)\s+day\b", re.I)


def _entry_into_force(sent: Sentence, span, prev: Sentence | None, ctx: Context, out: RelationResult) -> None:
    m = _FORCE_RE.search(sent.text)
    if not m:
        return
    anchor = sent.start + m.start()
    tok = next((t for t in span if t.idx >= anchor), None)
    if tok is None:
        return
    verb = tok if tok.pos_ in {"VERB", "AUX"} else tok.head
    treaties = ctx.ents_in_tokens([t for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}
                                   for t in c.subtree], {"Treaty"})
    if not treaties:
        treaties = [e for e in ctx.ents_in_span(sent.start, sent.end, {"Treaty"})][:1]
    # "it came into force", "bringing it into force": the treaty last named.
    if not treaties and any(c.dep_ in {"nsubj", "nsubjpass", "dobj"} and c.lower_ == "it" for c in verb.children):
        treaties = ctx.treaties_before(verb.idx)
    if not treaties:
        return
    status = status_of(verb)
    if re.match(r"\s*for\s+(?:the\s+|that\s+|this\s+)?(?:country|state|party|[A-Z])", sent.text[m.end():]):
        status = "planned" if status == "planned" else "partial"  # in force for one party only
    when = ctx.date_near(sent, anchor)
    if _THAT_DAY.search(sent.text):
        # "exchanged the instruments on 10 May, bringing it into force the same day": the date named before.
        earlier = [d for d in find_dates(sent.text, ctx.published) if sent.start + d[0] < anchor]
        dates = earlier or (find_dates(prev.text, ctx.published) if prev is not None else [])
        when = dates[-1][2] if dates else when
    for treaty in treaties:
        out.events.append(Event("EntryIntoForce", status, sent, "entry-into-force", treaty=treaty, date=when))


def _replaces(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    for tok in span:
        if tok.lemma_ not in {"replace", "supersede"} or tok.pos_ != "VERB":
            continue
        objs = treaty_objects(tok, ctx)
        subj = subjects(tok, ctx, {"Treaty"})
        if not subj and tok.dep_ == "advcl" and tok.tag_ == "VBG":
            subj = subjects(tok.head, ctx, {"Treaty"})  # "X entered into force, replacing Y"
        head = tok
        while head.dep_ == "conj" and not any(c.dep_ == "nsubj" for c in head.children):
            head = head.head
        if not subj and any(c.dep_ == "nsubj" and c.lower_ == "it" for c in head.children):
            subj = ctx.treaties_before(head.idx)  # "It replaced the 1991 treaty"
        if tok.dep_ == "relcl":
            subj = ctx.ents_in_tokens([tok.head], {"Treaty"})
        passive = any(c.dep_ == "nsubjpass" for c in tok.children)
        if passive:
            subj, objs = _objects_by_agent(tok, ctx), ctx.ents_in_tokens(
                [t for c in tok.children if c.dep_ == "nsubjpass" for t in c.subtree], {"Treaty"})
        status = status_of(tok)
        for s in subj:
            for o in objs:
                if s.iri != o.iri:
                    out.events.append(Event("Replacement", status, sent, f"verb-{tok.lemma_}", treaty=s,
                                            others=[o]))


# "followed suit", "followed on the 75th anniversary", "followed their lead": no other act is followed.
_NOT_FOLLOWED = {"suit", "lead", "example", "anniversary", "day", "week", "month", "year", "weekend"}


def _follow_ups(sent: Sentence, span, prev: Sentence | None, ctx: Context, out: RelationResult) -> None:
    """"The Senate ratified it in December, the Duma followed a month later": the same act by another."""
    for tok in span:
        if tok.lemma_ != "follow" or tok.pos_ != "VERB" or any(
                c.dep_ == "dobj" and c.lemma_ not in _NOT_FOLLOWED for c in tok.children):
            continue
        agents = subjects(tok, ctx)
        earlier = [e for e in out.events if e.kind in {"Ratification", "Signing", "Accession"}
                   and e.status == "asserted" and e.treaty is not None
                   and (e.sentence.start == sent.start or (prev is not None and e.sentence.start == prev.start))
                   and e.at < tok.idx]
        if agents and earlier:
            ev = earlier[-1]
            out.events.append(Event(ev.kind, status_of(tok), sent, "follow-up", agents=agents, treaty=ev.treaty,
                                    date=ctx.date_near(sent, tok.idx)))


def _objects_by_agent(tok, ctx) -> list[Entity]:
    return ctx.ents_in_tokens([t for c in tok.children if c.dep_ == "agent" for t in c.subtree], {"Treaty"})


def _parties(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    """"the treaty between Egypt and Israel", "X became a party to the treaty"."""
    for tm in [m for m in ctx.starting(sent.start, sent.end) if m.cls == "Treaty"]:
        tail = ctx.text[tm.end:sent.end]
        # "the treaty between A and B", "the ANZUS Treaty, the 1951 pact between A, B and C"
        m = re.match(r"\s*(?:,\s*(?:the|a)\s+(?:\d{4}\s+)?(?:[\w-]+\s+){0,3}?(?:treaty|pact|agreement|accord|deal|"
                     r"alliance|convention)\s+)?(?:,\s*)?(?:(?:was\s+|were\s+)?(?:signed|concluded|agreed)\b"
                     r"[^.;«»]{0,60}?\s+)?between\s+(?:the\s+)?", tail)
        if not m:
            continue
        if re.match(r"(?:two|their|both)\s+(?:countries|states|nations)\b", tail[m.end():]):
            # "a border treaty between their countries", signed by the Ghanaian and the Togolese presidents:
            # the two states the people of the sentence serve.
            served = {f.o.iri: f.o for f in out.facts if f.p == "affiliatedWith" and f.o is not None
                      and f.o.cls == "State" and f.sentence.start == sent.start}
            treaty = ctx.res.entity(tm)
            if len(served) == 2 and treaty is not None:
                for st in served.values():
                    out.facts.append(Fact(st, "partyTo", sent, "treaty-between-their-states", o=treaty))
            continue
        start = tm.end + m.end()
        # "A, B and C": a comma before another capitalised name continues the list.
        seg = re.match(r"(?:[^,;.()«»]|,\s*(?=(?:and\s+)?(?:the\s+)?[A-Z]))*", ctx.text[start:sent.end]).group(0)
        seg = re.split(r"\s+(?:is|was|were|are|has|have|marks|will|would|that|which|in|on)\s", seg)[0]
        # "the FTA between the Gulf council and Pakistan": a bloc may be the other party; the states are parties.
        sides = ctx.ents_in_span(start, start + len(seg), {"State", "Organization"})
        treaty = ctx.res.entity(tm)
        if len(sides) >= 2 and treaty is not None:
            for s in [e for e in sides if e.cls == "State"]:
                out.facts.append(Fact(s, "partyTo", sent, "treaty-between", o=treaty))
    for m in re.finditer(r"\b(?:is|are|was|were|became|become|becomes|becoming|remains?)\s+(?:a\s+|the\s+)?"
                         r"(?:(?:full|state|contracting|founding|new)\s+)*part(?:y|ies)(?P<to>\s+to\b|(?=\s*(?:[,;.]|$|\s(?:and|but|since|until|when|while)\s)))",
                         sent.text):
        pos = sent.start + m.start()
        tok = next((t for t in span if t.idx >= pos), None)
        if tok is None:
            continue
        states = subjects(tok, ctx, {"State"})
        if not states and tok.dep_ == "advcl" and tok.tag_ == "VBG":
            states = subjects(tok.head, ctx, {"State"})  # "ratified it, becoming a party to it"
        after = ctx.ents_in_span(sent.start + m.end(), sent.end, {"Treaty"})[:1]
        if not m.group("to"):
            # "while Ruritania was a state party": a party to the treaty the report is about.
            after = [ctx.res.main_treaty] if ctx.res.main_treaty is not None else []
        if status_of(tok) == "asserted":
            for s in states:
                for t in after:
                    out.facts.append(Fact(s, "partyTo", sent, "party-to", o=t))



# --------------------------------------------------------------------------- driver

def extract_relations(doc, mentions: list[Mention], res: Resolution, published: date | None) -> RelationResult:
    """Run every rule over a parsed document."""
    ctx = Context(doc, mentions, res, published)
    out = RelationResult()
    sents = sentences(doc)
    prev = None
    # One Matcher pass over the whole document (cheaper than one per sentence), then each
    # sentence's share of the triggers.
    found = frames.matcher_for(doc.vocab).match(doc[:])
    starts = [t.token.i for t in found]
    for sent, span in sents:
        triggers = found[bisect.bisect_left(starts, span.start):bisect.bisect_left(starts, span.end)]
        triggers = [t for t in triggers if t.end <= span.end]
        roles.apply_sentence(triggers, sent, span, ctx, out)
        lifecycle.apply(lifecycle.match(triggers), sent, span, ctx, out)
        _entry_into_force(sent, span, prev, ctx, out)
        _replaces(sent, span, ctx, out)
        clauses.apply_sentence(triggers, sent, span, ctx, out)
        _parties(sent, span, ctx, out)
        _follow_ups(sent, span, prev, ctx, out)
        prev = sent
    plain = [s for s, _ in sents]
    clauses.apply_document(ctx, plain, out)
    roles.apply_document(ctx, out)
    _facts_from_events(out, res, ctx, plain)
    return out


def _facts_from_events(out: RelationResult, res: Resolution, ctx: Context, sents: list[Sentence]) -> None:
    for ev in out.events:
        asserted = ev.status == "asserted"
        t = ev.treaty
        if ev.kind == "Signing" and t is not None:
            # A signatory is not yet a party: "signed in 1996 but never ratified".
            for a in ev.agents:
                if asserted and a.cls in {"Person", "State"}:
                    out.facts.append(Fact(a, "signed", ev.sentence, ev.rule, o=t))
            if asserted and ev.date:
                out.facts.append(Fact(t, "signatureDate", ev.sentence, ev.rule, value=ev.date))
        elif ev.kind in {"Ratification", "Accession", "InstrumentExchange"} and t is not None and asserted:
            for a in ev.agents:
                if ev.kind == "Accession":
                    out.facts.append(Fact(a, "partyTo", ev.sentence, ev.rule, o=t))
                    out.facts.append(Fact(a, "acceded", ev.sentence, ev.rule, o=t))
                elif a.cls in ACTORS:
                    out.facts.append(Fact(a, "ratified", ev.sentence, ev.rule, o=t))
            if ev.date and ev.kind == "Ratification":
                out.facts.append(Fact(t, "ratificationDate", ev.sentence, ev.rule, value=ev.date))
        elif ev.kind == "EntryIntoForce" and t is not None and asserted and ev.date:
            out.facts.append(Fact(t, "entryIntoForceDate", ev.sentence, ev.rule, value=ev.date))
        elif ev.kind in {"Suspension", "Withdrawal"} and t is not None and asserted:
            p = "suspended" if ev.kind == "Suspension" else "withdrewFrom"
            for a in ev.agents:
                out.facts.append(Fact(a, p, ev.sentence, ev.rule, o=t))
        elif ev.kind == "Invocation" and t is not None and asserted:
            for a in ev.agents:
                if a.cls in ACTORS:
                    out.facts.append(Fact(a, "invokes", ev.sentence, ev.rule, o=t))
                # A government's leader or minister invokes a clause for the state.
                if a.cls == "Person":
                    for f in [f for f in out.facts if f.p == "affiliatedWith" and f.s.iri == a.iri
                              and f.o is not None and f.o.cls == "State"][:1]:
                        out.facts.append(Fact(f.o, "invokes", ev.sentence, ev.rule + "-for-state", o=t))
        elif ev.kind == "Replacement" and t is not None and asserted:
            for o in ev.others:
                out.facts.append(Fact(t, "replaces", ev.sentence, ev.rule, o=o))
        elif ev.kind == "Visit" and asserted:
            for a in ev.agents:
                for o in ev.others:
                    out.facts.append(Fact(a, "visited", ev.sentence, ev.rule, o=o))
        elif ev.kind == "Meeting" and asserted:
            for a, o in zip(ev.agents, ev.others, strict=False):
                out.facts.append(Fact(a, "metWith", ev.sentence, ev.rule, o=o))
    # Treaty names that name their parties ("the India-Bangladesh Land Boundary Agreement").
    for e in res.entities:
        if e.cls != "Treaty":
            continue
        for m in e.mentions:
            sent = next((s for s in sents if s.start <= m.start < s.end), None)
            for state in m.parties if sent is not None else ():
                ent = state_entity(ctx, state)
                if ent is not None:
                    out.facts.append(Fact(ent, "partyTo", sent, "treaty-name-parties", o=e))
