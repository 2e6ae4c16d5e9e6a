"""What Terraform really does when a spec changes: each replay renders a small spec (dyngen.core.render_paths),
applies it with the real Terraform (../shared/tools/tf-plan --apply --save-state), changes the spec, renders again
and plans and applies the new tree against the saved state (--state). Each step pins the plan's counts, which
resources it touches and how, and the planned values that matter. README.md, "Proven with Terraform", states them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dyngen import core
from tests.tools import tf_plan

TABLE = "module.table.aws_dynamodb_table.{}[0]"
ON_DEMAND = "{}"
AUTOSCALED = ("{billing_mode: PROVISIONED, read_capacity: 5, write_capacity: 5, autoscaling: {enabled: true, "
              "read: {min_capacity: 5, max_capacity: 50}, write: {min_capacity: 5, max_capacity: 50}, indexes: true}}")
BY_STATUS = "{name: by-status, hash_key: status, projection_type: KEYS_ONLY}"
BY_CUSTOMER = "{name: by-customer, hash_key: customer, projection_type: ALL}"
STREAM = "stream: {enabled: true, view_type: NEW_AND_OLD_IMAGES}"
REPLICAS = "replicas: [{region_name: us-east-1}, {region_name: eu-central-1}]"


def spec(prod: str = ON_DEMAND, *, indexes: tuple[str, ...] = (), settings: tuple[str, ...] = ()) -> str:
    """A one-environment spec `orders`; `settings` are YAML lines under `settings:`."""
    keys = ["id: S"] + [f"{key}: S" for key in ("status", "customer") if any(key in i for i in indexes)]
    lines = ["version: 1", "name: orders", "hash_key: id", f"attributes: {{{', '.join(keys)}}}",
             "settings:", "  region: eu-west-1", *(f"  {line}" for line in settings)]
    if indexes:
        lines.append(f"global_secondary_indexes: [{', '.join(indexes)}]")
    lines += ["environments:", f"  prod: {prod}"]
    return "\n".join(lines) + "\n"


def replay(history: list[str], tmp: Path) -> list[dict[str, Any]]:
    """Render and apply each version of the spec against the state the previous one left; the tf-plan report of
    environment prod at each step (the first one creates everything)."""
    spec_file, out, state = tmp / "specs" / "orders.yaml", tmp / "generated", None
    spec_file.parent.mkdir()
    root = out / "orders" / "envs" / "prod"
    steps = []
    for number, text in enumerate(history):
        spec_file.write_text(text, encoding="utf-8")
        core.render_paths([spec_file], out)
        saved = tmp / f"step-{number}.tfstate"
        report = tf_plan(root, state=state, save_state=saved, tmp=tmp)
        steps.append(report[str(root)])
        state = saved
    return steps


def actions(step: dict[str, Any]) -> dict[str, str]:
    """{address: what the plan does to it} for every resource the plan touches; a move shows as `moved from X`."""
    found = {}
    for change in step["plan"]["resource_changes"]:
        verb = "-".join(change["change"]["actions"])
        if change.get("previous_address"):
            verb += f" (moved from {change['previous_address']})"
        if verb != "no-op" or change.get("previous_address"):
            found[change["address"]] = verb
    return found


def table_change(step: dict[str, Any]) -> dict[str, Any]:
    """The plan's change of the one table: `before`, `after`, `actions`."""
    (change,) = [c for c in step["plan"]["resource_changes"] if c["type"] == "aws_dynamodb_table"]
    return change["change"]  # type: ignore[no-any-return]


