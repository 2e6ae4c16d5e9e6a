"""Switching an environment's capacity ownership never destroys its table, checked with a real Terraform.

No AWS provider is needed: the table resources of the rendered module are replayed as `terraform_data` with the
same addresses and `count`, together with the environment root's `moved` block and its `autoscaling_enabled`.
Terraform then plans each step of a spec's history against the state the previous step left.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dyngen.render import render_spec
from dyngen.roundtrip import decode
from tests.helpers import parse_hcl, resources, spec_from_yaml
from tests.tools import REQUIRED

TERRAFORM = shutil.which("terraform")
pytestmark = pytest.mark.skipif(TERRAFORM is None and not REQUIRED, reason="no terraform binary on this machine")

SPEC = """
version: 1
name: orders
hash_key: id
attributes: {{id: S}}
environments:
  prod: {prod}
"""
ON_DEMAND = "{}"
PROVISIONED = "{billing_mode: PROVISIONED, read_capacity: 5, write_capacity: 5}"
AUTOSCALED = ("{billing_mode: PROVISIONED, read_capacity: 5, write_capacity: 5, autoscaling: {enabled: true, "
              "read: {min_capacity: 5, max_capacity: 50}, write: {min_capacity: 5, max_capacity: 50}}}")


def stand_in(files: dict[str, str], folder: Path) -> None:
    """Write the rendered table addressing of environment `prod` as terraform_data resources into `folder`."""
    tables = resources(parse_hcl(files["orders/table.tf"]), "aws_dynamodb_table")
    module = ['variable "autoscaling_enabled" {\n  type    = bool\n  default = false\n}\n']
    for name, body in tables.items():
        count = str(body["count"]).removeprefix("${").removesuffix("}")
        module.append(f'resource "terraform_data" "{name}" {{\n  count = {count}\n}}\n')
    (folder / "module").mkdir(exist_ok=True)
    (folder / "module" / "main.tf").write_text("\n".join(module))
    tfvars = decode(parse_hcl(files["orders/envs/prod/terraform.tfvars"]))
    root = parse_hcl(files["orders/envs/prod/main.tf"])
    moves = "".join(
        f'moved {{\n  from = {_address(m["from"])}\n  to   = {_address(m["to"])}\n}}\n' for m in root.get("moved", [])
    )
    flag = str(tfvars.get("autoscaling_enabled", False)).lower()
    call = f'module "table" {{\n  source              = "./module"\n  autoscaling_enabled = {flag}\n}}\n'
    (folder / "main.tf").write_text(call + moves)


def _address(expression: str) -> str:
    return expression.removeprefix("${").removesuffix("}").replace("aws_dynamodb_table", "terraform_data")


def terraform(folder: Path, *args: str) -> str:
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    result = subprocess.run([TERRAFORM, *args, "-input=false", "-no-color"], cwd=folder, env=env,  # type: ignore[list-item]
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def replay(history: list[str], folder: Path) -> list[str]:
    """Apply the first version, then plan and apply each next one; return each later plan's summary line."""
    summaries = []
    for step, prod in enumerate(history):
        stand_in(render_spec(spec_from_yaml(SPEC.format(prod=prod))), folder)
        if step == 0:
            terraform(folder, "init")
        else:
            plan = terraform(folder, "plan")
            summaries.append(re.search(r"Plan: .*|No changes\..*", plan).group(0))  # type: ignore[union-attr]
        terraform(folder, "apply", "-auto-approve")
    return summaries


@pytest.mark.parametrize(
    "history",
    [
        [ON_DEMAND, AUTOSCALED, ON_DEMAND],
        [PROVISIONED, AUTOSCALED, PROVISIONED],
        [ON_DEMAND, PROVISIONED, AUTOSCALED],
        [AUTOSCALED, ON_DEMAND],
    ],
    ids=["on-demand/autoscaled/on-demand", "provisioned/autoscaled/provisioned", "on-demand/provisioned/autoscaled",
         "autoscaled/on-demand"],
)
def test_switching_capacity_ownership_keeps_the_table(history: list[str], tmp_path: Path) -> None:
    for summary in replay(history, tmp_path):
        assert "0 to add" in summary and "0 to destroy" in summary or summary.startswith("No changes"), summary
