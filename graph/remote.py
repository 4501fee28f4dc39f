"""A store on a SPARQL 1.1 engine over HTTP: the SPARQL Protocol for queries and updates, the Graph
Store Protocol (GSP) for whole document graphs.

Locations are ``http(s)://host:port[/path]`` or, to name the engine, ``PRESET+http(s)://…`` with
PRESET one of ``oxigraph``, ``fuseki``, ``virtuoso`` or ``graphdb``. Without a preset a URL whose path
ends in ``/sparql`` is taken for Virtuoso (one endpoint for everything), one with ``/repositories/NAME``
for GraphDB, and any other URL for an Oxigraph server (``/query``, ``/update``, ``/store``).

Credentials, never printed, from the first of: a ``user:password@`` part in the URL; the variables
``TREATYKG_USER`` / ``TREATYKG_PASSWORD`` (Basic, or Digest with ``TREATYKG_AUTH=digest``); the server's
entry in ``~/.config/treatykg/credentials.json``::

    {"https://kg.example.org:8890": {"user": "dba", "password": "…", "auth": "digest"}}

Virtuoso takes anonymous writes on ``/sparql`` only after ``GRANT SPARQL_UPDATE TO "SPARQL"``; with
credentials treatykg uses its ``/sparql-auth`` endpoints instead, which need Digest.

Two layouts of the data on the server (``layout=``):

``merged`` (the default)
    As in the embedded store: one named graph per document, plus the merged, duplicate-free union
    of all documents, kept in step by one SPARQL Update request per batch (``store.graph_update``;
    Oxigraph applies it as one transaction). Queries read the merged graph, so their answers are
    the embedded store's. It is the plain default graph, except on Virtuoso, which has no writable
    one: there it is the named graph ``MERGED_GRAPH``, made the queries' default graph with the
    protocol's ``default-graph-uri`` (which also hides Virtuoso's system graphs). Fuseki must *not*
    use ``unionDefaultGraph`` in this layout; GraphDB queries are pinned to its plain default graph.
    A query that uses GRAPH or FROM is sent as written, since on Virtuoso and GraphDB the pinned
    default graph would hide the named graphs.

``union``
    Named graphs only, each written with one GSP ``PUT`` (atomic per document, not per batch).
    Queries read the engine's union of all graphs: Oxigraph through its ``union-default-graph``
    parameter, Fuseki only with ``tdb2:unionDefaultGraph true`` in its dataset configuration,
    Virtuoso and GraphDB by default. Oxigraph and Virtuoso (measured) repeat a fact once per document
    that states it, so solutions are the embedded store's as a *set* but may repeat, and counts
    differ; Virtuoso also shows its system graphs to queries that do not name a graph.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from .errors import QueryError, StoreError, TimeLimitError
from .namespaces import BASE, DOC, PREFIXES, hashed_iri
from .store import DATASET_FORMATS, RDF_FORMATS, Triple, check_query, graph_update, iri_term, relines, remove_update

PRESETS = ("oxigraph", "fuseki", "virtuoso", "graphdb")
LAYOUTS = ("merged", "union")

USER_ENV, PASSWORD_ENV, AUTH_ENV = "TREATYKG_USER", "TREATYKG_PASSWORD", "TREATYKG_AUTH"

# The merged graph on engines without a writable plain default graph (Virtuoso). Outside DOC, so
# documents(), len() and dump() never take it for a document.
MERGED_GRAPH = BASE + "graph/merged"

# RDF4J's name for the plain default graph: without it GraphDB queries read every graph.
_RDF4J_NIL = "http://www.openrdf.org/schema/sesame#nil"

# Prologue and comments before the query form keyword (SELECT, ASK, CONSTRUCT, DESCRIBE).
_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)*", re.IGNORECASE)

# Answers a gateway or an overloaded server gives before (or instead of) doing anything.
_RETRY_STATUSES = frozenset({502, 503, 504})

# A header that carries credentials, as a server may echo it: its value is a quoted string (JSON, a
# repr) or runs to the end of the line (a raw header).
_CREDENTIAL_HEADER = re.compile(r"""(?im)\b((?:proxy-)?authorization|(?:set-)?cookie)(["']?\s*[:=]\s*)"""
                                r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\r\n]*)""")

_SELECT_TYPES = "application/sparql-results+json"
_GRAPH_TYPES = "application/n-triples"


@dataclass(frozen=True)
class Endpoints:
    """Where an engine answers each protocol, and how to ask for each view of the data."""

    query: str
    update: str
    gsp: str | None  # Graph Store Protocol; None: documents are written with SPARQL Update
    dataset: str | None = None  # answers GET with the whole dataset as N-Quads, if the engine can
    union_params: dict[str, str] = field(default_factory=dict)  # makes the query default graph the union
    merged_params: dict[str, str] = field(default_factory=dict)  # makes it the merged graph
    merged_graph: str | None = None  # named graph holding the merged documents; None: the default graph


def parse_location(location: str) -> tuple[str, str]:
    """Split a store location into its URL and engine preset.

    ``virtuoso+http://h:8890`` gives ``("http://h:8890", "virtuoso")``; a plain URL gets the preset its
    shape suggests: a path ending in ``/sparql`` is Virtuoso's single endpoint, ``/repositories/NAME``
    is GraphDB, anything else is taken for an Oxigraph server.

    >>> parse_location("fuseki+http://localhost:3030/ds")
    ('http://localhost:3030/ds', 'fuseki')
    >>> parse_location("http://localhost:7878")
    ('http://localhost:7878', 'oxigraph')
    """
    m = re.match(r"^([a-z]+)\+(https?://.*)$", location, re.IGNORECASE)
    if m:
        preset = m.group(1).lower()
        if preset not in PRESETS:
            raise StoreError(f"unknown SPARQL engine {preset!r} in the store location "
                             f"(known: {', '.join(PRESETS)})")
        return m.group(2), preset
    if not re.match(r"^https?://", location, re.IGNORECASE):
        raise StoreError(f"not an http(s) store location: {_public(location)}")
    path = urlsplit(location).path.rstrip("/")
    if path.endswith("/sparql"):
        return location, "virtuoso"
    if re.search(r"/repositories/[^/]+$", path):
        return location, "graphdb"
    return location, "oxigraph"


def endpoints(url: str, preset: str, authenticated: bool = False) -> Endpoints:
    """The endpoints of ``preset`` for a server at ``url`` (which carries no credentials)."""
    base = url.rstrip("/")
    if preset == "oxigraph":
        return Endpoints(f"{base}/query", f"{base}/update", f"{base}/store", dataset=f"{base}/store",
                         union_params={"union-default-graph": ""})
    if preset == "fuseki":
        # The dataset URL itself answers GET with every graph (Fuseki's quads extension of GSP).
        return Endpoints(f"{base}/query", f"{base}/update", f"{base}/data", dataset=base)
    if preset == "virtuoso":
        root = base.removesuffix("/sparql-auth").removesuffix("/sparql")
        # Virtuoso lets anonymous users only read; its authenticated twins take Digest credentials.
        suffix = "-auth" if authenticated else ""
        sparql = f"{root}/sparql{suffix}"
        return Endpoints(sparql, sparql, f"{root}/sparql-graph-crud{suffix}",
                         merged_params={"default-graph-uri": MERGED_GRAPH}, merged_graph=MERGED_GRAPH)
    if preset == "graphdb":
        if not re.search(r"/repositories/[^/]+$", base):
            raise StoreError(f"a GraphDB location names its repository: {_public(base)}/repositories/NAME")
        return Endpoints(base, f"{base}/statements", f"{base}/rdf-graphs/service",
                         merged_params={"default-graph-uri": _RDF4J_NIL})
    raise StoreError(f"unknown SPARQL engine preset {preset!r} (known: {', '.join(PRESETS)})")


# -- credentials ------------------------------------------------------------------------------------

def credentials_file() -> Path:
    """Where credentials for SPARQL servers are looked up (``$XDG_CONFIG_HOME`` or ``~/.config``)."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "treatykg" / "credentials.json"


