"""Entity mentions: find and type the names in a document.

Sources, in order of trust: treaty and article patterns, reference data (countries, capitals,
well-known organisations, regions), organisation-name patterns (a capitalised name headed by
"Ministry", "Council", …), then spaCy's named entities for everything else. Each mention gets
a class and a canonical key; resolve.py merges mentions into entities.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from .. import data
from ..namespaces import fold

CLASSES = ("Person", "State", "Organization", "Place", "Treaty", "Article")


@dataclass
class Mention:
    """A span of text naming (or referring to) an entity."""

    start: int
    end: int
    text: str
    cls: str
    key: str | None  # canonical key; None for anaphors resolved later
    display: str  # the name to show (also the basis of the key)
    source: str  # which rule found it
    parties: tuple[str, ...] = ()  # treaties: state keys named in the name ("Egypt-Israel Peace Treaty")
    number: str | None = None  # articles
    paragraph: str | None = None
    treaty: Mention | None = None  # articles: the treaty named after "of"
    anaphor: bool = False  # "the treaty", "the document": resolved to the document's treaty
    title: str | None = None  # persons: title stripped from the name ("President")
    extra: dict = field(default_factory=dict)

    def overlaps(self, other: Mention) -> bool:
        return self.start < other.end and other.start < self.end


class SpanIndex:
    """Mentions kept sorted by start, so the ones overlapping a span are found by bisection.

    A span can only overlap mentions starting less than the longest mention's length before it, so a
    lookup reads a window of the sorted starts instead of every mention (linear cost over a document).
    Mentions may shrink after they are added (an organisation name cut before a person), never grow.
    """

    def __init__(self, mentions=()) -> None:
        self._starts: list[int] = []
        self._items: list[Mention] = []
        self._longest = 0
        for m in mentions:
            self.add(m)

    def add(self, m: Mention) -> None:
        i = bisect.bisect_right(self._starts, m.start)
        self._starts.insert(i, m.start)
        self._items.insert(i, m)
        self._longest = max(self._longest, m.end - m.start)

    def overlapping(self, start: int, end: int) -> list[Mention]:
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_left(self._starts, end)
        return [x for x in self._items[lo:hi] if x.start < end and start < x.end]

    def free(self, m: Mention) -> bool:
        return not self.overlapping(m.start, m.end)


# --------------------------------------------------------------------------- reference data

@dataclass(frozen=True)
class Gazetteer:
    states: dict[str, str]  # surface -> canonical state name
    demonyms: dict[str, str]  # demonym -> canonical state name
    combining: dict[str, str]  # compound prefix ("Sino") -> canonical state name
    capitals: dict[str, str]  # capital -> state
    historical: frozenset[str]
    orgs: dict[str, str]  # surface -> canonical org name
    regions: frozenset[str]
    buildings: frozenset[str]
    org_heads: frozenset[str]
    titles: tuple[str, ...]  # longest first
    honorifics: frozenset[str]
    role_nouns: frozenset[str]
    type_words: tuple[str, ...]
    descriptive_heads: frozenset[str]  # type words a lower-case descriptive name ends in
    qualities: frozenset[str]  # words describing the act, not the subject ("the new", "the landmark")
    not_subjects: frozenset[str]  # subjects of contracts, not treaties ("a loan agreement")
    geo_heads: frozenset[str]  # last words that make a name a place ("Reef", "House")
    geo_prefixes: frozenset[str]  # first words that do ("Mount", "Cape")
    place_nouns: re.Pattern  # a common noun right before a name that makes it a place ("the residence X")
    not_bodies: frozenset[str]  # capitalised words and acronyms tagged as bodies that name none ("PDF")
    generic_org_words: frozenset[str]  # words any state's body may bear ("Foreign", "Ministry")
    common_bodies: frozenset[str]  # kinds of body that, as one capitalised word, name none in particular
    national_offices: tuple[str, ...] = ()  # offices held for a state ("Foreign Minister")
    us_offices: tuple[str, ...] = ()  # offices that, unqualified, are American ("Secretary of State")


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    countries = data.load("countries")
    states: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    combining: dict[str, str] = {}
    capitals: dict[str, str] = {}
    historical = set()
    for c in countries:
        for name in [c["name"], *c.get("aliases", [])]:
            states[fold(name)] = c["name"]
        for d in c.get("demonyms", []):
            demonyms[fold(d)] = c["name"]
        for f in c.get("combining_forms", []):
            combining[fold(f)] = c["name"]
        if c.get("capital"):
            capitals[fold(c["capital"])] = c["name"]
        if c.get("historical"):
            historical.add(c["name"])
    orgs_data = data.load("organizations")
    orgs = {}
    for o in orgs_data["known"]:
        for name in [o["name"], *o.get("aliases", [])]:
            orgs[fold(name)] = o["name"]
    places = data.load("places")
    titles = data.load("titles")
    vocab = data.load("treaty_vocab")
    return Gazetteer(
        states=states, demonyms=demonyms, combining=combining, capitals=capitals, historical=frozenset(historical),
        orgs=orgs,
        regions=frozenset(fold(r).removeprefix("the ") for r in places["known_regions"]),
        buildings=frozenset(fold(b) for b in places["buildings"]),
        org_heads=frozenset(orgs_data["head_words"]),
        titles=tuple(sorted({t.lower() for t in titles["person_titles"]}, key=len, reverse=True)),
        honorifics=frozenset(h.lower().rstrip(".") for h in titles["honorifics"]),
        role_nouns=frozenset(r.lower() for r in titles["role_nouns"]),
        type_words=tuple(vocab["type_words"]),
        descriptive_heads=frozenset(vocab["descriptive"]["heads"]),
        qualities=frozenset(vocab["descriptive"]["qualities"]),
        not_subjects=frozenset(vocab["descriptive"]["not_subjects"]),
        geo_heads=frozenset(places["geo_heads"]),
        geo_prefixes=frozenset(places["geo_prefixes"]),
        place_nouns=re.compile(rf"\b(?:(?:{_alternation(places['place_nouns_before'])})"
                               rf"|(?:{_alternation(places['place_part_nouns'])})\s+of)\s+$", re.I),
        not_bodies=frozenset(fold(w).lower() for w in orgs_data["not_bodies"]),
        generic_org_words=frozenset(w.lower() for w in orgs_data["generic_words"])
        | frozenset(h.lower() for h in orgs_data["head_words"]),
        common_bodies=frozenset(w.lower() for w in orgs_data["common_bodies"]),
        national_offices=tuple(titles["national_offices"]["offices"]),
        us_offices=tuple(titles["national_offices"]["american"]),
    )


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    g = gazetteer()
    # A capitalised word; "U.S."-style initials keep their dots, a sentence-final period is not part of it.
    cap = r"(?:[A-Z](?:\.[A-Z])+\.?|[A-Z][\w'’&]*)(?:[-–][A-Za-z][\w'’]*)*"
    # Names never run over a line break: a headline, caption or menu line ends them.
    sp = r"[^\S\n]+"
    connector = (rf"(?:{sp}|,{sp}(?:and{sp})?|{sp}(?:and|of|the|on|in|for|to|against|between){sp}(?:(?:the|a|an){sp})?"
                 rf"|{sp}or{sp}(?!the\b))")
    name_words = rf"{cap}(?:{connector}{cap})*"
    types = r"Treaty|Agreement|Pact|Accords?|Convention|Charter|Protocol|Covenant|Memorandum(?: of Understanding)?|" \
            r"Plan of Action|Statute|Compact|Concordat|Armistice|Constitutive Act|Final Act|General Act"
    treaty = re.compile(
        rf"(?<![\w-])(?:(?P<det>[Tt]he|[Aa]n?|[Aa]nother|[Oo]ur|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir){sp})?"
        rf"(?:(?P<year>1[6-9]\d\d|20\d\d){sp})?"
        rf"(?P<pre>(?:{cap}{sp}){{0,6}})(?P<type>{types}|treaty|pact|accord|agreement|charter|convention|protocol)\b"
        # "Protocol to the North Atlantic Treaty on the Accession of …", "Protocol Relating to the Establishment
        # of …" and "Treaty Between the Republic of A and the Republic of B Relating to …" are one name each.
        rf"(?P<post>(?:{sp}(?:on|of|for|against|[Rr]elating{sp}to|[Cc]oncerning|[Rr]egarding)|(?<=Protocol){sp}to"
        rf"|(?:(?<=Treaty)|(?<=Agreement)|(?<=Convention)|(?<=Protocol)|(?<=Accord)|(?<=Pact))"
        rf"{sp}[Bb]etween(?={sp}(?:the{sp})?[A-Z]))"
        rf"{sp}(?:the{sp}|a{sp})?{name_words})?"
    )
    article = re.compile(
        r"\b(?:(?:[Pp]aragraph|[Pp]ara\.?|[Cc]lause)\s+(?P<para>\d+)\s+of\s+)?(?:Article|Art\.|article)\s+"
        # Sub-divisions stay part of the mention: "Article 3(1)(b)", "Article 7 (g)", "Article XI:2(a)".
        r"(?P<num>\d+(?:\.\d+)*[a-z]?|[IVXLC]+\b)(?:\s?\((?P<para2>\d+)\)|:(?P<para3>\d+))?"
        r"(?:\s?\((?:\d+|[a-z]{1,4})\))*"
    )
    anaphor = re.compile(
        # Up to two modifiers tell treaties apart: "the boundary agreement", "the 1974 agreement".
        r"\b(?:[Tt]he|[Tt]his|[Oo]ur|[Tt]hat|[Ii]ts)\s+"
        r"(?P<mods>(?:(?!(?:the|a|an|this|that|its|our|their|same|new|whole|entire)\b)"
        r"(?:1[6-9]\d\d|20\d\d|[a-z][a-z-]{2,})\s+){0,2})"
        rf"(?P<word>(?i:{_alternation(data.load('treaty_vocab')['anaphors']['words'])}))"
        # "the treaty on fisheries" is a name; "the treaty on March 27" is not.
        rf"\b(?!\s+(?:on|of|between)\s+(?!{_MONTH_OR_DAY})[a-zA-Z])"
    )
    gaz_states = re.compile(rf"(?<![\w.-])(?:{_alternation(g.states)})(?![\w-]|\.\w)")
    gaz_orgs = re.compile(rf"(?<![\w.-])(?:{_alternation(g.orgs)})(?![\w-])")
    gaz_places = re.compile(
        rf"(?<![\w.-])(?:{_alternation(g.regions | g.buildings | set(g.capitals))})(?![\w-])")
    heads = _alternation(g.org_heads)
    dem = _alternation(set(g.demonyms) | {s + poss for s in g.states for poss in ("'s", "’s")})
    org = re.compile(
        rf"(?<![\w-])(?:(?P<dem>{dem}){sp})?(?P<name>(?:{cap}(?:{sp}and)?{sp}){{0,5}}(?:{heads})|"
        rf"parliament|senate|legislature)\b"
        rf"(?P<tail>{sp}(?:of|for|on|against){sp}(?:the{sp})?{cap}(?:(?:{sp}|{sp}(?:of|the|and|on|for|against){sp})"
        rf"(?:the{sp})?{cap})*)?"
        rf"(?:\s*\((?P<acr>[A-Z][A-Za-z.]{{1,8}})\))?"
    )
    acronym_def = re.compile(r"\((?P<acr>[A-Z][A-Z.&]{1,9})\)")
    return {"treaty": treaty, "article": article, "anaphor": anaphor, "states": gaz_states,
            "orgs": gaz_orgs, "places": gaz_places, "org": org, "acronym_def": acronym_def}


# --------------------------------------------------------------------------- keys and names

_SMALL = {"of", "the", "and", "on", "for", "in", "to", "a", "an", "against", "between", "with", "at", "by"}
_TREATY_STOP = _SMALL | {"new"}
ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_to_int(text: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(text.lower()):
        if ch not in ROMAN:
            return None
        v = ROMAN[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total or None


def normalize_key(text: str) -> str:
    """Matching key of a name: folded, lower-case, hyphens as spaces, punctuation and leading 'the' dropped."""
    t = fold(text).lower().replace("-", " ")
    t = re.sub(r"[^\w\s]", "", t)
    t = re.sub(r"\s+", " ", t).strip()
    return t.removeprefix("the ").strip()


_PARTICLES = {"da", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von", "bin", "ibn",
              "al", "el", "ben", "y"}


def person_display(name: str) -> str:
    """Canonical person name: hyphenated given names split ("Moon Jae-in" -> "Moon Jae In")."""
    parts = [p for p in re.split(r"[\s\-‐‑]+", fold(name).strip()) if p]
    return " ".join(p if (p in _PARTICLES and i) else p[:1].upper() + p[1:] for i, p in enumerate(parts))


def clean_display(text: str) -> str:
    text = fold(text).strip(" ,.;:\"'()")
    text = re.sub(r"^(?:[Tt]he|[Oo]ur|[Tt]his|[Tt]hat|[Ii]ts|[Tt]heir|[Aa]n?)\s+", "", text)
    return re.sub(r"'s$", "", text).strip()


def treaty_canonical(display: str, parties: tuple[str, ...]) -> str:
    """Canonical treaty name: parties, content words and the type word, in a fixed form.

    "Treaty on Open Skies", "Open Skies Treaty" and "a treaty on open skies" all become the same name, so every document
    that mentions the treaty mints the same IRI and the same preferred label.
    """
    g = gazetteer()
    type_heads = {t.split()[0] for t in g.type_words}
    words = re.sub(r"[^\w\s'-]", " ", fold(display)).split()
    type_word = None
    content = []
    party_words: set[str] = set()
    if parties:
        party_words = set(normalize_key(" ".join(parties)).split())
        party_words |= {w for k, v in g.demonyms.items() if v in parties for w in normalize_key(k).split()}
        party_words |= {w for k, v in g.states.items() if v in parties for w in normalize_key(k).split()}
    for w in words:
        low = w.lower()
        base = "accord" if low == "accords" else low
        if base in type_heads and type_word is None:
            type_word = base
            continue
        if (low in _SMALL or (low in _TREATY_STOP and w.islower())) or low.isdigit():
            continue
        if party_words and all(part in party_words for part in normalize_key(w).split()):
            continue
        content.append(w[:1].upper() + w[1:])
    name = " ".join(content + [(type_word or "treaty").capitalize()])
    if parties:
        name = "-".join(sorted(parties)) + " " + name
    return name


# --------------------------------------------------------------------------- detection

def _state_of(word: str) -> str | None:
    """The state a country name, alias, demonym or compound prefix ("Sino") denotes."""
    g = gazetteer()
    w = fold(word).strip()
    w = re.sub(r"'s$", "", w)
    return g.states.get(w) or g.demonyms.get(w) or g.combining.get(w)


def _split_parties(pre: str) -> tuple[tuple[str, ...], str]:
    """Split leading party names ("Sino-Soviet", "India-Bangladesh", "US-Russian") off a treaty name."""
    pre = fold(pre).strip()
    if not pre:
        return (), ""
    tokens = pre.split()
    # Try the longest leading chunk that is entirely states joined by hyphens/slashes.
    for cut in range(len(tokens), 0, -1):
        chunk = " ".join(tokens[:cut])
        parts = re.split(r"\s*[-/–]\s*(?=[A-Z])", chunk)
        if len(parts) >= 2 or (cut == len(tokens) and len(parts) == 1 and _state_of(parts[0])):
            states = [_state_of(p) for p in parts]
            if all(states):
                return tuple(dict.fromkeys(states)), " ".join(tokens[cut:])
    return (), pre


def find_treaties(text: str, nlp_doc=None) -> list[Mention]:
    """Named treaties ("the 1950 Sino-Soviet Treaty of Friendship, …", "UN Charter", "New START treaty")."""
    out: list[Mention] = []
    pattern = _patterns()["treaty"]
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        # A name cut short ("the Convention on X and the Convention on Y") leaves the rest to scan again.
        pos = m.end()
        pre, typ, post = m.group("pre") or "", m.group("type"), (m.group("post") or "")
        # Sentence-initial "Treaty"-less capitals like "Under" or "After" are not part of the name.
        pre = re.sub(r"^(?:(?:Under|After|Before|Since|With|Without|In|On|As|By|From|When|While|If|And|But|"
                     r"Both|Neither|Its|Their|Our|This|That|These|Those|A|An|The)\s+)+", "", pre)
        parties, name_pre = _split_parties(pre)
        lower_type = typ.islower()
        post = _trim_post(post)
        between = re.match(r"\s+[Bb]etween\s+(?P<who>.*?)(?=\s+(?:[Rr]elating|[Oo]n|[Cc]oncerning|[Rr]egarding|[Ff]or|"
                           r"[Oo]f\s+(?!the\s+Republic|[A-Z][a-z]+\s+and)|[Ss]tipulating)\s|$)", post)
        if between and (name_pre or parties):
            # "the Friendship Treaty between A and B": the name ends before "between".
            post, between = "", None
        if between:
            # "Treaty Between the Republic of A and the Republic of B Relating to …" names its parties.
            g = gazetteer()
            found = [g.states[fold(x.group(0))] for x in _patterns()["states"].finditer(between.group("who"))]
            parties = tuple(dict.fromkeys([*parties, *found]))
        if not post and not parties and not name_pre:
            continue  # a bare "treaty": an anaphor, handled separately
        if lower_type and not parties and not name_pre and post:
            # "a treaty on a comprehensive strategic partnership" style is handled with spaCy below.
            continue
        if lower_type and name_pre and not parties:
            # "New START treaty", "INF treaty": a name before a lower-case type word needs capitals.
            if not re.search(r"[A-Z]{2,}|[A-Z][a-z]+\s+[A-Z]", name_pre):
                continue
        start = m.start("pre") + (len(m.group("pre") or "") - len(pre))
        if m.group("year") and m.start("year") < start:
            start = m.start("year")
        end = m.end("type") + len(post)
        surface = text[start:end]
        year = m.group("year")
        display_core = clean_display(re.sub(r"^(?:1[6-9]\d\d|20\d\d)\s+", "", surface))
        if parties and not name_pre and not post and lower_type:
            # Purely descriptive ("the Egyptian-Israeli treaty"): a reference, not a name.
            out.append(Mention(start, end, surface, "Treaty", None, display_core, "treaty-parties",
                               parties=parties, anaphor=True, extra={"type": typ.lower()}))
            continue
        canonical = treaty_canonical(display_core, parties)
        mention = Mention(start, end, surface, "Treaty", normalize_key(canonical), canonical, "treaty-name",
                          parties=parties, extra={"type": typ.lower(), "year": year, "aliases": [display_core]})
        out.append(mention)
        pos = min(pos, max(end, m.start() + 1))
    if nlp_doc is not None:
        out.extend(_descriptive_treaties(nlp_doc, out))
    return out


_MONTH_OR_DAY = (r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|"
                 r"June|July|August|September|October|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|"
                 r"Nov|Dec)\b\.?)")
_NOT_A_NAME_AFTER_ON = re.compile(rf"^\s+on\s+(?:the\s+)?{_MONTH_OR_DAY}")


def _trim_post(post: str) -> str:
    # "the Convention on X and the Convention on Y" are two names.
    post = re.split(r",?\s+(?:and|or)\s+(?:the\s+)?(?=(?:Treaty|Agreement|Convention|Protocol|Charter|Pact|Accord)\b)",
                    post)[0]
    if _NOT_A_NAME_AFTER_ON.match(post):
        return ""  # "signed the treaty on Friday": a date, not part of the name
    words = re.match(r"^\s+(on|of|for|against)\s+(?:the\s+|a\s+)?(.*)$", post)
    if words and words.group(1) == "on":
        rest = fold(words.group(2))
        g = gazetteer()
        if any(rest == x or rest.startswith(x + " ") or rest.startswith(x + ",")
               for x in g.buildings | set(g.capitals) | set(g.states) | g.regions):
            return ""  # "the treaty on the White House lawn": a place, not a subject
    # "the Treaty of Lisbon on October 10", "the Convention on Cluster Munitions in March": a date ends the name.
    post = re.split(rf"\s+(?:on|in|of)\s+(?={_MONTH_OR_DAY})", post)[0]
    # "the Treaty of Lisbon in the Jeronimos Monastery": a building or city after "in" is where, not a name part
    # (a region stays: "Conventional Armed Forces in Europe").
    where = re.search(r"\s+(?:in|at)\s+(?:the\s+)?(?P<p>[A-Z][\w'’-]*(?:\s+(?:de\s+|of\s+)?[A-Z][\w'’-]*)*)\s*$", post)
    if where:
        g = gazetteer()
        place = where.group("p")
        if place.split()[-1].lower() in g.geo_heads or fold(place) in g.capitals or fold(place) in g.buildings:
            post = post[:where.start()]
    # Stop a name at a trailing connector left by the greedy pattern ("... Partnership between Russia").
    post = re.sub(r"(?:\s+(?:between|and|of|on|the|to|in|for|against))+\s*$", "", post)
    m = re.search(r"\s+between\s", post)
    if m and m.start() > 0:
        post = post[: m.start()]
    return post


# "an agreement of great importance", "a pact on life support": qualities and idioms, not subjects.
_NOT_A_SUBJECT = {"importance", "significance", "value", "interest", "concern", "support", "hold", "ice", "track",
                  "paper", "course", "note", "substance", "sort", "kind", "type"}


def _subject_words(tok) -> list:
    """The lower-case subject words right before a type word: "free trade" in "the new free trade agreement",
    "peace" in "the US-brokered peace agreement"; none when they only say what kind of act it was."""
    g = gazetteer()
    words: list = []
    for t in reversed(tok.doc[max(0, tok.i - 4):tok.i]):
        if t.dep_ not in {"compound", "amod"} or t.pos_ not in {"NOUN", "ADJ"} or not t.is_lower \
                or t.lower_ in g.qualities or not t.i < t.head.i <= tok.i:
            break
        words.insert(0, t)
    if not any(w.pos_ == "NOUN" and w.dep_ == "compound" for w in words) or \
            any(w.lower_ in g.not_subjects or w.lemma_ in g.not_subjects for w in words):
        return []
    return words


def _descriptive_treaties(doc, found: list[Mention]) -> list[Mention]:
    """Lower-case treaty names with a subject: "a treaty on a comprehensive strategic partnership",
    "the extradition treaty", "a free trade agreement"."""
    out = []
    index = SpanIndex(found)
    heads = gazetteer().descriptive_heads
    for tok in doc:
        if tok.lower_ in heads and tok.is_lower and (words := _subject_words(tok)):
            start, end = words[0].idx, tok.idx + len(tok.text)
            if not index.overlapping(start, end):
                surface = doc[words[0].i:tok.i + 1].text
                canonical = treaty_canonical(clean_display(surface), ())
                # A name of this kind says what the treaty is about, not which one it is: resolution keeps
                # it to its own document unless a fuller name there claims it.
                out.append(Mention(start, end, surface, "Treaty", normalize_key(canonical), canonical,
                                   "treaty-descriptive", extra={"type": tok.lower_, "generic": True}))
                continue
        if tok.lower_ not in {"treaty", "pact", "agreement", "accord", "convention"} or tok.text[0].isupper():
            continue
        for prep in tok.children:
            if prep.dep_ != "prep" or prep.lower_ not in {"on", "of"}:
                continue
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is None or pobj.pos_ not in {"NOUN", "PROPN"} or pobj.lemma_ in _NOT_A_SUBJECT:
                continue
            mods = [c for c in pobj.lefts if c.dep_ in {"amod", "compound"} and c.pos_ in {"ADJ", "NOUN"}]
            if not mods or not all(t.is_lower for t in [pobj, *mods]):
                continue  # "a treaty on strategic partnership" is descriptive; "on the White House lawn" is not
            start, end = tok.idx, pobj.idx + len(pobj.text)
            if index.overlapping(start, end):
                continue
            surface = doc[tok.i:pobj.i + 1].text
            canonical = treaty_canonical(clean_display(surface), ())
            out.append(Mention(start, end, surface, "Treaty", normalize_key(canonical), canonical,
                               "treaty-descriptive", extra={"type": tok.lower_, "generic": True}))
    return out


def find_articles(text: str, treaties: list[Mention]) -> list[Mention]:
    """Article mentions with their number (Roman numerals converted) and paragraph."""
    out = []
    index = SpanIndex(treaties)
    order = {id(t): i for i, t in enumerate(treaties)}
    for m in _patterns()["article"].finditer(text):
        num = m.group("num")
        if re.fullmatch(r"[IVXLC]+", num):
            value = roman_to_int(num)
            if value is None:
                continue
            num = str(value)
        para = m.group("para") or m.group("para2") or m.group("para3")
        end = m.end()
        owner = None
        tail = re.match(r"\s+of\s+", text[end:])
        if tail:
            after = end + tail.end()
            # The treaty right after "of" (or after "of the "), or the one "of" runs into.
            owner = min((t for t in index.overlapping(after, after + 5)
                         if t.start in (after, after + 4) or (t.start <= after < t.end)),
                        key=lambda t: order[id(t)], default=None)
        display = f"Article {num}"
        mention = Mention(m.start(), end, m.group(0), "Article", None, display, "article",
                          number=num, paragraph=para, treaty=owner)
        out.append(mention)
    # Agreements numbered by paragraph, not article ("paragraph 36 of the JCPOA"): the paragraph is the clause.
    acronyms = {}
    for t in treaties:
        defined = re.match(r"\s*\((?P<acr>[A-Z][A-Za-z]{1,8})\)", text[t.end:])
        if defined:
            acronyms[defined.group("acr")] = t
    for m in re.finditer(r"\b[Pp]aragraphs?\s+(?P<num>\d+)\s+of\s+(?:the\s+)?(?P<rest>\S+)", text):
        if any(a.start <= m.start() < a.end for a in out):
            continue
        after = m.start("rest")
        owner = next((t for t in treaties if t.start <= after < t.end or t.start == after), None)
        owner = owner or acronyms.get(m.group("rest").rstrip(".,;:"))
        if owner is None:
            continue
        num = m.group("num")
        out.append(Mention(m.start(), m.start("rest") - 1, m.group(0)[:m.start("rest") - m.start()].rstrip(),
                           "Article", None, f"Paragraph {num}", "paragraph", number=num, treaty=owner))
    owners = {id(a.treaty): a.treaty for a in out if a.source == "paragraph"}
    if len(owners) == 1:
        # Once the document numbers that agreement by paragraph, a bare "paragraph 36" is one of them.
        owner = next(iter(owners.values()))
        for m in re.finditer(r"\b[Pp]aragraph\s+(?P<num>\d+)\b(?!\s+of\b)", text):
            if not any(a.start <= m.start() < a.end for a in out):
                out.append(Mention(m.start(), m.end(), m.group(0), "Article", None, f"Paragraph {m.group('num')}",
                                   "paragraph", number=m.group("num"), treaty=owner))
    return out


def find_anaphors(text: str, taken: list[Mention]) -> list[Mention]:
    out = []
    index = SpanIndex(taken)
    for m in _patterns()["anaphor"].finditer(text):
        if index.overlapping(m.start(), m.end()):
            continue
        out.append(Mention(m.start(), m.end(), m.group(0), "Treaty", None, m.group(0), "treaty-anaphor",
                           anaphor=True, extra={"type": m.group("word").lower(), "mods": m.group("mods").split()}))
    g = gazetteer()
    for m in _between_anaphor().finditer(text):
        # "The treaty between A and B, known formally as …": the document's treaty, naming its parties.
        if index.overlapping(m.start(), m.end("word")):
            continue
        who = re.split(r"[,;.()«»]|\s(?:is|was|were|are|has|had|have|will|would|which|that|in|on)\s",
                       text[m.end():m.end() + 200])[0]
        parties = tuple(dict.fromkeys(g.states[fold(x.group(0))] for x in _patterns()["states"].finditer(who)))
        if len(parties) >= 2:
            out.append(Mention(m.start(), m.end("word"), text[m.start():m.end("word")], "Treaty", None,
                               text[m.start():m.end("word")], "treaty-anaphor", parties=parties, anaphor=True,
                               extra={"type": m.group("word").lower(), "mods": [], "between": True}))
    return out


@functools.lru_cache(maxsize=1)
def _between_anaphor() -> re.Pattern:
    words = _alternation(data.load("treaty_vocab")["anaphors"]["words"])
    return re.compile(rf"\b(?:[Tt]he|[Tt]his|[Tt]hat|[Ii]ts)\s+(?P<word>(?:{words}))\s+between\s+(?:the\s+)?")


_REGION_RE = re.compile(
    r"(?<![\w-])(?:[A-Z][\w'’-]+\s+(?:\([A-Z][\w-]+\)\s+)?){1,3}"
    r"(?:Republic|Region|Oblast|Province|Krai|Territory|Prefecture|Governorate|Peninsula|Islands?|Sea|Strait|"
    r"Gulf|region|province|oblast|prefecture|peninsula)\b")


def _region_mentions(text: str) -> list[Mention]:
    """"the Tuva (Tyva) Republic", "Gilan province": named regions that are not states."""
    out = []
    for m in _REGION_RE.finditer(text):
        surface = re.sub(r"^(?:The|In|At|On|From|To|Of)\s+", "", m.group(0))
        start = m.end() - len(surface)
        if _state_of(surface) or re.match(r"(?:People|Democratic|Islamic|Federal|United)\b", surface):
            continue
        display = clean_display(surface)
        out.append(Mention(start, m.end(), surface, "Place", normalize_key(display), display, "region-pattern"))
    return out


@functools.lru_cache(maxsize=1)
def _demonym_capital() -> re.Pattern:
    dems = "|".join(re.escape(d) for d in sorted(gazetteer().demonyms, key=len, reverse=True))
    return re.compile(rf"\bthe\s+(?P<dem>(?i:{dems}))\s+capital\b")


def _gazetteer_mentions(text: str) -> list[Mention]:
    g = gazetteer()
    p = _patterns()
    out = []
    for m in p["states"].finditer(text):
        name = g.states[fold(m.group(0))]
        out.append(Mention(m.start(), m.end(), m.group(0), "State", normalize_key(name), name, "gazetteer-state"))
    for m in p["orgs"].finditer(text):
        name = g.orgs[fold(m.group(0))]
        out.append(Mention(m.start(), m.end(), m.group(0), "Organization", normalize_key(name), name,
                           "gazetteer-org"))
    for m in p["places"].finditer(text):
        display = clean_display(m.group(0))
        out.append(Mention(m.start(), m.end(), m.group(0), "Place", normalize_key(display), display,
                           "gazetteer-place"))
    # "the Ruritanian capital": the capital the gazetteer gives that state.
    capital_of = {state: cap for cap, state in g.capitals.items()}
    for m in _demonym_capital().finditer(text):
        cap = capital_of.get(g.demonyms[fold(m.group("dem"))])
        if cap:
            display = " ".join(w.capitalize() for w in cap.split())
            out.append(Mention(m.start("dem"), m.end(), m.group(0)[m.start("dem") - m.start():], "Place",
                               normalize_key(display), display, "demonym-capital"))
    # Datelines shout their cities: "DHAKA, June 6 (wire) —", "WASHINGTON/OTTAWA, July 1 —".
    for line in re.finditer(r"(?m)^(?P<d>[A-Z][A-Z.'’ -]+(?:/[A-Z][A-Z.'’ -]+)*)(?=,|\s*\(|\s+[—–-])", text):
        for part in re.finditer(r"[^/]+", line.group("d")):
            name = part.group(0).strip()
            start = line.start("d") + part.start() + (len(part.group(0)) - len(part.group(0).lstrip()))
            display = " ".join(w.capitalize() for w in name.lower().split())
            folded = fold(display)
            if folded in g.capitals or folded in g.regions or folded in g.buildings:
                out.append(Mention(start, start + len(name), name, "Place", normalize_key(display), display,
                                   "dateline"))
            elif folded in g.states:
                state = g.states[folded]
                out.append(Mention(start, start + len(name), name, "State", normalize_key(state), state, "dateline"))
    return out


def _org_mentions(text: str, offset: int = 0, depth: int = 0) -> list[Mention]:
    out = []
    for m in _patterns()["org"].finditer(text):
        name = m.group("name")
        name = re.sub(r"^(?:The|A|An|This|That|Its|Their|Our|In|On|At|By|From|With|And|But|For|As)\s+", "",
                      name)
        if not name or name.split()[0] in {"Treaty", "Agreement"}:
            continue
        if name[0].islower() and not m.group("dem"):
            continue  # "parliament" alone names no particular one; "the Indian parliament" does
        if " and " in name:
            first, rest = name.split(" and ", 1)
            g = gazetteer()
            # "Chile and the Andean Community" lists two parties; "Ministers of Trade and Industry"
            # ends a title. "Council for Trade and Development" is one name.
            if _state_of(first) or fold(first) in g.orgs or fold(first) in g.capitals or " " not in rest \
                    or first.split()[-1] in g.org_heads:
                name = rest
        start = m.start("name") + (len(m.group("name")) - len(name))
        tail = m.group("tail") or ""
        tail = re.sub(rf"\s+(?:on|in|of)\s+(?:the\s+)?{_MONTH_OR_DAY}.*$", "", tail)  # "… Assembly on September 24"
        tail = re.sub(r"(?:\s+(?:and|of|the|on|for|against))+$", "", tail)
        end = start + len(name) + len(tail)
        dem = m.group("dem")
        surface = text[start:end]
        display = clean_display(surface)
        if dem and name.split()[0] not in {"State"}:
            state = _state_of(dem)
            demonym = _demonym_for(state) if state else None
            if demonym:
                display = f"{demonym} {display}"
                start = m.start("dem")
                surface = text[start:end]
        of_state = re.match(r"^\s+of\s+(?:the\s+)?(?P<st>.+)$", tail)
        if not dem and of_state and _state_of(of_state.group("st")):
            # "National Assembly of Hungary" is the "Hungarian National Assembly" other sources write.
            demonym = _demonym_for(_state_of(of_state.group("st")))
            if demonym:
                display = f"{demonym} {clean_display(name)}"
        if len(display.split()) == 1 and display in gazetteer().org_heads:
            continue  # a bare "Council" or "Ministry" names nothing
        if _state_of(surface) or _state_of(display):
            continue  # "Russian Federation", "European Union"-like state names are not organisations
        mention = Mention(start + offset, end + offset, surface, "Organization", normalize_key(display), display,
                          "org-pattern")
        if m.group("acr"):
            mention.extra["acronym"] = m.group("acr")
        out.append(mention)
        # "Central Committee of the Communist Party of China" also names the party itself.
        if tail and depth < 2:
            tail_start = start + len(name)
            out.extend(_org_mentions(text[tail_start:end], offset + tail_start, depth + 1))
    return out


@functools.lru_cache(maxsize=512)
def _demonym_for(state: str) -> str | None:
    g = gazetteer()
    best = [d for d, s in g.demonyms.items() if s == state]
    return min(best, key=len) if best else None


_LABELS = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place", "FAC": "Place"}


# Matched at an offset into the whole text (``pattern.match(text, pos)``), never on a copy of its rest.
_COLON_AFTER = re.compile(r"[ \t]*:")
_HYPHEN_REST = re.compile(r"[-‐‑][a-z]+\b")
_WORD_REST = re.compile(r"\s[A-Z][\w'’-]+")


def _line_opens_at(text: str, start: int) -> bool:
    """Only spaces or tabs stand between ``start`` and the line's (or text's) beginning."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i == 0 or text[i - 1] == "\n"


