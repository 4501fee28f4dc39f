"""Clauses: invocations of articles, what articles say, and what their text refers to.

An article is invoked when an actor invokes, cites or triggers it, or acts "under" it; a quoted
speaker who acts "under this article" invokes it too. Clause text is the quote or paraphrase an
article introduces ("Article 4 provides that …"); the articles and treaties it names are its
``references``.
"""

from __future__ import annotations

import functools
import re

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
)
from .frames import Trigger, lexicon, noun_roles, verb_agents, verb_themes
from .modality import implied_by, status_of
from .resolve import Entity

__all__ = ["apply_document", "apply_sentence", "quotes"]


def apply_sentence(triggers: list[Trigger], sent: Sentence, span, ctx: Context, out: RelationResult) -> None:
    """The clause rules that read one sentence: invocations and article-to-article references."""
    for trig in triggers:
        if trig.frame.event != "Invocation":
            continue
        if trig.form == "prep":
            _under_article(trig, sent, ctx, out)
        elif trig.form == "verb" and trig.token.pos_ == "VERB":
            _invoking_verb(trig, sent, ctx, out)
        elif trig.form == "noun":
            agents, arts = noun_roles(trig.token, ctx, trig.frame)
            for a in [x for x in arts if x.cls == "Article"]:
                out.events.append(Event("Invocation", status_of(trig.token), sent, f"noun-{trig.token.lemma_}",
                                        agents=agents, treaty=a))
    _article_references(sent, span, ctx, out)


def apply_document(ctx: Context, sents: list[Sentence], out: RelationResult) -> None:
    """The clause rules that read across sentences: clause text and invocations inside quotes."""
    qs = quotes(ctx)
    _clauses(ctx, sents, out, qs)
    _quote_invocations(ctx, sents, out, qs)


def _actors(verb, ctx: Context, frame) -> list[Entity]:
    """Who acts: the verb's subject, else, for a participle ("…, invoking Article 4", "Acting under
    Article 7, the Council …"), the subject of the clause it qualifies."""
    agents = verb_agents(verb, ctx, frame)
    if not agents and verb.dep_ == "advcl" and verb.head != verb:
        agents = verb_agents(verb.head, ctx, frame)
    return agents


def _invoking_verb(trig: Trigger, sent: Sentence, ctx: Context, out: RelationResult) -> None:
    tok, frame = trig.token, trig.frame
    objs = verb_themes(tok, ctx, frame)
    if not objs and any(c.dep_ == "dobj" and c.lemma_ in {"clause", "article", "provision"} and any(
            d.lower_ in {"the", "that", "this"} for d in c.children) for c in tok.children):
        # "invoked the clause": the article the text was just speaking of.
        objs = [a for a in [ctx.article_before(tok.idx)] if a is not None]
    arts = [o for o in objs if o.cls == "Article"] or objs
    if tok.lemma_ in frame.article_only:
        arts = [o for o in arts if o.cls == "Article"]
    agents = _actors(tok, ctx, frame)
    for a in arts:
        out.events.append(Event("Invocation", status_of(tok), sent, f"verb-{tok.lemma_}", agents=agents, treaty=a))


# What may stand between "under" and the article it names: "under paragraph 2 of Article 4", "under its Article 7".
_BEFORE_ARTICLE = re.compile(r"\s*(?:the\s+|its\s+|their\s+)?(?:paragraph\s+\d+\s+of\s+)?$", re.I)


