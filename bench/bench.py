"""Benchmark: every figure of issue 9's goals, side by side in one run, on N synthetic specs (mixed features, three
environments each) in a temporary folder:

    python bench/bench.py            # 200 specs
    python bench/bench.py -n 1000    # linear growth and peak memory
    python bench/bench.py --no-floor # skip measuring the python-hcl2 floor (it parses every byte written)

Each command runs as its own process with its own cache folder (DYNGEN_CACHE_DIR), so "cold" means a cache that
has never seen these specs. Peak memory is the largest sum of RSS over the command's whole process tree (the pool
workers included), sampled every 20 ms. The python-hcl2 floor is the time python-hcl2 alone needs to parse every
.tf / .tfvars file written (parser built beforehand), divided by the cores. Figures depend on the machine and its
load: compare runs on one machine, not across machines.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

ENVIRONMENTS = ("dev", "staging", "prod")


def synthetic_spec(number: int, rng: random.Random) -> dict:
    """A valid spec whose features are drawn at random, so that every template path is exercised."""
    name = f"table-{number:04d}"
    attributes = {"pk": "S", "sk": rng.choice(["S", "N"])}
    spec: dict = {"version": 1, "name": name, "project": "bench", "hash_key": "pk", "range_key": "sk"}
    indexes = []
    for i in range(rng.randint(0, 3)):
        attributes[f"gsi{i}_pk"] = "S"
        projection = rng.choice(["ALL", "KEYS_ONLY", "INCLUDE"])
        index = {"name": f"Index{i}", "hash_key": f"gsi{i}_pk", "projection_type": projection}
        if projection == "INCLUDE":
            index["non_key_attributes"] = ["total", "status"]
        indexes.append(index)
    if indexes:
        spec["global_secondary_indexes"] = indexes
    if rng.random() < 0.3:
        attributes["lsi_sk"] = "N"
        spec["local_secondary_indexes"] = [{"name": "LocalIndex", "range_key": "lsi_sk", "projection_type": "ALL"}]
    spec["attributes"] = attributes
    spec["settings"] = {
        "region": "eu-west-1",
        "stream": {"enabled": rng.random() < 0.5, "view_type": "NEW_AND_OLD_IMAGES"},
        "ttl": {"enabled": rng.random() < 0.5, "attribute_name": "expires_at"},
        "alarms": {"enabled": rng.random() < 0.5, "sns_topic_arn": "arn:aws:sns:eu-west-1:123456789012:oncall"},
        "dashboard": rng.random() < 0.3,
        "iam_policies": rng.random() < 0.5,
        "tags": {"Team": f"team-{number % 7}", "CostCenter": str(1000 + number)},
        "backend": {"s3": {"bucket": "bench-terraform-state", "region": "eu-west-1"}},
    }
    prod: dict = {"profile": "production", "deletion_protection": True}
    if rng.random() < 0.5:
        prod.update({
            "billing_mode": "PROVISIONED",
            "read_capacity": 10,
            "write_capacity": 5,
            "autoscaling": {
                "enabled": True,
                "read": {"min_capacity": 5, "max_capacity": 100, "target_utilization": 70},
                "write": {"min_capacity": 5, "max_capacity": 50, "target_utilization": 70},
            },
        })
    spec["environments"] = {"dev": {"profile": "development"}, "staging": {"profile": "staging"}, "prod": prod}
    return spec


def write_specs(folder: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for number in range(count):
        spec = synthetic_spec(number, rng)
        (folder / f"{spec['name']}.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


@dataclass(frozen=True)
class Measure:
    seconds: float
    cpu_seconds: float  # user + system, the whole process tree: what the command costs whatever the machine's load
    peak_rss: int  # bytes, the whole process tree
    exit_code: int


def timed(command: list[str], cwd: Path, cache: Path, allowed: tuple[int, ...] = (0,)) -> Measure:
    env = {**os.environ, "DYNGEN_CACHE_DIR": str(cache)}
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
        sampler = PeakMemory(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        sampler.stop()
        process.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in allowed:
            stderr.seek(0)
            sys.exit(f"{' '.join(command)} failed ({code}):\n{stderr.read().decode()[-2000:]}")
    return Measure(elapsed, usage.ru_utime + usage.ru_stime, sampler.peak, code)


class PeakMemory(threading.Thread):
    """The largest total RSS seen over a process and its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self._finished = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._finished.is_set():
            self.peak = max(self.peak, sum(_rss(p) for p in _tree(self.pid)))
            self._finished.wait(0.02)

    def stop(self) -> None:
        self._finished.set()
        self.join()


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(c) for c in children.read().split()]
        except OSError:
            continue
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


# --- the python-hcl2 floor ------------------------------------------------------------------------------------------