def _spacy_mentions(doc) -> list[Mention]:
    g = gazetteer()
    # Doc.text joins every token on each access: read it once.
    full = doc.text
    out = []
    for ent in doc.ents:
        cls = _LABELS.get(ent.label_)
        if cls is None:
            continue
        text = ent.text
        start = ent.start_char
        # Entities never cross a line break (a headline glued to a caption).
        if "\n" in text:
            first = text.split("\n")[0]
            if not first.strip():
                continue
            text = first
        lead = re.match(r"^(?:the|The)\s+", text)
        if lead:
            start += lead.end()
            text = text[lead.end():]
        text = re.sub(r"\s*\([^)]*$", "", text)  # "Campaign to Abolish Nuclear Weapons (ICAN"
        text = re.sub(r"['’]s?$", "", text).rstrip(" .,;:")
        # "UN General Assembly on September 24": a date after a name is not part of it.
        text = re.sub(rf"\s+(?:on|in|since|of)\s+(?:the\s+)?(?:\d|{_MONTH_OR_DAY}).*$", "", text)
        if not text or not re.search(r"[A-Z]", text[:1]):
            continue
        if fold(text).lower() in g.not_bodies or _glued_names(text) or _headline_only(full, start, text):
            continue
        end = start + len(text)
        title = None
        lead_in = (full[max(0, start - 30):start] + text).lower()
        if any(lead_in.endswith(t) and len(t) > len(text) for t in g.titles):
            continue  # "State" in "Secretary of State" is part of a title
        if cls == "Organization" and text.split()[0].lower().rstrip(".") in g.honorifics and len(text.split()) > 1:
            cls = "Person"  # "Ms Jane Roe" tagged ORG: an honorific heads a person's name
        if cls == "Organization" and not any(w in g.org_heads for w in text.split()):
            # "Chancellor Olaf Scholz" tagged ORG: a title before a name makes it a person.
            stripped, _, had_title = _strip_titles(text, start)
            if had_title and stripped and stripped[0].isupper():
                cls = "Person"
        if cls == "Person" and _first_name_before(ent):
            # A first name tagged as a nationality before the rest of the name: the tagger dropped it.
            start = doc[ent.start - 1].idx
            text = full[start:ent.start_char] + text
        if cls == "Person":
            # "Mario Rossi of Ruritania": the state after "of" is where he serves, not part of his name.
            text = re.sub(r"\s+(?:of|from)\s+.*$", "", text)
            text, start, title = _strip_titles(text, start)
            if not text or all(w.lower() in g.titles or w.lower() in _TITLE_WORDS for w in text.split()):
                continue  # "Crown Prince" alone is a title, not a name
            if _COLON_AFTER.match(full, start + len(text)) and _line_opens_at(full, start):
                continue  # "Explainer: …" heads a story
            # spaCy cuts "Sung-wook" after "Sung": take the rest of a hyphenated name.
            rest = _HYPHEN_REST.match(full, start + len(text))
            if rest:
                text += rest.group(0)
            # … and "Anne-Marie Le Goff" after the particle "Le".
            rest = _WORD_REST.match(full, start + len(text))
            if rest and text.split()[-1] in {"Le", "La", "De", "Du", "Da", "Van", "Von", "Al", "El", "Bin", "Ben",
                                             "Di", "Del", "Della", "Dos", "Das", "Abu", "Ibn"}:
                text += rest.group(0)
            if not _plausible_person(full, start, start + len(text), text):
                continue
            end = start + len(text)
            display = person_display(text)
            if _state_of(display) or fold(display) in g.orgs:
                continue
            key = normalize_key(display)
        else:
            # "the Council of Europe's Secretary General": the body, not its officer.
            officer = _possessed_title().search(text)
            if officer:
                text = text[:officer.start()]
                end = start + len(text)
            display = clean_display(text)
            key = normalize_key(display)
            if cls == "Place" and (_state_of(display) or re.search(r"(?:ern|ian|ese)$", display.split()[-1])):
                continue  # "Northern", "Peruvian": an adjective, not a place
            if cls == "Organization" and fold(display) in g.demonyms:
                continue  # "Bangladeshi" alone is an adjective, not a body
            if cls == "Organization" and " " not in display and display.lower() in g.common_bodies:
                continue  # "the Council", "Cabinet processes": a common noun capitalised, naming no one body
            if not _plausible_person(full, start, end, text, need_article=False):
                continue  # "Defense" in "Defense Minister X" is part of a title, not a name
        out.append(Mention(start, end, text, cls, key, display, f"spacy-{ent.label_.lower()}", title=title))
    return out