def changed(step: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{argument: (before, after)} for the table's arguments that the plan changes."""
    change = table_change(step)
    before, after = change["before"], change["after"]
    return {key: (before.get(key), after.get(key)) for key in sorted(after) if before.get(key) != after.get(key)}


def assert_clean(steps: list[dict[str, Any]]) -> None:
    """Every step plans, applies and converges with no diagnostic at all."""
    for step in steps:
        assert (step["errors"], step["warnings"], step["failed_step"]) == (0, 0, None), step["diagnostics"]
        assert step["converged"], step["not_converged"]


def counts(step: dict[str, Any]) -> tuple[int, int, int]:
    """(to add, to change, to destroy), as `terraform plan` sums them up."""
    return step["counts"]["add"], step["counts"]["change"], step["counts"]["remove"]


def test_autoscaling_switched_on_and_off_keeps_the_table(tmp_path: Path) -> None:
    created, switched_on, switched_off = replay([spec(), spec(AUTOSCALED), spec()], tmp_path)
    assert_clean([created, switched_on, switched_off])
    assert actions(created) == {TABLE.format("this"): "create"}

    assert counts(switched_on) == (4, 1, 0)
    scaling = {f"module.table.aws_appautoscaling_{kind}.table_{way}[0]": "create"
               for kind in ("target", "policy") for way in ("read", "write")}
    assert actions(switched_on) == {TABLE.format("autoscaled"): f"update (moved from {TABLE.format('this')})",
                                    **scaling}
    # ignore_changes hands capacity to autoscaling, so the switch leaves the table's capacity where on-demand had it
    # (0 in the state): issue 8, item 6.
    assert changed(switched_on) == {"billing_mode": ("PAY_PER_REQUEST", "PROVISIONED")}
    assert table_change(switched_on)["after"]["read_capacity"] == 0
    targets = [c["change"]["after"] for c in switched_on["plan"]["resource_changes"]
               if c["type"] == "aws_appautoscaling_target"]
    assert [(t["min_capacity"], t["max_capacity"], t["resource_id"]) for t in targets] == [
        (5, 50, "table/prod-orders")] * 2

    assert counts(switched_off) == (0, 1, 4)
    assert actions(switched_off) == {TABLE.format("this"): f"update (moved from {TABLE.format('autoscaled')})",
                                     **{address: "delete" for address in scaling}}
    assert changed(switched_off) == {"billing_mode": ("PROVISIONED", "PAY_PER_REQUEST")}


def test_an_index_added_on_demand_updates_the_table_in_place(tmp_path: Path) -> None:
    steps = replay([spec(indexes=(BY_STATUS,)), spec(indexes=(BY_STATUS, BY_CUSTOMER))], tmp_path)
    assert_clean(steps)
    added = steps[1]
    assert counts(added) == (0, 1, 0)
    assert actions(added) == {TABLE.format("this"): "update"}
    assert sorted(changed(added)) == ["attribute", "global_secondary_index"]
    after = table_change(added)["after"]
    assert sorted((i["name"], i["hash_key"], i["projection_type"]) for i in after["global_secondary_index"]) == [
        ("by-customer", "customer", "ALL"), ("by-status", "status", "KEYS_ONLY")]
    assert sorted(a["name"] for a in after["attribute"]) == ["customer", "id", "status"]


PROVISIONED = "{billing_mode: PROVISIONED, read_capacity: 5, write_capacity: 5}"


def test_an_index_added_where_indexes_autoscale_is_ignored_until_autoscaling_is_switched_off(tmp_path: Path) -> None:
    """ignore_changes covers global_secondary_index there: Terraform adds the new key attribute but not the index,
    index autoscaling follows the indexes the table has, and the `check` block warns at plan, apply and re-plan.
    The module README's procedure then adds it: autoscaling off (the index is created), autoscaling on again."""
    both = (BY_STATUS, BY_CUSTOMER)
    created, added, switched_off, switched_on = replay(
        [spec(AUTOSCALED, indexes=(BY_STATUS,)), spec(AUTOSCALED, indexes=both), spec(PROVISIONED, indexes=both),
         spec(AUTOSCALED, indexes=both)], tmp_path)
    assert_clean([created, switched_off, switched_on])
    assert counts(created) == (9, 0, 0)  # the table, and a target and a policy per table and index capacity

    assert counts(added) == (0, 1, 0)
    assert actions(added) == {TABLE.format("autoscaled"): "update"}
    assert list(changed(added)) == ["attribute"]
    assert [i["name"] for i in table_change(added)["after"]["global_secondary_index"]] == ["by-status"]
    assert (added["errors"], added["converged"]) == (0, True)
    assert [(d["severity"], d["summary"], d["step"]) for d in added["diagnostics"]] == [
        ("warning", "Check block assertion failed", step) for step in ("plan", "apply", "replan")]
    assert all("the module README says how to add or remove an index" in d["detail"]
               for d in added["diagnostics"])
    assert checks(added) == {"module.table.check.indexes_match_the_spec": "fail"}

    scaling = {f"module.table.aws_appautoscaling_{kind}.{part}": "delete" for kind in ("target", "policy")
               for part in ("table_read[0]", "table_write[0]", 'index_read["by-status"]', 'index_write["by-status"]')}
    assert counts(switched_off) == (0, 1, 8)
    assert actions(switched_off) == {TABLE.format("this"): f"update (moved from {TABLE.format('autoscaled')})",
                                     **scaling}
    assert list(changed(switched_off)) == ["global_secondary_index"]
    assert sorted(i["name"] for i in table_change(switched_off)["after"]["global_secondary_index"]) == [
        "by-customer", "by-status"]

    assert counts(switched_on) == (12, 0, 0)
    assert actions(switched_on) == {
        TABLE.format("autoscaled"): f"no-op (moved from {TABLE.format('this')})",
        **{address.replace("by-status", index): "create"
           for address in scaling for index in ("by-status", "by-customer")}}
    assert checks(switched_on) == {"module.table.check.indexes_match_the_spec": "pass"}


def checks(step: dict[str, Any]) -> dict[str, str]:
    """{check block: status} after apply."""
    found = step["state"]["checks"]
    return {c["address"]["to_display"]: c["status"] for c in found if c["address"]["kind"] == "check"}


def test_replicas_added_update_the_table_in_place(tmp_path: Path) -> None:
    steps = replay([spec(settings=(STREAM,)), spec(settings=(STREAM, REPLICAS))], tmp_path)
    assert_clean(steps)
    added = steps[1]
    assert counts(added) == (0, 1, 0)
    assert actions(added) == {TABLE.format("this"): "update"}
    assert list(changed(added)) == ["replica"]
    assert [(r["region_name"], r["point_in_time_recovery"], r["propagate_tags"])
            for r in table_change(added)["after"]["replica"]] == [
        ("eu-central-1", True, True), ("us-east-1", True, True)]


AWS_OWNED = "encryption: {enabled: false}"
AWS_MANAGED = "encryption: {enabled: true}"
CREATED_KEY = "encryption: {enabled: true, create_kms_key: true}"
KEY = ("module.table.aws_kms_key.this[0]", "module.table.aws_kms_alias.this[0]")


def test_the_encryption_mode_changes_in_place(tmp_path: Path) -> None:
    """AWS-owned -> AWS-managed -> a key the module creates -> AWS-owned again: the table is updated in place each
    time; the created key comes and goes with the mode."""
    history = [spec(settings=(mode,)) for mode in (AWS_OWNED, AWS_MANAGED, CREATED_KEY, AWS_OWNED)]
    created, managed, customer, owned = replay(history, tmp_path)
    assert_clean([created, managed, customer, owned])
    assert table_change(created)["after"]["server_side_encryption"] == [{"enabled": False}]

    assert counts(managed) == (0, 1, 0)
    assert actions(managed) == {TABLE.format("this"): "update"}
    assert changed(managed) == {"server_side_encryption": ([{"enabled": False, "kms_key_arn": "fake"}],
                                                           [{"enabled": True, "kms_key_arn": "fake"}])}

    assert counts(customer) == (2, 1, 0)
    assert actions(customer) == {TABLE.format("this"): "update", **{address: "create" for address in KEY}}
    assert table_change(customer)["after_unknown"]["server_side_encryption"] == [{"kms_key_arn": True}]
    key_arn = state_values(customer, "aws_kms_key")["arn"]
    assert state_values(customer, "aws_dynamodb_table")["server_side_encryption"] == [
        {"enabled": True, "kms_key_arn": key_arn}]

    assert counts(owned) == (0, 1, 2)
    assert actions(owned) == {TABLE.format("this"): "update", **{address: "delete" for address in KEY}}
    assert changed(owned) == {"server_side_encryption": ([{"enabled": True, "kms_key_arn": key_arn}],
                                                         [{"enabled": False, "kms_key_arn": key_arn}])}


def state_values(step: dict[str, Any], kind: str) -> dict[str, Any]:
    """The applied values of the one resource of type `kind` in the table module."""
    (module,) = step["state"]["values"]["root_module"]["child_modules"]
    (resource,) = [r for r in module["resources"] if r["type"] == kind]
    return resource["values"]  # type: ignore[no-any-return]
