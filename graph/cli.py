"""treatykg command line: a thin layer over the library (each command is one or two calls)."""

from __future__ import annotations

import os
import sys
from datetime import date

import click

from .errors import TimeLimitError, TreatyKGError
from .terminal import shown

STORE_HELP = "Store: a folder (embedded Oxigraph) or an http(s) SPARQL endpoint [env TREATYKG_STORE; " \
             "default .treatykg/store]."


def _say(text: str, err: bool = False) -> None:
    """Print human-readable text that may quote documents, line by line, through :func:`shown`, so
    that nothing a document holds acts on the terminal. (Machine formats are printed as they are.)"""
    for line in text.split("\n"):
        click.echo(shown(line.expandtabs(4)), err=err)


class _Group(click.Group):
    """Turns every treatykg error into one line on stderr and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TimeLimitError as exc:
            # Its own status, so that scripts can tell "too slow" from "wrong".
            error = click.ClickException(shown(exc))
            error.exit_code = 3
            raise error from None
        except TreatyKGError as exc:
            raise click.ClickException(shown(exc)) from None
        except BrokenPipeError:
            # The reader (head, less) has gone: stop quietly, the way a shell pipeline expects; stdout is
            # pointed at /dev/null so that the final flush at exit does not report the pipe again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except KeyboardInterrupt:
            click.echo("interrupted; every document written so far is complete", err=True)
            sys.exit(130)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug must still not dump a traceback on users
            if os.environ.get("TREATYKG_DEBUG"):
                raise
            raise click.ClickException(f"internal error: {type(exc).__name__}: {shown(exc)} "
                                       "(set TREATYKG_DEBUG=1 for a traceback)") from None


store_option = click.option("--store", "store_location", envvar="TREATYKG_STORE", default=None,
                            metavar="PATH|URL", help=STORE_HELP)
timeout_option = click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0),
                              metavar="SECONDS",
                              help="Stop a query (on a SPARQL server: a request, retries included) after "
                                   "this long, with exit status 3; 0 for no limit.")


def _open(location: str | None, read_only: bool = False, **options):
    from .store import open_store

    return open_store(location, read_only=read_only, **options)


def _published(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not an ISO date (YYYY-MM-DD): {value}") from None


@click.group(cls=_Group)
@click.version_option(package_name="treatykg")
def cli() -> None:
    """treatykg: a knowledge graph of treaties and their clauses, read from the news.

    \b
    Example:
        treatykg build seeds --out out
        treatykg query --name signatures
        treatykg render -o putin.png --focus Putin --depth 1
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@store_option
@click.option("--published", help="Publication date (YYYY-MM-DD) for documents without a sidecar.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Parallel parsers.")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Parse on a Dask cluster: a scheduler (tcp://host:8786) or local:N for N local workers.")
def build(paths, out_dir, store_location, published, workers, dask_address) -> None:
    """Ingest documents, then write OUT/graph.ttl, OUT/graph.trig and OUT/graph.png and print a summary.

    \b
    Example:
        treatykg build seeds --out out
    """
    from .build import build as run_build

    result = run_build(paths, out_dir, _open(store_location), published=_published(published), workers=workers,
                       dask=dask_address)
    for err in result.report.errors:
        click.echo(f"skipped: {shown(err)}", err=True)
    _say("\n".join(result.lines()))
    if result.report.errors:
        sys.exit(1)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_option
@click.option("--published", help="Publication date (YYYY-MM-DD) for documents without a sidecar.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Parallel parsers.")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Parse on a Dask cluster: a scheduler (tcp://host:8786) or local:N for N local workers.")
def ingest(paths, store_location, published, workers, dask_address) -> None:
    """Add documents (.txt/.md, .html, .jsonl dumps, RSS/Atom feeds; files or folders); re-ingesting replaces.

    \b
    Example:
        treatykg ingest news/2024/ --workers 2
        treatykg ingest news/ --dask tcp://scheduler:8786
    """
    from .pipeline import ingest as run_ingest

    if dask_address:
        from .distributed import ingest_dask

        report = ingest_dask(paths, _open(store_location), dask_address, published=_published(published))
    else:
        report = run_ingest(paths, _open(store_location), published=_published(published), workers=workers)
    for err in report.errors:
        click.echo(f"skipped: {shown(err)}", err=True)
    click.echo(report.summary())
    if report.errors:
        sys.exit(1)


@cli.command()
@click.argument("document")
@store_option
def remove(document, store_location) -> None:
    """Remove one document and every fact read from it: by its sidecar id or url, its path relative to
    the folder it was ingested from, or its IRI.

    \b
    Example:
        treatykg remove 2024/004_794aa6125397d129.txt
    """
    from .pipeline import remove as run_remove

    _say(f"removed {run_remove(_open(store_location), document)}")


@cli.command()
@store_option
def stats(store_location) -> None:
    """Print documents, entities by class and facts by relation.

    \b
    Example:
        treatykg stats --store .treatykg/store
    """
    from .summary import stats as run_stats

    _say("\n".join(run_stats(_open(store_location, read_only=True)).lines()))


@cli.command()
@click.argument("sparql", required=False)
@click.option("--file", "file_", type=click.Path(), help="Read the query from a file.")
@click.option("--name", help="Run a named query from the catalogue (see --list).")
@click.option("--param", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to a string value; a named query's name= finds an entity as render --focus does.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "turtle", "ntriples", "jsonld"]),
              default="table", help="Tables: table, csv, tsv, json; CONSTRUCT/DESCRIBE: turtle, ntriples, jsonld.",
              show_default=True)
@click.option("--list", "list_", is_flag=True, help="List the named queries.")
@click.option("--allow-service", is_flag=True,
              help="Let the query use SERVICE, which fetches from other servers (embedded store only; "
                   "a SPARQL server decides for itself).")
@click.option("--limit", type=click.IntRange(min=0), metavar="N",
              help="At most N rows (applied in the query, so the engine stops early).")
@click.option("--offset", default=0, type=click.IntRange(min=0), metavar="N", help="Skip the first N rows.")
@click.option("--max-rows", default=1000, show_default=True, type=click.IntRange(min=0), metavar="N",
              help="Most rows the table format shows, 0 for all (csv, tsv and json stream every row).")
@timeout_option
@store_option
def query(sparql, file_, name, param, fmt, list_, allow_service, limit, offset, max_rows, timeout,
          store_location) -> None:
    """Run a read-only SPARQL query over all documents (prefixes tkg:, skos:, prov:, nif:, … are predefined).

    \b
    Example:
        treatykg query 'SELECT ?t WHERE { ?t a tkg:Treaty }'
        treatykg query --name neighbourhood --param name=Putin --format csv
        treatykg query --name evidence --format csv --limit 100 --offset 200
    """
    from .query import bind_params, catalogue, entity_params, load_query, stream_query, window, write_result

    if list_:
        for q in catalogue().values():
            _say(f"{q.name:14} {q.description}")
        return
    text = load_query(sparql, file_, name)
    params: dict[str, str] = {}
    for p in param:
        key, sep, value = p.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {p!r}", param_hint="--param")
        params[key] = value
    if name:
        missing = [p for p in catalogue()[name].params if p not in params]
        if missing:
            raise click.UsageError(f"query {name!r} needs --param {missing[0]}=VALUE")
    store = _open(store_location, read_only=True, allow_service=allow_service, timeout=timeout)
    if name:
        params = entity_params(store, name, params)
    result = stream_query(store, window(bind_params(text, params), limit, offset))
    if write_result(result, fmt, sys.stdout, max_rows or None):
        click.echo(f"the table shows the first {max_rows} rows: give --max-rows 0 for all, --offset for the "
                   "next ones, or --format csv to stream them", err=True)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "trig", "nquads", "ntriples", "jsonld", "graphml",
                                                     "rdfxml"]),
              help="Default: from the -o extension (.ttl .trig .nq .nt .jsonld .rdf .graphml); turtle on stdout.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to a file instead of stdout.")
