"""Relations: rules over the dependency parse that turn sentences into events and facts.

Each rule looks for a trigger (a verb such as "sign" or "ratify", a noun such as "visit", a
quoted clause), finds the actors and objects among the resolved entities around it, and decides
the event's status from its modality: "will sign" is planned, "did not sign" denied, "if ... would"
conditional, "claim that" claimed. Only asserted events become contract facts.
"""

from __future__ import annotations

import functools
import re
from datetime import date

from ..dates import find_dates
from .context import (
    ACTORS,
    Clause,
    Context,
    Event,
    Fact,
    RelationResult,
    Sentence,
    inside_quote,
    objects,
    para_start,
    sentences,
    state_entity,
    subjects,
    subtree,
    titles_alternation,
    treaty_objects,
)
from .mentions import Mention, gazetteer
from .modality import cues, implied_by, status_of
from .resolve import Entity, Resolution

__all__ = ["Clause", "Event", "Fact", "RelationResult", "Sentence", "extract_relations", "quotes"]

# --------------------------------------------------------------------------- rules

LIFECYCLE = {
    "sign": "Signing", "ink": "Signing", "conclude": "Signing",
    "ratify": "Ratification", "approve": "Ratification", "endorse": "Ratification", "adopt": "Ratification",
    "accede": "Accession", "join": "Accession",
    "suspend": "Suspension",
    "withdraw": "Withdrawal", "denounce": "Withdrawal", "abrogate": "Withdrawal", "terminate": "Withdrawal",
    "quit": "Withdrawal", "exit": "Withdrawal", "leave": "Withdrawal",
}
_LAW_WORDS = {"law", "bill", "decree", "act", "legislation", "instrument", "instruments"}


_TREATY_NOUNS = {"treaty", "agreement", "pact", "accord", "deal", "convention", "protocol"}


def _in_lead(text: str, pos: int) -> bool:
    """In the headline or the first paragraph after it."""
    return sum(1 for line in text[:pos].split("\n") if line.strip()) <= 2


