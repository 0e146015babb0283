"""Faults: a build killed with SIGKILL at random points (and while it creates a store), a full disk
under the store, an export or a dump, and very large inputs. Each test checks what is left behind,
not only that the command returned.

The kill test builds the six sample resolutions (the *old* version), then rebuilds a *new* version
of the same files (one preambular paragraph more in each, so every graph changes) into copies of
that store, killing the build with SIGKILL at random moments (a fixed seed) across the whole run:
start-up, the writes, the final flush. After each kill every resolution graph must be exactly its
old or its new quads, the build records must match, ``kg validate`` must pass, and a second build
must write exactly the files that were still old. The checks of one kill run while the next build
runs; ``KG_FAULTS_VERBOSE=1`` prints every kill.

The disk-full tests mount a small tmpfs in a private mount namespace (``unshare -m``, or ``unshare
-rm`` for a user without root), so nothing is left mounted whatever happens. They are skipped when
that is impossible, unless ``KG_REQUIRE_SERVERS=1`` (CI).
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.conftest import KG, ROOT, kg

DATA = ROOT / "data"
GRAPH = "https://w3id.org/unres/graph/"
SHARED, META = GRAPH + "shared", GRAPH + "meta"
WROTE = "<https://w3id.org/unres/ontology#wroteGraph>"
CONTENT_HASH = "<https://w3id.org/unres/ontology#contentHash>"
EXTRA = "Recalling also its resolution 5/1 of 18 June 2007,"
_INTRO = re.compile(r"The (?:Human Rights Council|General Assembly)\s*,[ \t]*\n")
SEED = 20240611
KILLS_UPDATE = 14  # kills during a rebuild of an existing store (graphs replaced in transactions)
KILLS_FIRST = 10  # kills during a first build into an empty store (new graphs in bulk writes)
TRACEBACK = ("Traceback", "╭─")  # Python's and Rich's (typer's) tracebacks


# --- helpers -------------------------------------------------------------------------------------


def new_version(text: str) -> str:
    """The text with one preambular paragraph more, right after "The Human Rights Council,"."""
    m = _INTRO.search(text)
    assert m, "no opening line"
    return f"{text[: m.end()]}\n{EXTRA}\n\n{text[m.end() :]}"


def write_new_version(src: Path, dst: Path) -> None:
    if src.suffix == ".json":
        record = json.loads(src.read_text(encoding="utf-8"))
        record["text"] = new_version(record["text"])
        dst.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    else:
        dst.write_text(new_version(src.read_text(encoding="utf-8")), encoding="utf-8")


def graphs_of(store: Path) -> dict[str, frozenset[str]]:
    """Every named graph of the store, as its set of N-Quads lines (the data holds no blank nodes)."""
    db = ox.Store.read_only(str(store))
    try:
        out = {}
        for g in db.named_graphs():
            data = ox.serialize(db.quads_for_pattern(None, None, None, g), format=ox.RdfFormat.N_QUADS)
            out[g.value] = frozenset((data or b"").decode("utf-8").splitlines())
        return out
    finally:
        del db


def records(meta: frozenset[str]) -> dict[str, frozenset[str]]:
    """The build records of a meta graph, by file node (the graphs' content hashes aside)."""
    out: dict[str, set[str]] = {}
    for line in meta:
        out.setdefault(line.split(" ", 1)[0], set()).add(line)
    return {k: frozenset(v) for k, v in out.items() if any(f" {WROTE} " in x for x in v)}


def content_hashes(meta: frozenset[str]) -> dict[str, str]:
    """Graph -> the line of the meta graph that keeps its content hash."""
    return {x.split(" ", 1)[0][1:-1]: x for x in meta if f" {CONTENT_HASH} " in x}


def graph_of_record(record: frozenset[str]) -> str:
    (line,) = [x for x in record if f" {WROTE} " in x]
    return line.split(f" {WROTE} ", 1)[1].split(" ", 1)[0][1:-1]


def wal(store: Path) -> dict[str, int]:
    """The store's write-ahead logs and manifests, and their sizes: a transaction grows the log, a
    bulk write (files ingested whole) grows the manifest."""
    out = {}
    for p in [*store.glob("*.log"), *store.glob("MANIFEST-*")]:
        with contextlib.suppress(FileNotFoundError):  # rotated away between glob and stat
            out[p.name] = p.stat().st_size
    return out


def grew(before: dict[str, int], now: dict[str, int]) -> bool:
    """Whether a write was committed: a log or a manifest grew (opening the store and the final
    flush only delete logs and start empty ones)."""
    return any(
        size > before.get(name, 0) if name.endswith(".log") else size > before.get(name, size)
        for name, size in now.items()
    )


@dataclass
class Timing:
    """One build run's duration and the moments its transactions reached the write-ahead log."""

    total: float
    commits: list[float] = field(default_factory=list)


# A first build gathers new graphs into bulk writes of KG_BULK_QUADS quads (50,000 by default:
# the whole sample at once); a smaller batch gives the kills several writes to land between.
FIRST_BUILD_ENV = {**os.environ, "KG_BULK_QUADS": "4000"}


def timed_build(inputs: Path, store: Path, env: dict[str, str] | None = None) -> Timing:
    """Run ``kg build``, polling the write-ahead log every 2 ms to see when it writes."""
    start = time.monotonic()
    proc = subprocess.Popen(
        [*KG, "build", str(inputs), "--store", str(store), "-q"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    timing = Timing(0.0)
    last = wal(store)
    while proc.poll() is None:
        now = wal(store)
        if grew(last, now):
            timing.commits.append(time.monotonic() - start)
        last = now
        time.sleep(0.002)
    timing.total = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return timing


@dataclass(frozen=True)
class Versions:
    """The sample in an old and a new version, and what a clean build of each puts in a store."""

    inputs: Path  # holds the new version; the old one was built from the same paths
    old_store: Path
    old: dict[str, frozenset[str]]  # named graph -> N-Quads lines
    new: dict[str, frozenset[str]]
    needs: dict[str, frozenset[str]]  # resolution graph -> the shared quads its new version brings
    update: Timing  # rebuilding the new version over a copy of the old store
    first: Timing  # building the new version into an empty store

    @property
    def resolutions(self) -> list[str]:
        return sorted(g for g in self.new if g not in (SHARED, META))


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    from kg.build import OK, process_file

    tmp = tmp_path_factory.mktemp("versions")
    inputs = tmp / "inputs"
    inputs.mkdir()
    for f in sorted(DATA.iterdir()):
        (inputs / f.name).write_bytes(f.read_bytes())
    kg("build", str(inputs), "--store", str(tmp / "old"), "-q")
    for f in sorted(DATA.iterdir()):
        write_new_version(f, inputs / f.name)
    first = timed_build(inputs, tmp / "new", FIRST_BUILD_ENV)  # a clean build of the new version
    shutil.copytree(tmp / "old", tmp / "updated")
    update = timed_build(inputs, tmp / "updated")
    old, new = graphs_of(tmp / "old"), graphs_of(tmp / "new")
    needs = {}
    for f in sorted(inputs.iterdir()):
        for d in process_file(str(f)):
            assert d.status == OK, d.messages
            tag = f" <{d.graph}> ."
            needs[d.graph] = frozenset(x for x in d.nquads.decode().splitlines() if not x.endswith(tag))
    v = Versions(inputs, tmp / "old", old, new, needs, update, first)
    # the change reaches every resolution graph, and the rebuild gives what a clean build gives
    assert len(v.resolutions) == 6 and set(old) == set(new)
    for g in v.resolutions:
        assert old[g] != new[g], g
        assert not any(EXTRA in x for x in old[g]) and any(EXTRA in x for x in new[g]), g
    updated = graphs_of(tmp / "updated")
    assert {g: updated[g] for g in v.resolutions} == {g: new[g] for g in v.resolutions}
    assert updated[SHARED] == old[SHARED] | new[SHARED]
    assert updated[META] == new[META]
    assert len(update.commits) >= 2 and len(first.commits) >= 2, (update, first)  # polling misses some
    return v


def check_old_or_new(store: Path, v: Versions, *, first: bool) -> dict[str, str]:
    """Each resolution graph's state after a fault: "old", "new" or (a first build) "absent".
    Fails on any graph that is neither, on a shared graph that lost or gained the wrong quads, and
    on a build record that does not match its graph."""
    got = graphs_of(store)
    state: dict[str, str] = {}
    for g in v.resolutions:
        if g not in got:
            assert first, f"{g} vanished"
            state[g] = "absent"
        elif got[g] == v.new[g]:
            state[g] = "new"
        elif not first and got[g] == v.old[g]:
            state[g] = "old"
        else:
            ref = v.new[g] if first else v.old[g]
            pytest.fail(
                f"{g} is neither old nor new: {len(got[g] - ref)} quads more, {len(ref - got[g])} less"
            )
    assert set(got) <= {*v.resolutions, SHARED, META}, set(got)
    base = frozenset() if first else v.old[SHARED]
    shared = got.get(SHARED, frozenset())
    assert base <= shared <= base | v.new[SHARED]
    for g, s in state.items():
        if s == "new":
            assert v.needs[g] <= shared, f"{g} is new but the shared quads it brings are missing"
    # each file's build record is its old or its new one, whichever its graph is
    meta = records(got.get(META, frozenset()))
    old_records = {} if first else records(v.old[META])
    new_records = records(v.new[META])
    for node, rec in new_records.items():
        g = graph_of_record(rec)
        want = {"new": rec, "old": old_records.get(node), "absent": None}[state[g]]
        assert meta.get(node) == want, f"the build record of {g} does not match its graph ({state[g]})"
    assert set(meta) <= set(new_records)
    # and each graph's content hash is its old or its new one too
    kept = content_hashes(got.get(META, frozenset()))
    old_hashes = {} if first else content_hashes(v.old[META])
    new_hashes = content_hashes(v.new[META])
    for g, st in state.items():
        want_hash = {"new": new_hashes.get(g), "old": old_hashes.get(g), "absent": None}[st]
        assert kept.get(g) == want_hash, f"the content hash of {g} does not match its graph ({st})"
    return state


def kg_here(*args: str) -> tuple[int, str]:
    """Run a ``kg`` command in this process (spaCy and pySHACL load once): exit code and output."""
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, list(args))
    code, output = result.exit_code, result.output
    del result  # its traceback holds the command's frames, and so the store
    gc.collect()
    return code, output


def rerun(inputs: Path, store: Path) -> str:
    """``kg build`` again: its summary line."""
    code, output = kg_here("build", str(inputs), "--store", str(store), "-q")
    assert code == 0, output
    return output.strip().splitlines()[-1]


# --- SIGKILL ---------------------------------------------------------------------------------------


@dataclass
class Kill:
    """One kill: ``delay`` seconds after the start, or (``anchored``) after the first write."""

    delay: float
    first: bool
    anchored: bool
    killed: bool = False
    at: float = 0.0  # when it came, in seconds from the start
    state: dict[str, str] = field(default_factory=dict)
    unfinished: bool = False  # killed while the store was being created (see below)

    def count(self, what: str) -> int:
        return sum(1 for s in self.state.values() if s == what)


def kill_plan(v: Versions) -> list[Kill]:
    """When to kill: a third of the kills anywhere in the run (start-up and the very end included),
    the others during the writes: from the first commit (seen in the write-ahead log of that very
    run, so that a slower run is hit as well) to well after the last commit of a timed run."""
    rng = random.Random(SEED)
    plan = []
    for first, n, t in ((False, KILLS_UPDATE, v.update), (True, KILLS_FIRST, v.first)):
        span = t.commits[-1] - t.commits[0]
        for i in range(n):
            if i % 3 == 0:  # runs are slower than the timed one while the checks run beside them
                plan.append(Kill(rng.uniform(0.0, t.total * 1.5), first, anchored=False))
            else:
                plan.append(Kill(rng.uniform(0.0, span * 2.5), first, anchored=True))
    return plan


def start_killed_build(k: Kill, v: Versions, store: Path) -> threading.Thread:
    """Start ``kg build`` of the new version into ``store`` and a thread that SIGKILLs it after
    ``k.delay`` seconds (it records in ``k`` whether the build was still running)."""
    if not k.first:
        shutil.copytree(v.old_store, store)
    proc = subprocess.Popen(
        [*KG, "build", str(v.inputs), "--store", str(store), "-q"],
        cwd=ROOT,
        env=FIRST_BUILD_ENV if k.first else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def kill() -> None:
        start = time.monotonic()
        if k.anchored:
            last = wal(store)
            while proc.poll() is None and not grew(last, now := wal(store)):
                last = now
                time.sleep(0.001)
        time.sleep(k.delay)
        k.at = time.monotonic() - start
        proc.send_signal(signal.SIGKILL)  # nothing if it has ended
        k.killed = proc.wait(timeout=120) == -signal.SIGKILL

    thread = threading.Thread(target=kill)
    thread.start()
    return thread


def check_killed_build(i: int, k: Kill, v: Versions, store: Path) -> None:
    """After the kill: every graph old or new, `kg validate` passes, a rebuild completes the work."""
    where = f"kill {i} at {k.at:.3f} s"
    if not store.exists():  # killed before it created the store
        assert k.first and k.killed, where
        k.state = dict.fromkeys(v.resolutions, "absent")
    elif k.first and unfinished(store):
        # known bug: killed while Oxigraph was creating the store, which then opens read-write
        # only (the rebuild below completes it); see test_faults_store_killed_while_created_*
        k.state, k.unfinished = dict.fromkeys(v.resolutions, "absent"), True
    else:
        # RocksDB leaves its LOCK file behind; the store must open all the same: read-only here
        # and in `kg validate`, read-write in the rebuild below
        k.state = check_old_or_new(store, v, first=k.first)
        code, output = kg_here("validate", "--store", str(store))
        assert code == 0, f"{where}: {output}"
    stale = k.count("old") + k.count("absent")
    summary = rerun(v.inputs, store)
    want = f"6 documents: {stale} written, {6 - stale} unchanged, 0 do not conform, 0 could not be read"
    assert summary == want, f"{where}: {k.state}"
    after = graphs_of(store)
    assert {g: after[g] for g in v.resolutions} == {g: v.new[g] for g in v.resolutions}, where
    assert after[META] == v.new[META], where
    assert after[SHARED] == (v.new[SHARED] if k.first else v.old[SHARED] | v.new[SHARED]), where
    shutil.rmtree(store)


def unfinished(store: Path) -> bool:
    """Whether the store was left half-created: Oxigraph cannot open it read-only ("Column family
    not found", "Inserts are only possible on read-write instances", no CURRENT file)."""
    try:
        db = ox.Store.read_only(str(store))
    except (RuntimeError, FileNotFoundError):
        return True
    del db
    return False


def test_faults_sigkill_leaves_every_graph_old_or_new(
    versions: Versions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v = versions
    plan = kill_plan(v)
    assert len(plan) >= 20
    # each kill's checks run while the next build runs (2 cores: one for each)
    previous: tuple[int, threading.Thread] | None = None
    for i, k in enumerate([*plan, None]):
        thread = start_killed_build(k, v, tmp_path / f"kill{i}") if k else None
        if previous:
            j, done = previous
            done.join()
            check_killed_build(j, plan[j], v, tmp_path / f"kill{j}")
        previous = (i, thread) if thread else None
    updates = [k for k in plan if not k.first]
    before = [k for k in updates if k.killed and k.count("new") == 0]
    between = [k for k in updates if k.killed and 0 < k.count("new") < 6]
    after = [k for k in updates if k.count("new") == 6]
    with capsys.disabled():
        u = v.update
        print(
            f"\nSIGKILL: the rebuild writes from {u.commits[0]:.2f} to {u.commits[-1]:.2f} s of "
            f"{u.total:.2f} s; {len(updates)} kills: {len(before)} before the first write, "
            f"{len(between)} between writes, {len(after)} after the last; first builds: "
            + ", ".join(
                "store left unfinished" if k.unfinished else f"{k.count('new')}/6 written"
                for k in plan
                if k.first
            )
        )
    if os.environ.get("KG_FAULTS_VERBOSE"):
        with capsys.disabled():
            for k in plan:
                when = f"first write + {k.delay:.2f} s" if k.anchored else f"start + {k.delay:.2f} s"
                print(
                    f"  {'first build' if k.first else 'rebuild'}: {when} ({k.at:.2f} s): "
                    f"{'killed' if k.killed else 'had ended'}, {k.count('new')}/6 graphs new"
                )
    # the kills did land everywhere: before any write, between two writes, after the last
    assert before and between and after, [(k.at, k.killed, k.state) for k in updates]
    firsts = [k for k in plan if k.first and not k.unfinished]
    assert any(0 < k.count("new") < 6 for k in firsts), [(k.at, k.killed, k.state) for k in firsts]


@pytest.fixture(scope="module")
def half_created(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store whose creation SIGKILL cut short. ``kg build`` into a new folder starts with
    ``pyoxigraph.Store(folder)``, which takes Oxigraph about 25 ms; killing it in that window (the
    kill test above does now and then) leaves a store that only a read-write open completes. Here
    the window is found by stepping the delay of the kill."""
    tmp = tmp_path_factory.mktemp("half_created")
    for step in range(100):
        store = tmp / f"store{step}"
        store.mkdir()
        code = f"import pyoxigraph as ox; print(flush=True); ox.Store({str(store)!r})"
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
        assert proc.stdout is not None
        proc.stdout.readline()
        time.sleep(step * 0.0005)
        proc.send_signal(signal.SIGKILL)
        if proc.wait() == -signal.SIGKILL and (store / "LOCK").exists() and unfinished(store):
            return store
        shutil.rmtree(store)
    pytest.skip("no kill landed while Oxigraph was creating the store")


def test_faults_store_killed_while_created_is_completed_by_a_build(
    half_created: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(half_created, store)
    p = kg("build", str(DATA / "A_HRC_RES_28_1.txt"), "--store", str(store), "-q")
    assert "1 documents: 1 written" in p.stderr
    assert not unfinished(store)
    assert set(graphs_of(store)) == {GRAPH + "A/HRC/RES/28/1", SHARED, META}
    kg("validate", "--store", str(store))


@pytest.mark.parametrize("command", ["validate", "export"])
@pytest.mark.parametrize("left", ["half-created", "empty folder"])
def test_faults_store_killed_while_created_opens_read_only(
    left: str, command: str, half_created: Path, tmp_path: Path
) -> None:
    """``kg validate`` and ``kg export`` on what a build killed as it began leaves (a half-created
    store, or the empty folder it made first): they work (an empty store), or say what to do."""
    store = tmp_path / "store"
    if left == "empty folder":
        store.mkdir()
    else:
        shutil.copytree(half_created, store)
    args = ["--store", str(store)] + (["-o", str(tmp_path / "x.nq")] if command == "export" else [])
    p = kg(command, *args, check=False)
    assert not any(t in p.stderr for t in TRACEBACK), p.stderr
    assert p.returncode == 0 or (p.returncode == 2 and "kg build" in p.stderr), p.stderr


# --- disk full -------------------------------------------------------------------------------------


@cache
def unshare_prefix() -> tuple[str, ...] | None:
    """How to run a shell in a private mount namespace where it may mount a tmpfs, or ``None``."""
    if not shutil.which("unshare"):
        return None
    for prefix in (("unshare", "-m"), ("unshare", "-rm")):
        if prefix == ("unshare", "-m") and os.geteuid() != 0:
            continue
        probe = subprocess.run(
            [
                *prefix,
                "sh",
                "-c",
                "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d; r=$?; umount $d; rmdir $d; exit $r",
            ],
            capture_output=True,
            timeout=30,
        )
        if probe.returncode == 0:
            return prefix
    return None


def need_tmpfs() -> tuple[str, ...]:
    prefix = unshare_prefix()
    if prefix is None:
        if os.environ.get("KG_REQUIRE_SERVERS") == "1":
            pytest.fail("cannot mount a tmpfs (unshare -m / -rm) but KG_REQUIRE_SERVERS=1")
        pytest.skip("cannot mount a tmpfs here (needs root or unprivileged user namespaces)")
    return prefix


@dataclass
class Step:
    rc: int
    out: str
    err: str


def on_tmpfs(tmp: Path, kib: int, steps: dict[str, str], *, setup: str = "") -> dict[str, Step]:
    """Mount a tmpfs of ``kib`` KiB at ``tmp/mnt`` in a private mount namespace, run ``setup``,
    then each shell command of ``steps`` in order (``$MNT`` is the mount, ``$KG`` the CLI); each
    step's exit code and output are returned. Everything under ``$MNT`` is gone afterwards, so a
    step that needs to look at it copies it out (to ``tmp``)."""
    assert kib % 4 == 0
    mnt, logs = tmp / "mnt", tmp / "logs"
    mnt.mkdir()
    logs.mkdir()
    lines = [
        "set -u",
        f"mount -t tmpfs -o size={kib}k tmpfs {mnt} || exit 97",
        f"MNT={mnt}; KG='{sys.executable} -m kg.cli'",
        setup,
    ]
    for name, cmd in steps.items():
        lines.append(f"( {cmd} ) >{logs}/{name}.out 2>{logs}/{name}.err; echo $? >{logs}/{name}.rc")
    p = subprocess.run(
        [*need_tmpfs(), "sh", "-c", "\n".join(lines)], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert p.returncode == 0, p.stderr
    return {
        name: Step(
            int((logs / f"{name}.rc").read_text()),
            (logs / f"{name}.out").read_text(),
            (logs / f"{name}.err").read_text(),
        )
        for name in steps
    }


def pages(n: int) -> int:
    """4 KiB pages: what a file takes on a tmpfs."""
    return math.ceil(n / 4096)


def store_pages(store: Path) -> int:
    return sum(pages(p.stat().st_size) for p in store.iterdir())


@dataclass(frozen=True)
class FullBuild:
    steps: dict[str, Step]
    store: Path  # copied out of the full tmpfs after the failed builds


@pytest.fixture(scope="module")
def full_update(versions: Versions, tmp_path_factory: pytest.TempPathFactory) -> FullBuild:
    """Rebuilding the new version into a copy of the old store on a tmpfs with 1 MiB left: the
    new graphs need more (their write-ahead log alone is about 2.5 MB)."""
    need_tmpfs()
    tmp = tmp_path_factory.mktemp("full_update")
    kib = 4 * (store_pages(versions.old_store) + 256)
    steps = on_tmpfs(
        tmp,
        kib,
        {
            "build": f"$KG build {versions.inputs} --store $MNT/store -q",
            "validate": "$KG validate --store $MNT/store",
            "again": f"$KG build {versions.inputs} --store $MNT/store -q",  # reopen on the full disk
            "validate_again": "$KG validate --store $MNT/store",
            "copy": f"cp -a $MNT/store {tmp}/store",
        },
        setup=f"cp -a {versions.old_store} $MNT/store",
    )
    return FullBuild(steps, tmp / "store")


@pytest.fixture(scope="module")
def full_first(versions: Versions, tmp_path_factory: pytest.TempPathFactory) -> FullBuild:
    """A first build into an empty store on a 1 MiB tmpfs."""
    need_tmpfs()
    tmp = tmp_path_factory.mktemp("full_first")
    steps = on_tmpfs(
        tmp,
        1024,
        {
            "build": f"$KG build {versions.inputs} --store $MNT/store -q",
            "validate": "$KG validate --store $MNT/store",
            "copy": f"cp -a $MNT/store {tmp}/store",
        },
    )
    return FullBuild(steps, tmp / "store")


@pytest.mark.parametrize("case", ["full_update", "full_first"])
def test_faults_disk_full_build_leaves_a_valid_store(
    case: str, versions: Versions, request: pytest.FixtureRequest
) -> None:
    full: FullBuild = request.getfixturevalue(case)
    s = full.steps
    assert s["build"].rc != 0, "the build fitted: make the tmpfs smaller"
    assert "No space left on device" in s["build"].err
    # the store still opens, read-only, on the full disk, and what it holds conforms
    assert s["validate"].rc == 0, s["validate"].err
    assert s["copy"].rc == 0, s["copy"].err  # (copied out after the last step)
    first = case == "full_first"
    state = check_old_or_new(full.store, versions, first=first)
    if not first:  # a second build on the full disk fails too (at open), and harms nothing
        assert s["again"].rc != 0 and s["validate_again"].rc == 0, s["validate_again"].err
    # with space again, a rebuild completes the work
    stale = sum(1 for x in state.values() if x != "new")
    assert rerun(versions.inputs, full.store).startswith(
        f"6 documents: {stale} written, {6 - stale} unchanged"
    )
    after = graphs_of(full.store)
    assert {g: after[g] for g in versions.resolutions} == {g: versions.new[g] for g in versions.resolutions}


@pytest.mark.parametrize("case", ["full_update", "full_first"])
def test_faults_disk_full_build_says_so_clearly(case: str, request: pytest.FixtureRequest) -> None:
    full: FullBuild = request.getfixturevalue(case)
    for name in ("build", "again") if case == "full_update" else ("build",):
        step = full.steps[name]
        assert step.rc == 2, (name, step.rc)
        assert "No space left on device" in step.err and "/mnt/store" in step.err, step.err
        assert not any(t in step.err for t in TRACEBACK), step.err


def test_faults_disk_full_export_keeps_the_old_file(sample_store: Path, tmp_path: Path) -> None:
    """An export that does not fit: a clear error, and the export already there is untouched."""
    old = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
    (tmp_path / "old.nq").write_bytes(old)
    steps = on_tmpfs(
        tmp_path,
        512,
        {
            "nquads": f"$KG export --store {sample_store} -o $MNT/x.nq",
            "trig": f"$KG export --store {sample_store} -f trig -o $MNT/x.nq",
            "list": "ls -A $MNT && cat $MNT/x.nq",
        },
        setup=f"cp {tmp_path}/old.nq $MNT/x.nq",
    )
    for name in ("nquads", "trig"):
        step = steps[name]
        assert step.rc == 2, (name, step.err)
        assert "No space left on device" in step.err and "/mnt/x.nq" in step.err, step.err
        assert not any(t in step.err for t in TRACEBACK), step.err
    assert steps["list"].out == "x.nq\n" + old.decode()  # no temporary file left, the old export intact


@pytest.fixture(scope="module")
def reference_dump(tmp_path_factory: pytest.TempPathFactory, sample_store: Path) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("dump") / "dump"
    kg("dump", "--store", str(sample_store), "--output", str(out))
    files = {p.name: p.read_bytes() for p in out.iterdir()}
    files["kg.nq"] = gzip.decompress(files["kg.nq.gz"])  # written first, then compressed
    return files


def dump_kib(phase: str, ref: dict[str, bytes]) -> int:
    """A tmpfs size (KiB) at which ``kg dump`` runs out of space in ``phase``. It writes kg.nq, then
    kg.nq.gz next to it, deletes kg.nq, then writes kg.trig, kg.ttl, kg.jsonld and void.ttl."""
    p = {name: pages(len(data)) for name, data in ref.items()}
    data = p["kg.nq.gz"] + p["kg.trig"] + p["kg.ttl"] + p["kg.jsonld"]
    at = {
        "nquads": p["kg.nq"] // 2,
        "gzip": p["kg.nq"] + p["kg.nq.gz"] // 2,
        "jsonld": max(p["kg.nq"] + p["kg.nq.gz"], data - p["kg.jsonld"] // 2),
        "void": data,  # everything but void.ttl fits
    }[phase]
    return 4 * at


@pytest.mark.parametrize(
    "phase",
    [
        "nquads",
        "gzip",
        "jsonld",
        "void",
    ],
)
def test_faults_disk_full_dump_leaves_only_whole_files(
    phase: str, sample_store: Path, reference_dump: dict[str, bytes], tmp_path: Path
) -> None:
    kib = dump_kib(phase, reference_dump)
    steps = on_tmpfs(
        tmp_path,
        kib,
        {
            "dump": f"$KG dump --store {sample_store} --output $MNT/dump",
            "copy": f"cp -a $MNT/dump {tmp_path}/dump",
        },
    )
    step = steps["dump"]
    assert step.rc == 2, step.out + step.err
    assert "No space left on device" in step.err and "/mnt/dump" in step.err, step.err
    assert not any(t in step.err for t in TRACEBACK), step.err
    left = {p.name: p.read_bytes() for p in (tmp_path / "dump").iterdir()}
    # every file left is one the dump publishes, whole: no temporary, partial or stray file
    assert set(left) <= set(reference_dump) - {"kg.nq"}, sorted(left)
    for name, data in left.items():
        assert data == reference_dump[name], f"{name} is not whole"
    if phase == "jsonld":
        assert set(left) == {"kg.nq.gz", "kg.trig", "kg.ttl"}


# --- a very large input ----------------------------------------------------------------------------


def _parts() -> tuple[str, list[str], str]:
    """A/HRC/RES/28/10: its heading and preamble, its operative paragraphs' lines without their
    numbers, and its adoption block."""
    lines = (DATA / "A_HRC_RES_28_10.txt").read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("1. "))
    meeting = next(i for i, line in enumerate(lines) if re.match(r"^\d+(st|nd|rd|th) meeting", line))
    ops = [re.sub(r"^\d+\.\s*", "", line) for line in lines[first:meeting] if line.strip()]
    return "\n".join(lines[:first]), ops, "\n".join(lines[meeting:])


def large_resolution(size: int) -> tuple[str, int]:
    """One resolution of about ``size`` bytes: A/HRC/RES/28/10 with the lines of its operative part
    repeated, numbered as operative paragraphs, until the size is reached (a paragraph takes several
    lines when one each would need more than 9,999 numbers). Returns the text and the number of
    operative paragraphs."""
    head, ops, tail = _parts()
    per = math.ceil(size / (sum(len(x) + 6 for x in ops) / len(ops)) / 9000)
    parts, total, n, k = [head], len(head) + len(tail), 0, 0
    while total < size:
        n += 1
        body = " ".join(ops[(k + j) % len(ops)] for j in range(per))
        k += per
        para = f"{n}. {body}\n"
        parts.append(para)
        total += len(para.encode()) + 1
    parts.append(tail)
    return "\n".join(parts), n


def measured_build(*args: str) -> dict[str, object]:
    """``kg build ARGS`` from a fresh interpreter, so that its children's peak RSS is the build's:
    exit code, stderr, wall time (s) and peak RSS (MiB)."""
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.monotonic()\n"
        f"p = subprocess.run({[*KG, 'build', *args]!r}, capture_output=True, text=True)\n"
        "print(json.dumps({'rc': p.returncode, 'err': p.stderr, 's': time.monotonic() - t,"
        " 'rss': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    p = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    result: dict[str, object] = json.loads(p.stdout)
    return result


def operative_paragraphs(store: Path) -> int:
    db = ox.Store.read_only(str(store))
    rows = db.query(
        "PREFIX unres: <https://w3id.org/unres/ontology#> SELECT (COUNT(*) AS ?n) WHERE "
        "{ ?p unres:position ?i . FILTER(CONTAINS(STR(?p), '/op/')) }",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    n = next(iter(rows))[0]
    assert isinstance(n, ox.Literal)
    return int(n.value)


# Bytes of text, wall-time and peak-RSS bounds: about 6.5 s and 135 MiB a MB (+330 MiB) on 2 cores.
# The largest is just under the limit (kg.ingest.MAX_TEXT_BYTES): about a minute; KG_SLOW=1 runs it.
LARGE = [
    pytest.param(2_000_000, 60.0, 900.0, id="2MB"),
    pytest.param(
        7_900_000,
        240.0,
        2000.0,
        id="7.9MB",
        marks=pytest.mark.skipif(os.environ.get("KG_SLOW") != "1", reason="about a minute: KG_SLOW=1"),
    ),
]


@pytest.mark.parametrize(("size", "seconds", "mib"), LARGE)
def test_faults_large_input_is_built_whole(size: int, seconds: float, mib: float, tmp_path: Path) -> None:
    from kg.ingest import MAX_TEXT_BYTES, literal_bytes

    text, n = large_resolution(size)
    assert literal_bytes(text) <= MAX_TEXT_BYTES
    f = tmp_path / "large.txt"
    f.write_text(text, encoding="utf-8")
    r = measured_build(str(f), "--store", str(tmp_path / "store"), "-q")
    assert r["rc"] == 0, r["err"]
    assert "1 documents: 1 written" in str(r["err"])
    assert operative_paragraphs(tmp_path / "store") == n  # every paragraph, none cut short or merged
    print(f"\n{size:,} bytes, {n} operative paragraphs: {r['s']:.1f} s, peak RSS {r['rss']:.0f} MiB")
    assert float(str(r["s"])) < seconds and float(str(r["rss"])) < mib, r


def test_faults_large_input_tags_in_pieces_as_if_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tagger takes a long text in pieces (bounded memory) and finds what it finds in the whole;
    linking stays linear."""
    import kg.tag
    from kg.ingest import ingest_bytes
    from kg.link import link
    from kg.segment import segment

    text, _ = large_resolution(1_200_000)
    res = segment(ingest_bytes(text.encode(), path="large.txt")[0])
    assert len(kg.tag.pieces(res.source.norm)) == 3
    in_pieces = kg.tag.tag(res)
    monkeypatch.setattr(kg.tag, "PIECE_CHARS", len(text) + 1)
    assert len(kg.tag.pieces(res.source.norm)) == 1
    assert kg.tag.tag(res) == in_pieces
    start = time.monotonic()
    linked = link(res, in_pieces)
    assert time.monotonic() - start < 2.0  # was 1 s at 1 MB and 38 s at 5 MB: quadratic
    # the same paragraph addresses the same bodies wherever it comes in the long text
    cycle = len(_parts()[1])
    got: dict[int, set[str]] = {}
    for pos, ident in linked.addressees:
        got.setdefault(pos, set()).add(ident)
    assert len(got) > len(res.operative) // cycle
    for pos, idents in got.items():
        if pos + cycle <= len(res.operative):
            assert got.get(pos + cycle) == idents, pos


def test_faults_too_large_input_is_refused_at_once(tmp_path: Path) -> None:
    """50 MB of text in one document: refused with a clear error before any work; the other input
    is built."""
    from kg.ingest import MAX_TEXT_BYTES

    text, _ = large_resolution(50_000_000)
    big, other = tmp_path / "big.txt", tmp_path / "other.txt"
    big.write_text(text, encoding="utf-8")
    other.write_bytes((DATA / "A_HRC_RES_28_1.txt").read_bytes())
    r = measured_build(str(big), str(other), "--store", str(tmp_path / "store"), "-q")
    err = str(r["err"])
    assert r["rc"] == 2, err
    assert f"[E108] {big}: the text is too large for one document: {len(text):,} characters" in err
    assert f"at most {MAX_TEXT_BYTES:,} bytes" in err
    assert "2 documents: 1 written, 0 unchanged, 0 do not conform, 1 could not be read" in err
    assert not any(t in err for t in TRACEBACK), err
    assert operative_paragraphs(tmp_path / "store") == 19  # A/HRC/RES/28/1 only
    print(f"\n50 MB refused: {r['s']:.1f} s, peak RSS {r['rss']:.0f} MiB")
    assert float(str(r["s"])) < 30 and float(str(r["rss"])) < 700, r


@pytest.mark.parametrize("extra", ["\n", '"', "\x01"])
def test_faults_size_limit_counts_bytes_as_written(extra: str) -> None:
    """The limit counts the text as N-Quads writes it: escapes and multi-byte characters included."""
    from kg.ingest import literal_bytes

    for text in ("plain", "é€😀", f"a{extra}b" * 3):
        assert literal_bytes(text) == len(str(ox.Literal(text)).encode()) - 2


def many_resolutions(copies: int) -> str:
    """One text holding ``copies`` × 2 HRC resolutions (data/'s 30/5 and S-24/1 with new numbers)."""
    a = (ROOT / "data" / "A_HRC_RES_30_5.txt").read_text(encoding="utf-8")
    b = (ROOT / "data" / "A_HRC_RES_S-24_1.txt").read_text(encoding="utf-8")
    parts = []
    for i in range(copies):
        parts.append(a.replace("30/5.", f"30/{1000 + i}."))
        parts.append(b.replace("S-24/1.", f"S-24/{1000 + i}."))
    return "\n\n".join(parts)


def test_faults_large_file_of_many_resolutions_is_cut_into_documents(tmp_path: Path) -> None:
    """A 1.05 MB text of 84 resolutions is cut where each opens and built as 84 documents, each
    written on its own (the file's build record goes in with the last); a rebuild skips it."""
    text = many_resolutions(42)
    assert len(text) > 1_000_000
    f = tmp_path / "session.txt"
    f.write_text(text, encoding="utf-8")
    from kg.build import build

    planned: list[int] = []
    done: list[str] = []
    result = build(
        [f], store=tmp_path / "s", jobs=2, on_plan=planned.append, on_document=lambda d: done.append(d.path)
    )
    assert planned == [84] and len(done) == 84 and result.count("ok") == 84  # progress counts documents
    assert done == [f"{f}#{k}" for k in range(84)]
    assert any("cut into 84 documents" in w for w in result.documents[0].warnings)
    from tests.conftest import resolution_symbols

    symbols = resolution_symbols(tmp_path / "s")
    assert symbols == {f"A/HRC/RES/30/{1000 + i}" for i in range(42)} | {
        f"A/HRC/RES/S-24/{1000 + i}" for i in range(42)
    }
    p = kg("build", str(f), "--store", str(tmp_path / "s"), "-q")
    assert "1 documents: 0 written, 1 unchanged" in p.stderr