@functools.lru_cache(maxsize=1)
def _titled_name() -> re.Pattern:
    """A person title, singular or plural ("Foreign Ministers A of X, B of Y"), then two to four
    capitalised words: a name the tagger may have missed."""
    titles = "|".join(re.escape(t) + "s?" for t in gazetteer().titles)
    word = r"[A-Z][a-z\u00C0-\u024F'’-]+"
    return re.compile(rf"\b(?i:{titles})\s+(?P<name>{word}(?:\s+{word}){{1,3}})")


def _titled_people(text: str, doc) -> list[Mention]:
    """Names that stand right after a person title and that the tagger did not read as anything."""
    g = gazetteer()
    out = []
    for hit in _titled_name().finditer(text):
        name, start = hit.group("name"), hit.start("name")
        words = name.split()
        # "Vice Minister Patricia Frutos": a title after a title is still the title.
        while words and (words[0].lower() in _TITLE_WORDS or words[0].lower() in g.honorifics):
            start += len(words[0]) + 1
            words = words[1:]
        span = doc.char_span(start, start + len(" ".join(words)), alignment_mode="strict") if len(words) > 1 else None
        if span is None or any(t.pos_ != "PROPN" or t.ent_type_ not in {"", "PERSON"} for t in span):
            continue
        name = span.text
        if any(fold(w).lower() in g.states or fold(w) in g.orgs or w.lower() in _TITLE_WORDS for w in words) \
                or _headline_only(text, start, name):
            continue
        display = person_display(name)
        out.append(Mention(start, start + len(name), name, "Person", normalize_key(display), display, "titled",
                           title=hit.group(0)[:hit.start("name") - hit.start()].strip().lower()))
    return out


