"""The ``kg`` command: thin wrappers over the library functions.

Exit codes: 0 success / conforms, 1 a document does not conform, 2 usage or input error.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pyoxigraph as ox
import typer

from kg import __version__
from kg.errors import E_STORE_WRITE, StoreLockedError
from kg.rdf.namespaces import DEFAULT_BASE

if TYPE_CHECKING:
    from kg.remote import Remote

app = typer.Typer(
    help="unres-kg: UN resolutions in, a validated, queryable linked-data graph out.\n\n"
    "Typical use: `kg build FILES... --store ./store`, then `kg query`, `kg export`,\n"
    "`kg validate` and `kg serve`; `kg publish --endpoint URL` pushes the graph to a SPARQL 1.1 server.",
    no_args_is_help=True,
    add_completion=False,
)

StoreOpt = Annotated[Path, typer.Option("--store", "-s", help="Folder of the on-disk store.")]


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(StrEnum):
    nquads = "nquads"
    trig = "trig"
    turtle = "turtle"
    ntriples = "ntriples"
    jsonld = "jsonld"


def _err(msg: str) -> None:
    typer.secho(msg, err=True, fg=typer.colors.RED)


def _open(store: Path) -> ox.Store:
    """The store, read-only, or exit 2 with a clear message."""
    from kg.store import open_store

    if not store.is_dir() or not any(store.iterdir()):
        _err(f"no store at {store}; run `kg build` first")
        raise typer.Exit(2)
    try:
        return open_store(store, read_only=True)
    except StoreLockedError as exc:
        _err(str(exc))
        raise typer.Exit(2) from exc
    except (OSError, RuntimeError) as exc:
        _err(f"cannot open the store {store}: {exc}")
        raise typer.Exit(2) from exc


EndpointOpt = Annotated[
    str | None,
    typer.Option("--endpoint", "-e", help="SPARQL query URL of a server (e.g. http://host/sparql)."),
]
UpdateOpt = Annotated[
    str | None,
    typer.Option("--update-endpoint", help="SPARQL update URL, when not the query URL (Oxigraph: /update)."),
]
UserOpt = Annotated[
    str | None,
    typer.Option(
        "--user", help="User name; the password comes from $KG_PASSWORD or ~/.netrc, never from here."
    ),
]


class AuthScheme(StrEnum):
    basic = "basic"
    digest = "digest"


AuthOpt = Annotated[AuthScheme, typer.Option("--auth", help="HTTP authentication scheme (Virtuoso: digest).")]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Seconds to wait for each request.")]
RetriesOpt = Annotated[
    int, typer.Option("--retries", min=0, help="Retries of a transient failure, with backoff.")
]


def _remote(
    endpoint: str,
    update: str | None = None,
    graph_store: str | None = None,
    user: str | None = None,
    auth: AuthScheme = AuthScheme.basic,
    timeout: float = 60.0,
    retries: int = 4,
) -> Remote:
    from kg.remote import Endpoint, Remote, find_password

    password = find_password(update or endpoint, user) if user else None
    if user and password is None:
        _err(f"no password for {user}: set KG_PASSWORD or add the host to ~/.netrc")
        raise typer.Exit(2)
    return Remote(
        Endpoint(
            endpoint,
            update=update,
            graph_store=graph_store,
            user=user,
            password=password,
            auth=auth.value,
            timeout=timeout,
            retries=retries,
        )
    )


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unres-kg {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """unres-kg command line."""


@app.command()
def build(
    inputs: Annotated[
        list[Path], typer.Argument(help="Files or folders: OCR exports, text, JSON records, PDF.")
    ],
    store: StoreOpt = Path("store"),
    base: Annotated[str, typer.Option(help="Base IRI for minted resources (ends in '/').")] = DEFAULT_BASE,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no warnings.")] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Rebuild files even when their bytes and the pipeline are unchanged."),
    ] = False,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    user: UserOpt = None,
    auth: AuthOpt = AuthScheme.basic,
    timings: Annotated[
        Path | None,
        typer.Option(
            help="Write the CPU seconds each stage took (ingest, segment, tag, link, map, validate in "
            "the workers; plan and write in this process) to this JSON file, and print them."
        ),
    ] = None,
) -> None:
    """Build the graph of resolution texts into the store.

    Each document goes through ingest, segment, tag, link, map and SHACL validation; a
    document that conforms replaces its named graph whole (new graphs go in by bulk writes of
    whole files, existing ones are replaced in one transaction each), one that does not is
    reported and not written. Exit code: 2 if any input could not be read, else 1 if any
    document does not conform, else 0.

    With --endpoint, the graphs are written through that server's update endpoint instead
    (each file's graphs in one request). A store that `kg serve` is serving is rebuilt through
    its engine the same way, so readers see each graph old or new and never wait.
    """
    from kg.build import ERROR, INVALID, OK, SKIPPED
    from kg.build import build as run_build
    from kg.ingest import discover
    from kg.publish.server import running_engine
    from kg.remote import RemoteError

    files = discover(inputs)
    missing = [str(p) for p in inputs if not p.exists()]
    for m in missing:
        _err(f"[E107] {m}: no such file or folder")
    if not files:
        _err("no input files found (looked for .txt, .json and .pdf)")
        raise typer.Exit(2)
    problems: list[str] = []
    warnings: list[str] = []
    try:
        with typer.progressbar(
            length=len(files), label="building", file=sys.stderr, show_pos=True, hidden=quiet
        ) as bar:

            def plan(n: int) -> None:
                bar.length = n  # documents: a large file holding several resolutions counts each

            def step(d: object) -> None:
                from kg.build import DocResult

                assert isinstance(d, DocResult)
                problems.extend(d.messages)
                warnings.extend(d.warnings)
                bar.update(1)

            remote = _remote(endpoint, update_endpoint, None, user, auth) if endpoint else None
            engine = None if remote else running_engine(store)
            if engine:
                typer.echo(f"{store} is served by `kg serve`: building through its engine", err=True)
                remote = _remote(f"{engine}/query", f"{engine}/update")
            result = run_build(
                files,
                store=store,
                base=base,
                jobs=jobs,
                on_document=step,
                force=force,
                remote=remote,
                on_plan=plan,
            )
    except StoreLockedError as exc:
        _err(str(exc))
        raise typer.Exit(2) from exc
    except RemoteError as exc:
        _err(f"the server failed: {exc}")
        raise typer.Exit(2) from exc
    except OSError as exc:  # the store could not be opened or written: disk full, read-only folder
        _err(
            f"[{E_STORE_WRITE}] cannot write the store {store}: {exc}. Each file's graphs are written "
            "whole or not at all; make room and run `kg build` again: it skips the files already written"
        )
        raise typer.Exit(2) from exc
    for p in problems:
        _err(p)
    if not quiet:
        for w in warnings:
            typer.secho(f"warning: {w}", err=True, fg=typer.colors.YELLOW)
    typer.echo(
        f"{len(result.documents)} documents: {result.count(OK)} written, {result.count(SKIPPED)} unchanged, "
        f"{result.count(INVALID)} do not conform, {result.count(ERROR)} could not be read"
        + (f" ({len(missing)} missing inputs)" if missing else ""),
        err=True,
    )
    if timings:
        total = sum(result.seconds.values())
        typer.echo(
            "CPU seconds: "
            + ", ".join(f"{k} {v:.1f} ({100 * v / total:.0f} %)" for k, v in result.seconds.items())
            if total
            else "CPU seconds: nothing was built",
            err=True,
        )
        timings.write_text(
            json.dumps({"documents": len(result.documents), "cpu_seconds": result.seconds}, indent=1) + "\n",
            encoding="utf-8",
        )
    code = max(result.exit_code, 2 if missing else 0)
    raise typer.Exit(code)


def _read_query(text: str) -> str:
    if text.startswith("@"):
        name = text[1:]
        p = Path(name)
        if not p.exists():
            from importlib import resources

            packaged = resources.files("kg").joinpath(name)
            if packaged.is_file():
                return packaged.read_text(encoding="utf-8")
            _err(f"no query file {name}")
            raise typer.Exit(2)
        return p.read_text(encoding="utf-8")
    return text


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal | ox.NamedNode | ox.BlankNode):
        return term.value
    return str(term)


@app.command()
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL query, or @file.rq to read it from a file.")],
    store: StoreOpt = Path("store"),
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="Output format.")] = QueryFormat.table,
    endpoint: EndpointOpt = None,
    user: UserOpt = None,
    auth: AuthOpt = AuthScheme.basic,
    timeout: TimeoutOpt = 120.0,
) -> None:
    """Run a SPARQL query over the union of the store's named graphs, or on a server (--endpoint)."""
    from kg.store import query as run_query

    text = _read_query(sparql)
    if endpoint:
        variables, rows = _remote_query(_remote(endpoint, user=user, auth=auth, timeout=timeout), text)
    else:
        db = _open(store)
        try:
            result = run_query(db, text)
        except SyntaxError as exc:
            _err(f"SPARQL syntax error: {exc}")
            raise typer.Exit(2) from exc
        if isinstance(result, ox.QueryBoolean):
            typer.echo("true" if bool(result) else "false")
            return
        if isinstance(result, ox.QueryTriples):
            sys.stdout.buffer.write(ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"")
            return
        variables = [v.value for v in result.variables]
        rows = [[_cell(sol[v]) for v in variables] for sol in result]
    if fmt == QueryFormat.json:
        typer.echo(
            json.dumps([dict(zip(variables, r, strict=True)) for r in rows], ensure_ascii=False, indent=1)
        )
    elif fmt == QueryFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(variables)
        w.writerows(rows)
        typer.echo(buf.getvalue(), nl=False)
    else:
        widths = [min(60, max([len(v)] + [len(r[i]) for r in rows])) for i, v in enumerate(variables)]
        typer.echo("  ".join(v.ljust(widths[i]) for i, v in enumerate(variables)))
        typer.echo("  ".join("-" * w for w in widths))
        for r in rows:
            typer.echo("  ".join(c[:60].ljust(widths[i]) for i, c in enumerate(r)))
        typer.echo(f"({len(rows)} rows)", err=True)


_PROLOGUE = re.compile(r"(?:\s+|#[^\n]*\n|PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s*<[^>]*>)*", re.IGNORECASE)


def _query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue.

    >>> _query_form("PREFIX a: <http://x#> # note\\n CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    m = _PROLOGUE.match(text)
    rest = text[m.end() if m else 0 :]
    return rest.split(None, 1)[0].upper() if rest.strip() else ""


def _remote_query(remote: Remote, text: str) -> tuple[list[str], list[list[str]]]:
    """Variables and rows of a query on a server; ASK and CONSTRUCT results are printed here."""
    from kg.remote import RemoteError

    try:
        if _query_form(text) in ("CONSTRUCT", "DESCRIBE"):
            triples = ox.parse(remote.query(text, fmt="turtle"), format=ox.RdfFormat.TURTLE)
            sys.stdout.buffer.write(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
            raise typer.Exit(0)
        data = json.loads(remote.query(text))
    except RemoteError as exc:
        _err(f"{remote.endpoint.query}: {exc}")
        raise typer.Exit(2) from exc
    if "boolean" in data:
        typer.echo("true" if data["boolean"] else "false")
        raise typer.Exit(0)
    variables = list(data["head"]["vars"])
    rows = [[b.get(v, {}).get("value", "") for v in variables] for b in data["results"]["bindings"]]
    return variables, rows


@app.command()
def export(
    store: StoreOpt = Path("store"),
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="RDF format.")] = ExportFormat.nquads,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")] = Path("kg.nq"),
) -> None:
    """Write the whole graph to one file (quad formats keep the named graphs)."""
    from kg.store import export as run_export

    db = _open(store)
    try:
        n = run_export(db, output, fmt=fmt.value)
    except OSError as exc:
        _err(f"cannot write {output}: {exc}")
        raise typer.Exit(2) from exc
    typer.echo(f"wrote {n} statements to {output}", err=True)


@app.command()
def validate(store: StoreOpt = Path("store")) -> None:
    """Validate every resolution graph in the store against the SHACL shapes.

    Exit code 0 if everything conforms, 1 if not, 2 on error.
    """
    from kg.store import graph_quads, resolution_graphs
    from kg.validate import validate as run_validate

    db = _open(store)
    shared = [
        g for g in db.named_graphs() if isinstance(g, ox.NamedNode) and g.value.endswith("/graph/shared")
    ]
    shared_quads = graph_quads(db, shared[0]) if shared else []
    graphs = resolution_graphs(db)
    bad = 0
    with typer.progressbar(graphs, label="validating", file=sys.stderr) as bar:
        for g in bar:
            report = run_validate([*graph_quads(db, g), *shared_quads])
            if not report.conforms:
                bad += 1
                for v in report.violations:
                    _err(f"{g.value}: focus {v.focus} path {v.path or '-'}: {v.message or v.constraint}")
    typer.echo(f"{len(graphs)} graphs: {len(graphs) - bad} conform, {bad} do not", err=True)
    raise typer.Exit(1 if bad else 0)


@app.command()
def evaluate(
    inputs: Annotated[list[Path], typer.Argument(help="Input files or folders to build.")],
    gold: Annotated[Path, typer.Argument(help="Folder of *.gold.json files (../shared/gold/README.md).")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the full report as JSON here.")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes.")] = 1,
) -> None:
    """Build INPUTS in a temporary store and score them against gold files.

    Prints precision, recall and F1 per set field (citations, bodies, dates, states in votes,
    addressees, reporting deadlines), accuracy per scalar field, and every miss and extra by
    document. The graph is read through the contract's competency queries.
    """
    from kg.evaluate import evaluate as run_evaluate

    if not gold.is_dir():
        _err(f"no gold folder at {gold}")
        raise typer.Exit(2)
    report = run_evaluate(inputs, gold, jobs=jobs)
    for line in report.lines():
        typer.echo(line)
    for symbol, doc in report.documents.items():
        for name, diff in doc.items():
            if name == "wrong":
                for f, v in diff.items():
                    typer.echo(f"{symbol}: {f}: got {v['got']} gold {v['gold']}")
            else:
                if diff["missed"]:
                    typer.echo(f"{symbol}: {name}: missed {diff['missed']}")
                if diff["extra"]:
                    typer.echo(f"{symbol}: {name}: extra {diff['extra']}")
    if json_out:
        json_out.write_text(json.dumps(report.to_json(), indent=1, ensure_ascii=False), encoding="utf-8")
    typer.echo(
        "score " + " ".join(f"{k}={v}" for k, v in report.summary().items() if not k.startswith(("P_", "R_")))
    )