def _under_article(trig: Trigger, sent: Sentence, ctx: Context, out: RelationResult) -> None:
    """"X requested consultations under Article 4": an act done under an article relies on it."""
    tok = trig.token
    end = ctx.doc[trig.end - 1].idx + len(ctx.doc[trig.end - 1].text)
    if inside_quote(ctx.text, tok.idx):
        return
    nxt = next((m for m in ctx.starting(end, sent.end) if m.cls == "Article"), None)
    if nxt is None or not _BEFORE_ARTICLE.match(ctx.text[end:nxt.start]):
        return
    art = ctx.res.entity(nxt)
    verb = tok.head
    while verb.pos_ not in {"VERB", "AUX"} and verb.head != verb:
        verb = verb.head
    agents = _actors(verb, ctx, trig.frame)
    if not agents and verb.tag_ == "VBG" and verb.i == verb.sent.start:
        # "Acting under Article 7 of its Protocol, the Council, …": however the fragment parsed, the
        # opening participle's actor is what stands after its comma.
        comma = ctx.text.find(",", nxt.end, sent.end)
        after = re.match(r",\s*(?:the\s+)?", ctx.text[comma:]) if comma != -1 else None
        if after:
            first = next(iter(ctx.starting(comma + after.end(), comma + after.end() + 1)), None)
            e = ctx.res.entity(first) if first is not None else None
            agents = [e] if e is not None and e.cls in trig.frame.agents else []
    if not agents and verb.dep_ == "xcomp":
        # "prompted Poland and Estonia to ask for consultations under Article 4": the object asks.
        agents = ctx.ents_in_tokens([t for c in verb.head.children if c.dep_ == "dobj" for t in c.subtree], ACTORS)
    if not agents or art is None or any(e.cls == "Article" for e in agents):
        return
    status = status_of(verb)
    if implied_by(verb):
        status = status_of(verb.head)  # "prompted X to ask": X did ask
    out.events.append(Event("Invocation", status, sent, "under-article", agents=agents, treaty=art))


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


_QUOTE_RE = re.compile(r"«(?P<a>[^«»]+)»|“(?P<b>[^“”]+)”|\"(?P<c>[^\"\n]+)\"")


@functools.lru_cache(maxsize=1)
def _speech() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Speech verbs of the lexicon: after a quote ("», said X"), after "he"/"she", and before a quote."""
    verbs = "|".join(re.escape(v) for v in sorted(lexicon().speech_verbs, key=len, reverse=True))
    return (re.compile(rf"\b(?:{verbs})\b", re.I),
            re.compile(rf"^[\s,.]*(?:he|she)\s+(?:\w+ly\s+)?(?:{verbs})\b", re.I),
            re.compile(rf"(?:{verbs}|told\s+\w+)(?:\s+that)?\s*[:,]?\s*$", re.I))


def quotes(ctx: Context) -> list[tuple[int, int, Entity | None]]:
    """Quoted passages (start, end of the inner text) and who said them, when the text says.

    The speaker is named right after the quote («…», he stressed / said the minister / X said) or
    right before it (X said: «…»); "he"/"she" is the person named last before the quote.
    """
    speech_verb, pronoun_said, said_before = _speech()
    out = []
    for m in _QUOTE_RE.finditer(ctx.text):
        group = next(g for g in ("a", "b", "c") if m.group(g) is not None)
        qs, qe = m.start(group), m.end(group)
        speaker = None
        after = ctx.text[m.end():m.end() + 160]
        if pronoun_said.match(after):
            speaker = ctx.person_before(m.start())
        else:
            v = speech_verb.search(after.split(".")[0].split("«")[0])
            if v:
                # "», said Foreign Minister X" or "», X said": the speaker is on either side of the verb.
                window = (m.end(), m.end() + v.start()) if v.start() > 3 else (m.end() + v.end(),
                                                                              m.end() + min(len(after), v.end() + 80))
                speaker = _prefer_actor(ctx.ents_in_span(*window, ACTORS))
        if speaker is None:
            line_start = ctx.text.rfind("\n", 0, m.start()) + 1
            before = ctx.text[max(line_start, m.start() - 200):m.start()]
            tail = said_before.search(before[-60:])
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
        # "that article" is the article, even when the last mention named one of its paragraphs.
        art = art.part_of or art if art is not None else None
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
        # … up to a sentence that turns to another article of the same text ("… . Membership is governed
        # by Article 10"); one of another treaty ("recognised by Article 51 of the Charter") is referred to.
        other = re.search(r"[.!?»”]\s+(?:(?:Article|Paragraph|Art\.)\s|[^.!?]*?\s(?:Article|Paragraph|Art\.)\s+"
                          r"(?>[\dIVXLC]+[\w.()]*)(?!\s+of\s))", ctx.text[end - 1:para_end])
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
