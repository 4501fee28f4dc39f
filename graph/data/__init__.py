"""General reference data for the entity extractor, shipped as JSON beside this module.

- ``countries``: one object per state, current and historical: ``name``, ``aliases``, ``demonyms``,
  ``historical``, ``capital`` and ``status`` ("UN member", "UN observer", "limited recognition",
  "historical"); optionally ``capital_variants`` (other spellings and former names of the capital),
  ``other_capitals`` (other capitals or seats of government), ``historical_capital``, ``years`` and
  ``combining_forms`` (the "Sino" of "Sino-Soviet": parts of compounds, not demonyms on their own).
  A historical state's ``capital`` is null when a current city bears that name ("Moscow", "Berlin"),
  so the city keeps denoting the current state; the city is then in ``historical_capital``.
  Demonyms shared by several states ("Korean", "Congolese", "Guinean", "Dominican") are left out.
- ``titles``: ``person_titles``, ``honorifics``, ``role_nouns`` (all lower case).
- ``organizations``: ``head_words``, ``known`` ({"name", "aliases"}), ``not_bodies`` (acronyms and words tagged
  as bodies that name none: "PDF"), ``common_bodies`` (kinds of body that alone name none in particular:
  "Council") and ``generic_words`` (words any state's body may bear: "Foreign", "Affairs").
- ``treaty_vocab``: treaty type words, generic anaphors and the modality cues (``modality``).
- ``frames``: the relation frame lexicon: trigger verbs, nouns and prepositions per event, and where
  in the parse each frame finds its agent, treaty, co-agent and place.
- ``places``: ``region_words``, ``known_regions``, ``buildings``, ``geo_heads`` and ``geo_prefixes`` (words that
  make a name a place: "Reef", "Mount"), ``place_nouns_before`` and ``place_part_nouns`` (common nouns before a
  name that make it a place: "the residence X", "the eastern part of X").
- ``noise``: web-page furniture patterns (``lines``, ``spans``, ``stamps``, ``datelines``), see extract/noise.py.

The loaded objects are cached and shared: do not mutate them.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files

NAMES = ("countries", "titles", "organizations", "treaty_vocab", "places", "noise")


@functools.lru_cache(maxsize=32)
def load(name: str) -> dict | list:
    """The parsed ``graph/data/NAME.json``."""
    return json.loads((files("graph.data") / f"{name}.json").read_text(encoding="utf-8"))