class NetworkFormat(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"
    json = "json"


@app.command()
def network(
    store: StoreOpt = Path("store"),
    endpoint: Annotated[
        str | None, typer.Option(help="Read from this SPARQL endpoint instead of the store.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the HTML report, figures and exports here.")
    ] = None,
    fmt: Annotated[
        NetworkFormat | None, typer.Option("--format", "-f", help="Write only the network, in this format.")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File for --format.")] = None,
    focus: Annotated[str | None, typer.Option(help="A document symbol to centre the report on.")] = None,
    depth: Annotated[int, typer.Option(min=1, max=4, help="Neighbourhood depth around --focus.")] = 1,
    write: Annotated[
        bool, typer.Option("--write", help="Replace the derived lineage graph (unres:follows) in the store.")
    ] = False,
    base: Annotated[
        str, typer.Option(help="Base IRI of the graph (for the derived graph's IRI).")
    ] = DEFAULT_BASE,
) -> None:
    """The citation network: who cites what, lineages, centrality, exports and plots.

    Built through SPARQL, so it works the same on the embedded store and on a remote endpoint.
    Without --out or --format, prints the most-cited documents and the lineage chains.
    """
    from kg.analysis import build_network, chains, follows
    from kg.analysis import export as export_network
    from kg.analysis.lineage import lineage_update
    from kg.rdf.iris import Minter
    from kg.store import open_store, select

    if endpoint:
        source: ox.Store | str = endpoint
    else:
        source = _open(store)
    net = build_network(lambda q: select(source, q))
    if focus and focus not in net.graph:
        _err(f"{focus} is not in the network")
        raise typer.Exit(2)
    if fmt:
        target = output or Path(f"citations.{fmt.value}")
        export_network(net, target, fmt=fmt.value)
        typer.echo(
            f"wrote {net.graph.number_of_nodes()} nodes and {net.graph.number_of_edges()} edges to {target}"
        )
    if out:
        from kg.analysis.report import make_report, write_report

        index = write_report(make_report(net, focus=focus, depth=depth), out)
        typer.echo(f"wrote the report to {index}")
    links = follows(net)
    if not fmt and not out:
        typer.echo(f"{net.graph.number_of_nodes()} documents, {net.graph.number_of_edges()} citations")
        typer.echo("most cited:")
        for n, d in net.most_cited(10):
            typer.echo(f"  {d:5d}  {n}")
        typer.echo("lineages:")
        for c in chains(links):
            typer.echo("  " + " -> ".join(c))
    if write:
        if endpoint:
            _err("--write replaces the derived graph in the store; use `kg publish` to carry it to a server")
            raise typer.Exit(2)
        del source
        iris = {n: d["iri"] for n, d in net.graph.nodes(data=True)}
        db = open_store(store)
        db.update(lineage_update(links, iris, Minter(base).derived_graph("lineages").value))
        db.flush()
        typer.echo(f"wrote {len(links)} unres:follows links to the derived lineage graph")


LicenceOpt = Annotated[
    str, typer.Option("--licence", help="IRI of the data's licence, stated in VoID (dcterms:license).")
]
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"


@app.command()
def serve(
    store: StoreOpt = Path("store"),
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    timeout: Annotated[int, typer.Option(help="Per-query timeout in seconds.")] = 30,
    base: Annotated[str, typer.Option(help="Base IRI of the resources, served at /{path}.")] = DEFAULT_BASE,
    licence: LicenceOpt = DEFAULT_LICENCE,
    max_rows: Annotated[
        int, typer.Option(help="Most rows a query returns; a cut result says so (X-Result-Truncated).")
    ] = 10000,
) -> None:
    """Serve the store: SPARQL 1.1 at /sparql, resource pages, VoID, the network report.

    Every resource IRI {base}{path} is served at /{path}, as HTML for people and Turtle, JSON-LD,
    N-Triples or RDF/XML by content negotiation (or ?format=ttl|jsonld|nt|rdf). /void and
    /.well-known/void describe the dataset. Oxigraph's own server runs on a private loopback
    port as the engine and holds the store; the public front answers queries only.
    """
    from kg.publish.server import run

    if not store.exists():
        _err(f"no store at {store}; run `kg build` first")
        raise typer.Exit(2)
    try:
        run(store, host=host, port=port, timeout=timeout, base=base, licence=licence, max_rows=max_rows)
    except StoreLockedError as exc:
        _err(str(exc))
        raise typer.Exit(2) from exc


@app.command()
def dump(
    store: StoreOpt = Path("store"),
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the dumps into.")] = Path(
        "dump"
    ),
    base: Annotated[str, typer.Option(help="Base IRI of the resources (void:uriSpace).")] = DEFAULT_BASE,
    licence: LicenceOpt = DEFAULT_LICENCE,
    public_url: Annotated[
        str | None, typer.Option(help="Where the folder will be served, for void:dataDump links.")
    ] = None,
    endpoint: Annotated[str | None, typer.Option(help="The public SPARQL endpoint, for VoID.")] = None,
) -> None:
    """Write N-Quads (gzip), TriG, Turtle and JSON-LD dumps and a VoID file, ready to publish."""
    from kg.publish.dump import dump as run_dump

    db = _open(store)
    try:
        files = run_dump(db, output, base=base, licence=licence, public_url=public_url, endpoint=endpoint)
    except OSError as exc:
        _err(f"cannot write {output}: {exc}")
        raise typer.Exit(2) from exc
    for f in files:
        typer.echo(f"wrote {f} ({f.stat().st_size:,} bytes)")


@app.command()
def publish(
    endpoint: Annotated[str, typer.Option("--endpoint", "-e", help="SPARQL query URL of the server.")],
    store: StoreOpt = Path("store"),
    update_endpoint: UpdateOpt = None,
    graph_store: Annotated[
        str | None,
        typer.Option(
            "--graph-store",
            help="Graph Store Protocol URL (Oxigraph: /store, Virtuoso: /sparql-graph-crud, Fuseki: /ds/data)"
            ": whole graphs are PUT there, the fastest way in.",
        ),
    ] = None,
    user: UserOpt = None,
    auth: AuthOpt = AuthScheme.basic,
    timeout: TimeoutOpt = 120.0,
    retries: RetriesOpt = 4,
    base: Annotated[str, typer.Option(help="Base IRI of the graph.")] = DEFAULT_BASE,
    force: Annotated[bool, typer.Option("--force", help="Send every graph, changed or not.")] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write the per-graph outcome as JSON here.")
    ] = None,
) -> None:
    """Push the store's named graphs to a SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, Oxigraph...).

    Each graph is replaced atomically (one request), transient failures are retried with
    backoff, and the outcome of every graph is reported. Only graphs that changed since the last
    publish are sent (their hashes are logged on the server in {base}graph/publish), and graphs
    no longer in the store are dropped: run it again after a failure and it finishes the job.
    Exit code 0 when every graph is there, 1 when some failed, 2 on a usage error.
    """
    from kg.remote import FAILED, publishable_graphs
    from kg.remote import publish as run_publish

    remote = _remote(endpoint, update_endpoint, graph_store, user, auth, timeout, retries)
    db = _open(store)
    failed: list[str] = []
    total = len(publishable_graphs(db, base))
    with typer.progressbar(length=total, label="publishing", file=sys.stderr, show_pos=True) as bar:

        def step(o: object) -> None:
            from kg.remote import GraphOutcome

            assert isinstance(o, GraphOutcome)
            bar.update(1)
            if o.status == FAILED:
                failed.append(f"{o.graph}: {o.message}")

        result = run_publish(db, remote, base=base, on_graph=step, force=force)
    for f in failed:
        _err(f"failed: {f}")
    if report:
        report.write_text(
            json.dumps([o.__dict__ for o in result.outcomes], indent=1, ensure_ascii=False), encoding="utf-8"
        )
    rate = result.triples / result.seconds if result.seconds else 0.0
    typer.echo(
        f"{len(result.outcomes)} graphs: {result.count('published')} published ({result.triples:,} triples, "
        f"{rate:,.0f}/s), {result.count('unchanged')} unchanged, {result.count('dropped')} dropped, "
        f"{result.count(FAILED)} failed",
        err=True,
    )
    raise typer.Exit(result.exit_code)


