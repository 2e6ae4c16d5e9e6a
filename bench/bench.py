"""Benchmark: write N synthetic specs (mixed features, three environments) to a temporary folder and time
`dyngen validate`, a cold `dyngen render`, a no-change render and `dyngen render --check`.

    python bench/bench.py            # 200 specs
    python bench/bench.py -n 50

Figures depend on the machine and its load: compare runs on one machine, not across machines.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
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


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--specs", type=int, default=200, help="number of synthetic specs (default 200)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the synthetic specs")
    args = parser.parse_args()
    dyngen = [sys.executable, "-m", "dyngen"]
    with tempfile.TemporaryDirectory(prefix="dyngen-bench-") as tmp:
        work = Path(tmp)
        write_specs(work / "specs", args.specs, args.seed)
        steps = [
            ("validate", dyngen + ["validate", "specs"]),
            ("render (cold)", dyngen + ["render", "specs", "--out", "generated", "-q"]),
            ("render (no change)", dyngen + ["render", "specs", "--out", "generated", "-q"]),
            ("render --check", dyngen + ["render", "specs", "--out", "generated", "--check"]),
        ]
        files = 0
        print(f"{args.specs} specs, {len(ENVIRONMENTS)} environments each")
        print(f"{'step':<20} {'seconds':>8} {'tables/s':>9}")
        for label, command in steps:
            elapsed, code = timed(command, work)
            if label == "render --check" and code != 0:
                sys.exit("render --check reported changes right after a render: a bug")
            print(f"{label:<20} {elapsed:>8.2f} {args.specs / elapsed:>9.1f}")
        files = sum(1 for p in (work / "generated").rglob("*") if p.is_file())
        print(f"{files} files generated")


if __name__ == "__main__":
    main()
