"""A store on any SPARQL 1.1 engine over HTTP: the Protocol for queries and updates, the Graph Store
Protocol for whole document graphs.

Locations: ``http://host:7878`` (an Oxigraph server), or a preset prefix such as
``virtuoso+http://host:8890``, ``fuseki+http://host:3030/ds`` or ``graphdb+http://host:7200/repositories/kg``.
Credentials come from ``TREATYKG_USER`` / ``TREATYKG_PASSWORD`` (``TREATYKG_AUTH=digest`` for Digest) or from
``~/.config/treatykg/credentials.json`` (``{"http://host:port": {"user": …, "password": …, "auth": …}}``);
they are never printed.

As in the embedded store, each document is a named graph and the default graph holds their merged,
duplicate-free union, kept in step by the same single SPARQL Update per batch; queries read the
default graph. Engines without a plain default graph (Virtuoso) need a dataset configured for it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .namespaces import DOC, PREFIXES
from .store import DATASET_FORMATS, RDF_FORMATS, check_query, graph_update, remove_update

CREDENTIALS = Path.home() / ".config" / "treatykg" / "credentials.json"


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    gsp: str | None
    dataset_dump: bool  # GET on the GSP endpoint without ?graph returns the whole dataset


def endpoints(url: str, preset: str) -> Endpoints:
    base = url.rstrip("/")
    if preset == "oxigraph":
        return Endpoints(f"{base}/query", f"{base}/update", f"{base}/store", True)
    if preset == "fuseki":
        return Endpoints(f"{base}/query", f"{base}/update", f"{base}/data", True)
    if preset == "virtuoso":
        root = base[: -len("/sparql")] if base.endswith("/sparql") else base
        return Endpoints(f"{root}/sparql", f"{root}/sparql", f"{root}/sparql-graph-crud", False)
    if preset == "graphdb":
        return Endpoints(base, f"{base}/statements", f"{base}/rdf-graphs/service", False)
    raise StoreError(f"unknown SPARQL engine preset {preset!r} (oxigraph, fuseki, virtuoso, graphdb)")


def parse_location(location: str) -> tuple[str, str]:
    """``virtuoso+http://h:8890`` -> (``http://h:8890``, ``virtuoso``); plain URLs guess the engine."""
    m = re.match(r"^(oxigraph|fuseki|virtuoso|graphdb)\+(https?://.*)$", location)
    if m:
        return m.group(2), m.group(1)
    if urlsplit(location).path.rstrip("/").endswith("/sparql"):
        return location, "virtuoso"
    return location, "oxigraph"


def _public(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _credentials(url: str):
    import httpx

    parts = urlsplit(url)
    user, password, kind = parts.username, parts.password, os.environ.get("TREATYKG_AUTH", "basic")
    if os.environ.get("TREATYKG_USER"):
        user, password = os.environ["TREATYKG_USER"], os.environ.get("TREATYKG_PASSWORD", "")
    elif user is None and CREDENTIALS.exists():
        try:
            table = json.loads(CREDENTIALS.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise StoreError(f"cannot read {CREDENTIALS}") from None
        entry = table.get(f"{parts.scheme}://{parts.hostname}:{parts.port}" if parts.port else
                          f"{parts.scheme}://{parts.hostname}") or {}
        user, password, kind = entry.get("user"), entry.get("password", ""), entry.get("auth", kind)
    if not user:
        return None
    return httpx.DigestAuth(user, password or "") if kind == "digest" else httpx.BasicAuth(user, password or "")


class HttpStore:
    """Documents as named graphs on a SPARQL 1.1 server; same interface as the embedded store."""

    def __init__(self, location: str, timeout: float = 60.0) -> None:
        import httpx

        url, preset = parse_location(location)
        self.url = _public(url)
        self.ep = endpoints(self.url, preset)
        self._client = httpx.Client(auth=_credentials(url), timeout=timeout)

    # -- HTTP plumbing -------------------------------------------------------------------------
    def _request(self, method: str, url: str, **kwargs):
        import httpx

        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach SPARQL endpoint {_public(url)}: {type(exc).__name__}") from None
        if response.status_code == 400:
            raise QueryError(f"the SPARQL endpoint refused the request: {' '.join(response.text.split())[:200]}")
        if response.status_code in (401, 403):
            raise StoreError(f"not authorised by {_public(url)} (HTTP {response.status_code}); "
                             "set TREATYKG_USER and TREATYKG_PASSWORD")
        if response.status_code >= 400 and not (method == "DELETE" and response.status_code == 404):
            raise StoreError(f"{_public(url)} answered HTTP {response.status_code}: "
                             f"{' '.join(response.text.split())[:200]}")
        return response

    def _select(self, sparql: str) -> ox.QuerySolutions:
        r = self._request("POST", self.ep.query, data={"query": sparql},
                          headers={"Accept": "application/sparql-results+json"})
        return ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)

    # -- Store interface -------------------------------------------------------------------------
    def replace_documents(self, docs: dict[str, list[tuple]]) -> None:
        """One SPARQL Update per batch: the engine applies it as one transaction, so each document is
        either the old or the new version, and the merged default graph stays in step."""
        if docs:
            self._request("POST", self.ep.update, data={"update": graph_update(docs)})

    def remove_document(self, doc_iri: str) -> bool:
        if doc_iri not in self.documents():
            return False
        self._request("POST", self.ep.update, data={"update": remove_update(doc_iri)})
        return True

    def documents(self) -> list[str]:
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                            f'FILTER(STRSTARTS(STR(?g), "{DOC}")) }}')
        return sorted(sol["g"].value for sol in rows)

    def query(self, sparql: str):
        text = check_query(sparql)
        form = re.sub(r"(?is)^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s+<[^>]*>|#[^\n]*)\s*)*", "", text)
        if re.match(r"(?i)(CONSTRUCT|DESCRIBE)\b", form):
            r = self._request("POST", self.ep.query, data={"query": text},
                              headers={"Accept": "application/n-triples"})
            return iter([q.triple for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)])
        return self._select(text)

    def __len__(self) -> int:
        rows = list(self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return int(rows[0]["n"].value) if rows else 0

    def dump(self, fmt: str, union: bool = False) -> bytes:
        rdf_format = RDF_FORMATS[fmt]
        prefixes = dict(PREFIXES) if fmt in {"turtle", "trig"} else None
        if fmt in DATASET_FORMATS and not union and self.ep.dataset_dump and self.ep.gsp:
            r = self._request("GET", self.ep.gsp, headers={"Accept": "application/n-quads"})
            quads = [q for q in ox.parse(r.content, format=ox.RdfFormat.N_QUADS)
                     if isinstance(q.graph_name, ox.NamedNode)]
            return ox.serialize(quads, format=rdf_format, prefixes=prefixes)
        if fmt in DATASET_FORMATS and not union:
            quads = []
            for doc in self.documents():
                r = self._request("POST", self.ep.query, data={
                    "query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{doc}> {{ ?s ?p ?o }} }}"},
                    headers={"Accept": "application/n-triples"})
                graph = ox.NamedNode(doc)
                quads.extend(ox.Quad(q.subject, q.predicate, q.object, graph)
                             for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))
            return ox.serialize(quads, format=rdf_format, prefixes=prefixes)
        triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        return ox.serialize(list(triples), format=rdf_format, prefixes=prefixes)

    def close(self) -> None:
        self._client.close()
