"""The benchmark: every figure measured side by side in one run, medians over several runs.

    .venv/bin/python bench/run.py CORPUS [--runs 3] [--jobs 2] [--scale 10] [--skip-serve]
    make bench                      # CORPUS = ../shared/corpus/ga-78-80

Rows (each with its absolute figures and the ratio to its baseline, measured in the same run):

- kg build end to end (--jobs N, fresh store)      vs a spacy.blank("en") tokenizer pass, one process
- NLP pass alone (tag + link), tokens/s, one process vs the tokenizer pass
- writing the store: new graphs; every graph replaced (unchanged, one quad changed, most changed)
                                                    vs pyoxigraph bulk_load of our N-Quads export
- kg export --format nquads                         vs pyoxigraph dumping the same store
- SHACL validation share of the build's CPU time (kg build --timings), and of document
  processing in one process
- rebuild with no input changed                    vs the first build
- peak RSS of the build (largest process), and with --scale K on a corpus K times larger
- CQ8 (most cited) through kg serve over HTTP       vs the same query in-process on the store
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]


def median_of(runs: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(runs))


def texts_of(corpus: Path) -> list[str]:
    from kg.ingest import discover, ingest

    out = []
    for f in discover([corpus]):
        out.extend(src.text for src in ingest(f))
    return out


@dataclass
class Run:
    seconds: float  # wall time
    rss_kib: int  # peak RSS of the largest process
    cpu: float  # user + system seconds of every process of the build
    stages: dict[str, float]  # CPU seconds per stage, from `kg build --timings`


def run_build(inputs: list[Path], store: Path, jobs: int, *, force: bool = False) -> Run:
    """`kg build` in a child process: wall time, peak RSS, CPU time and the stages' CPU seconds."""
    timings = store.parent / f"{store.name}-timings.json"
    cmd = [*KG, "build", *map(str, inputs), "--store", str(store), "-q", "--jobs", str(jobs)]
    cmd += ["--timings", str(timings)]
    if force:
        cmd.append("--force")
    code = (
        "import resource,subprocess,sys,time,json;t=time.perf_counter();"
        "p=subprocess.run(sys.argv[1:]);dt=time.perf_counter()-t;"
        "r=resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(json.dumps([dt,r.ru_maxrss,r.ru_utime+r.ru_stime,p.returncode]))"
    )
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, cwd=ROOT)
    dt, rss, cpu, rc = json.loads(out.stdout.strip().splitlines()[-1])
    if rc not in (0, 1):
        raise SystemExit(f"kg build failed ({rc}): {out.stderr[-2000:]}")
    stages = json.loads(timings.read_text())["cpu_seconds"]
    return Run(dt, rss, cpu, stages)