def _lifecycle(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    for tok in span:
        if tok.pos_ not in {"VERB", "AUX"} or tok.lemma_ not in LIFECYCLE:
            continue
        kind = LIFECYCLE[tok.lemma_]
        treaties = treaty_objects(tok, ctx)
        rel = tok
        while rel.dep_ == "conj" and rel.head is not rel:
            rel = rel.head
        if not treaties and rel.dep_ in {"acl", "relcl"}:
            # "the Treaty of Lisbon, signed by ... on 13 December 2007"; "the Treaty of X between A and B,
            # which A and B signed": up from the clause to the treaty it describes.
            noun = rel.head
            for _ in range(4):
                treaties = ctx.ents_in_tokens([noun], {"Treaty"})
                if treaties or noun.head is noun or rel.dep_ == "acl":
                    break
                noun = noun.head
        # "signed off on", "pulled out of": the treaty hangs off the particle's preposition.
        if not treaties and kind in {"Signing", "Withdrawal"}:
            treaties = ctx.ents_in_tokens([t for c in tok.children if c.dep_ in {"prt", "prep"}
                                           for t in c.subtree], {"Treaty"})
        before = ctx.text[sent.start:tok.idx]
        objs_words = {c.lemma_.lower() for c in tok.children if c.dep_ in {"dobj", "nsubjpass"}}
        if kind == "Signing" and "ratification" in objs_words:
            objs_words.add("law")  # "signed his country's ratification": the ratification act
        # "signed the law", "signed it into law", "endorsed it" after "passed the bill": a law, not a treaty.
        law = bool(objs_words & _LAW_WORDS) or any(
            c.dep_ == "prep" and c.lower_ == "into" and any(p.lemma_ == "law" for p in c.children)
            for c in tok.children)
        if "it" in objs_words and not treaties and re.search(
                r"\b(?:letter|notice|note|notification|statement|declaration|communiqu\w*|request|application|"
                r"petition)s?\b[^.]*$", before, re.I):
            continue  # "handed over her letter …; May had signed it": the letter, not a treaty
        if "it" in objs_words:
            if re.search(r"\b(?:bill|law|legislation|decree)s?\b", before, re.I):
                law = law or not treaties
            else:
                # "India ratified it (together with the X treaty)": the treaty the paragraph is about.
                it = ctx.treaty_before(tok.idx)
                treaties = ([it] if it is not None else []) + [t for t in treaties if t is not it]
        if law and not treaties:
            if re.search(r"\b(?:suspen|withdr|denunc|denounc|terminat|exit)", before, re.I):
                continue  # a law suspending or leaving a treaty is not a step towards it
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
        if not treaties and ctx.res.main_treaty is not None and _in_lead(ctx.text, sent.start) and any(
                c.dep_ == "dobj" and c.lemma_ in _TREATY_NOUNS and (
                    any(d.lower_ in {"a", "an"} for d in c.children)
                    or c.tag_ == "NNS" and not any(d.dep_ in {"det", "poss"} for d in c.children))
                for c in tok.children):
            # The lead's "Egypt and Israel signed a peace treaty today" is the treaty the story is about.
            treaties = [ctx.res.main_treaty]
        ordinal = tok.dep_ in {"acl", "relcl", "xcomp"} and re.search(
            r"\b(?:became|was|were|is)\s+(?:the\s+)?(?:first|last|latest|second|third|\d+(?:st|nd|rd|th))\b",
            before, re.I)
        if ordinal and not treaties and kind == "Ratification" and not objs_words:
            treaties = ctx.treaties_before(tok.idx)
        if tok.lemma_ in {"join", "leave", "exit", "quit", "approve", "adopt", "conclude", "ink", "endorse"} \
                and not treaties:
            continue
        if not treaties:
            # "the Knesset ratified the document" without a treaty in sight names nothing.
            continue
        agents = subjects(tok, ctx)
        if kind == "Signing" and agents:
            # "X signed the agreement with Y": Y signed it too.
            withs = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "with"]
            withs += [c for o in tok.children if o.dep_ == "dobj" for c in o.children
                      if c.dep_ == "prep" and c.lower_ == "with"]
            agents += [e for c in withs
                       for e in ctx.ents_in_tokens([t for p in c.children if p.dep_ == "pobj" for t in subtree(p)],
                                                   {"Person", "State"}) if e not in agents]
        if kind == "Withdrawal" and tok.lemma_ == "terminate":
            agents = [a for a in agents if a.cls != "Treaty"]
        status = status_of(tok)
        if status == "planned" and ordinal:
            status = "asserted"  # "became the last of the 27 states to ratify": it did ratify
            verb = tok.head
            while verb.pos_ not in {"VERB", "AUX"} and verb.head is not verb:
                verb = verb.head
            agents = agents or subjects(verb, ctx)
        place = next(iter(ctx.ents_in_tokens(
            [t for c in tok.children if c.dep_ == "prep" and c.lower_ in {"in", "at"} for t in c.subtree],
            {"Place"})), None)
        for treaty in treaties:
            ev = Event(kind, status, sent, f"verb-{tok.lemma_}", agents=list(agents), treaty=treaty,
                       date=ctx.date_near(sent, tok.idx), place=place, at=tok.idx)
            out.events.append(ev)