def _make_auth(user: str, password: str, kind: str) -> httpx.Auth:
    if kind.lower() == "digest":
        return httpx.DigestAuth(user, password)
    if kind.lower() != "basic":
        raise StoreError(f"unknown HTTP authentication {kind!r} (basic or digest)")
    return httpx.BasicAuth(user, password)


def find_credentials(url: str) -> tuple[httpx.Auth | None, str | None]:
    """The authentication for ``url`` and the password it uses (only so that messages can hide it).

    In order: ``user:password@`` in the URL, the ``TREATYKG_USER`` / ``TREATYKG_PASSWORD`` variables,
    the server's entry (``scheme://host:port``) in the credentials file.
    """
    parts = urlsplit(url)
    kind = os.environ.get(AUTH_ENV, "basic")
    if parts.username:
        # The URL carries userinfo percent-encoded ("p%40ss" for "p@ss"); the server expects it decoded.
        password = unquote(parts.password or "")
        return _make_auth(unquote(parts.username), password, kind), password
    if os.environ.get(USER_ENV):
        password = os.environ.get(PASSWORD_ENV, "")
        return _make_auth(os.environ[USER_ENV], password, kind), password
    path = credentials_file()
    if not path.is_file():
        return None, None
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        # The message names the file and the kind of problem, never its content.
        raise StoreError(f"cannot read credentials file {path}: {type(exc).__name__}") from None
    default_port = 443 if parts.scheme == "https" else 80
    host = parts.hostname or ""
    keys = [f"{parts.scheme}://{host}:{parts.port or default_port}"]
    if parts.port in (None, default_port):
        keys.append(f"{parts.scheme}://{host}")
    entry = next((table[k] for k in keys if isinstance(table, dict) and isinstance(table.get(k), dict)), None)
    if entry is None or not entry.get("user"):
        return None, None
    password = str(entry.get("password", ""))
    return _make_auth(str(entry["user"]), password, str(entry.get("auth", kind))), password


