"""Change safety checked with a real Terraform (tf-plan): every change dyngen refuses really plans a replacement or a
second table, every change it accepts plans nothing destroyed, and the switch to autoscaling keeps the spec's
capacity only on the two-step path that render's warning describes.

One on-demand table is applied once; each later version of its spec is planned against that saved state, as the
next `terraform plan` of a team would be; and an upgrade that moves the module into one file per feature plans
nothing. Twelve tf-plan runs in all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from dyngen.render import render_spec
from dyngen.safety import Severity
from tests.helpers import spec_from_yaml
from tests.test_safety import (
    AUTOSCALED,
    BASE,
    findings,
    gsi,
    one_main_tf,
    spec,
    with_lsi,
)
from tests.tools import require, tf_plan, write_tree

TABLE = "module.table.aws_dynamodb_table.this[0]"
AUTOSCALED_TABLE = "module.table.aws_dynamodb_table.autoscaled[0]"


def write_root(document: dict[str, Any], folder: Path) -> Path:
    """Render a spec into folder/generated; returns its prod environment root."""
    write_tree(render_spec(spec_from_yaml(yaml.safe_dump(document))), folder / "generated")
    return folder / "generated" / document["name"] / "envs" / "prod"


def planned(document: dict[str, Any], folder: Path, *extra: str, apply: bool = False) -> dict[str, Any]:
    """tf-plan's report for the prod root of `document`: its counts and {address: change} of the plan."""
    folder.mkdir(parents=True, exist_ok=True)
    report = tf_plan(write_root(document, folder), apply=apply, extra=extra, tmp=folder)
    run = report.pop("_run")
    (result,) = report.values()
    assert not [d for d in result["diagnostics"] if d.get("severity") == "error"], run.stdout + run.stderr
    changes = {c["address"]: c["change"] for c in result["plan"]["resource_changes"]}
    print(f"\n{folder.name}: {run.stdout.splitlines()[0]}")  # the counts, for `pytest -s`
    return {"counts": result["counts"], "changes": changes, "summary": run.stdout.splitlines()[0]}


@pytest.fixture(scope="module")
def base_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The on-demand table of BASE, applied; its state file."""
    require("tf-plan")
    folder = tmp_path_factory.mktemp("base")
    state = folder / "base.tfstate"
    result = planned(BASE, folder, "--save-state", str(state), apply=True)
    assert result["changes"][TABLE]["actions"] == ["create"], result["summary"]
    return state


def tables_in(state: Path) -> list[str]:
    data = json.loads(state.read_text(encoding="utf-8"))
    return [i["attributes"]["name"] for r in data["resources"] if r["type"] == "aws_dynamodb_table"
            for i in r["instances"]]


@pytest.mark.parametrize("change", [
    lambda d: d.update(hash_key="sk", range_key="id"),
    with_lsi,
    lambda d: d.update(table_name="{env}-orders-v2"),
], ids=["key", "lsi", "table-name"])
def test_each_refused_change_plans_a_replacement(base_state: Path, tmp_path: Path, change: Any) -> None:
    after = spec(change)
    assert [f.severity for f in findings(tmp_path / "dyngen", BASE, after)] == [Severity.REFUSE]
    result = planned(after, tmp_path / "plan", "--state", str(base_state))
    assert sorted(result["changes"][TABLE]["actions"]) == ["create", "delete"], result["summary"]
    assert result["counts"]["remove"] == 1, result["summary"]


@pytest.mark.parametrize("change, table", [
    (lambda d: d.update(name="purchases"), "prod-purchases"),
    (lambda d: d["settings"]["backend"]["s3"].update(key="tables/{env}.tfstate"), "prod-orders"),
], ids=["name", "backend-key"])
def test_a_moved_state_plans_a_second_table_and_abandons_the_old_state(base_state: Path, tmp_path: Path,
                                                                      change: Any, table: str) -> None:
    """The state key moves: Terraform starts from an empty state there and creates the table again (a second one,
    or one whose name exists), while the old state, which no root reads any more, still holds the first."""
    after = spec(change)
    (finding,) = findings(tmp_path / "dyngen", BASE, after)
    assert finding.refused and "its Terraform state moves from s3://state/dynamodb/orders/prod/" in finding.reason
    result = planned(after, tmp_path / "plan")  # the new state location: empty
    assert result["changes"][TABLE]["actions"] == ["create"], result["summary"]
    assert result["changes"][TABLE]["after"]["name"] == table
    assert tables_in(base_state) == ["prod-orders"]


def test_accepted_changes_plan_nothing_destroyed(base_state: Path, tmp_path: Path) -> None:
    """A rename that keeps table_name and the state key, a GSI added on demand, tags and PITR: the same state,
    an update in place."""
    def accepted(d: dict[str, Any]) -> None:
        d.update(name="purchases", table_name="{env}-orders", global_secondary_indexes=[gsi()])
        d["attributes"]["status"] = "S"
        d["settings"]["backend"]["s3"]["key"] = "dynamodb/orders/{env}/terraform.tfstate"
        d["settings"].update(tags={"Team": "checkout"}, point_in_time_recovery={"enabled": False})

    after = spec(accepted)
    assert findings(tmp_path / "dyngen", BASE, after) == []
    result = planned(after, tmp_path / "plan", "--state", str(base_state))
    assert result["changes"][TABLE]["actions"] == ["update"], result["summary"]
    assert (result["counts"]["add"], result["counts"]["remove"]) == (0, 0), result["summary"]
    assert [i["name"] for i in result["changes"][TABLE]["after"]["global_secondary_index"]] == ["ByStatus"]


def test_autoscaling_switched_on_directly_from_on_demand_plans_zero_capacity(base_state: Path, tmp_path: Path) -> None:
    """The danger render warns about: ignore_changes keeps the on-demand table's capacity of 0."""
    after = spec(lambda d: d["environments"]["prod"].update(AUTOSCALED))
    assert [f.severity for f in findings(tmp_path / "dyngen", BASE, after)] == [Severity.WARN]
    result = planned(after, tmp_path / "plan", "--state", str(base_state))
    table = result["changes"][AUTOSCALED_TABLE]
    assert table["actions"] == ["update"] and result["counts"]["remove"] == 0, result["summary"]
    assert (table["after"]["read_capacity"], table["after"]["write_capacity"]) == (0, 0)