_FORCE_RE = re.compile(r"\b(?:enter(?:s|ed|ing)?|c[oa]me?s?|coming|t[oa]oke?s?|taking|went|go(?:es)?|"
                       r"put)\s+(?:in)?to\s+(?:force|effect)|\btook\s+effect|\btakes?\s+effect|"
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
    if not treaties and any(c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ == "it" for c in verb.children):
        treaties = ctx.treaties_before(verb.idx)
    if not treaties:
        return
    status = status_of(verb)
    if re.match(r"\s*for\s+(?:the\s+|that\s+|this\s+)?(?:country|state|party|[A-Z])", sent.text[m.end():]):
        status = "planned" if status == "planned" else "partial"  # in force for one party only
    when = ctx.date_near(sent, anchor)
    if _THAT_DAY.search(sent.text) and prev is not None:
        dates = find_dates(prev.text, ctx.published)
        when = dates[-1][2] if dates else when
    for treaty in treaties:
        out.events.append(Event("EntryIntoForce", status, sent, "entry-into-force", treaty=treaty, date=when))


_EXCHANGE_RE = re.compile(r"\b(?:exchang\w+|deposit\w*|hand\w*\s+over)\b[^.]{0,40}?\binstruments?\s+of\s+"
                          r"(?P<what>ratification|accession|acceptance|approval)", re.I)


def _instruments(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    m = _EXCHANGE_RE.search(sent.text)
    if not m:
        return
    tok = next((t for t in span if t.idx >= sent.start + m.start()), None)
    if tok is None:
        return
    treaties = ctx.ents_in_span(sent.start, sent.end, {"Treaty"})
    if not treaties and ctx.res.main_treaty is not None:
        treaties = [ctx.res.main_treaty]
    agents = subjects(tok, ctx, {"State"}) or ctx.ents_in_tokens(
        [t for c in tok.children if c.dep_ == "nsubj" for t in c.subtree], {"State"})
    if not agents:
        # "Foreign Minister X handed over his country's instrument": X acts for the state he serves.
        people = subjects(tok, ctx, {"Person"})
        if any(c.dep_ == "nsubj" for c in tok.children):
            # "Minister X and Minister Y exchanged …": everyone named before the verb, however parsed.
            clause = ctx.text.rfind("—", sent.start, tok.idx) + 1 or sent.start
            people = list({p.iri: p for p in people + ctx.ents_in_span(clause, tok.idx, {"Person"})}.values())
        agents = [f.o for f in out.facts if f.p == "affiliatedWith" and f.s in people and f.o.cls == "State"]
        agents = list({a.iri: a for a in agents}.values())
    for treaty in treaties[:1]:
        kind = "Accession" if m.group("what").lower() == "accession" else "InstrumentExchange"
        out.events.append(Event(kind, status_of(tok), sent, "instruments-" + m.group("what").lower(),
                                agents=agents, treaty=treaty, date=ctx.date_near(sent, tok.idx)))


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


_INVOKE_VERBS = {"invoke", "cite", "trigger", "activate", "rely", "apply", "use", "enact"}




def _invocations(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    for tok in span:
        if tok.lemma_ in _INVOKE_VERBS and tok.pos_ == "VERB":
            objs = objects(tok, ctx, {"Article", "Treaty"})
            if not objs and any(c.dep_ == "dobj" and c.lemma_ in {"clause", "article", "provision"} and any(
                    d.lower_ in {"the", "that", "this"} for d in c.children) for c in tok.children):
                # "invoked the clause": the article the text was just speaking of.
                objs = [a for a in [ctx.article_before(tok.idx)] if a is not None]
            arts = [o for o in objs if o.cls == "Article"] or objs
            if tok.lemma_ in {"apply", "use"}:
                arts = [o for o in arts if o.cls == "Article"]
            agents = subjects(tok, ctx)
            for a in arts:
                out.events.append(Event("Invocation", status_of(tok), sent, f"verb-{tok.lemma_}",
                                        agents=agents, treaty=a))
    # "X requested consultations under Article 4": an act done under an article relies on it.
    for m in re.finditer(r"\b(?:under|pursuant\s+to|in\s+accordance\s+with|citing|invoking)\s+(?:the\s+)?"
                         r"(?:(?:paragraph\s+\d+\s+of\s+)?(?:Article|Art\.)\s+\w+)", sent.text):
        pos = sent.start + m.start()
        tok = next((t for t in span if t.idx >= pos), None)
        if tok is None or inside_quote(ctx.text, pos):
            continue
        arts = [ctx.res.entity(x) for x in ctx.starting(pos, sent.start + m.end() + 1) if x.cls == "Article"]
        verb = tok.head
        while verb.pos_ not in {"VERB", "AUX"} and verb.head is not verb:
            verb = verb.head
        agents = subjects(verb, ctx)
        if not agents and verb.dep_ == "xcomp":
            # "prompted Poland and Estonia to ask for consultations under Article 4": the object asks.
            agents = ctx.ents_in_tokens([t for c in verb.head.children if c.dep_ == "dobj" for t in c.subtree],
                                        ACTORS)
        if not agents or any(e.cls == "Article" for e in agents):
            continue
        status = status_of(verb)
        if implied_by(verb):
            status = status_of(verb.head)  # "prompted X to ask": X did ask
        for a in arts:
            if a is not None:
                out.events.append(Event("Invocation", status, sent, "under-article", agents=agents, treaty=a))


def _article_references(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    """"Article 5 refers to Article 51 of the Charter" / "The article also cites the Charter"."""
    for tok in span:
        if tok.lemma_ not in {"refer", "cite", "mention", "incorporate"} or tok.pos_ != "VERB":
            continue
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if subj is None:
            continue
        arts = ctx.ents_in_tokens(list(subj.subtree), {"Article"})
        if not arts and subj.lower_ in {"article", "clause", "it"}:
            last = next((m for m in ctx.before(subj.idx, subj.idx + 1) if m.cls == "Article"), None)
            arts = [ctx.res.entity(last)] if last is not None else []
        targets = objects(tok, ctx, {"Article", "Treaty"})
        for a in arts:
            for t in targets:
                if a is not None and t.iri != a.iri and t.iri != (a.treaty.iri if a.treaty else None):
                    out.facts.append(Fact(a, "references", sent, f"verb-{tok.lemma_}", o=t))


_VISIT_VERBS = {"visit": ("dobj",), "arrive": ("in", "at"), "travel": ("to",), "fly": ("to",), "go": ("to",),
                "tour": ("dobj",), "land": ("in", "at")}


def _visits(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    places = {"State", "Place"}
    for tok in span:
        dests: list[Entity] = []
        agents: list[Entity] = []
        if tok.pos_ == "VERB" and tok.lemma_ in _VISIT_VERBS:
            preps = _VISIT_VERBS[tok.lemma_]
            heads = [c for c in tok.children if c.dep_ == "dobj" and "dobj" in preps]
            heads += [p for c in tok.children if c.dep_ == "prep" and c.lower_ in preps
                      for cc in [c, *c.conjuncts] for p in cc.children if p.dep_ == "pobj"]
            # "flew to Cairo and then on to Jerusalem": a conjoined "on to" names another stop.
            heads += [p for c in tok.children if c.dep_ in {"conj", "advmod", "prep"} for pp in c.subtree
                      if pp.dep_ == "prep" and pp.lower_ == "to" and pp.head is not tok for p in pp.children
                      if p.dep_ == "pobj" and "to" in preps]
            dests = []
            for h in heads:
                # "visited the X Republic in Y's Far East": the place visited (the head, its conjuncts and
                # the first place named), not every place its description mentions.
                sub = ctx.ents_in_tokens(list(h.subtree), places)
                dests += ctx.ents_in_tokens([h] + list(h.conjuncts), places) + sub[:1]
            agents = subjects(tok, ctx, {"Person"})
            status = status_of(tok)
        elif tok.lemma_ == "visit" and tok.pos_ == "NOUN":
            toks = [t for c in tok.children if c.dep_ == "prep" and c.lower_ in {"to", "in"} for t in c.subtree]
            toks += [t for c in tok.children if c.dep_ == "compound" for t in c.subtree]
            dests = ctx.ents_in_tokens(toks, places)
            agents = ctx.ents_in_tokens([t for c in tok.children if c.dep_ == "poss" for t in c.subtree],
                                        {"Person"})
            agents += ctx.ents_in_tokens([t for c in tok.children if c.dep_ == "prep" and c.lower_ in {"by", "of"}
                                          for t in c.subtree], {"Person"})
            if not agents and tok.head.lemma_ in {"pay", "make", "conduct", "begin", "start", "end"}:
                agents = subjects(tok.head, ctx, {"Person"})
            status = "planned" if any(c.lower_ in {"planned", "upcoming", "expected", "proposed", "future",
                                                    "possible"} for c in tok.children) else "asserted"
            if tok.head.lemma_ in cues().planned | {"invite", "ahead"} or status_of(tok.head) != "asserted" \
                    and tok.head.lemma_ in {"pay", "make"}:
                status = status_of(tok.head) if tok.head.lemma_ in {"pay", "make"} else "planned"
        else:
            continue
        if not dests or not agents:
            continue
        date_ = ctx.date_near(sent, tok.idx)
        out.events.append(Event("Visit", status, sent, f"visit-{tok.pos_.lower()}", agents=agents,
                                others=dests, date=date_))


_MEET_NOUNS = {"meeting", "talk", "talks", "summit", "audience", "conversation", "call", "negotiation"}


def _meetings(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    persons = {"Person"}
    for tok in span:
        a: list[Entity] = []
        b: list[Entity] = []
        if tok.pos_ == "VERB" and tok.lemma_ in {"meet", "receive", "host"}:
            a = subjects(tok, ctx, persons)
            b = ctx.ents_in_tokens([t for c in tok.children if c.dep_ in {"dobj"} for t in c.subtree]
                                   + [t for c in tok.children if c.dep_ == "prep" and c.lower_ == "with"
                                      for t in c.subtree], persons)
            if tok.lemma_ in {"receive", "host"} and not b:
                continue
            status = status_of(tok)
        elif tok.lower_ in _MEET_NOUNS or (tok.lemma_ in _MEET_NOUNS and tok.pos_ == "NOUN"):
            withs = [t for c in tok.children if c.dep_ == "prep" and c.lower_ == "with" for t in c.subtree]
            betw = [t for c in tok.children if c.dep_ == "prep" and c.lower_ == "between" for t in c.subtree]
            if betw:
                ents = ctx.ents_in_tokens(betw, persons)
                a, b = ents[:1], ents[1:]
            elif withs:
                b = ctx.ents_in_tokens(withs, persons)
                a = ctx.ents_in_tokens([t for c in tok.children if c.dep_ == "poss" for t in c.subtree], persons)
                head = tok.head
                while not a and head.pos_ not in {"VERB", "AUX"} and head.head is not head:
                    head = head.head
                if not a and head.pos_ in {"VERB", "AUX"}:
                    a = subjects(head, ctx, persons)
            else:
                continue
            status = status_of(tok.head) if tok.head.pos_ in {"VERB", "AUX"} else "asserted"
        else:
            continue
        if not b and len(a) >= 2:
            a, b = a[:1], a[1:]
        pairs = [(x, y) for x in a for y in b if x.iri != y.iri]
        if pairs:
            out.events.append(Event("Meeting", status, sent, f"meet-{tok.lemma_}", agents=[p[0] for p in pairs],
                                    others=[p[1] for p in pairs], date=ctx.date_near(sent, tok.idx)))


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
        start = tm.end + m.end()
        # "A, B and C": a comma before another capitalised name continues the list.
        seg = re.match(r"(?:[^,;.()«»]|,\s*(?=(?:and\s+)?(?:the\s+)?[A-Z]))*", ctx.text[start:sent.end]).group(0)
        seg = re.split(r"\s+(?:is|was|were|are|has|have|marks|will|would|that|which|in|on)\s", seg)[0]
        states = ctx.ents_in_span(start, start + len(seg), {"State"})
        treaty = ctx.res.entity(tm)
        if len(states) >= 2 and treaty is not None:
            for s in states:
                out.facts.append(Fact(s, "partyTo", sent, "treaty-between", o=treaty))
    for m in re.finditer(r"\b(?:is|are|was|were|became|become|becomes|remains?)\s+(?:a\s+|the\s+)?(?:state\s+)?"
                         r"part(?:y|ies)\s+to\b", sent.text):
        pos = sent.start + m.start()
        tok = next((t for t in span if t.idx >= pos), None)
        if tok is None:
            continue
        states = subjects(tok, ctx, {"State"})
        after = ctx.ents_in_span(sent.start + m.end(), sent.end, {"Treaty"})[:1]
        if status_of(tok) == "asserted":
            for s in states:
                for t in after:
                    out.facts.append(Fact(s, "partyTo", sent, "party-to", o=t))


_QUOTE_RE = re.compile(r"«(?P<a>[^«»]+)»|“(?P<b>[^“”]+)”|\"(?P<c>[^\"\n]+)\"")
_SPEECH_VERB = re.compile(r"\b(?:said|says|stressed|noted|added|told|stated|declared|emphasi[sz]ed|warned|insisted|"
                          r"wrote|explained|reiterated|remarked|argued|announced)\b", re.I)
_PRONOUN_SAID = re.compile(r"^[\s,.]*(?:he|she)\s+(?:\w+ly\s+)?(?:said|says|stressed|noted|added|told|stated|"
                           r"declared|emphasi[sz]ed|warned|insisted|wrote|explained|reiterated|remarked)\b", re.I)


def quotes(ctx: Context) -> list[tuple[int, int, Entity | None]]:
    """Quoted passages (start, end of the inner text) and who said them, when the text says.

    The speaker is named right after the quote («…», he stressed / said the minister / X said) or
    right before it (X said: «…»); "he"/"she" is the person named last before the quote.
    """
    out = []
    for m in _QUOTE_RE.finditer(ctx.text):
        group = next(g for g in ("a", "b", "c") if m.group(g) is not None)
        qs, qe = m.start(group), m.end(group)
        speaker = None
        after = ctx.text[m.end():m.end() + 160]
        if _PRONOUN_SAID.match(after):
            speaker = ctx.person_before(m.start())
        else:
            v = _SPEECH_VERB.search(after.split(".")[0].split("«")[0])
            if v:
                # "», said Foreign Minister X" or "», X said": the speaker is on either side of the verb.
                window = (m.end(), m.end() + v.start()) if v.start() > 3 else (m.end() + v.end(),
                                                                              m.end() + min(len(after), v.end() + 80))
                speaker = _prefer_actor(ctx.ents_in_span(*window, ACTORS))
        if speaker is None:
            line_start = ctx.text.rfind("\n", 0, m.start()) + 1
            before = ctx.text[max(line_start, m.start() - 200):m.start()]
            tail = re.search(r"(?:said|stressed|noted|added|stated|declared|emphasi[sz]ed|warned|insisted|wrote|"
                             r"reiterated|told\s+\w+)(?:\s+that)?\s*[:,]?\s*$", before[-60:], re.I)
            if tail:
                end = m.start() - (len(before[-60:]) - tail.start())
                start = max(line_start, ctx.text.rfind(".", 0, end) + 1, m.start() - 200)
                speaker = _prefer_actor(ctx.ents_in_span(start, end, ACTORS))
        out.append((qs, qe, speaker))
    return out


def _prefer_actor(ents: list[Entity]) -> Entity | None:
    for cls in ("Person", "Organization", "State"):
        for e in ents:
            if e.cls == cls:
                return e
    return None


_CLAUSE_VERB = re.compile(r"^\s*(?:of\s+[^,]{0,120}?\s+)?(?:\([^)]*\)\s+)?(?:states?|stipulates?|provides?|says|"
                          r"reads|obliges|requires|commits|declares|specifies|guarantees|prohibits|bans|"
                          r"allows|permits|sets\s+out|establishes)\b(?:\s+that)?[\s,:]*", re.I)


def _clauses(ctx: Context, sents: list[Sentence], out: RelationResult, qs) -> None:
    """Clause text quoted or paraphrased for an article, and what that text refers to."""
    arts = [m for m in ctx.mentions if m.cls == "Article"]
    for m in arts:
        art = ctx.res.entity(m)
        sent = next((s for s in sents if s.start <= m.start < s.end), None)
        if art is None or sent is None:
            continue
        clause = None
        # "According to Article 4 of the document, «...»": the next quote in the sentence.
        q = next(((a, b, sp) for a, b, sp in qs if m.end <= a < sent.end + 2 and
                  re.match(r"^[^«“\"]{0,120}[,:]\s*[«“\"]$", ctx.text[m.end:a])), None)
        introduced = q is not None and (
            re.search(r"\b(?:according to|under|in|as per|per)\s+(?:the\s+)?$",
                      ctx.text[max(sent.start, m.start - 20):m.start], re.I) or ":" in ctx.text[m.end:q[0]])
        if introduced:
            clause = (q[0], q[1])
        else:
            v = _CLAUSE_VERB.match(ctx.text[m.end:sent.end])
            if v and not re.search(r"\b(?:invok|cite|trigger)", ctx.text[sent.start:m.start], re.I):
                clause = (m.end + v.end(), sent.end)
        if clause is None:
            continue
        text = ctx.text[clause[0]:clause[1]].strip(" .«»“”\"")
        if len(text) < 15:
            continue
        out.clauses.append(Clause(art, text, sent))
        _clause_references(ctx, art, sent, clause, out)
    # "The same article obliges …", "Paragraph 5 of that article provides that, subject to Article 103 …"
    for m in re.finditer(r"\b(?:[Pp]aragraph\s+\d+\s+of\s+)?(?:[Tt]he\s+same|[Tt]hat|[Tt]his)\s+article\s+"
                         r"(?:also\s+)?(?:states?|stipulates?|provides?|says|obliges|requires|commits|declares|"
                         r"specifies|guarantees|prohibits|bans|allows|permits|gives|grants)\b(?:\s+that)?[\s,:]*",
                         ctx.text):
        art = ctx.article_before(m.start())
        sent = next((s for s in sents if s.start <= m.start() < s.end), None)
        if art is not None and sent is not None:
            out.clauses.append(Clause(art, ctx.text[m.end():sent.end].strip(" .«»“”\""), sent))
            _clause_references(ctx, art, sent, (m.end(), sent.end), out)


def _clause_references(ctx: Context, art: Entity, sent: Sentence, clause: tuple[int, int],
                       out: RelationResult) -> None:
    """What a clause's text refers to. A paragraph that opens by paraphrasing an article keeps
    paraphrasing it, so references later in that paragraph are the article's too."""
    start, end = clause
    par0 = para_start(ctx.text, sent.start)
    if not ctx.text[par0:sent.start].strip():
        para_end = ctx.text.find("\n", end)
        para_end = para_end if para_end != -1 else len(ctx.text)
        # … up to a sentence that turns to another article.
        other = re.search(r"[.!?»”]\s+(?:Article|Paragraph|Art\.)\s", ctx.text[end - 1:para_end])
        end = end - 1 + other.start() + 1 if other else para_end
    own_treaty = art.treaty.iri if art.treaty else None
    for ref in ctx.ents_in_span(start, end, {"Article", "Treaty"}):
        if ref.iri not in {art.iri, own_treaty}:
            out.facts.append(Fact(art, "references", sent, "clause-reference", o=ref))
    for x in ctx.starting(start, end):
        if x.cls == "Article":
            ref = ctx.res.entity(x)
            if ref is not None and ref.treaty is not None and ref.treaty.iri != own_treaty:
                out.facts.append(Fact(art, "references", sent, "clause-reference", o=ref.treaty))


def _quote_invocations(ctx: Context, sents: list[Sentence], out: RelationResult, qs) -> None:
    """A speaker who says they act "under this article" (or invoke one) invokes it."""
    for qs_, qe, speaker in qs:
        if speaker is None:
            continue
        inner = ctx.text[qs_:qe]
        if not re.search(r"\b(?:under|invok\w*|pursuant to|in accordance with)\s+(?:this|that|the|Article)\b",
                         inner, re.I):
            continue
        arts = [ctx.res.entity(x) for x in ctx.starting(qs_, qe) if x.cls == "Article"]
        if not arts:
            continue
        sent = next((s for s in sents if s.start <= qs_ < s.end), None) or Sentence(qs_, qe, inner)
        art = arts[-1]
        if art is not None:
            out.events.append(Event("Invocation", "asserted", sent, "quote-under-article", agents=[speaker],
                                    treaty=art, speaker=speaker))


# --------------------------------------------------------------------------- affiliations

def _affiliations(sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    g = gazetteer()
    has_title, title_of_before, apposition = _affiliation_patterns()
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
def _affiliation_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    titles = titles_alternation()
    has_title = re.compile(rf"\b(?:{titles})\b", re.I)
    # "the leader of the PLO, Chairman X"
    title_of_before = re.compile(rf"\b(?:{titles})\s+(?:of|for)\s+(?P<x>[^,;]{{2,80}}),\s*(?:[A-Z][a-z]+\s+)?$",
                                 re.I)
    # "X, general secretary of the CPC and chairman of the CMC"
    apposition = re.compile(rf"\s*,\s*(?P<a>(?:the\s+|a\s+|then\s+|former\s+|acting\s+|deputy\s+)*"
                            rf"(?:[\w.'’-]+\s+){{0,3}}?(?:{titles})\b[^;:«“,]*)", re.I)
    return has_title, title_of_before, apposition


@functools.lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    g = gazetteer()
    return frozenset(w for t in g.titles for w in t.split()) | {"then", "former", "acting", "late", "incoming",
                                                                 "outgoing", "presidential", "de", "facto"}



# --------------------------------------------------------------------------- driver

def extract_relations(doc, mentions: list[Mention], res: Resolution, published: date | None) -> RelationResult:
    """Run every rule over a parsed document."""
    ctx = Context(doc, mentions, res, published)
    out = RelationResult()
    sents = sentences(doc)
    prev = None
    for sent, span in sents:
        _affiliations(sent, span, ctx, out)
        _lifecycle(sent, span, ctx, out)
        _entry_into_force(sent, span, prev, ctx, out)
        _instruments(sent, span, ctx, out)
        _replaces(sent, span, ctx, out)
        _invocations(sent, span, ctx, out)
        _article_references(sent, span, ctx, out)
        _visits(sent, span, ctx, out)
        _meetings(sent, span, ctx, out)
        _parties(sent, span, ctx, out)
        _follow_ups(sent, span, prev, ctx, out)
        prev = sent
    qs = quotes(ctx)
    plain = [s for s, _ in sents]
    _clauses(ctx, plain, out, qs)
    _quote_invocations(ctx, plain, out, qs)
    _bare_titles(ctx, out)
    _facts_from_events(out, res, ctx, plain)
    return out


_BARE_TITLE = re.compile(r"(?:^|[^\w\s'’-]\s*|\b(?:the|and|by|with|under|former|then)\s+)"
                         r"(?P<t>President|Prime Minister|Premier|Chancellor|King|Queen|Emperor|Foreign Minister|"
                         r"Defen[cs]e Minister|Secretary of State)\s+$")


def _bare_titles(ctx: Context, out: RelationResult) -> None:
    """"President X" with no country named: the state acting in the same sentence.

    Only for persons with no state found otherwise, and only a state that is a subject or object in
    that sentence ("… President X has said that Syria will honour …"), not one it deals with ("talks
    with Beijing") or one that titles someone else there. An unqualified "Secretary of State" is the
    American office.
    """
    known = {f.s.iri for f in out.facts if f.p == "affiliatedWith" and f.o is not None and f.o.cls == "State"}
    for m in ctx.mentions:
        person = ctx.res.entity(m)
        if person is None or person.cls != "Person" or person.iri in known:
            continue
        line_start = para_start(ctx.text, m.start)
        title = _BARE_TITLE.search(ctx.text[max(line_start, m.start - 40):m.start])
        if not title:
            continue
        sent_start = max(ctx.text.rfind(". ", line_start, m.start) + 2, line_start)
        sent_end = ctx.text.find(". ", m.end)
        sent_end = sent_end if sent_end != -1 else len(ctx.text)
        sent = Sentence(sent_start, sent_end, ctx.text[sent_start:sent_end])
        if title.group("t") == "Secretary of State":
            state = state_entity(ctx, "United States")
        else:
            others = {f.o.iri for f in out.facts if f.p == "affiliatedWith" and f.o is not None
                      and f.sentence.start <= m.start <= f.sentence.end and f.s.iri != person.iri}
            counts: dict[str, list] = {}
            for x in ctx.starting(sent_start, sent_end):
                e = ctx.res.entity(x)
                if e is None or e.cls != "State" or e.iri in others:
                    continue
                tok = ctx.doc.char_span(x.start, x.end, alignment_mode="expand")
                if tok is not None and tok.root.dep_ in {"nsubj", "nsubjpass", "dobj", "poss"}:
                    counts.setdefault(e.iri, [0, -abs(x.start - m.start), e])
                    counts[e.iri][0] += 1
            state = max(counts.values(), key=lambda c: (c[0], c[1]))[2] if counts else None
        if state is not None:
            known.add(person.iri)
            out.facts.append(Fact(person, "affiliatedWith", sent, "bare-title", o=state))


def _facts_from_events(out: RelationResult, res: Resolution, ctx: Context, sents: list[Sentence]) -> None:
    # "signed in 1996 but never ratified": a signatory that never ratified is not a party.
    unratified = {(a.iri, ev.treaty.iri) for ev in out.events if ev.kind == "Ratification" and ev.status == "denied"
                  and ev.treaty is not None for a in ev.agents}
    for ev in out.events:
        asserted = ev.status == "asserted"
        t = ev.treaty
        if ev.kind == "Signing" and t is not None:
            for a in ev.agents:
                if a.cls == "State" and ev.status != "denied" and (a.iri, t.iri) not in unratified:
                    out.facts.append(Fact(a, "partyTo", ev.sentence, "signing-party", o=t))
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
                if a.cls == "State":
                    out.facts.append(Fact(a, "partyTo", ev.sentence, "ratifying-party", o=t))
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
