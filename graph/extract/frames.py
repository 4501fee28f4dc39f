"""Relation frames: one lexicon (``graph/data/frames.json``) and one way of reading it.

A frame names an event ("Signing") and says which words trigger it: verbs ("sign", "ink"),
nominalisations ("signing", "signature"), agent nouns ("signatory") and prepositions ("under"). The
triggers are found by spaCy's ``Matcher`` over lemmas (:class:`FrameMatcher`, a match step without
side effects); the roles come from the parse by the same rules for every frame: the agent is a verb's
subject or passive ``by``-phrase, a noun's possessive or ``by``-complement, the list after a colon;
the theme is the object or the prepositional complement the frame allows. A new way of writing an
act is a new lexicon entry, not a new function.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .. import data
from .context import Context, Entity, listed_people, state_entity, subjects


@dataclass(frozen=True)
class Frame:
    event: str
    verbs: tuple[str, ...]
    nouns: tuple[str, ...]
    agent_nouns: tuple[str, ...]
    agents: frozenset[str]
    themes: frozenset[str]
    theme_preps: frozenset[str]
    co_agent_preps: frozenset[str]
    passive_agent_preps: frozenset[str]
    noun_agent_preps: frozenset[str]
    noun_theme_preps: frozenset[str]
    place_preps: frozenset[str]
    named_theme_only: frozenset[str]
    instrument: bool = False
    article_only: frozenset[str] = frozenset()
    preps: tuple[str, ...] = ()
    verb_reach: tuple[tuple[str, tuple[str, ...]], ...] = ()  # role frames: how each verb names where it goes
    noun_place_preps: frozenset[str] = frozenset()
    support_verbs: frozenset[str] = frozenset()
    object_required: frozenset[str] = frozenset()

    def reach(self, verb: str) -> tuple[str, ...]:
        return dict(self.verb_reach).get(verb, ())


@dataclass(frozen=True)
class Lexicon:
    frames: dict[str, Frame]
    instrument_nouns: frozenset[str]
    instrument_kinds: dict[str, str]
    ratification_laws: frozenset[str]
    acting_for: frozenset[str]
    acting_for_verbs: frozenset[str]
    behalf_nouns: frozenset[str]
    list_introducers: frozenset[str]
    group_nouns: frozenset[str]
    speech_verbs: tuple[str, ...]
    adopting_bodies: frozenset[str]  # bodies whose approval adopts a text, not a state's ratification


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The frame lexicon, read once."""
    raw = data.load("frames")
    frames = {}
    specs = {**raw["frames"], **{k: v for k, v in raw["clause_frames"].items() if not k.startswith("_")}}
    for event, f in specs.items():
        frames[event] = Frame(
            event=event, verbs=tuple(f["verbs"]), nouns=tuple(f["nouns"]), agent_nouns=tuple(f["agent_nouns"]),
            agents=frozenset(f["agents"]), themes=frozenset(f["themes"]), theme_preps=frozenset(f["theme_preps"]),
            co_agent_preps=frozenset(f["co_agent_preps"]), noun_agent_preps=frozenset(f["noun_agent_preps"]),
            passive_agent_preps=frozenset(f.get("passive_agent_preps", ())),
            noun_theme_preps=frozenset(f["noun_theme_preps"]), place_preps=frozenset(f["place_preps"]),
            named_theme_only=frozenset(f["named_theme_only"]), instrument=bool(f.get("instrument")),
            article_only=frozenset(f.get("article_only", ())), preps=tuple(f.get("preps", ())))
    for event, f in raw["role_frames"].items():
        if event.startswith("_"):
            continue
        frames[event] = Frame(
            event=event, verbs=tuple(f["verbs"]), nouns=tuple(f["nouns"]), agent_nouns=(), agents=frozenset({"Person"}),
            themes=frozenset(), theme_preps=frozenset(), co_agent_preps=frozenset(), passive_agent_preps=frozenset(),
            noun_agent_preps=frozenset(f.get("noun_agent_preps", ())), noun_theme_preps=frozenset(),
            place_preps=frozenset(), named_theme_only=frozenset(),
            verb_reach=tuple((v, tuple(r)) for v, r in f["verbs"].items()),
            noun_place_preps=frozenset(f.get("noun_place_preps", ())),
            support_verbs=frozenset(f.get("support_verbs", ())),
            object_required=frozenset(f.get("object_required", ())))
    return Lexicon(
        frames=frames, speech_verbs=tuple(raw["speech_verbs"]), adopting_bodies=frozenset(raw["adopting_bodies"]),
        instrument_nouns=frozenset(raw["instruments"]["nouns"]),
        instrument_kinds=dict(raw["instruments"]["kinds"]), ratification_laws=frozenset(raw["ratification_laws"]),
        acting_for=frozenset(raw["acting_for"]), acting_for_verbs=frozenset(raw["acting_for_verbs"]),
        behalf_nouns=frozenset(raw["behalf_nouns"]), list_introducers=frozenset(raw["list_introducers"]),
        group_nouns=frozenset(raw["group_nouns"]))