def test_the_two_step_switch_to_autoscaling_keeps_the_specs_capacity(base_state: Path, tmp_path: Path) -> None:
    provisioned = spec(lambda d: d["environments"]["prod"].update(
        billing_mode="PROVISIONED", read_capacity=5, write_capacity=5))
    autoscaled = spec(lambda d: d["environments"]["prod"].update(AUTOSCALED))
    assert findings(tmp_path / "dyngen1", BASE, provisioned) == []
    assert findings(tmp_path / "dyngen2", provisioned, autoscaled) == []
    middle = tmp_path / "provisioned.tfstate"
    first = planned(provisioned, tmp_path / "step1", "--state", str(base_state), "--save-state", str(middle),
                    apply=True)
    assert first["changes"][TABLE]["after"]["read_capacity"] == 5 and first["counts"]["remove"] == 0
    second = planned(autoscaled, tmp_path / "step2", "--state", str(middle))
    table = second["changes"][AUTOSCALED_TABLE]
    assert table["actions"] in (["update"], ["no-op"]) and second["counts"]["remove"] == 0, second["summary"]
    assert (table["after"]["read_capacity"], table["after"]["write_capacity"]) == (5, 5)


def test_the_module_split_into_feature_files_plans_nothing(tmp_path: Path) -> None:
    """An upgrade of dyngen moves the module from one main.tf into one file per feature: the same addresses, so
    Terraform plans no change against the state the old layout left."""
    require("tf-plan")
    document = spec(lambda d: d["settings"].update(
        encryption={"enabled": True, "create_kms_key": True},
        alarms={"enabled": True, "sns_topic_arn": "arn:aws:sns:eu-west-1:123456789012:alerts"},
    ))
    model = spec_from_yaml(yaml.safe_dump(document))
    files = render_spec(model)
    assert {"orders/table.tf", "orders/kms.tf", "orders/alarms.tf"} <= set(files)
    root = Path("orders/envs/prod")
    old, new, state = tmp_path / "old", tmp_path / "new", tmp_path / "old.tfstate"
    write_tree(one_main_tf(files, model), old)
    applied = tf_plan(old / root, save_state=state, tmp=tmp_path)[str(old / root)]
    assert applied["converged"] and applied["counts"]["add"] > 3, applied["counts"]
    write_tree(files, new)
    replayed = tf_plan(new / root, apply=False, state=state, tmp=tmp_path)[str(new / root)]
    assert (replayed["counts"]["add"], replayed["counts"]["change"], replayed["counts"]["remove"]) == (0, 0, 0)
