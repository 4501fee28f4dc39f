"""treatykg: treaty news in, an RDF knowledge graph of treaties, clauses, actors and evidence out."""

from .errors import InputError, QueryError, RDFSyntaxError, StoreError, TreatyKGError, UnknownEntityError

__all__ = ["InputError", "QueryError", "RDFSyntaxError", "StoreError", "TreatyKGError", "UnknownEntityError"]
__version__ = "0.1.0"
