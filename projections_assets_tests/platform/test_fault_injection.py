"""SIGKILL writers at chosen points and check that the lake stays readable and consistent.

Children are forked (so they start instantly with everything imported) and
write partitions through the IO manager's `handle_output`, moving each
partition's pointer, and publish slates (a forward-only pointer). A logging
handler in the child records the publish phase it is in to shared memory.
Each kill targets one phase at its n-th occurrence: half the kills hold the
child at the start of that phase until the parent kills it (so every phase is
hit a known number of times, whatever the machine's speed), half let it run
on and kill it a random few milliseconds later (so kills also land inside the
phase's own work: a half-written parquet, a half-renamed directory).
"""

import logging
import multiprocessing as mp
import os
import random
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import lake_io_manager
from projections_assets.platform.lake import DATA_FILE, MANIFEST_FILE, Lake, PartitionLocation
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import pointer_history, read_pointer
from projections_assets.platform.publish import PHASES, publish_slate
from projections_assets.platform.reader import read_history
from projections_assets_tests.toy_chain import TOY_EVENTS, toy_events_frame

KEYS = ["2025-12-07|17:30", "2025-12-07|17:45", "2025-12-08|08:00"]
KILLS = 120  # 20 per phase: 10 held at its start, 10 let run into it
HOLD_SECONDS = 120
STARTED = -2  # the child is running but has not entered a publish phase yet

_ctx = mp.get_context("fork")


@dataclass(frozen=True)
class KillPlan:
    """Where a child is killed: at the `occurrence`-th start of `phase`, held there or run on."""

    phase: str
    occurrence: int
    hold: bool


class _PhaseRecorder(logging.Handler):
    def __init__(self, phase, reached, plan: KillPlan | None) -> None:
        super().__init__(logging.DEBUG)
        self.phase = phase
        self.reached = reached
        self.plan = plan
        self.seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        name = getattr(record, "publish_phase", None)
        if name is None:
            return
        self.phase.value = PHASES.index(name)
        if self.plan is None or name != self.plan.phase:
            return
        self.seen += 1
        if self.seen == self.plan.occurrence:
            self.reached.value = 1
            if self.plan.hold:
                # Parked at the phase's first instruction until the parent's SIGKILL.
                time.sleep(HOLD_SECONDS)


def _write_some(
    lake_root: str, tag: str, keys: list[str], writes, rng: random.Random, limit: int | None
) -> None:
    io_manager = lake_io_manager(lake_root)
    lake = Lake(lake_root)
    i = 0
    while limit is None or i < limit:
        key = rng.choice(keys)
        run_id = f"{tag}-{i}"
        context = dg.build_output_context(
            asset_key=TOY_EVENTS.table.key_path,
            partition_key=key,
            asset_partitions_def=SLATE_PARTITIONS,
            run_id=run_id,
        )
        io_manager.handle_output(context, toy_events_frame(key))
        if i % 2 == 0:
            publish_slate(
                lake, [TOY_EVENTS.table], PartitionLocation.from_key(key), f"{run_id}-pub", SLATE_PUBLICATION
            )
        writes.value += 1
        i += 1


def _writer(
    lake_root: str, tag: str, keys: list[str], phase, reached, writes, seed: int, limit, plan
) -> None:
    logger = logging.getLogger("projections_assets.platform.publish")
    logger.setLevel(logging.DEBUG)
    logger.addHandler(_PhaseRecorder(phase, reached, plan))
    phase.value = STARTED
    _write_some(lake_root, tag, keys, writes, random.Random(seed), limit)
    os._exit(0)


@pytest.fixture(scope="module", autouse=True)
def warm_parent(tmp_path_factory):
    """One write in the parent first: forked children then start with every lazy import done."""
    _write_some(str(tmp_path_factory.mktemp("warm")), "warm", KEYS, _ctx.Value("i", 0), random.Random(0), 3)