def _public(url: str) -> str:
    """The URL without its ``user:password@`` part, query or fragment: safe to show."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


# -- the store -------------------------------------------------------------------------------------

class HttpStore:
    """Documents as named graphs on a SPARQL 1.1 server; the same interface as ``OxigraphStore``.

    :param url: the server, optionally ``PRESET+``-prefixed (see :func:`parse_location`).
    :param preset: ``oxigraph``, ``fuseki``, ``virtuoso`` or ``graphdb``; overrides the one in ``url``.
    :param query_endpoint: overrides the preset's query endpoint (likewise ``update_endpoint``).
    :param gsp_endpoint: overrides the preset's Graph Store endpoint; ``""`` turns GSP off.
    :param auth: an ``httpx.Auth`` or ``(user, password)``; default: :func:`find_credentials`.
    :param layout: ``merged`` (the default) or ``union``; see the module docstring.
    :param read_only: refuse to write (what ``open_store(..., read_only=True)`` should ask for).
    :param timeout: seconds for each request from start to the last byte of its answer, retries
        included (None: no limit); past it, :class:`TimeLimitError`.
    :param retries: how many times a request is repeated after a connection error or a 502, 503 or
        504 answer, waiting ``backoff`` seconds, then twice as long each time. Only requests that can
        safely be repeated are (see :meth:`_request`).

    No request is made until the store is used.
    """

    def __init__(self, url: str, *, preset: str | None = None, query_endpoint: str | None = None,
                 update_endpoint: str | None = None, gsp_endpoint: str | None = None,
                 auth: httpx.Auth | tuple[str, str] | None = None, layout: str | None = None,
                 read_only: bool = False, timeout: float | None = 60, retries: int = 3,
                 backoff: float = 0.5) -> None:
        raw_url, guessed = parse_location(url)
        self.preset = (preset or guessed).lower()
        self.url = _public(raw_url)
        if auth is None:
            auth, self._secret = find_credentials(raw_url)
        elif isinstance(auth, tuple):
            auth, self._secret = httpx.BasicAuth(*auth), auth[1]
        else:
            self._secret = None
        ep = endpoints(self.url, self.preset, authenticated=auth is not None)
        self.endpoints = Endpoints(
            query=query_endpoint or ep.query,
            update=update_endpoint or ep.update,
            gsp=ep.gsp if gsp_endpoint is None else (gsp_endpoint or None),
            dataset=ep.dataset, union_params=ep.union_params, merged_params=ep.merged_params,
            merged_graph=ep.merged_graph)
        self.layout = layout or "merged"
        self.read_only = read_only
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        if self.layout not in LAYOUTS:
            raise StoreError(f"unknown store layout {self.layout!r} (known: {', '.join(LAYOUTS)})")
        # The URLs given to httpx never carry userinfo: httpx would otherwise send it as Basic auth.
        # Redirects are reported, not followed: a POST that comes back as a GET would lose its query.
        self._client = httpx.Client(auth=auth, timeout=timeout)

    def __repr__(self) -> str:
        return f"HttpStore({self.url!r}, preset={self.preset!r}, layout={self.layout!r})"

    def __enter__(self) -> HttpStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP plumbing ------------------------------------------------------------------------------

    def _clean(self, text: str, limit: int = 300) -> str:
        """One line, no credentials, at most ``limit`` characters: fit for an error message.

        A server may quote the request back (headers included) in its error page: the values of
        credential headers go, and so do ``user:password@`` in URLs and the password itself, as typed
        or percent-encoded, wherever it stands as a whole value.
        """
        text = _CREDENTIAL_HEADER.sub(r"\1\2***", text)
        text = re.sub(r"(?i)\b(https?://)[^/\s@]*@", r"\1", " ".join(text.split()))
        for secret in {self._secret, quote(self._secret or "", safe="")} - {None, ""}:
            # Only where the password stands as a whole value: a one-letter password must not star
            # that letter in every word of the message.
            text = re.sub(rf"(?<![^\s\"'=:@,;&/<>()]){re.escape(secret)}(?![^\s\"'=:@,;&/<>()])", "***", text)
        return text if len(text) <= limit else text[: limit - 1] + "…"

    def _request(self, method: str, url: str, *, reading: bool = False, idempotent: bool | None = None,
                 **kwargs: Any) -> httpx.Response:
        """Send one request; map failures to one-line StoreError/QueryError without credentials.

        ``reading``: a 400 answers a query (the user's text is at fault: QueryError); elsewhere it means
        the engine refused what treatykg wrote, which is a store problem.

        Within the store's time limit, a request is repeated after a connection that could not be made
        (nothing reached the server), and, if it is ``idempotent``, after a connection lost mid-way or a
        502, 503 or 504 answer, where the server may or may not have acted on it. Idempotent by default:
        queries, GET, PUT and DELETE; an update only when its caller says so.
        """
        if idempotent is None:
            idempotent = reading or method in ("GET", "PUT", "DELETE")
        deadline = None if not self.timeout else time.monotonic() + self.timeout
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._send(method, url, deadline, **kwargs)
            except httpx.HTTPError as exc:
                unsent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                if last or not (unsent or idempotent) or not self._wait(attempt, deadline):
                    detail = self._clean(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
                    tries = f" (after {attempt + 1} attempts)" if attempt else ""
                    raise StoreError(f"cannot reach SPARQL endpoint {_public(url)}{tries}: {detail}") from None
                continue
            if response.status_code in _RETRY_STATUSES and idempotent and not last \
                    and self._wait(attempt, deadline):
                continue
            break
        tries = f" after {attempt + 1} attempts" if attempt else ""
        status = response.status_code
        if 300 <= status < 400:
            target = _public(response.headers.get("location", "elsewhere"))
            raise StoreError(f"SPARQL endpoint {_public(url)} redirects to {target} (HTTP {status}): "
                             "give that location instead")
        if status < 400 or (method == "DELETE" and status == 404):
            return response
        # Virtuoso echoes the whole query (with our prefixes) after its message: the message is enough.
        body = self._clean(re.split(r"\s*SPARQL query:", response.text, maxsplit=1)[0])
        if status == 400 and reading:
            if re.search(r"syntax|parse|error at|expected", body, re.IGNORECASE):
                raise QueryError(f"SPARQL syntax error: {relines(body)}")
            raise QueryError("the SPARQL endpoint refused the query"
                             + (f": {relines(body)}" if body else ""))
        if status in (401, 403):
            advice = ("check the user name and password given for it" if self._client.auth is not None else
                      f"set {USER_ENV} and {PASSWORD_ENV} or add the server to {credentials_file()}")
            raise StoreError(f"SPARQL endpoint {_public(url)} refused access (HTTP {status}): {advice}")
        hint = " (check the URL and the engine preset)" if status in (404, 405, 406, 415) else ""
        raise StoreError(f"SPARQL endpoint {_public(url)} answered HTTP {status}{hint}{tries}"
                         + (f": {body}" if body else ""))

    def _send(self, method: str, url: str, deadline: float | None, **kwargs: Any) -> httpx.Response:
        """One exchange, whole answer read, ended at ``deadline`` (a ``time.monotonic()`` value).

        httpx limits each wait for data, not the whole exchange, so a server sending a byte every few
        seconds would hold the request forever: the exchange runs in a thread, and is given up at the
        deadline. The thread ends when its own waits do (each at most the time that was left).
        """
        if deadline is None:
            return self._client.request(method, url, **kwargs)
        remaining = deadline - time.monotonic()
        outcome: dict[str, Any] = {}
        finished = threading.Event()

        def exchange() -> None:
            try:
                outcome["response"] = self._client.request(method, url, timeout=max(remaining, 0.001), **kwargs)
            except Exception as exc:  # handed to the caller below
                outcome["error"] = exc
            finally:
                finished.set()

        threading.Thread(target=exchange, daemon=True).start()
        if not finished.wait(max(remaining, 0)):
            raise TimeLimitError(f"SPARQL endpoint {_public(url)} did not answer within the time limit "
                                 f"of {self.timeout:g} s (give a longer --timeout, or 0 for none)")
        if "error" in outcome:
            error = outcome["error"]
            if isinstance(error, httpx.TimeoutException) and time.monotonic() >= deadline - 0.01:
                raise TimeLimitError(f"SPARQL endpoint {_public(url)} did not answer within the time limit "
                                     f"of {self.timeout:g} s (give a longer --timeout, or 0 for none)")
            raise error
        return outcome["response"]

    def _wait(self, attempt: int, deadline: float | None) -> bool:
        """Wait before the next attempt; False when the deadline would pass first."""
        pause = self.backoff * 2 ** attempt
        if deadline is not None and time.monotonic() + pause >= deadline:
            return False
        time.sleep(pause)
        return True

    def _post_query(self, sparql: str, accept: str, dataset: bool = True) -> bytes:
        """POST a query (form-encoded, so long queries fit) and return the answer's bytes.

        ``dataset``: add the layout's dataset parameters, except where they would change what the query
        asked for: protocol parameters override a query's own FROM, and GraphDB's pin to the plain
        default graph would leave GRAPH patterns no named graph to match.
        """
        data = {"query": sparql}
        if dataset:
            body = _strip_prologue(sparql)[1]
            head = body.split("{", 1)[0]  # the dataset clause comes before the WHERE group
            names_dataset = re.search(r"\bFROM\s+(?:NAMED\s+)?(?:<|[\w-]*:)", head, re.IGNORECASE)
            if self.layout == "union" and not names_dataset:
                data.update(self.endpoints.union_params)
            elif self.layout == "merged" and not names_dataset and not re.search(
                    r"\bGRAPH\s*(?:[?$<]|[\w-]*:)", body, re.IGNORECASE):
                data.update(self.endpoints.merged_params)
        return self._request("POST", self.endpoints.query, reading=True, data=data,
                             headers={"Accept": accept}).content

    def _select(self, sparql: str, dataset: bool = True) -> ox.QuerySolutions | ox.QueryBoolean:
        content = self._post_query(sparql, _SELECT_TYPES, dataset)
        try:
            return ox.parse_query_results(content, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"unexpected answer from {_public(self.endpoints.query)}: "
                             f"{self._clean(str(exc))}") from None

    def _triples(self, sparql: str, dataset: bool = True) -> list[ox.Triple]:
        content = self._post_query(sparql, _GRAPH_TYPES, dataset)
        return [q.triple for q in self._parse(content, ox.RdfFormat.N_TRIPLES, self.endpoints.query)]

    def _parse(self, content: bytes, fmt: ox.RdfFormat, url: str) -> list[ox.Quad]:
        try:
            return list(ox.parse(content, format=fmt))
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"unexpected answer from {_public(url)}: {self._clean(str(exc))}") from None

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store at {self.url} was opened read-only")

    def _update(self, sparql: str, idempotent: bool) -> None:
        """Send an update; ``idempotent``: applying it twice leaves what applying it once does, so it
        may be repeated after an answer that leaves unclear whether it was applied."""
        self._request("POST", self.endpoints.update, data={"update": sparql}, idempotent=idempotent)

    # -- the Store interface ------------------------------------------------------------------------

    def replace_documents(self, docs: dict[str, list[Triple]]) -> None:
        """Replace each document's graph with the given triples (N-Triples term strings or pyoxigraph terms).

        Merged layout: one SPARQL Update request for the batch (one transaction on Oxigraph). Union
        layout: one GSP ``PUT`` per document, each atomic on its own (without GSP, one SPARQL Update).
        Blank nodes are replaced by IRIs first: their labels would not survive separate requests.
        """
        if not docs:
            return
        self._writable()
        clean = {doc: [tuple(_skolem(doc, t) for t in triple) for triple in triples]
                 for doc, triples in docs.items()}
        if self.layout == "merged":
            merged = self.endpoints.merged_graph
            # Idempotent: each document's graph is dropped and written whole, and its share of the
            # merged graph taken out and put back, so a second application ends where the first did.
            self._update(graph_update(clean, merged), idempotent=True)
        elif self.endpoints.gsp:
            for doc, triples in clean.items():
                body = "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode("utf-8")
                self._request("PUT", self.endpoints.gsp, params={"graph": doc}, content=body,
                              headers={"Content-Type": "application/n-triples"})
        else:
            # Idempotent: each graph is dropped, then written whole.
            self._update(" ;\n".join(
                f"DROP SILENT GRAPH {iri_term(doc)} ;\nINSERT DATA {{ GRAPH {iri_term(doc)} {{\n"
                + "".join(f"{s} {p} {o} .\n" for s, p, o in triples) + "} }"
                for doc, triples in clean.items()), idempotent=True)

    def remove_document(self, doc_iri: str) -> bool:
        """Remove a document's graph (and, merged layout, its share of the default graph); False if absent."""
        self._writable()
        graph = iri_term(doc_iri)  # refuses what is not an IRI before anything is sent
        if self.layout == "union" and self.endpoints.gsp:
            response = self._request("DELETE", self.endpoints.gsp, params={"graph": doc_iri})
            return response.status_code != 404
        if not self._select(f"ASK {{ GRAPH {graph} {{ ?s ?p ?o }} }}", dataset=False):
            return False
        merged = self.endpoints.merged_graph
        # Removing what is already gone changes nothing: both updates are idempotent.
        if self.layout == "union":
            self._update(f"DROP SILENT GRAPH {graph}", idempotent=True)
        else:
            self._update(remove_update(doc_iri, merged), idempotent=True)
        return True

    def documents(self) -> list[str]:
        """IRIs of the document graphs on the server, sorted (graphs outside treatykg's are ignored)."""
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", dataset=False)
        return sorted(g.value for g in (sol["g"] for sol in rows)
                      if isinstance(g, ox.NamedNode) and g.value.startswith(DOC))

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]:
        """Run a read-only query over the union of the documents, with the standard prefixes.

        Returns what ``pyoxigraph.Store.query`` returns: ``QuerySolutions`` for SELECT, ``QueryBoolean``
        for ASK, an iterator of ``Triple`` for CONSTRUCT and DESCRIBE.
        """
        # SERVICE is left to the server: whether it may call other servers is its administrator's choice.
        text = check_query(sparql, allow_service=True)
        if _query_form(text) in ("CONSTRUCT", "DESCRIBE"):
            return iter(self._triples(text))
        return self._select(text)

    def __len__(self) -> int:
        """Quads in the document graphs (as in the embedded store, the merged default graph is not
        counted)."""
        rows = list(self._select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                 f'FILTER(STRSTARTS(STR(?g), "{DOC}")) }}', dataset=False))
        return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0

    def dump(self, fmt: str, union: bool = False) -> bytes:
        """Serialise the documents: a dataset format keeps graph names; a graph format, or ``union``,
        merges them."""
        rdf_format = RDF_FORMATS[fmt]
        prefixes = dict(PREFIXES) if fmt in {"turtle", "trig"} else None
        if fmt in DATASET_FORMATS and not union:
            return ox.serialize(self._document_quads(), format=rdf_format, prefixes=prefixes)
        if self.layout == "merged" and self.endpoints.merged_graph is None:
            # The default graph already is the duplicate-free merge of the documents. (Not so on
            # Virtuoso, whose answers stop silently at ResultSetMaxRows, 10,000 rows by default.)
            triples = self._triples("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        else:
            triples = list(dict.fromkeys(q.triple for q in self._document_quads()))
        return ox.serialize(triples, format=rdf_format, prefixes=prefixes)

    def _document_quads(self) -> list[ox.Quad]:
        """Every quad of the document graphs: one GET of the dataset where the engine offers it, else
        one CONSTRUCT per document (small answers stay under result-size limits such as Virtuoso's)."""
        if self.endpoints.dataset:
            response = self._request("GET", self.endpoints.dataset, headers={"Accept": "application/n-quads"})
            return [q for q in self._parse(response.content, ox.RdfFormat.N_QUADS, self.endpoints.dataset)
                    if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(DOC)]
        quads = []
        for doc in self.documents():
            graph = ox.NamedNode(doc)
            quads.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in
                         self._triples(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_term(doc)} {{ ?s ?p ?o }} }}",
                                       dataset=False))
        return quads

    def close(self) -> None:
        """Close the HTTP connections; nothing is buffered, so nothing is lost."""
        self._client.close()


# -- helpers ---------------------------------------------------------------------------------------

def _strip_prologue(sparql: str) -> tuple[str, str]:
    """Split a query into its prologue (PREFIX, BASE, comments) and the rest."""
    end = _PROLOGUE.match(sparql).end()
    return sparql[:end], sparql[end:]


def _query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (upper case), or '' when there is none."""
    m = re.match(r"[A-Za-z]+", _strip_prologue(sparql)[1])
    return m.group(0).upper() if m else ""


def _skolem(doc: str, term: object) -> str:
    """A term as N-Triples text, with a blank node replaced by an IRI unique to its document and label."""
    text = str(term)
    if text.startswith("_:"):
        return f"<{hashed_iri('genid', doc, text[2:])}>"
    return text