@dataclass(frozen=True)
class Trigger:
    """A word that evokes a frame, and in which form (verb, nominalisation, agent noun or preposition)."""

    frame: Frame
    token: object
    form: str
    end: int = 0  # index after the trigger's last token (a preposition may take several)


class FrameMatcher:
    """spaCy ``Matcher`` patterns for every trigger of the lexicon, built once per vocabulary."""

    def __init__(self, vocab, lex: Lexicon | None = None):
        from spacy.matcher import Matcher

        self.lex = lex or lexicon()
        self.matcher = Matcher(vocab)
        self.keys: dict[int, tuple[Frame, str]] = {}
        pos = {"verb": ["VERB", "AUX"], "noun": ["NOUN", "PROPN"], "agent_noun": ["NOUN", "PROPN"]}
        for frame in self.lex.frames.values():
            for form, words in (("verb", frame.verbs), ("noun", frame.nouns), ("agent_noun", frame.agent_nouns)):
                if not words:
                    continue
                key = f"{frame.event}:{form}"
                # Nouns are matched on their lemma or surface form: "signatories" is not always lemmatised.
                first = {"POS": {"IN": pos[form]}}
                if form == "verb":
                    first["LEMMA"] = {"IN": list(words)}
                    self.matcher.add(key, [[first]])
                else:
                    self.matcher.add(key, [[{**first, "LEMMA": {"IN": list(words)}}],
                                           [{**first, "LOWER": {"IN": [_plural(w) for w in words]}}]])
                self.keys[vocab.strings[key]] = (frame, form)
            if frame.preps:
                key = f"{frame.event}:prep"
                self.matcher.add(key, [[{"LOWER": w} for w in p.split()] for p in frame.preps])
                self.keys[vocab.strings[key]] = (frame, "prep")

    def match(self, span) -> list[Trigger]:
        """Triggers in a sentence, in text order, one per token and frame (the longest reading wins):
        "exchange" may be both an exchange of instruments and an exchange of views; each frame's rule
        decides whether its reading holds."""
        found: dict[tuple[int, str], Trigger] = {}
        for key, start, end in self.matcher(span):
            frame, form = self.keys[key]
            tok = span[start]
            trig = Trigger(frame, tok, form, span[end - 1].i + 1)
            if (tok.i, frame.event) not in found or trig.end > found[tok.i, frame.event].end:
                found[tok.i, frame.event] = trig
        return [found[k] for k in sorted(found)]


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


@functools.lru_cache(maxsize=4)
def matcher_for(vocab) -> FrameMatcher:
    return FrameMatcher(vocab)


# --------------------------------------------------------------------------- roles

def pobjs(tok, preps) -> list:
    """Objects of the prepositions ``tok`` governs that are in ``preps`` ("signed off on X")."""
    out = []
    for c in tok.children:
        if c.dep_ in {"prep", "prt", "agent"} and c.lower_ in preps:
            out += [p for p in c.children if p.dep_ == "pobj"]
            # "pulled out of": a particle's own preposition.
            out += [p for cc in c.children if cc.dep_ == "prep" and cc.lower_ in preps
                    for p in cc.children if p.dep_ == "pobj"]
    return out


def tokens_of(heads) -> list:
    return [t for h in heads for t in h.subtree]


