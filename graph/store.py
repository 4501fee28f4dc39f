"""Stores: an embedded Oxigraph (RocksDB) store and any SPARQL 1.1 engine over HTTP.

Both keep one named graph per document, so replacing or removing a document touches
nothing else, and both answer queries over the union of all document graphs.
"""

from __future__ import annotations

import os
import re
import signal
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from .errors import QueryError, StoreError, TimeLimitError
from .namespaces import BASE, PREFIXES, SKOS, SPARQL_PREFIXES, is_iri

DEFAULT_STORE = ".treatykg/store"
STORE_ENV = "TREATYKG_STORE"

Triple = tuple  # (subject, predicate, object) of pyoxigraph terms

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
DATASET_FORMATS = {"trig", "nquads"}


_PREFIX_LINES = SPARQL_PREFIXES.count("\n")


def is_update(sparql: str) -> bool:
    """True when the text is a SPARQL Update rather than a query."""
    return _kind(sparql)[0] == "update"


def _kind(sparql: str) -> tuple[str, object]:
    """("query", parse tree), ("update", None) or ("invalid", the parser's exception), by rdflib's
    SPARQL 1.1 grammar: a prologue, comments or a ``#`` inside an IRI cannot disguise an update."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return "query", parseQuery(sparql)
    except ParseBaseException as exc:
        try:
            parseUpdate(sparql)
        except ParseBaseException:
            return "invalid", exc
        return "update", None


def _parts(tree: object) -> Iterator[str]:
    """The names of every grammar rule in an rdflib parse tree."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(tree, CompValue):
        yield tree.name
        for value in tree.values():
            yield from _parts(value)
    elif isinstance(tree, (list, tuple, ParseResults)):
        for value in tree:
            yield from _parts(value)


def parse_query(sparql: str) -> object:
    """rdflib's parse tree of a query (prologue, then the query); QueryError for empty or malformed
    text and for an update."""
    if not sparql.strip():
        raise QueryError("empty query")
    kind, tree = _kind(sparql)
    if kind == "update":
        raise QueryError("updates are refused: treatykg query is read-only (use ingest or remove)")
    if kind == "invalid":
        message = " ".join(str(getattr(tree, "msg", tree)).split())
        raise QueryError(f"SPARQL syntax error at {tree.lineno}:{tree.col}: {message}")
    return tree


def check_query(sparql: str, allow_service: bool = False) -> str:
    """Refuse updates, empty or malformed text and, unless allowed, SERVICE; return the query with the
    standard prefixes prepended.

    The decision comes from parsing the text, and nothing rdflib's parser cannot read is run: a text
    that is not known to be a query might be an update (Virtuoso runs updates sent as queries) or
    hide a SERVICE call.
    """
    tree = parse_query(sparql)
    if not allow_service and "ServiceGraphPattern" in set(_parts(tree)):
        # pyoxigraph evaluates SERVICE by fetching from the named server: a query must not make the
        # machine it runs on send requests unless the user says so.
        raise QueryError("SERVICE is refused: the query would fetch data from another server "
                         "(give --allow-service to allow it)")
    return SPARQL_PREFIXES + sparql


def iri_term(iri: str) -> str:
    """``iri`` as a SPARQL term (``<…>``), refused unless it is an absolute IRI: the characters that
    could end the term (``>``, spaces, quotes, braces, …) are not allowed in one, so no argument can
    change what a request built from it does."""
    if not is_iri(iri):
        raise StoreError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def _forget(doc: str, merged: str | None = None) -> str:
    # Take the document's triples out of the merged graph unless another document has them.
    doc = iri_term(doc)
    target, others = (f"GRAPH {iri_term(merged)} {{ ?s ?p ?o }}", f"?g != {doc} && ?g != {iri_term(merged)}") \
        if merged else ("?s ?p ?o", f"?g != {doc}")
    return (f"DELETE {{ {target} }} WHERE {{ GRAPH {doc} {{ ?s ?p ?o }} "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({others}) }} }} ;\n"
            f"DROP SILENT GRAPH {doc}")


# While one update runs: the entities whose names it may change. Outside DOC, and dropped before the
# update ends, so neither documents() nor any reader ever sees it.
_RELABEL = BASE + "graph/relabel"
_PREF, _ALT = f"<{SKOS}prefLabel>", f"<{SKOS}altLabel>"