@store_option
def export(fmt, output, store_location) -> None:
    """Export the graph (TriG, N-Quads and JSON-LD keep one named graph per document).

    \b
    Example:
        treatykg export -o graph.trig
        treatykg export --format ntriples > graph.nt
    """
    from .export import export as run_export
    from .export import export_format, export_to

    fmt = export_format(fmt, output)
    store = _open(store_location, read_only=True)
    if output:
        export_to(store, fmt, output)
        _say(f"wrote {output}", err=True)
    else:
        click.echo(run_export(store, fmt).decode("utf-8"), nl=False)


@cli.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write: .png, .svg, .pdf, or .html for an interactive page.")
@click.option("--focus", help="Centre on an entity (any of its names).")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(0, 10), help="Hops around --focus.")
@click.option("--relation", "relations", multiple=True, help="Only these relations (repeatable).")
@click.option("--max-nodes", default=150, show_default=True, type=click.IntRange(1, 5000))
@timeout_option
@store_option
def render(output, focus, depth, relations, max_nodes, timeout, store_location) -> None:
    """Draw the entity graph (PNG, SVG or PDF by the -o extension; .html: an interactive page), coloured by
    class, with labelled edges.

    \b
    Example:
        treatykg render -o putin.png --focus Putin --depth 1
        treatykg render -o putin.html --focus Putin --depth 2
        treatykg render -o treaties.png --relation signed --relation partyTo
    """
    from .render import render as run_render

    result = run_render(_open(store_location, read_only=True, timeout=timeout), output, focus=focus, depth=depth,
                        relations=list(relations) or None, max_nodes=max_nodes)
    if result.message:
        _say(result.message, err=True)
    _say(f"wrote {output} ({result.nodes} nodes, {result.edges} edges)")


