"""Queries: run SPARQL (text, file or a named query from the catalogue) and format the results."""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from .errors import QueryError
from .namespaces import PREFIXES, compact_iri
from .resources import queries_dir
from .store import Store, parse_query
from .terminal import shown


@dataclass
class NamedQuery:
    name: str
    description: str
    text: str
    params: tuple[str, ...] = ()  # variables the query expects to be bound ("# param: name" lines)


def catalogue() -> dict[str, NamedQuery]:
    """The named queries shipped in ``ontology/queries``: file stem -> query."""
    out = {}
    for path in sorted(queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = text.splitlines()[0] if text else ""
        params = tuple(re.findall(r"^#\s*param:\s*(\w+)", text, re.MULTILINE))
        out[path.stem] = NamedQuery(path.stem, first.lstrip("# ").strip(), text, params)
    return out


def named_query(name: str) -> str:
    queries = catalogue()
    if name not in queries:
        raise QueryError(f"no query named {name!r}; known: {', '.join(queries)}")
    return queries[name].text


def entity_params(store: Store, query_name: str, params: dict[str, str]) -> dict[str, str]:
    """``params`` for a named query, with ``name`` (an entity's name) resolved as ``render --focus`` resolves
    it (any label, any case, a surname alone for the one person it names) and replaced by that entity's
    prefLabel, which the query's own label match then finds. UnknownEntityError when no entity has it."""
    if "name" not in params or "name" not in catalogue()[query_name].params:
        return params
    from .names import find_in_store

    return {**params, "name": find_in_store(store, params["name"]).label}


def bind_params(sparql: str, params: dict[str, str]) -> str:
    """Bind ``?var`` to string values with a VALUES block at the start of the WHERE clause.

    Inside the group, the binding is visible to every FILTER (a trailing VALUES clause would be
    joined only after the filters ran), and any SPARQL engine understands it.
    """
    if not params:
        return sparql
    block = ""
    for key, value in params.items():
        if not re.fullmatch(r"[A-Za-z_]\w*", key):
            raise QueryError(f"bad parameter name {key!r}")
        block += f" VALUES ?{key} {{ {json.dumps(value, ensure_ascii=False)} }}"
    m = re.search(r"\bWHERE\s*\{|\{", re.sub(r"#[^\n]*", lambda c: " " * len(c.group(0)), sparql),
                  re.IGNORECASE)
    if m is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return sparql[:m.end()] + block + sparql[m.end():]


def load_query(text: str | None = None, file: str | Path | None = None, name: str | None = None) -> str:
    """The query text from exactly one of text, file or catalogue name."""
    given = [x for x in (text, file, name) if x is not None]
    if len(given) != 1:
        raise QueryError("give exactly one of: a SPARQL query, --file FILE or --name NAME")
    if file:
        try:
            return Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read query file {file}: {exc}") from None
    if name:
        return named_query(name)
    return text or ""  # an empty query is refused by the store with its own message


# The tokens of a query that matter for finding its outermost LIMIT and OFFSET: comments, strings and
# IRIs are skipped whole (a "LIMIT" inside them is text), brackets are counted, words kept whole.
_TOKEN = re.compile(r"""
    \#[^\n]*
  | '\'\'(?:[^'\\]|\\.|'(?!''))*'\'\' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n]|\\.)*' | "(?:[^"\\\n]|\\.)*"
  | <[^<>"{}|^`\\\x00-\x20]*>
  | [?$@]?[\w.:%-]+
  | \S
""", re.VERBOSE)


def window(sparql: str, limit: int | None = None, offset: int = 0) -> str:
    """The query with its answer cut to at most ``limit`` rows after the first ``offset``, written in the
    query itself so that the engine stops early (embedded, worker or remote store alike).

    A LIMIT or OFFSET the query already has is combined with the window, not replaced: the rows are
    those of the query's own window that fall within the requested one, so the smaller window wins.
    """
    if limit is None and not offset:
        return sparql
    if (limit is not None and limit < 0) or offset < 0:
        raise QueryError("--limit and --offset must not be negative")
    query = parse_query(sparql)[1]
    modifier = query.get("limitoffset") if "limitoffset" in query else None
    own_limit = int(modifier["limit"]) if modifier is not None and "limit" in modifier else None
    own_offset = int(modifier["offset"]) if modifier is not None and "offset" in modifier else 0
    # Where the outermost solution modifier stands: LIMIT and OFFSET outside every bracket (a
    # sub-query's are inside its braces), and a trailing VALUES clause, which comes after them.
    depth, found, values_at = 0, {}, None
    tokens = list(_TOKEN.finditer(sparql))
    for i, tok in enumerate(tokens):
        word = tok.group()
        if word in ("{", "("):
            depth += 1
        elif word in ("}", ")"):
            depth -= 1
        elif depth == 0 and word.upper() in ("LIMIT", "OFFSET") and i + 1 < len(tokens):
            found[word.upper()] = (tok.start(), tokens[i + 1].end(), tokens[i + 1].group())
        elif depth == 0 and word.upper() == "VALUES" and values_at is None:
            values_at = tok.start()
    # The parser's reading is the truth; the scan must agree with it before the text is edited.
    seen = {k: int(v[2]) if v[2].isdigit() else -1 for k, v in found.items()}
    if (seen.get("LIMIT"), seen.get("OFFSET", 0)) != (own_limit, own_offset):
        raise QueryError("cannot apply --limit/--offset to this query: give LIMIT and OFFSET in it instead")
    new_offset = own_offset + offset
    bounds = [n for n in (limit, None if own_limit is None else max(own_limit - offset, 0)) if n is not None]
    clause = (f" LIMIT {min(bounds)}" if bounds else "") + (f" OFFSET {new_offset}" if new_offset else "")
    spans = sorted(found.values())
    at = spans[0][0] if spans else values_at if values_at is not None else len(sparql)
    text = sparql
    for start, end, _ in reversed(spans):
        text = text[:start] + text[end:]
    # On a line of its own: the query may end with a comment.
    return text[:at] + ("\n" if at == len(text) else "") + clause.lstrip() + " " + text[at:]


@dataclass
class Result:
    """A query result: a table (variables and rows), a boolean, or triples.

    From :func:`run_query` the rows and triples are lists; from :func:`stream_query` they are
    iterators that the engine fills as it goes, to be read once.
    """

    variables: list[str] | None = None
    rows: Iterable[list[object]] | None = None
    boolean: bool | None = None
    triples: Iterable[ox.Triple] | None = None


def stream_query(store: Store, sparql: str) -> Result:
    """Run a read-only query over the union of all documents, its rows read as the engine yields them.

    The embedded store yields each row as it is found, and a store with a time limit passes its worker's
    answer on in chunks of 8 KiB (see :class:`graph.store.QueryWorkers`); a SPARQL server's answer is
    received whole first (the request's time limit and retries cover the whole exchange), then read
    row by row.
    """
    raw = store.query(sparql)
    if isinstance(raw, ox.QueryBoolean) or isinstance(raw, bool):
        return Result(boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = [v.value for v in raw.variables]
        return Result(variables=variables, rows=([sol[v] for v in variables] for sol in raw))
    return Result(triples=raw)


def run_query(store: Store, sparql: str) -> Result:
    """Run a read-only query over the union of all documents; every row read into a list."""
    result = stream_query(store, sparql)
    if result.rows is not None:
        result.rows = list(result.rows)
    if result.triples is not None:
        result.triples = list(result.triples)
    return result


TABLE_FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
FORMATS = TABLE_FORMATS + tuple(GRAPH_FORMATS)


def term_text(term: object) -> str:
    """A term as a person reads it: IRIs and literals by value, unbound as empty."""
    if term is None:
        return ""
    if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return term.value
    return str(term)


def short_name(term: object) -> str:
    """A term for the table: IRIs as prefixed names (``tkg:signed``) where a project prefix fits."""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value) or term.value
    return term_text(term)


def format_result(result: Result, fmt: str = "table") -> str:
    """A result as text (see :func:`write_result`), without the final line break."""
    buf = io.StringIO()
    write_result(result, fmt, buf)
    return buf.getvalue()[:-1]


def write_result(result: Result, fmt: str, out: TextIO, max_rows: int | None = None) -> bool:
    """Write a result: a table as table, csv, tsv or json (SPARQL 1.1 JSON results); the triples of
    CONSTRUCT/DESCRIBE as turtle (the default, with the project's prefixes), ntriples or jsonld.

    csv, tsv and json write each row as it is read, so a long answer starts at once and is never held
    whole; the table is laid out from all its rows, at most ``max_rows`` of them (None: all). True when
    the table was cut there.
    """
    if result.boolean is not None:
        out.write((json.dumps({"head": {}, "boolean": result.boolean}) if fmt == "json"
                   else "true" if result.boolean else "false") + "\n")
        return False
    if result.triples is not None:
        out.write(_graph_text(list(result.triples), fmt) + "\n")
        return False
    if fmt in GRAPH_FORMATS:
        raise QueryError(f"--format {fmt} is for CONSTRUCT and DESCRIBE; a SELECT answers as "
                         f"{', '.join(TABLE_FORMATS)}")
    variables, rows = result.variables or [], iter(result.rows or ())
    if fmt == "json":
        out.write(f'{{"head": {{"vars": {json.dumps(variables, ensure_ascii=False)}}}, "results": {{"bindings": [')
        for i, row in enumerate(rows):
            binding = {v: _json_term(t) for v, t in zip(variables, row, strict=False) if t is not None}
            out.write((",\n" if i else "\n") + json.dumps(binding, ensure_ascii=False))
        out.write("\n]}}\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([term_text(t) for t in row])
    elif fmt == "tsv":
        # Plain values, one row a line: tabs and line breaks inside values become spaces.
        out.write("\t".join(variables) + "\n")
        for row in rows:
            out.write("\t".join(re.sub(r"[\t\r\n]+", " ", term_text(t)) for t in row) + "\n")
    else:
        first = list(itertools.islice(rows, max_rows))
        cut = max_rows is not None and next(rows, None) is not None
        out.write(_table(variables, [[short_name(t) for t in row] for row in first], cut) + "\n")
        return cut
    return False


def _graph_text(triples: list[ox.Triple], fmt: str) -> str:
    if fmt == "table":
        fmt = "turtle"
    if fmt not in GRAPH_FORMATS:
        raise QueryError(f"CONSTRUCT and DESCRIBE answer with triples: use --format "
                         f"{', '.join(GRAPH_FORMATS)}, not {fmt}")
    if fmt == "jsonld":
        from .export import compact_jsonld

        return compact_jsonld(ox.serialize(triples, format=ox.RdfFormat.JSON_LD)).decode()
    prefixes = dict(PREFIXES) if fmt == "turtle" else None
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes).decode()


def _json_term(t: object) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype and t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = t.datatype.value
        return out
    return {"type": "literal", "value": str(t)}


def _table(headers: list[str], rows: list[list[str]], cut: bool = False, width: int = 60) -> str:
    """Columns at most ``width`` wide; a longer value wraps onto the next lines of its row."""
    # Values are shown (escape sequences and controls made visible) before their widths are measured.
    cells = [[textwrap.wrap(shown(" ".join(c.split())), width, break_long_words=True, break_on_hyphens=False)
              or [""] for c in r] for r in rows]
    widths = [max([len(h)] + [len(line) for r in cells for line in r[i]]) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for r in cells:
        for k in range(max(len(c) for c in r) if r else 0):
            out.append("  ".join((c[k] if k < len(c) else "").ljust(w)
                                 for c, w in zip(r, widths, strict=False)).rstrip())
    more = ", more not shown" if cut else ""
    return "\n".join([*out, f"({len(rows)} row{'s' if len(rows) != 1 else ''}{more})"])
