"""The general reference data in graph/data: it loads, it is consistent and it says what it should."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import pytest

from graph import data


def norm(text: str) -> str:
    """Matching form: case, accents, typographic quotes and whitespace folded."""
    text = text.replace("’", "'").replace("‘", "'")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text).strip().casefold()


def countries() -> list[dict]:
    return data.load("countries")


def surfaces(c: dict) -> list[str]:
    return [c["name"], *c["aliases"]]


def capital_names(c: dict) -> list[str]:
    return [x for x in [c.get("capital"), *c.get("capital_variants", []), *c.get("other_capitals", [])] if x]


def by_surface() -> dict[str, str]:
    return {norm(s): c["name"] for c in countries() for s in surfaces(c)}


def by_demonym() -> dict[str, str]:
    return {norm(d): c["name"] for c in countries() for d in c["demonyms"]}


def owners(pairs) -> dict[str, set[str]]:
    out = defaultdict(set)
    for key, owner in pairs:
        out[norm(key)].add(owner)
    return {k: v for k, v in out.items() if len(v) > 1}


@pytest.mark.parametrize("name", data.NAMES)
def test_files_load(name):
    loaded = data.load(name)
    assert loaded
    assert data.load(name) is loaded  # cached


def test_shapes():
    assert isinstance(countries(), list)
    for name in ("titles", "organizations", "treaty_vocab", "places"):
        assert isinstance(data.load(name), dict)
    assert set(data.load("titles")) == {"person_titles", "honorifics", "role_nouns", "national_offices"}
    assert {"offices", "american"} <= set(data.load("titles")["national_offices"])
    assert set(data.load("organizations")) == {"head_words", "known", "not_bodies", "common_bodies", "generic_words"}
    assert {"region_words", "known_regions", "buildings", "geo_heads", "geo_prefixes", "place_nouns_before",
            "place_part_nouns"} <= set(data.load("places"))
    assert {"lines", "spans", "stamps", "datelines"} <= set(data.load("noise"))
    assert {"type_words", "anaphors", "descriptive", "modality"} <= set(data.load("treaty_vocab"))


def test_every_country_is_well_formed():
    for c in countries():
        assert isinstance(c["name"], str) and c["name"].strip() == c["name"] and c["name"]
        assert isinstance(c["aliases"], list) and isinstance(c["demonyms"], list)
        assert all(isinstance(x, str) and x.strip() == x and x for x in c["aliases"] + c["demonyms"])
        assert isinstance(c["historical"], bool)
        assert c["historical"] == (c["status"] == "historical")
        if not c["historical"]:
            assert c["capital"], c["name"]


def test_country_counts():
    current = [c for c in countries() if not c["historical"]]
    assert sum(c["status"] == "UN member" for c in current) == 193
    others = {c["name"] for c in current if c["status"] != "UN member"}
    assert others == {"Vatican City", "Palestine", "Taiwan", "Kosovo"}
    assert 12 <= sum(c["historical"] for c in countries()) <= 25


def test_names_unique():
    names = [norm(c["name"]) for c in countries()]
    assert len(names) == len(set(names))


def test_no_alias_collides_between_countries():
    assert owners((s, c["name"]) for c in countries() for s in surfaces(c)) == {}


def test_demonyms_unique_and_distinct_from_names():
    assert owners((d, c["name"]) for c in countries() for d in c["demonyms"]) == {}
    names = by_surface()
    assert [d for d in by_demonym() if d in names] == []


@pytest.mark.parametrize("word", ["Korean", "Congolese", "Guinean", "Dominican"])
def test_ambiguous_demonyms_left_out(word):
    assert norm(word) not in by_demonym()


def test_combining_forms():
    forms = [(f, c["name"]) for c in countries() for f in c.get("combining_forms", [])]
    assert dict(forms)["Sino"] == "China" and dict(forms)["Anglo"] == "United Kingdom"
    assert owners(forms) == {}
    taken = set(by_surface()) | set(by_demonym())
    assert [f for f, _ in forms if norm(f) in taken] == []


def test_ambiguous_short_names_left_out():
    assert "congo" not in by_surface() and "korea" not in by_surface()


def test_capitals_unique_and_not_other_states():
    assert owners((x, c["name"]) for c in countries() for x in capital_names(c)) == {}
    names = by_surface()
    for c in countries():
        for city in capital_names(c):
            assert names.get(norm(city), c["name"]) == c["name"], (city, c["name"])


def test_historical_capitals_do_not_shadow_current_ones():
    current = {norm(x) for c in countries() if not c["historical"] for x in capital_names(c)}
    for c in countries():
        if c["historical"] and c["capital"]:
            assert norm(c["capital"]) not in current


@pytest.mark.parametrize(("surface", "state"), [
    ("DPRK", "North Korea"), ("Democratic People's Republic of Korea", "North Korea"),
    ("ROK", "South Korea"), ("Republic of Korea", "South Korea"),
    ("USSR", "Soviet Union"), ("Union of Soviet Socialist Republics", "Soviet Union"),
    ("Britain", "United Kingdom"), ("UK", "United Kingdom"), ("U.K.", "United Kingdom"),
    ("U.S.", "United States"), ("USA", "United States"), ("United States of America", "United States"),
    ("Russian Federation", "Russia"), ("PRC", "China"), ("Republic of China", "Taiwan"),
    ("Türkiye", "Turkey"), ("Czechia", "Czech Republic"), ("Côte d'Ivoire", "Ivory Coast"),
    ("Burma", "Myanmar"), ("Holy See", "Vatican City"), ("GDR", "East Germany"),
    ("DRC", "Democratic Republic of the Congo"),
])
def test_alias_maps_to(surface, state):
    assert by_surface()[norm(surface)] == state


@pytest.mark.parametrize(("demonym", "state"), [
    ("North Korean", "North Korea"), ("South Korean", "South Korea"), ("American", "United States"),
    ("Russian", "Russia"), ("Soviet", "Soviet Union"), ("British", "United Kingdom"), ("Chinese", "China"),
    ("Turkish", "Turkey"), ("Emirati", "United Arab Emirates"), ("Israeli", "Israel"),
    ("Palestinian", "Palestine"), ("Iranian", "Iran"), ("East German", "East Germany"),
])
def test_demonym_maps_to(demonym, state):
    assert by_demonym()[norm(demonym)] == state


def test_historical_flags_and_capitals():
    index = {c["name"]: c for c in countries()}
    assert index["Soviet Union"]["historical"] is True
    assert index["Soviet Union"]["historical_capital"] == "Moscow"
    assert index["Russia"]["historical"] is False and index["Russia"]["capital"] == "Moscow"
    assert index["North Korea"]["capital"] == "Pyongyang"
    for name in ("Yugoslavia", "Czechoslovakia", "East Germany", "West Germany", "Ottoman Empire",
                 "Austria-Hungary", "Russian Empire", "Prussia"):
        assert index[name]["historical"] is True


def lower_unique(items):
    return len(items) == len(set(items)) and all(x == x.lower() and x.strip() == x for x in items)


def test_titles():
    titles = data.load("titles")
    for key in ("person_titles", "honorifics", "role_nouns"):
        assert lower_unique(titles[key]), key
    for t in ("president", "prime minister", "foreign minister", "secretary-general", "spokesman",
              "supreme leader", "ambassador", "crown prince"):
        assert t in titles["person_titles"]
    assert {"mr", "dr", "comrade", "his excellency"} <= set(titles["honorifics"])
    assert {"newspaper", "news agency", "think tank", "ministry"} <= set(titles["role_nouns"])
    assert len(titles["person_titles"]) >= 120


def test_organizations():
    orgs = data.load("organizations")
    heads = orgs["head_words"]
    assert len(heads) == len(set(heads)) and all(h[:1].isupper() for h in heads)
    assert {"Ministry", "Council", "Party", "Agency", "Parliament", "Times", "Union"} <= set(heads)
    assert owners((s, o["name"]) for o in orgs["known"] for s in [o["name"], *o["aliases"]]) == {}
    index = {norm(s): o["name"] for o in orgs["known"] for s in [o["name"], *o["aliases"]]}
    assert index[norm("NATO")] == "North Atlantic Treaty Organization"
    assert index[norm("U.N.")] == "United Nations"
    assert index[norm("KCNA")] == "Korean Central News Agency"
    assert len(orgs["known"]) >= 80


def test_no_overlap_between_kinds():
    """A surface names one kind of thing: state, organisation, region, building or capital."""
    states = set(by_surface()) | set(by_demonym())
    orgs = {norm(s) for o in data.load("organizations")["known"] for s in [o["name"], *o["aliases"]]}
    places = data.load("places")
    regions = {norm(r).removeprefix("the ") for r in places["known_regions"]}
    buildings = {norm(b) for b in places["buildings"]}
    capitals = {norm(x) for c in countries() for x in capital_names(c) if norm(x) not in by_surface()}
    kinds = {"states": states, "orgs": orgs, "regions": regions, "buildings": buildings, "capitals": capitals}
    for a, sa in kinds.items():
        for b, sb in kinds.items():
            if a < b:
                assert sa & sb == set(), (a, b)


def test_places():
    places = data.load("places")
    for key in ("region_words", "known_regions", "buildings"):
        assert len(places[key]) == len(set(places[key])), key
    assert all(w == w.lower() for w in places["region_words"])
    assert {"Korean Peninsula", "Middle East", "Crimea", "South China Sea"} <= set(places["known_regions"])
    assert {"White House", "Kremlin"} <= set(places["buildings"])


def test_treaty_vocab():
    vocab = data.load("treaty_vocab")
    assert {"treaty", "agreement", "pact", "accord", "convention", "protocol"} <= set(vocab["type_words"])
    assert "treaty" in vocab["anaphors"]["words"]
    for words in (vocab["type_words"], vocab["anaphors"]["words"], *(
            v for k, v in vocab["descriptive"].items() if not k.startswith("_"))):
        assert len(words) == len(set(words)) and all(x == x.lower() for x in words), words
    for key, cues in vocab["modality"].items():
        if not key.startswith("_"):
            assert cues and len(cues) == len(set(cues)) and all(x == x.lower() for x in cues), key