@functools.lru_cache(maxsize=1)
def _title_vocabulary() -> frozenset[str]:
    g = gazetteer()
    return frozenset(w for t in g.titles for w in t.split()) | g.honorifics | _TITLE_WORDS


def _first_name_before(ent) -> bool:
    """A capitalised word the parse attaches to a person's name, that is no title, place or body."""
    if ent.start == 0:
        return False
    t = ent.doc[ent.start - 1]
    g = gazetteer()
    return (t.pos_ == "PROPN" and t.dep_ == "compound" and ent.start <= t.head.i < ent.end and t.text.istitle()
            and t.ent_type_ in {"", "NORP", "PERSON"} and t.lower_ not in _title_vocabulary()
            and fold(t.text) not in g.states and fold(t.text) not in g.demonyms and fold(t.text) not in g.orgs)


def _glued_names(text: str) -> bool:
    """"LimaPeru": two known names run together by a scraper (a caption glued to a headline)."""
    g = gazetteer()
    for m in re.finditer(r"(?<=[a-z])(?=[A-Z])", text):
        left, right = fold(text[:m.start()]).split()[-1:], fold(text[m.start():]).split()[:1]
        if left and right and any(w in g.states or w in g.capitals for w in left) \
                and any(w in g.states or w in g.capitals for w in right):
            return True
    return False