def listed_after(tok, ctx: Context, classes) -> list[Entity]:
    """"N governments ratified it: A, B and C": the entities listed after a colon or dash that
    follows the trigger in its sentence."""
    lex = lexicon()
    sent = tok.sent
    intro = next((t for t in sent if t.i > tok.i and t.text in lex.list_introducers), None)
    if intro is None:
        return []
    return ctx.ents_in_span(intro.idx + 1, sent.end_char, classes)


def as_states(ents: list[Entity], ctx: Context, classes) -> list[Entity]:
    """A capital acting ("Rome and Madrid deposited their instruments") stands for its state."""
    from .mentions import gazetteer

    if "State" not in classes:
        return ents
    caps = gazetteer().capitals
    out = []
    for e in ents:
        if e.cls == "Place" and e.key in caps:
            s = state_entity(ctx, caps[e.key])
            if s is not None:
                out.append(s)
        else:
            out.append(e)
    return out


def verb_agents(tok, ctx: Context, frame: Frame) -> list[Entity]:
    """Subjects (or passive agents) of a verb trigger, with a capital as subject read as its state,
    and a group noun subject ("three countries ratified it: A, B and C") read from the list after it."""
    classes = set(frame.agents) | ({"Place"} if "State" in frame.agents else set())
    found = as_states(subjects(tok, ctx, classes), ctx, frame.agents)
    found = [e for e in found if e.cls in frame.agents]
    if not found and frame.passive_agent_preps and (tok.tag_ == "VBN" or any(
            c.dep_ in {"nsubjpass", "auxpass"} for c in tok.children)):
        # "was signed between A and B", "Inked between A and B, the pact …"
        preps = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in frame.passive_agent_preps]
        found = [p for c in preps for p in listed_people(c, ctx)] if "Person" in frame.agents else []
        found = found or ctx.ents_in_tokens(tokens_of(pobjs(tok, frame.passive_agent_preps)), frame.agents)
    group = _group_subject(tok)
    if not found and (group is not None or tok.dep_ == "relcl" and tok.head.lemma_ in lexicon().group_nouns):
        # "three countries ratified it: A, B and C"; "among the states that ratified it are: A, B and C"
        found = listed_after(tok, ctx, frame.agents)
    if not found and group is not None:
        found = _counted_list_next(group, ctx, frame.agents)
    return found


def _group_subject(tok):
    """The subject of ``tok`` that is a group noun ("eight member states"), if any."""
    lex = lexicon()
    subj = [c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}] + \
        [p for c in tok.children if c.dep_ == "agent" for p in c.children]
    return next((s for s in subj if s.lemma_ in lex.group_nouns), None)


def _counted_list_next(group, ctx: Context, classes) -> list[Entity]:
    """"eight member states requested consultations. The request was made by eight Allies: A, B, … and H":
    a counted group is the list of as many members that the next sentence gives after a colon or dash."""
    count = next((c for c in group.children if c.dep_ == "nummod" and c.like_num), None)
    n = _number(count.text) if count is not None else None
    sent = group.sent
    if n is None or sent.end >= len(ctx.doc):
        return []
    nxt = ctx.doc[sent.end].sent
    intro = next((t for t in nxt if t.text in lexicon().list_introducers), None)
    if intro is None:
        return []
    listed = ctx.ents_in_span(intro.idx + 1, nxt.end_char, classes)
    return listed if len(listed) == n else []


_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else _NUMBERS.get(text.lower())