@cli.command()
@click.argument("file", required=False, type=click.Path())
@store_option
def validate(file, store_location) -> None:
    """Check the store (or an RDF FILE) against the SHACL shapes: exit 0 conforms, 1 does not, 2 error.

    \b
    Example:
        treatykg validate
        treatykg validate out/graph.ttl
    """
    from .validate import validate_file, validate_store

    try:
        report = validate_file(file) if file else validate_store(_open(store_location, read_only=True))
    except TreatyKGError as exc:
        click.echo(f"Error: {shown(exc)}", err=True)
        sys.exit(2)
    if report.conforms:
        click.echo("conforms")
        return
    _say(report.text)
    click.echo(f"does not conform: {report.violations} violation(s)", err=True)
    sys.exit(1)


@cli.command()
@click.argument("treaty")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="File to write: .png, .svg or .pdf.")
@timeout_option
@store_option
def timeline(treaty, output, timeout, store_location) -> None:
    """Draw a treaty's life (signature, ratifications, entry into force, …, invocations) per party, people
    under their state, and list its sources.

    \b
    Example:
        treatykg timeline "New START" -o new-start.png
    """
    from .timeline import timeline as run_timeline

    result = run_timeline(_open(store_location, read_only=True, timeout=timeout), treaty, output)
    for p in result.points:
        _say("  ".join(p.cells()))
    _say(f"wrote {output} ({len(result.points)} dated points)")


@cli.command()
@timeout_option
@store_option
def check(timeout, store_location) -> None:
    """Find contradictions across sources: conflicting dates, impossible orders, asserted-vs-denied facts.

    Exit 1 when anything is found.

    \b
    Example:
        treatykg check
    """
    from .check import check as run_check

    findings = run_check(_open(store_location, read_only=True, timeout=timeout))
    for f in findings:
        _say("\n".join(f.lines()))
    click.echo(f"{len(findings)} finding(s)")
    if findings:
        sys.exit(1)


@cli.command()
@click.argument("gold", type=click.Path())
@click.argument("graphs", nargs=-1, type=click.Path())
@click.option("--show-errors", is_flag=True, help="List missed, wrong and split entities and facts.")
@click.option("--json", "as_json", is_flag=True, help="Print every count and error as JSON.")
@store_option
def evaluate(gold, graphs, show_errors, as_json, store_location) -> None:
    """Score GRAPH files (or the store, when none is given) against a GOLD annotation file.

    \b
    Example:
        treatykg evaluate gold.json out/graph.trig --show-errors
    """
    import json

    from .evaluate import evaluate_files, evaluate_store

    result = evaluate_files(gold, graphs) if graphs else evaluate_store(gold, _open(store_location, read_only=True))
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        _say("\n".join(result.lines(show_errors)))


def main() -> None:
    cli(prog_name="treatykg")


if __name__ == "__main__":
    main()
