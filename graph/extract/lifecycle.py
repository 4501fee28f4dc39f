"""Lifecycle acts: signing, ratification, accession, suspension, withdrawal, deposit of instruments.

``match`` finds the lifecycle triggers of a sentence (frames whose themes are treaties) without
side effects; ``apply`` turns each into events, reading its roles with the frame rules of
:mod:`frames`. What is particular to lifecycle acts lives here: a law or bill as object ("signed
the ratification law") makes the act a ratification of the treaty the story follows; "it" is the
treaty the paragraph is about; "became the 26th nation to sign" did sign.
"""

from __future__ import annotations

import re

from ..namespaces import fold
from .context import Context, Event, Fact, RelationResult, Sentence, para_start
from .frames import (
    Trigger,
    acting_for,
    agent_noun_roles,
    behalf_of,
    co_agents,
    lexicon,
    noun_roles,
    verb_agents,
    verb_themes,
)
from .mentions import gazetteer
from .modality import status_of
from .resolve import Entity

EVENTS = ("Signing", "Ratification", "Accession", "Suspension", "Withdrawal", "InstrumentExchange")

# "handed over her letter …; May had signed it": "it" is the letter, not a treaty.
_DOCUMENT_BEFORE = re.compile(r"\b(?:letter|notice|note|notification|statement|declaration|communiqu\w*|request|"
                              r"application|petition)s?\b[^.]*$", re.I)
_LAW_BEFORE = re.compile(r"\b(?:bill|law|legislation|decree)s?\b", re.I)
_LEAVING = re.compile(r"\b(?:suspen|withdr|denunc|denounc|terminat|exit)", re.I)
_ORDINAL = re.compile(r"\b(?:became|becomes|becoming|was|were|is)\s+(?:the\s+)?(?:first|last|final|latest|second|third|"
                      r"\d+(?:st|nd|rd|th))\b", re.I)
_TREATY_NOUNS = {"treaty", "agreement", "pact", "accord", "deal", "convention", "protocol"}


def _canonical_org(e: Entity) -> str:
    return gazetteer().orgs.get(fold(e.display), e.display)


def match(triggers: list[Trigger]) -> list[Trigger]:
    """The lifecycle triggers among a sentence's frame triggers."""
    return [t for t in triggers if t.frame.event in EVENTS]


def in_lead(text: str, pos: int) -> bool:
    """In the headline or the first paragraph after it."""
    return sum(1 for line in text[:pos].split("\n") if line.strip()) <= 2