def verb_themes(tok, ctx: Context, frame: Frame) -> list[Entity]:
    heads = [c for c in tok.children if c.dep_ in {"dobj", "nsubjpass", "attr", "oprd", "dative"}]
    heads += pobjs(tok, frame.theme_preps)
    found = ctx.ents_in_tokens(tokens_of(heads), frame.themes)
    if found or any(c.dep_ in {"dobj", "nsubj", "nsubjpass"} for c in tok.children):
        return found
    if tok.dep_ == "conj" and tok.head.pos_ == "VERB":
        # "was adopted and signed in Rome": the verb it is conjoined to has the theme.
        heads = [c for c in tok.head.children if c.dep_ in {"dobj", "nsubjpass"}]
    elif tok.dep_ == "advcl" and tok.tag_ == "VBN":
        # "Inked in May, the pact …": a participle's theme is the subject of the clause it opens.
        heads = [c for c in tok.head.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return ctx.ents_in_tokens(tokens_of(heads), frame.themes)


def co_agents(tok, ctx: Context, frame: Frame) -> list[Entity]:
    """"X signed the agreement with Y": Y is an agent too."""
    heads = pobjs(tok, frame.co_agent_preps)
    heads += [p for o in tok.children if o.dep_ == "dobj" for p in pobjs(o, frame.co_agent_preps)]
    return ctx.ents_in_tokens(tokens_of(heads), frame.agents)


def noun_roles(tok, ctx: Context, frame: Frame) -> tuple[list[Entity], list[Entity]]:
    """Agents and themes of a nominalisation: "the treaty's signature by both ministers",
    "Turkmenistan's accession to the convention", "the signing of the pact between A and B"."""
    poss = [c for c in tok.children if c.dep_ == "poss"]
    agents = ctx.ents_in_tokens(tokens_of(poss), frame.agents)
    themes = ctx.ents_in_tokens(tokens_of(poss), frame.themes)
    agents += [e for e in ctx.ents_in_tokens(tokens_of(pobjs(tok, frame.noun_agent_preps)), frame.agents)
               if e not in agents]
    themes += [e for e in ctx.ents_in_tokens(tokens_of(pobjs(tok, frame.noun_theme_preps)), frame.themes)
               if e not in themes]
    return agents, themes


def agent_noun_roles(tok, ctx: Context, frame: Frame) -> tuple[list[Entity], list[Entity]]:
    """"The X signatories are: A, B and C", "the signatories were A of P and B of Q",
    "Chile is a signatory to the treaty": the agents stand across the copula or in the list."""
    themes = ctx.ents_in_tokens([t for c in tok.children if c.dep_ in {"compound", "nmod", "poss"}
                                 for t in c.subtree] + tokens_of(pobjs(tok, {"of", "to"})), frame.themes)
    head = tok.head
    agents: list[Entity] = []
    if tok.dep_ in {"nsubj", "nsubjpass"} and head.lemma_ in {"be", "include"}:
        others = [c for c in head.children if c.dep_ in {"attr", "dobj", "acomp", "appos"} and c != tok]
        agents = ctx.ents_in_tokens(tokens_of(others), frame.agents)
        agents += [e for e in listed_after(head, ctx, frame.agents) if e not in agents]
    elif tok.dep_ == "attr" and head.lemma_ == "be":
        agents = subjects(head, ctx, frame.agents)
    return agents, themes


def acting_for(agents: list[Entity], ctx: Context, sent_span) -> list[tuple[Entity, Entity]]:
    """The body or state each person in an agent list acts for: "A of Brazil", "B for Iceland",
    "C representing Liechtenstein", "D on behalf of Ecuador"."""
    lex = lexicon()
    out = []
    for person in agents:
        if person.cls != "Person":
            continue
        for m in person.mentions:
            if not sent_span.start_char <= m.start < sent_span.end_char:
                continue
            span = ctx.doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            root = span.root
            heads = []
            for c in root.children:
                if c.dep_ == "prep" and c.lower_ in lex.acting_for:
                    heads += [p for p in c.children if p.dep_ == "pobj"]
                if c.dep_ in {"acl", "relcl"} and c.lemma_ in lex.acting_for_verbs:
                    heads += [d for d in c.children if d.dep_ == "dobj"]
            nxt = ctx.doc[span.end] if span.end < len(ctx.doc) else None
            if nxt is not None and nxt.lower_ in lex.acting_for and not any(h.head == nxt for h in heads):
                heads += [p for p in nxt.children if p.dep_ == "pobj"]
            for e in ctx.ents_in_tokens([t for h in heads for t in h.subtree], {"State", "Organization"}):
                if e.iri != person.iri:
                    out.append((person, e))
    return out


def behalf_of(tok, ctx: Context) -> list[Entity]:
    """"signed on behalf of Ecuador": the state or body the act was done for."""
    lex = lexicon()
    heads = [p for c in tok.children if c.dep_ == "prep" for b in c.children
             if b.dep_ == "pobj" and b.lemma_ in lex.behalf_nouns
             for pp in b.children if pp.dep_ == "prep" and pp.lower_ == "of" for p in pp.children if p.dep_ == "pobj"]
    return ctx.ents_in_tokens(tokens_of(heads), {"State", "Organization"})