def _assert_lake_consistent(lake: Lake, verified: dict[Path, int]) -> None:
    # Every readable parquet (outside hidden `_`/`.` paths) is complete; promoted files never change.
    for path in lake.root.rglob("*.parquet"):
        rel = path.relative_to(lake.root).parts
        if any(part.startswith(("_", ".")) for part in rel):
            continue
        size = path.stat().st_size
        if verified.get(path) != size:
            pq.read_table(path)
            assert (path.parent / MANIFEST_FILE).exists(), f"{path} promoted without its manifest"
            verified[path] = size
    # Readers never see staging: dataset discovery and the lake reader both skip it.
    table_dir = lake.table_dir(TOY_EVENTS.table)
    if table_dir.exists():
        assert all("/_" not in f for f in ds.dataset(table_dir, format="parquet").files)
        history = read_history(lake, TOY_EVENTS.table).frame
        assert history.empty or history["event_id"].is_unique
    # Every pointer resolves to a complete, successful run.
    pointers = list(lake.root.rglob("_current.json")) + list((lake.root / "_pointers").rglob("*.json"))
    for pointer in pointers:
        entry = read_pointer(pointer)
        run_dir = lake.resolve(entry.path)
        manifest = ManifestV1.read(run_dir / MANIFEST_FILE)
        assert manifest.status == "success", pointer
        assert (
            pq.read_metadata(run_dir / DATA_FILE).num_rows == manifest.outputs[0].row_count == entry.row_count
        )


def _spawn(lake: Lake, tag: str, seed: int, limit: int | None = None, plan: KillPlan | None = None):
    phase = _ctx.Value("i", -1, lock=False)
    reached = _ctx.Value("i", 0, lock=False)
    writes = _ctx.Value("i", 0, lock=False)
    proc = _ctx.Process(
        target=_writer,
        args=(str(lake.root), tag, KEYS, phase, reached, writes, seed, limit, plan),
        daemon=True,
    )
    proc.start()
    return proc, phase, reached, writes


def _kill(procs) -> None:
    for proc in procs:
        os.kill(proc.pid, signal.SIGKILL)
    for proc in procs:
        proc.join(10)
        assert proc.exitcode == -signal.SIGKILL


def _wait_for(flag, what: str) -> None:
    # A guard against a hung child, not a timing assertion: it is never reached on a working writer.
    deadline = time.monotonic() + HOLD_SECONDS
    while not flag() and time.monotonic() < deadline:
        time.sleep(0.0005)
    assert flag(), f"child never reached {what}"


def _kill_after_random_delay(procs, phases, rng: random.Random) -> None:
    _wait_for(lambda: all(p.value != -1 for p in phases), "its first write")
    time.sleep(rng.uniform(0.0, 0.15))
    _kill(procs)


def test_sigkill_in_every_phase_leaves_every_file_and_pointer_valid(lake):
    rng = random.Random(2025)
    held = dict.fromkeys(PHASES, 0)
    landed = dict.fromkeys(PHASES, 0)
    verified: dict[Path, int] = {}
    for kill in range(KILLS):
        # Early occurrences hit a young lake, later ones a partition with history and a slate pointer.
        plan = KillPlan(PHASES[kill % len(PHASES)], rng.randint(1, 6), hold=(kill // len(PHASES)) % 2 == 0)
        proc, phase, reached, _ = _spawn(lake, f"k{kill}", seed=kill, plan=plan)
        _wait_for(lambda reached=reached: reached.value == 1, f"{plan.phase} #{plan.occurrence}")
        if not plan.hold:
            time.sleep(rng.uniform(0.0, 0.01))
        _kill([proc])
        if plan.hold:
            assert PHASES[phase.value] == plan.phase
            held[plan.phase] += 1
        landed[PHASES[phase.value]] += 1
        _assert_lake_consistent(lake, verified)
    print(f"{KILLS} kills; held at phase start: {held}; landed in: {landed}")
    assert held == dict.fromkeys(PHASES, KILLS // len(PHASES) // 2)
    assert (lake.root / "_pointers" / "slate").exists()


def test_two_writers_of_the_same_partition_at_once(lake):
    rng = random.Random(7)
    verified: dict[Path, int] = {}
    for round_ in range(25):
        pair = [_spawn(lake, f"r{round_}w{w}", seed=100 * round_ + w) for w in (0, 1)]
        _kill_after_random_delay([p for p, *_ in pair], [ph for _, ph, *_ in pair], rng)
        _assert_lake_consistent(lake, verified)

    # Left to finish, neither writer loses the other's pointer move.
    finished = [_spawn(lake, f"done{w}", seed=9000 + w, limit=12) for w in (0, 1)]
    for proc, _, _, writes in finished:
        proc.join(120)
        assert proc.exitcode == 0 and writes.value == 12
    _assert_lake_consistent(lake, verified)
    moves = [
        e.run_id
        for key in KEYS
        for e in pointer_history(lake.pointer_path(TOY_EVENTS.table, PartitionLocation.from_key(key)))
        if e.run_id.startswith("done")
    ]
    assert len(moves) == 24