def _headline_only(full: str, start: int, name: str) -> bool:
    """A name read only from a Title-Case headline line ("Export Ban Violates Trade Rules, Panel Says").

    spaCy reads capitalised headline words as names; a name it finds there counts only when the
    document uses it again outside that line.
    """
    line_start = full.rfind("\n", 0, start) + 1
    line_end = full.find("\n", start)
    line_end = len(full) if line_end < 0 else line_end
    words = re.findall(r"[A-Za-z][\w'’-]*", full[line_start:line_end])
    if len(words) < 5 or sum(w[0].isupper() for w in words) < 0.8 * len(words):
        return False
    return full.find(name, 0, line_start) < 0 and full.find(name, line_end) < 0


_TITLE_WORDS = {"crown", "prince", "princess", "king", "queen", "emir", "sheikh", "sultan", "president", "minister",
                "prime", "chancellor", "premier", "secretary", "general", "ambassador", "envoy", "speaker"}


def _plausible_person(full: str, start: int, end: int, name: str, need_article: bool = True) -> bool:
    """Reject one-word "persons" that are a title's first word ("Defense" Minister) or a common noun
    after an article ("the Politburo")."""
    if " " in name.strip() or "-" in name:
        return True
    after = full[end:end + 30].lower()
    g = gazetteer()
    if any(after.startswith(" " + t + " ") or after.startswith(" " + t + ",") or after.startswith(" " + t + ".")
           for t in g.titles):
        return False
    if not need_article:
        return True
    before = full[max(0, start - 5):start].lower()
    return not re.search(r"\b(?:the|a|an)\s+$", before)


