"""Files shipped with treatykg: the ontology, the SHACL shapes and the named query catalogue."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def ontology_dir() -> Path:
    """The ``ontology/`` folder: packaged as ``graph.ontology`` in a wheel, beside ``graph/`` in a checkout."""
    try:
        path = Path(str(resources.files("graph.ontology")))
        if (path / "treaty.ttl").exists():
            return path
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parent.parent / "ontology"


def ontology_file() -> Path:
    return ontology_dir() / "treaty.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def queries_dir() -> Path:
    return ontology_dir() / "queries"
