"""Modality: whether a reported act happened (asserted) or is planned, denied, conditional or claimed.

The cue words live in ``graph/data/treaty_vocab.json`` under ``modality``; this module only says
where in the parse they count: on the trigger itself, on a verb that governs it, or as a modifier of
an event noun ("the planned visit").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .. import data


@dataclass(frozen=True)
class Cues:
    auxiliaries: frozenset[str]
    planned: frozenset[str]
    denied: frozenset[str]
    claimed: frozenset[str]
    conditional_marks: frozenset[str]
    noun_modifiers: frozenset[str]
    claim_adverbs: frozenset[str]
    implicative: frozenset[str]


@functools.lru_cache(maxsize=1)
def cues() -> Cues:
    """The modality cue lists, read once."""
    m = data.load("treaty_vocab")["modality"]
    return Cues(**{k: frozenset(m[k]) for k in Cues.__dataclass_fields__})


def status_of(tok) -> str:
    """Modality of a trigger token: asserted, planned, denied, conditional or claimed.

    Walks up from the trigger: its own negation, condition mark or modal auxiliary decide first;
    then a governing verb ("plans to sign", "denies that it signed", "claim that X sent") does. A
    verb coordinated with another ("arrived and met") shares that verb's auxiliaries but not its
    meaning.
    """
    c = cues()
    node, governing = tok, False
    for _ in range(8):
        children = list(node.children)
        if any(ch.dep_ == "neg" for ch in children):
            return "denied"
        if any(ch.dep_ == "mark" and ch.lower_ in c.conditional_marks for ch in children):
            return "conditional"
        if any(ch.dep_ == "advmod" and ch.lower_ in c.claim_adverbs for ch in children):
            return "claimed"
        for ch in children:
            if ch.dep_ in {"aux", "auxpass"} and ch.lower_ in c.auxiliaries:
                return "planned"
            if ch.dep_ == "aux" and ch.tag_ == "TO" and node.dep_ not in {"advcl", "acl"}:
                return "planned"
        if node.pos_ in {"NOUN", "PROPN"} and any(ch.lower_ in c.noun_modifiers for ch in children):
            return "planned"
        if governing:
            if node.lemma_ in c.denied:
                return "denied"
            if node.lemma_ in c.claimed:
                return "claimed"
            if node.lemma_ in c.planned:
                return "planned"
        if node.head == node or node.dep_ == "relcl":
            break
        if node.dep_ == "conj":
            governing = False
        elif node.dep_ in {"xcomp", "ccomp", "acl", "advcl", "pcomp"}:
            governing = True
        elif node.pos_ in {"NOUN", "PROPN"} and node.dep_ in {"dobj", "pobj", "nsubj", "attr"}:
            governing = node.dep_ == "dobj"
        elif node.dep_ == "prep":
            governing = False
        else:
            break
        node = node.head
    return "asserted"


def implied_by(verb) -> bool:
    """"prompted X to ask": the complement of an implicative verb happened when it did."""
    return verb.dep_ == "xcomp" and verb.head.lemma_ in cues().implicative