def _strip_titles(text: str, start: int) -> tuple[str, int, str | None]:
    g = gazetteer()
    title = None
    changed = True
    while changed:
        changed = False
        low = text.lower()
        for h in sorted(g.honorifics, key=len, reverse=True):
            if low.startswith(h + " ") or low.startswith(h + ". "):
                cut = len(h) + (2 if low[len(h)] == "." else 1)
                text, start, changed = text[cut:], start + cut, True
                break
        if changed:
            continue
        for t in g.titles:
            if low.startswith(t + " ") and len(text) > len(t) + 1 and text[len(t) + 1].isupper():
                title = t
                cut = len(t) + 1
                text, start, changed = text[cut:], start + cut, True
                break
    return text, start, title


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Z][\w'’]*", fold(name)))


def _acronym_mentions(text: str, mentions: list[Mention]) -> list[Mention]:
    """"Palestine Liberation Organization (PLO)" defines PLO: later bare "PLO" mentions name the same thing."""
    defs: dict[str, Mention] = {}
    # Mentions by where they end (in list order), so the name right before a bracket is found directly.
    ending: dict[int, list[tuple[int, Mention]]] = {}
    for i, x in enumerate(mentions):
        if x.cls != "Article":
            ending.setdefault(x.end, []).append((i, x))
    for m in _patterns()["acronym_def"].finditer(text):
        acr = m.group("acr")
        before = [x for _, x in sorted(hit for end in range(m.start() - 2, m.start() + 1)
                                       for hit in ending.get(end, []))]
        if before:
            fitting = [x for x in before if _initials(x.display).endswith(acr.replace(".", "").upper())]
            owner = min(fitting, key=lambda x: x.end - x.start) if fitting else max(before, key=lambda x: x.end)
            owner.extra.setdefault("aliases", []).append(acr)
            defs[acr] = owner
    for x in mentions:
        if x.extra.get("acronym"):
            defs.setdefault(x.extra["acronym"], x)
    # "NAFTA" and "USMCA" spell out treaties the document names in full.
    present: dict[str, bool] = {}
    for x in mentions:
        if x.cls == "Treaty" and x.key:
            for surface in [x.text, *x.extra.get("aliases", [])]:
                words = [w for w in re.split(r"[\s\-–]+", clean_display(surface)) if w[:1].isupper()]
                acr = "".join(w[0] for w in words if not w.isdigit())
                if len(acr) >= 3 and acr not in present:
                    present[acr] = re.search(rf"(?<![\w.]){acr}(?![\w])", text) is not None
                if len(acr) >= 3 and present[acr]:
                    defs.setdefault(acr, x)
    out = []
    for acr, owner in defs.items():
        for m in re.finditer(rf"(?<![\w.]){re.escape(acr)}(?![\w])", text):
            out.append(Mention(m.start(), m.end(), acr, owner.cls, owner.key, owner.display, "acronym",
                               parties=owner.parties))
    return out


def find_mentions(text: str, doc) -> list[Mention]:
    """All mentions of a document, non-overlapping except names nested in organisation names."""
    treaties = find_treaties(text, doc)
    articles = find_articles(text, treaties)
    anaphors = find_anaphors(text, treaties)
    primary = treaties + articles + anaphors
    gaz = _gazetteer_mentions(text) + _region_mentions(text)
    # "the Council of Europe's Secretary General" names an officer: the body inside it is found on its own.
    orgs = [m for m in _org_mentions(text) if not _possessed_title().search(m.text)]
    chosen: list[Mention] = list(primary)
    index = SpanIndex(chosen)

    def choose(m: Mention) -> None:
        chosen.append(m)
        index.add(m)

    def nested(m: Mention) -> bool:
        """A state or organisation inside a chosen organisation name, clashing with nothing else."""
        if m.cls not in {"State", "Organization"}:
            return False
        over = index.overlapping(m.start, m.end)
        return bool(over) and all(x.cls == "Organization" and x.start <= m.start and m.end <= x.end
                                  and (x.start, x.end) != (m.start, m.end) and x.key != m.key for x in over)

    # Longer organisation names first; the organisations, states and places named inside them
    # are mentions of their own ("Security Council of the Russian Federation" names both).
    for m in sorted(orgs, key=lambda x: (x.start - x.end, x.start)):
        if index.free(m) or nested(m):
            choose(m)
    for m in sorted(gaz, key=lambda x: (x.start - x.end, x.start)):
        if index.free(m) or nested(m):
            choose(m)
    for x in _acronym_mentions(text, chosen):
        if index.free(x):
            choose(x)
    for m in _spacy_mentions(doc):
        if m.cls == "Person":
            # "Spokesman of the Ministry of Foreign Affairs Abbas Mousavi": the body's name ends before the person.
            for x in [x for x in index.overlapping(m.start, m.end)
                      if x.source == "org-pattern" and x.start < m.start < x.end <= m.end]:
                cut = text[x.start:m.start].rstrip()
                if len(cut.split()) >= 2:
                    x.end, x.text = x.start + len(cut), cut
                    x.display = clean_display(cut)
                    x.key = normalize_key(x.display)
        if m.cls == "Organization" and _title_word_of(text, m):
            continue
        if index.free(m) or (m.cls != "Person" and nested(m)):
            choose(m)
    for m in _titled_people(text, doc):
        if index.free(m):
            choose(m)
    late = _acronym_mentions(text, chosen)
    for x in late:
        if index.free(x):
            choose(x)
    # A name the document defines as an acronym means what it was defined for, whatever spaCy said.
    defined = {x.text: x for x in late}
    for x in chosen:
        if x.source.startswith("spacy") and x.text in defined:
            owner = defined[x.text]
            x.cls, x.key, x.display, x.source = owner.cls, owner.key, owner.display, "acronym"
    _retype(text, chosen)
    chosen.extend(_full_names(text, chosen, index))
    chosen.extend(_surname_mentions(text, chosen, index))
    return sorted(chosen, key=lambda x: (x.start, -x.end))


def _title_word_of(text: str, m: Mention) -> bool:
    """"Turkish National Defence" before "Minister": the first words of a title, not a body (which
    would end in a body's head word: "the Foreign Ministry spokesman")."""
    g = gazetteer()
    if m.text.split()[-1] in g.org_heads:
        return False
    after = text[m.end:m.end + 40].lower()
    return any(re.match(rf"\s+{re.escape(t)}\b", after) for t in g.titles)


def _full_names(text: str, chosen: list[Mention], index: SpanIndex) -> list[Mention]:
    """"Ambassador Okoro" is a person; so "Adaeze Okoro", untagged elsewhere in the text, is her full name.

    Only one or two capitalised given names straight before the surname, none of them a title word,
    a state, a demonym or a body, and a span no other mention touches.
    """
    g = gazetteer()
    titles = _title_vocabulary()
    known = {m.display for m in chosen if m.cls == "Person"}
    singles = {m.display for m in chosen if m.cls == "Person" and " " not in m.display and len(m.display) >= 4
               and m.display[0].isupper() and not _state_of(m.display)}
    singles -= {n.split()[-1] for n in known if " " in n}  # the full name is already known
    out: list[Mention] = []
    word = r"[A-Z][a-z\u00C0-\u024F'’-]+"
    for last in sorted(singles):
        for hit in re.finditer(rf"(?<![\w.-])(?P<given>(?:{word}\s){{1,2}}){re.escape(last)}(?![\w-])", text):
            given = hit.group("given").split()
            if any(w.lower() in titles or w.lower() in _SMALL or fold(w) in g.states or fold(w) in g.demonyms
                   or fold(w) in g.orgs or fold(w) in g.capitals for w in given):
                continue
            if index.overlapping(hit.start(), hit.end()) or _headline_only(text, hit.start(), hit.group(0)):
                continue
            display = person_display(hit.group(0))
            m = Mention(hit.start(), hit.end(), hit.group(0), "Person", normalize_key(display), display, "full-name")
            out.append(m)
            index.add(m)
    return out


def _surname_mentions(text: str, chosen: list[Mention], index: SpanIndex) -> list[Mention]:
    """Once "Sheikh Hasina" is named, a bare "Hasina" is her too, even where the tagger missed it.

    ``index`` holds ``chosen``; the new mentions are added to it as they are found.
    """
    surnames: set[str] = set()
    tagged: dict[str, list[Mention]] = {}
    for m in chosen:
        if m.source.startswith("spacy"):
            tagged.setdefault(m.text, []).append(m)
        if m.cls == "Person" and len(m.display.split()) >= 2:
            words = m.display.split()
            # "Anne-Marie Le Goff" is "Le Goff": a surname keeps its particle.
            lead = next((i for i, w in enumerate(words[1:-1], start=1) if w.lower() in _PARTICLES), None)
            last = " ".join(words[lead:]) if lead else words[-1]
            if len(last) >= 3 and (last[0].isupper() or lead) and not _state_of(last):
                surnames.add(last)
    out: list[Mention] = []
    for last in sorted(surnames):
        for x in tagged.get(last, []):
            if x.cls != "Person":
                x.cls, x.key, x.display = "Person", normalize_key(last), last
        for hit in re.finditer(rf"(?<![\w-]){re.escape(last)}(?![\w-])", text):
            if not index.overlapping(hit.start(), hit.end()):
                m = Mention(hit.start(), hit.end(), last, "Person", normalize_key(last), last, "surname")
                out.append(m)
                index.add(m)
    return out


@functools.lru_cache(maxsize=1)
def _possessed_title() -> re.Pattern:
    return re.compile(rf"['’]s\s+(?:{_alternation(gazetteer().titles)})$", re.I)


@functools.lru_cache(maxsize=1)
def _cues() -> tuple[re.Pattern, re.Pattern]:
    """"the newspaper X" (a role noun before a name makes it a body) and "X, chairperson of …" (a title
    after a name makes it a person), from the title lists."""
    g = gazetteer()
    org_cue = re.compile(rf"(?:{_alternation(g.role_nouns)})\s+$", re.I)
    person_cue = re.compile(rf"^,\s+(?:the\s+)?(?:[a-z.]+\s+){{0,3}}(?:{_alternation(g.titles)})\b", re.I)
    return org_cue, person_cue


_CONJUNCTION = re.compile(r"^\s*,?\s*(?:and|or)\s*$")


def _conjoined_places(text: str, mentions: list[Mention]) -> None:
    """"between Alder Rock and Tern island": a bare name conjoined with a place is a place too."""
    ordered = sorted(mentions, key=lambda x: x.start)
    changed = True
    while changed:
        changed = False
        for a, b in zip(ordered, ordered[1:], strict=False):
            if not _CONJUNCTION.match(text[a.end:b.start]) or {a.cls, b.cls} != {"Person", "Place"}:
                continue
            person = a if a.cls == "Person" else b
            if person.source.startswith("spacy") and person.title is None and len(person.text.split()) <= 2 \
                    and not re.match(r"['’]s\b|,\s+(?:the\s+)?(?!and\b|or\b|which\b|while\b|but\b)[a-z]",
                                     text[person.end:person.end + 20]):
                person.cls = "Place"
                person.display = clean_display(person.text)
                person.key = normalize_key(person.display)
                changed = True


@functools.lru_cache(maxsize=1)
def _title_clause_before() -> re.Pattern:
    """"Minister of Fisheries, Ports and Coastal Affairs, X": a title phrase and a comma before a name."""
    titles = "|".join(re.escape(t) for t in gazetteer().titles)
    return re.compile(rf"\b(?i:{titles})\b[^.;:\n]{{0,80}},\s*$")


@functools.lru_cache(maxsize=1)
def _title_before() -> re.Pattern:
    titles = "|".join(re.escape(t) for t in gazetteer().titles)
    return re.compile(rf"\b(?i:{titles})\s+$")


_GEO_AFTER = re.compile(r"^\s+(?:river|island|islet|reef|shoal|atoll|strait|suburbs?|region|valley|enclaves?|"
                        r"airbase|air\s+base|base|district|province|border\s+crossing|crossing|dam)\b")
_PLACE_BEFORE = re.compile(r"\b(?:in|near|outside|visited|visiting|arrived\s+in|travelled\s+to|traveled\s+to|"
                           r"flew\s+to)\s+$")


_DATELINE_AFTER = re.compile(r"\s*(?:\([^)\n]{1,30}\)\s*)?[-–—]\s")


def _retype(text: str, mentions: list[Mention]) -> None:
    """Fix spaCy's type where the context says otherwise ("the newspaper X", "X, spokesman for …",
    "Mischief Reef", "visited Perth")."""
    g = gazetteer()
    votes: dict[str, dict[str, int]] = {}
    for m in mentions:
        if not m.source.startswith("spacy"):
            continue
        before = text[max(0, m.start - 30):m.start]
        after = text[m.end:m.end + 40]
        words = m.text.lower().split()
        if m.cls != "Place" and m.text.isupper() and _line_opens_at(text, m.start) and _DATELINE_AFTER.match(after):
            # "ISTANBUL (Agency) – …": a dateline's city.
            m.cls = "Place"
            m.display = clean_display(m.text.title())
            m.key = normalize_key(m.display)
        elif m.cls in {"Person", "Organization"} and (
                len(words) > 1 and (words[-1] in g.geo_heads or words[0] in g.geo_prefixes)
                or _GEO_AFTER.match(after)
                or m.cls == "Person" and len(words) <= 2
                and (_PLACE_BEFORE.search(before) or g.place_nouns.search(before))
                and not re.match(r"['’]s\b|,\s+(?:the\s+)?[a-z]", after)):
            m.cls = "Place"
            m.display = clean_display(m.text)
            m.key = normalize_key(m.display)
        elif m.cls == "Person" and _cues()[0].search(before):
            m.cls = "Organization"
            m.display = clean_display(m.text)
            m.key = normalize_key(m.display)
        elif m.cls == "Organization" and len(m.text.split()) <= 3 and not any(
                w in g.org_heads for w in m.text.split()) and not m.text.isupper() and (
                _cues()[1].match(after) or _title_before().search(before)
                or _title_clause_before().search(text[max(0, m.start - 100):m.start])):
            m.cls = "Person"
            m.display = person_display(m.text)
            m.key = normalize_key(m.display)
    _conjoined_places(text, mentions)
    for m in mentions:
        if m.source.startswith("spacy"):
            votes.setdefault(m.key or "", {}).setdefault(m.cls, 0)
            votes[m.key or ""][m.cls] += 1
    # The same name typed two ways in one document: the majority (Person on ties) wins.
    for m in mentions:
        if m.source.startswith("spacy") and m.key in votes and len(votes[m.key]) > 1:
            best = max(votes[m.key].items(), key=lambda kv: (kv[1], kv[0] == "Person"))[0]
            if best != m.cls:
                m.cls = best