@app.command()
def remove(
    symbols: Annotated[list[str], typer.Argument(help="Symbols of the resolutions to remove.")],
    store: StoreOpt = Path("store"),
    base: Annotated[str, typer.Option(help="Base IRI of the graph.")] = DEFAULT_BASE,
    endpoint: EndpointOpt = None,
    update_endpoint: UpdateOpt = None,
    user: UserOpt = None,
    auth: AuthOpt = AuthScheme.basic,
) -> None:
    """Remove resolutions: their named graphs, their build records, and shared entities that no
    remaining resolution uses.

    With --endpoint, the server is then brought in line with the store (as `kg publish` does):
    the removed graphs are dropped there and the shared graph replaced.
    """
    from kg.remote import FAILED
    from kg.remote import publish as run_publish
    from kg.store import open_store, remove_resolutions

    try:
        db = open_store(store)
    except StoreLockedError as exc:
        _err(str(exc))
        raise typer.Exit(2) from exc
    removed, missing = remove_resolutions(db, symbols, base=base)
    for s in missing:
        _err(f"{s}: not in the store")
    typer.echo(f"removed {len(removed)} resolutions: {' '.join(removed)}")
    code = 1 if missing else 0
    if endpoint:
        result = run_publish(db, _remote(endpoint, update_endpoint, None, user, auth), base=base)
        for o in result.outcomes:
            if o.status == FAILED:
                _err(f"{endpoint}: {o.graph}: {o.message}")
        typer.echo(
            f"{endpoint}: {result.count('dropped')} graphs dropped, {result.count('published')} replaced"
        )
        code = max(code, result.exit_code)
    raise typer.Exit(code)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()