def _parse_timed(paths: list[str]) -> tuple[float, float]:
    import hcl2

    hcl2.loads("a = 1\n")  # the parser is built before the clock starts
    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        hcl2.loads(Path(path).read_text(encoding="utf-8"))
    return time.perf_counter() - start, time.process_time() - cpu


def parse_floor(out: Path) -> tuple[float, float]:
    """Seconds (wall clock, CPU) python-hcl2 needs to parse every HCL file under `out`, divided by the cores."""
    files = sorted(str(p) for p in out.rglob("*") if p.suffix in (".tf", ".tfvars"))
    cores = os.cpu_count() or 1
    shares = [files[i::cores * 4] for i in range(cores * 4)]
    with ProcessPoolExecutor(cores) as pool:
        timings = list(pool.map(_parse_timed, shares))
    return sum(t[0] for t in timings) / cores, sum(t[1] for t in timings) / cores


# --- the run --------------------------------------------------------------------------------------------------------


def tree_bytes(out: Path) -> int:
    return sum(p.stat().st_size for p in out.rglob("*") if p.is_file())


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def mebibytes(value: int) -> str:
    return f"{value / 2**20:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--specs", type=int, default=200, help="number of synthetic specs (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the synthetic specs")
    parser.add_argument("--no-floor", action="store_true", help="do not measure the python-hcl2 floor")
    args = parser.parse_args()
    dyngen = [sys.executable, "-m", "dyngen"]
    n = args.specs
    rows: list[tuple[str, ...]] = []

    def row(figure: str, measure: Measure | None, value: str, goal: str) -> None:
        usage = (seconds(measure.cpu_seconds), mebibytes(measure.peak_rss)) if measure else ("", "")
        rows.append((figure, value, *usage, goal))

    with tempfile.TemporaryDirectory(prefix="dyngen-bench-") as tmp:
        work = Path(tmp)
        caches = work / "caches"
        write_specs(work / "specs", n, args.seed)
        (work / "one").mkdir()
        shutil.copy(work / "specs" / "table-0000.yaml", work / "one" / "one.yaml")

        m = timed(dyngen + ["--version"], work, caches / "version")
        row("dyngen --version", m, seconds(m.seconds), "<= 0.15 s")
        m = timed(dyngen + ["validate", "one/one.yaml"], work, caches / "validate")
        row("dyngen validate one.yaml", m, seconds(m.seconds), "<= 0.3 s")
        m = timed(dyngen + ["render", "one/one.yaml", "--out", "one/generated", "-q"], work, caches / "one")
        row("dyngen render one.yaml (3 envs, cold cache)", m, seconds(m.seconds), "<= 0.5 s")

        render = dyngen + ["render", "specs", "--out", "generated", "-q"]
        cold = timed(render, work, caches / "run")
        written = tree_bytes(work / "generated")
        if args.no_floor:
            row(f"{n} specs cold", cold, seconds(cold.seconds), "<= 1.2 x floor")
        else:
            floor, floor_cpu = parse_floor(work / "generated")
            row(f"{n} specs cold", cold, f"{seconds(cold.seconds)} = {cold.seconds / floor:.2f} x floor "
                f"{seconds(floor)}", "<= 1.2 x floor")
            cores = os.cpu_count() or 1
            row(f"{n} specs cold, CPU / cores", None, f"{seconds(cold.cpu_seconds / cores)} = "
                f"{cold.cpu_seconds / cores / floor_cpu:.2f} x floor {seconds(floor_cpu)}", "(load-independent)")
        row("bytes per spec", None, f"{written / n:,.0f} B", ">= 30 % fewer than today")
        m = timed(render, work, caches / "run")
        row(f"{n} specs, nothing changed (warm cache)", m, seconds(m.seconds), "<= 2 s")

        clone = work / "clone"
        shutil.copytree(work / "specs", clone / "specs")
        shutil.copytree(work / "generated", clone / "generated")
        check = dyngen + ["render", "specs", "--out", "generated", "--check"]
        m = timed(check, clone, caches / "fresh-clone")
        row(f"{n} specs render --check, fresh clone (no cache)", m, seconds(m.seconds), "<= 10 s")
        m = timed(check, work, caches / "run")
        row(f"{n} specs render --check, warm cache", m, seconds(m.seconds), "<= 2 s")
        row(f"{n} specs cold: peak memory (process tree)", None, mebibytes(cold.peak_rss), "<= 300 MB (1,000 specs)")

    print(f"{n} synthetic specs, {len(ENVIRONMENTS)} environments each; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()[0]:.1f} at the end")
    widths = [max(len(r[i]) for r in rows + [HEADINGS]) for i in range(len(HEADINGS))]
    for cells in [HEADINGS] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip())


HEADINGS = ("figure", "measured (wall clock)", "CPU", "peak RSS", "goal")


if __name__ == "__main__":
    main()
