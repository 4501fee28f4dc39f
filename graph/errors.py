"""Exceptions: every user-facing failure is one of these, shown by the CLI as one line."""


class TreatyKGError(Exception):
    """Base class of treatykg errors."""


class InputError(TreatyKGError):
    """A document cannot be read (missing, empty, binary, not UTF-8, too large)."""


class QueryError(TreatyKGError):
    """A SPARQL query is malformed, unknown or not allowed (updates are refused)."""


class StoreError(TreatyKGError):
    """The store cannot be opened, read or written."""


class TimeLimitError(TreatyKGError):
    """A query or a request to a SPARQL server ran past its time limit (the store is unchanged)."""


class RDFSyntaxError(TreatyKGError):
    """An RDF file cannot be parsed."""


class UnknownEntityError(TreatyKGError):
    """No entity has the given name or alias."""