def _mark(doc: str) -> str:
    # Every entity the document names, so that _relabel() settles its name afresh.
    return (f"INSERT {{ GRAPH <{_RELABEL}> {{ ?s <{_RELABEL}> <{_RELABEL}> }} }} "
            f"WHERE {{ GRAPH {iri_term(doc)} {{ ?s {_PREF} ?l }} }}")


def _relabel(merged: str | None = None) -> str:
    """Give each marked entity one prefLabel in the merged graph, the same whatever order documents
    came in: among the names documents give it, one not in capitals (a dateline's "NEW YORK" loses
    to "New York"), then the first in code point order. Its other names become altLabels there, and
    stay prefLabels in the documents that gave them.

    Every name a document gives stays in the merged graph, as its prefLabel or an altLabel, so the
    names to choose from are read there and checked against the documents with EXISTS (which stops
    at the first document): the cost follows the names an entity has, not the documents naming it.
    """
    def into(pattern: str) -> str:
        return f"GRAPH {iri_term(merged)} {{ {pattern} }}" if merged else pattern

    marked = f"GRAPH <{_RELABEL}> {{ ?s <{_RELABEL}> <{_RELABEL}> }}"
    documents = f"FILTER(?g != <{_RELABEL}>{f' && ?g != {iri_term(merged)}' if merged else ''})"
    names = f"GRAPH <{_RELABEL}> {{ ?s {_PREF} ?l }}"  # the names to choose from, gathered first
    # Sorts as the rule above: a name in capitals after the others, then by code point.
    rank = 'CONCAT(IF(UCASE(?l) = ?l && LCASE(?l) != ?l, "1", "0"), "|", STR(?l))'
    return (f"INSERT {{ {names} }} WHERE {{ {marked} {{ {into(f'?s {_PREF} ?l')} }} UNION "
            f"{{ {into(f'?s {_ALT} ?l')} }} FILTER EXISTS {{ GRAPH ?g {{ ?s {_PREF} ?l }} {documents} }} }} ;\n"
            f"DELETE {{ {into(f'?s {_PREF} ?l')} }} WHERE {{ {marked} {into(f'?s {_PREF} ?l')} }} ;\n"
            f"DELETE {{ {into(f'?s {_ALT} ?l')} }} WHERE {{ {marked} {into(f'?s {_ALT} ?l')} "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s {_ALT} ?l }} {documents} }} }} ;\n"
            f"INSERT {{ {into(f'?s {_PREF} ?best')} }} WHERE {{ "
            f"{{ SELECT ?s (MIN({rank}) AS ?first) WHERE {{ {names} }} GROUP BY ?s }} "
            f'BIND(STRAFTER(?first, "|") AS ?best) }} ;\n'
            f"INSERT {{ {into(f'?s {_ALT} ?l')} }} WHERE {{ {names} {into(f'?s {_PREF} ?best')} "
            f"FILTER(?l != ?best) }} ;\n"
            f"DROP SILENT GRAPH <{_RELABEL}>")


def graph_update(docs: dict[str, list[Triple]], merged: str | None = None) -> str:
    """One SPARQL Update that replaces each document's graph with its triples.

    Besides the named graph per document, the default graph (or the named graph ``merged``, on
    engines without a writable default graph) holds the merged, duplicate-free union of all
    documents: queries read it directly, so an entity described in a thousand documents is still one
    row per fact (a union view of the named graphs would repeat it a thousand times). Where
    documents name an entity differently, the merged graph still gives it one prefLabel (see
    :func:`_relabel`).
    """
    parts = []
    for doc, triples in docs.items():
        body = " .\n".join(f"{s} {p} {o}" for (s, p, o) in triples)
        into = f"GRAPH {iri_term(merged)} {{\n{body}\n}}" if merged else f"\n{body}\n"
        parts.append(f"{_mark(doc)} ;\n{_forget(doc, merged)} ;\n"
                     f"INSERT DATA {{ GRAPH {iri_term(doc)} {{\n{body}\n}} }} ;\n"
                     f"INSERT DATA {{{into}}} ;\n{_mark(doc)}")
    return " ;\n".join([*parts, _relabel(merged)])