def apply(triggers: list[Trigger], sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    for trig in triggers:
        if trig.frame.instrument:
            _instrument(trig, sent, ctx, out)
        elif trig.form == "verb":
            _verb(trig, sent, ctx, out)
        elif trig.form == "noun":
            _noun(trig, sent, ctx, out)
        else:
            _agent_noun(trig, sent, ctx, out)


def _event(kind, status, sent, rule, agents, treaty, ctx, tok, place=None) -> Event:
    return Event(kind, status, sent, rule, agents=list(agents), treaty=treaty, date=ctx.date_near(sent, tok.idx),
                 place=place, at=tok.idx)


def _place(tok, ctx: Context, frame) -> Entity | None:
    return next(iter(ctx.ents_in_tokens([t for c in tok.children if c.dep_ == "prep" and c.lower_ in frame.place_preps
                                         for t in c.subtree], {"Place"})), None)


def _affiliations(agents: list[Entity], sent: Sentence, tok, ctx: Context, out: RelationResult) -> None:
    for person, body in acting_for(agents, ctx, tok.sent):
        out.facts.append(Fact(person, "affiliatedWith", sent, "acting-for", o=body))


def _verb(trig: Trigger, sent: Sentence, ctx: Context, out: RelationResult) -> None:
    tok, frame = trig.token, trig.frame
    lex = lexicon()
    kind = frame.event
    treaties = verb_themes(tok, ctx, frame)
    rel = tok
    while rel.dep_ == "conj" and rel.head != rel:
        rel = rel.head
    if not treaties and rel.dep_ in {"acl", "relcl"}:
        # "the Treaty of Lisbon, signed by … on 13 December 2007"; "the treaty between A and B, which A and B
        # signed": up from the clause to the treaty it describes.
        noun = rel.head
        for _ in range(4):
            treaties = ctx.ents_in_tokens([noun], {"Treaty"})
            if treaties or noun.head == noun or rel.dep_ == "acl":
                break
            noun = noun.head
    before = ctx.text[sent.start:tok.idx]
    objs_words = {c.lemma_.lower() for c in tok.children if c.dep_ in {"dobj", "nsubjpass"}}
    if kind == "Signing" and "ratification" in objs_words:
        objs_words.add("law")  # "signed his country's ratification": the ratification act
    # "signed the law", "signed it into law", "endorsed it" after "passed the bill": a law, not a treaty.
    law = bool(objs_words & (lex.ratification_laws | lex.instrument_nouns)) or any(
        c.dep_ == "prep" and c.lower_ == "into" and any(p.lemma_ == "law" for p in c.children) for c in tok.children)
    if "it" in objs_words and not treaties and _DOCUMENT_BEFORE.search(before):
        return
    if "it" in objs_words:
        if _LAW_BEFORE.search(before):
            law = law or not treaties
        else:
            # "India ratified it (together with the X treaty)": the treaty the paragraph is about.
            it = ctx.treaty_before(tok.idx)
            treaties = ([it] if it is not None else []) + [t for t in treaties if t is not it]
    objects_text = " ".join(t.text for c in tok.children if c.dep_ in {"dobj", "nsubjpass"} for t in c.subtree)
    if law and (_LEAVING.search(objects_text) or not treaties and _LEAVING.search(before)):
        return  # "a law suspending …", "signed a decree suspending its participation": not a step towards it
    if law and not treaties:
        if kind in {"Signing", "Ratification"}:
            kind = "Ratification"  # signing or passing the ratification law ratifies
            # … the treaty whose ratification the paragraph has been following, else the story's treaty.
            para = para_start(ctx.text, tok.idx)
            steps = [e.treaty for e in out.events if e.kind == "Ratification" and e.treaty is not None
                     and para <= e.sentence.start]
            law_treaty = steps[-1] if steps else ctx.res.main_treaty or ctx.treaty_before(tok.idx)
            treaties = [law_treaty] if law_treaty is not None else []
    elif kind == "Signing" and law:
        kind = "Ratification"
    if not treaties and ctx.res.main_treaty is not None and in_lead(ctx.text, sent.start) and any(
            c.dep_ == "dobj" and c.lemma_ in _TREATY_NOUNS and (
                any(d.lower_ in {"a", "an"} for d in c.children)
                or c.tag_ == "NNS" and not any(d.dep_ in {"det", "poss"} for d in c.children))
            for c in tok.children):
        # The lead's "Egypt and Israel signed a peace treaty today" is the treaty the story is about.
        treaties = [ctx.res.main_treaty]
    ordinal = tok.dep_ in {"acl", "relcl", "xcomp"} and _ORDINAL.search(before)
    if ordinal and not treaties and kind == "Ratification" and not objs_words:
        treaties = ctx.treaties_before(tok.idx)
    if tok.lemma_ in frame.named_theme_only and not treaties:
        return
    behalf = behalf_of(tok, ctx)
    if not treaties and kind == "Signing" and behalf and not objs_words:
        # "X signed on behalf of Ecuador": the treaty the paragraph is about.
        treaties = ctx.treaties_before(tok.idx)
    if not treaties:
        return  # "the Knesset ratified the document" without a treaty in sight names nothing
    agents = verb_agents(tok, ctx, frame)
    if kind == "Ratification" and tok.lemma_ in frame.named_theme_only and not agents:
        return  # "the statute was adopted in Rome": a text adopted, by no one who ratified it
    if kind == "Ratification" and tok.lemma_ in frame.named_theme_only and agents and all(
            _canonical_org(a) in lex.adopting_bodies for a in agents):
        return  # "approved by the UN General Assembly": the text was adopted, no state ratified it
    if kind == "Signing" and agents:
        agents += [e for e in co_agents(tok, ctx, frame) if e not in agents]
    if kind == "Withdrawal" and tok.lemma_ == "terminate":
        agents = [a for a in agents if a.cls != "Treaty"]
    status = status_of(tok)
    if status == "planned" and ordinal:
        status = "asserted"  # "became the last of the 27 states to ratify": it did ratify
        verb = tok.head
        while verb.pos_ not in {"VERB", "AUX"} and verb.head != verb:
            verb = verb.head
        agents = agents or verb_agents(verb, ctx, frame)
    _affiliations(agents, sent, tok, ctx, out)
    for person, body in [(a, b) for a in agents for b in behalf if a.cls == "Person"]:
        out.facts.append(Fact(person, "affiliatedWith", sent, "on-behalf-of", o=body))
    place = _place(tok, ctx, frame)
    for treaty in treaties:
        out.events.append(_event(kind, status, sent, f"verb-{tok.lemma_}", agents, treaty, ctx, tok, place))


def _noun(trig: Trigger, sent: Sentence, ctx: Context, out: RelationResult) -> None:
    tok, frame = trig.token, trig.frame
    agents, treaties = noun_roles(tok, ctx, frame)
    if not agents or not treaties:
        return  # "the signing ceremony", "ratification is expected": no one acts on a named treaty
    _affiliations(agents, sent, tok, ctx, out)
    for treaty in treaties:
        out.events.append(_event(frame.event, status_of(tok), sent, f"noun-{tok.lemma_}", agents, treaty, ctx, tok,
                                 _place(tok, ctx, frame)))


def _agent_noun(trig: Trigger, sent: Sentence, ctx: Context, out: RelationResult) -> None:
    tok, frame = trig.token, trig.frame
    agents, treaties = agent_noun_roles(tok, ctx, frame)
    if not agents:
        return
    if not treaties and any(d.lower_ == "the" for d in tok.children):
        # "the signatories were …": of the treaty the paragraph is about.
        treaties = ctx.treaties_before(tok.idx)
    _affiliations(agents, sent, tok, ctx, out)
    for treaty in treaties[:1]:
        out.events.append(_event(frame.event, status_of(tok.head), sent, f"agent-{tok.lemma_}", agents, treaty,
                                 ctx, tok))


def _instrument(trig: Trigger, sent: Sentence, ctx: Context, out: RelationResult) -> None:
    """"A deposited its instrument of ratification", "the exchange of instruments of ratification for the
    treaty", "presented instruments of accession": the instrument's kind decides the event."""
    tok, frame = trig.token, trig.frame
    lex = lexicon()
    kind = None
    objs = [c for c in tok.children if c.dep_ in {"dobj", "nsubjpass"}]
    objs += [p for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"]
    if trig.form == "verb" and tok.lemma_ == "hand":
        objs += [p for c in tok.children if c.dep_ == "prt" for p in c.children]
    for o in objs:
        if o.lower_ in lex.instrument_nouns or o.lemma_ in lex.instrument_nouns:
            kinds = [lex.instrument_kinds.get(p.lower_) for c in o.children if c.dep_ == "prep" and c.lower_ == "of"
                     for p in c.children if p.dep_ == "pobj"]
            kind = next((k for k in kinds if k), None)
    if kind is None:
        return
    treaties = ctx.ents_in_span(sent.start, sent.end, {"Treaty"}) or \
        ([ctx.res.main_treaty] if ctx.res.main_treaty is not None else [])
    if trig.form == "verb":
        agents = verb_agents(tok, ctx, frame)
        states = [a for a in agents if a.cls == "State"]
        if not states:
            # "Foreign Minister X handed over his country's instrument": X acts for the state he serves.
            people = [a for a in agents if a.cls == "Person"]
            if any(c.dep_ == "nsubj" for c in tok.children):
                # "Minister X and Minister Y exchanged …": everyone named before the verb, however parsed.
                clause = ctx.text.rfind("—", sent.start, tok.idx) + 1 or sent.start
                people = list({p.iri: p for p in people + ctx.ents_in_span(clause, tok.idx, {"Person"})}.values())
            _affiliations(people, sent, tok, ctx, out)
            states = [f.o for f in out.facts if f.p == "affiliatedWith" and f.s in people and f.o.cls == "State"]
            states = list({a.iri: a for a in states}.values())
        agents = states
    else:
        agents = [a for a in noun_roles(tok, ctx, frame)[0] if a.cls == "State"]
    for treaty in treaties[:1]:
        out.events.append(_event(kind, status_of(tok), sent, f"instruments-{tok.lemma_}", agents, treaty, ctx, tok))