def scaled_corpus(corpus: Path, k: int, dest: Path) -> Path:
    """A corpus K times larger: every JSON record repeated with new symbols."""
    import re

    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(corpus.glob("*.json")):
        rec = json.loads(f.read_text(encoding="utf-8"))
        sym = rec["symbol"]
        m = re.match(r"^A/RES/(\d+)/(\d+)$", sym)
        if not m:
            continue
        for i in range(k):
            # at most four digits, as real numbers: every ninth copy moves to another session
            session, number = int(m.group(1)) + 20 * (i // 9), int(m.group(2)) + 1000 * (i % 9 + 1)
            new_num = f"{session}/{number}"
            text = (
                rec["text"]
                .replace(sym, f"A/RES/{new_num}")
                .replace(f"{m.group(1)}/{m.group(2)}.", f"{new_num}.")
            )
            out = dict(rec, symbol=f"A/RES/{new_num}", text=text)
            (dest / f"{f.stem}_x{i}.json").write_text(json.dumps(out), encoding="utf-8")
    return dest


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--scale", type=int, default=0, help="also measure peak RSS on a corpus K times larger")
    ap.add_argument("--skip-serve", action="store_true")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"skipped: no corpus at {args.corpus}")
        return 0
    sys.path.insert(0, str(ROOT))
    import spacy

    from kg.build import COMPACT_AFTER, process_file
    from kg.ingest import discover, ingest
    from kg.link import link
    from kg.rdf import to_rdf
    from kg.rdf.iris import Minter
    from kg.rdf.namespaces import DEFAULT_BASE
    from kg.segment import segment
    from kg.store import GraphWriter, content_hash, export
    from kg.tag import build_nlp, tag
    from kg.validate import compiled_shapes, validate

    rows: list[tuple[str, str, str, str, str]] = []
    files = discover([args.corpus])
    texts = texts_of(args.corpus)
    chars = sum(len(t) for t in texts)
    print(
        f"corpus: {args.corpus} — {len(files)} files, {len(texts)} documents, {chars / 1e6:.2f} M characters"
    )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}, runs={args.runs}")

    # --- baseline: the tokenizer alone ---------------------------------------------------------------
    blank = spacy.blank("en")
    blank.max_length = 100_000_000
    tokens = sum(len(d) for d in blank.tokenizer.pipe(texts))

    def tokenize() -> float:
        t = time.perf_counter()
        for _ in blank.tokenizer.pipe(texts):
            pass
        return time.perf_counter() - t

    tok = median_of(args.runs, tokenize)
    rows.append(("tokenizer pass (baseline)", f"{tok:.2f} s", f"{tokens / tok / 1e3:.0f} k tokens/s", "", ""))

    # --- end-to-end build --------------------------------------------------------------------------
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    runs = [run_build([args.corpus], tmp / f"store{i}", args.jobs) for i in range(args.runs)]
    build_t = statistics.median(r.seconds for r in runs)
    rss_first = max(r.rss_kib for r in runs)
    rows.append(
        (
            f"kg build end to end, --jobs {args.jobs}",
            f"{build_t:.2f} s",
            f"{len(texts) / build_t:.1f} docs/s",
            f"{build_t / tok:.2f} x tokenizer",
            "<= 2.5 x",
        )
    )

    # --- rebuild, nothing changed ----------------------------------------------------------------------
    store = tmp / "store0"
    re_t = median_of(args.runs, lambda: run_build([args.corpus], store, args.jobs).seconds)
    rows.append(
        (
            "rebuild, no input changed",
            f"{re_t:.2f} s",
            "",
            f"{100 * re_t / build_t:.1f} % of first build",
            "<= 5 %",
        )
    )
    rows.append(
        ("peak RSS of the build (largest process)", f"{rss_first / 1024:.0f} MB", "", "", "<= 1.5 GB")
    )

    # --- stages in one process -------------------------------------------------------------------------
    build_nlp()
    compiled_shapes()
    resolutions = [segment(src) for f in files for src in ingest(f)]
    stage = {"tag+link": 0.0, "validate": 0.0, "other": 0.0}
    mapped = []

    def nlp_pass() -> float:
        t = time.perf_counter()
        for r in resolutions:
            link(r, tag(r))
        return time.perf_counter() - t

    nlp_t = median_of(args.runs, nlp_pass)
    rows.append(
        (
            "NLP pass alone (tag + link), one process",
            f"{nlp_t:.2f} s",
            f"{tokens / nlp_t / 1e3:.0f} k tokens/s",
            f"{tok / nlp_t:.2f} x tokenizer speed",
            ">= 0.4 x",
        )
    )
    t0 = time.perf_counter()
    for f in files:
        process_file(str(f))
    one_process = time.perf_counter() - t0
    for r in resolutions:
        t = time.perf_counter()
        m = to_rdf(link(r, tag(r)))
        t1 = time.perf_counter()
        validate(m.quads)
        t2 = time.perf_counter()
        stage["tag+link"] += t1 - t
        stage["validate"] += t2 - t1
        mapped.append(m)
    rows.append(
        (
            "SHACL share: of the kg build's CPU time",
            f"{statistics.median(r.stages['validate'] for r in runs):.2f} s",
            f"of {statistics.median(r.cpu for r in runs):.2f} s CPU",
            f"{statistics.median(100 * r.stages['validate'] / r.cpu for r in runs):.1f} %",
            "<= 20 %",
        )
    )
    rows.append(
        (
            "SHACL share: of document processing, one process",
            f"{stage['validate']:.2f} s",
            f"of {one_process:.2f} s",
            f"{100 * stage['validate'] / one_process:.1f} %",
            "",
        )
    )

    # --- writing the store -----------------------------------------------------------------------------
    triples = sum(len(m.quads) for m in mapped)
    per_doc = [(m.graph.value, ox.serialize(m.quads, format=ox.RdfFormat.N_QUADS) or b"") for m in mapped]

    # the same graphs after a fix: one quad changed in each, and every annotation renamed
    one_changed = [(g, d.replace(b'"document"', b'"document-x"', 1)) for g, d in per_doc]
    renamed = [(g, d.replace(b"/annotation/", b"/annotation-x/")) for g, d in per_doc]

    def write_ours() -> dict[str, float]:
        """As kg build writes (see kg.build): new graphs into a fresh store (bulk writes, then the
        compaction the build does), then every graph replaced by the same graphs (their content
        hashes, computed in the workers, say so), by the graphs with one quad changed, and by the
        graphs with every annotation renamed."""
        s = tmp / "w-ours"
        shutil.rmtree(s, ignore_errors=True)
        db = ox.Store(str(s))
        meta = Minter(DEFAULT_BASE).meta_graph()
        out = {}
        for case, data in (("new", per_doc), ("same", per_doc), ("one", one_changed), ("all", renamed)):
            digests = [{g: content_hash(g, nquads)} for g, nquads in data]  # done by the workers
            writer = GraphWriter(meta=meta)
            t = time.perf_counter()
            for (graph, nquads), digest in zip(data, digests, strict=True):
                writer.write(db, [(graph, nquads)], replace=case != "new", digests=digest)
            writer.finish(db)
            if writer.bulk_writes >= COMPACT_AFTER:
                db.optimize()
            db.flush()
            out[case] = time.perf_counter() - t
        del db
        return out

    nq = tmp / "all.nq"
    with nq.open("wb") as f:
        for m in mapped:
            f.write(ox.serialize(m.quads, format=ox.RdfFormat.N_QUADS) or b"")

    def bulk() -> float:
        s = tmp / "w-bulk"
        shutil.rmtree(s, ignore_errors=True)
        db = ox.Store(str(s))
        t = time.perf_counter()
        db.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        db.flush()
        dt = time.perf_counter() - t
        del db
        return dt

    writes, bulks = [], []
    for _ in range(args.runs):  # side by side, run after run
        writes.append(write_ours())
        bulks.append(bulk())
    bulk_w = statistics.median(bulks)
    for case, label in (
        ("new", "writing the store: new graphs (bulk writes of whole files)"),
        ("same", "replacing every graph: nothing changed (content hashes equal)"),
        ("one", "replacing every graph: one quad changed in each"),
        ("all", "replacing every graph: every annotation renamed"),
    ):
        w = statistics.median(x[case] for x in writes)
        if case == "same":  # nothing is read or written: a throughput would mean nothing
            rows.append((label, f"{w:.2f} s", "no quad read or written", "", ""))
            continue
        rows.append(
            (
                label,
                f"{w:.2f} s",
                f"{triples / w / 1e3:.0f} k triples/s",
                f"{bulk_w / w:.2f} x bulk_load ({triples / bulk_w / 1e3:.0f} k/s)",
                ">= 0.5 x",
            )
        )

    # --- export ------------------------------------------------------------------------------------------
    opened = [ox.Store.read_only(str(tmp / "store0"))]  # dropped before kg serve takes the store

    def ours_export() -> float:
        t = time.perf_counter()
        export(opened[0], tmp / "e.nq", fmt="nquads")
        return time.perf_counter() - t

    def dump() -> float:
        t = time.perf_counter()
        opened[0].dump(str(tmp / "d.nq"), format=ox.RdfFormat.N_QUADS)
        return time.perf_counter() - t

    ex, du = median_of(args.runs, ours_export), median_of(args.runs, dump)
    rows.append(
        (
            "kg export --format nquads",
            f"{ex:.2f} s",
            "",
            f"{du / ex:.2f} x pyoxigraph dump ({du:.2f} s)",
            ">= 0.8 x",
        )
    )

    # --- CQ8 through kg serve ----------------------------------------------------------------------------
    cq8 = (ROOT / "kg" / "queries" / "contract" / "08-most-cited.rq").read_text()

    def local() -> float:
        t = time.perf_counter()
        list(opened[0].query(cq8, use_default_graph_as_union=True))  # type: ignore[arg-type]
        return time.perf_counter() - t

    local_t = statistics.median(local() for _ in range(max(5, args.runs)))
    opened.clear()
    if not args.skip_serve:
        import httpx

        from kg.publish.server import free_port

        port = free_port()
        proc = subprocess.Popen(
            [*KG, "serve", "--store", str(tmp / "store0"), "--port", str(port)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/sparql"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            client = httpx.Client(timeout=60)

            def remote() -> float:
                t = time.perf_counter()
                r = client.post(
                    url,
                    content=cq8,
                    headers={
                        "Content-Type": "application/sparql-query",
                        "Accept": "application/sparql-results+json",
                    },
                )
                r.raise_for_status()
                return time.perf_counter() - t

            remote()  # warm
            http_t = statistics.median(remote() for _ in range(max(5, args.runs)))
            rows.append(
                (
                    "CQ8 through kg serve (HTTP)",
                    f"{http_t * 1e3:.1f} ms",
                    f"in-process {local_t * 1e3:.1f} ms",
                    f"{http_t / local_t:.2f} x in-process",
                    "<= 3 x",
                )
            )
        finally:
            proc.terminate()
            proc.wait(timeout=20)

    if args.scale:
        big = scaled_corpus(args.corpus, args.scale, tmp / "scaled")
        big_run = run_build([big], tmp / "store-big", args.jobs)
        rows.append(
            (
                f"peak RSS on a corpus {args.scale} x larger",
                f"{big_run.rss_kib / 1024:.0f} MB",
                f"{big_run.seconds:.0f} s",
                "",
                "<= 2 GB",
            )
        )

    shutil.rmtree(tmp, ignore_errors=True)
    widths = [
        max(len(r[i]) for r in [*rows, ("figure", "median", "throughput", "ratio", "target")])
        for i in range(5)
    ]
    head = ("figure", "median", "absolute", "ratio", "target")
    print()
    print(" | ".join(h.ljust(widths[i]) for i, h in enumerate(head)))
    print("-|-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(widths[i]) for i, c in enumerate(r)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