def remove_update(doc: str, merged: str | None = None) -> str:
    """One SPARQL Update that removes a document's graph and its share of the merged graph."""
    return f"{_mark(doc)} ;\n{_forget(doc, merged)} ;\n{_relabel(merged)}"


class Store(Protocol):
    """What every store offers the rest of treatykg."""

    def replace_documents(self, docs: dict[str, list[Triple]]) -> None: ...
    def remove_document(self, doc_iri: str) -> bool: ...
    def documents(self) -> list[str]: ...
    def query(self, sparql: str): ...
    def dump(self, fmt: str, union: bool = False) -> bytes: ...
    def close(self) -> None: ...


class OxigraphStore:
    """Embedded persistent store (pyoxigraph on RocksDB), or in memory when ``path`` is None.

    :param allow_service: let queries use SERVICE, which makes this machine fetch from other servers.
    :param timeout: stop each query after this many seconds (None or 0: no limit); only for a store on
        disk opened read-only, since the queries then run in worker processes (see :class:`QueryWorkers`).
    """

    def __init__(self, path: str | os.PathLike | None, read_only: bool = False, *,
                 allow_service: bool = False, timeout: float | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.allow_service = allow_service
        self.read_only = read_only
        if timeout and (self.path is None or not read_only):
            raise ValueError("a query time limit needs a store on disk opened read-only")
        self._workers = QueryWorkers(self.path, timeout) if timeout and self.path is not None else None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError(f"no store at {self.path} (run 'treatykg ingest' or 'build' first)")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as exc:  # RocksDB reports a corrupt store as RuntimeError
            raise StoreError(f"cannot open store {self.path}: {_one_line(exc)}") from None

    def replace_documents(self, docs: dict[str, list[Triple]]) -> None:
        """Replace each document's graph with the given triples.

        The whole batch is one SPARQL Update, which Oxigraph applies as one transaction:
        after a crash every document is either fully in or as it was before.
        """
        if not docs:
            return
        try:
            self._store.update(graph_update(docs))
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"cannot write to store {self.path}: {_one_line(exc)}") from None

    def remove_document(self, doc_iri: str) -> bool:
        update = remove_update(doc_iri)  # refuses what is not an IRI
        if not self._store.contains_named_graph(ox.NamedNode(doc_iri)):
            return False
        self._store.update(update)
        return True

    def documents(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def query(self, sparql: str):
        """Run a read-only query over the union of the document graphs."""
        text = check_query(sparql, allow_service=self.allow_service)
        if self._workers is not None:
            return self._workers.query(text)
        try:
            return self._store.query(text)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {relines(_one_line(exc))}") from None
        except OSError as exc:
            raise StoreError(f"query failed: {_one_line(exc)}") from None

    def __len__(self) -> int:
        """Quads in the document graphs (the merged default graph is not counted)."""
        return len(self._store) - sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.DefaultGraph()))

    def dump(self, fmt: str, union: bool = False) -> bytes:
        """Serialise the store: a dataset format keeps graph names, a graph format merges them."""
        rdf_format = RDF_FORMATS[fmt]
        prefixes = dict(PREFIXES) if fmt in {"turtle", "trig"} else None
        if fmt in DATASET_FORMATS and not union:
            # Named graphs only: the merged default graph is derived from them.
            quads = (q for g in self._store.named_graphs() for q in self._store.quads_for_pattern(None, None, None, g))
            return ox.serialize(quads, format=rdf_format, prefixes=prefixes)
        return self._store.dump(format=rdf_format, prefixes=prefixes, from_graph=ox.DefaultGraph())

    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()
        if self.read_only:
            return  # nothing to flush, and pyoxigraph refuses to flush a read-only store
        try:
            self._store.flush()
        except OSError:
            pass


# Frames between a query worker and treatykg: one byte of kind, four of length, the payload.
_FRAME = struct.Struct("!cI")
_REQUEST = struct.Struct("!dI")  # time limit in seconds, length of the query text
_SOLUTIONS, _TRIPLES, _DATA, _END, _SYNTAX, _FAILED = b"J", b"N", b"D", b"E", b"S", b"F"


