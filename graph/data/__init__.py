"""General reference data (countries, organisations, titles, places, treaty vocabulary) shipped as JSON."""

from __future__ import annotations

import functools
import json
from importlib import resources


@functools.cache
def load(name: str):
    """The parsed ``graph/data/NAME.json``."""
    return json.loads(resources.files("graph.data").joinpath(f"{name}.json").read_text(encoding="utf-8"))