class QueryWorkers:
    """Queries on a store on disk, each in a worker process with a time limit.

    pyoxigraph cannot interrupt a query, and a thread cannot be stopped, but a process can: each worker
    opens the store read-only (so a stopped query leaves the store as it was) and ends itself with
    SIGALRM at the limit, whose default action ends a process even inside pyoxigraph's native code, and
    even when treatykg itself is gone. Answers stream back as SPARQL JSON results or N-Triples, parsed
    as they arrive, in 8 KiB chunks; the limit counts the worker's time, not the time treatykg takes
    to read the rows. A worker serves one query at a time and is reused, so a command that runs
    several queries starts one process, not one per query.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._idle: list[subprocess.Popen] = []
        self._busy: set[subprocess.Popen] = set()

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]:
        """Run ``sparql`` (prefixes included) in a worker; the answer is what ``pyoxigraph.Store.query``
        gives. A query past the limit raises :class:`TimeLimitError`, now or while its answer is read."""
        worker = self._take()
        text = sparql.encode("utf-8")
        try:
            worker.stdin.write(_REQUEST.pack(self.timeout, len(text)) + text)
            worker.stdin.flush()
        except OSError:
            pass  # the worker has ended: reading its answer says why
        answer = _Answer(self, worker)
        kind = answer.start()
        if kind == _TRIPLES:
            return (quad.triple for quad in ox.parse(answer, format=ox.RdfFormat.N_TRIPLES))
        result = ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)
        if isinstance(result, ox.QueryBoolean):
            answer.finish()  # a boolean is parsed without reading to the end of the answer
        return result

    def _take(self) -> subprocess.Popen:
        while self._idle:
            worker = self._idle.pop()
            if worker.poll() is None:
                self._busy.add(worker)
                return worker
        # The child imports this very package, wherever it was imported from here.
        root = str(Path(__file__).resolve().parent.parent)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH")))))
        worker = subprocess.Popen(
            [sys.executable, "-c", f"from {__name__} import serve_queries; serve_queries()", str(self.path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        self._busy.add(worker)
        return worker

    def release(self, worker: subprocess.Popen) -> None:
        """Take back a worker that has sent its whole answer."""
        self._busy.discard(worker)
        if worker.poll() is None:
            self._idle.append(worker)

    def stop(self, worker: subprocess.Popen) -> None:
        """End a worker whose answer will not be read to its end."""
        self._busy.discard(worker)
        if worker.poll() is None:
            worker.kill()
        worker.wait()
        for pipe in (worker.stdin, worker.stdout, worker.stderr):
            pipe.close()

    def failure(self, worker: subprocess.Popen) -> Exception:
        """Why a worker ended before its answer did."""
        status = worker.wait()
        message = worker.stderr.read().decode("utf-8", "replace").strip().splitlines()
        self.stop(worker)
        if status == -signal.SIGALRM:
            return TimeLimitError(f"the query was stopped at its time limit of {self.timeout:g} s "
                                  "(give a longer --timeout, or 0 for none)")
        return StoreError(f"query on {self.path} failed (status {status})"
                          + (f": {message[-1]}" if message else ""))

    def close(self) -> None:
        for worker in [*self._idle, *self._busy]:
            self.stop(worker)
        self._idle.clear()


class _Answer:
    """A worker's answer as a binary file for pyoxigraph's parsers."""

    def __init__(self, workers: QueryWorkers, worker: subprocess.Popen) -> None:
        self._workers, self._worker = workers, worker
        self._buffer = bytearray()
        self._done = False

    def _frame(self) -> tuple[bytes, bytes]:
        head = self._worker.stdout.read(_FRAME.size)
        if len(head) < _FRAME.size:
            self._done = True
            raise self._workers.failure(self._worker)
        kind, size = _FRAME.unpack(head)
        return kind, self._worker.stdout.read(size)

    def start(self) -> bytes:
        """The kind of answer; a query the engine refuses raises here."""
        kind, payload = self._frame()
        if kind in (_SYNTAX, _FAILED):
            self._done = True
            self._workers.release(self._worker)
            message = payload.decode("utf-8", "replace")
            if kind == _SYNTAX:
                raise QueryError(f"SPARQL syntax error: {relines(message)}")
            raise StoreError(f"query failed: {message}")
        return kind

    def read(self, size: int = -1) -> bytes:
        while not self._buffer and not self._done:
            kind, payload = self._frame()
            if kind == _DATA:
                self._buffer += payload
            else:
                self._done = True
                self._workers.release(self._worker)
                if kind == _FAILED:
                    raise StoreError(f"query failed: {payload.decode('utf-8', 'replace')}")
        size = len(self._buffer) if size is None or size < 0 else size
        out = bytes(self._buffer[:size])
        del self._buffer[:size]
        return out

    def finish(self) -> None:
        while self.read():
            pass

    def __del__(self) -> None:
        if not self._done:
            self._workers.stop(self._worker)


def serve_queries() -> None:
    """A query worker's main loop (see :class:`QueryWorkers`): the store's path is its argument, requests
    come on stdin, answers go to stdout."""
    store = ox.Store.read_only(sys.argv[1])
    requests, out = sys.stdin.buffer, sys.stdout.buffer

    def send(kind: bytes, payload: bytes = b"") -> None:
        out.write(_FRAME.pack(kind, len(payload)) + payload)

    class Writer:
        """Where pyoxigraph serialises an answer, 8 KiB at a time: each chunk goes to treatykg as it is
        made, so the rows stream through the worker and no side holds the whole answer."""

        def write(self, data: bytes) -> int:
            # The clock stops while a chunk waits in a full pipe: the time the reader takes to print
            # or page through rows it has (`| less`) is not the query's.
            left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
            send(_DATA, bytes(data))
            out.flush()
            if left:
                signal.setitimer(signal.ITIMER_REAL, left)
            return len(data)

        def flush(self) -> None:
            out.flush()

    while len(head := requests.read(_REQUEST.size)) == _REQUEST.size:
        limit, size = _REQUEST.unpack(head)
        text = requests.read(size).decode("utf-8")
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            result = store.query(text)
            if isinstance(result, ox.QueryTriples):
                send(_TRIPLES)
                result.serialize(Writer(), format=ox.RdfFormat.N_TRIPLES)
            else:
                send(_SOLUTIONS)
                result.serialize(Writer(), format=ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            signal.setitimer(signal.ITIMER_REAL, 0)
            send(_SYNTAX, _one_line(exc).encode("utf-8"))
        except Exception as exc:  # the store could not be read: reported, and the worker serves on
            signal.setitimer(signal.ITIMER_REAL, 0)
            send(_FAILED, f"{type(exc).__name__}: {_one_line(exc)}".encode())
        else:
            # The clock stops before the end is sent: an answer cut off by the limit is never taken
            # for a whole one.
            signal.setitimer(signal.ITIMER_REAL, 0)
            send(_END)
        out.flush()


def relines(message: str) -> str:
    """Make a position in an engine's message ("error at 11:18", "line 11") count lines of the user's
    query rather than of the prefixes treatykg prepends to it."""
    def shift(m: re.Match) -> str:
        line = int(m.group(2))
        return m.group(1) + str(line - _PREFIX_LINES if line > _PREFIX_LINES else line)

    return re.sub(r"(\berror at |\bline )(\d+)", shift, message, count=1, flags=re.IGNORECASE)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def open_store(location: str | os.PathLike | None = None, read_only: bool = False, *,
               allow_service: bool = False, timeout: float | None = None) -> Store:
    """Open the store at ``location``: a path (embedded Oxigraph) or an http(s) SPARQL endpoint.

    Without a location, ``$TREATYKG_STORE`` or ``.treatykg/store`` is used. ``allow_service`` lets
    queries on the embedded store use SERVICE; a remote server applies its own policy to SERVICE.
    ``timeout``: seconds for each query on the embedded store (opened read-only), and for each request,
    retries included, to a remote one; 0 is no limit, None the store's default (embedded: no limit,
    remote: ``HttpStore``'s).
    """
    location = str(location or os.environ.get(STORE_ENV) or DEFAULT_STORE)
    # "http://…" or "PRESET+http://…" (for example "fuseki+https://host/ds") is a SPARQL server.
    if re.match(r"^(?:[a-z]+\+)?https?://", location, re.I):
        from .remote import HttpStore

        return HttpStore(location, read_only=read_only,
                         **({} if timeout is None else {"timeout": timeout or None}))
    return OxigraphStore(location, read_only=read_only, allow_service=allow_service, timeout=timeout)
