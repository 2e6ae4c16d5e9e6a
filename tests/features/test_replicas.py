"""Global tables: replica keys for the created key, provisioned replicas as resources, multi-Region strong
consistency and per-replica details, rendered, parsed back and planned with a real Terraform (tf-plan)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from dyngen.hcl import unquote
from dyngen.render import render_spec
from tests.helpers import (
    REPO,
    module_text,
    parse_hcl,
    resources,
    spec_from_yaml,
    tfvars,
)
from tests.tools import assert_external_checks_pass, tf_plan, write_tree

PRODUCTION_WITH_KEYS = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes: {order_id: S}
settings:
  region: eu-west-1
  stream: {enabled: true, view_type: NEW_AND_OLD_IMAGES}
environments:
  staging: {profile: staging}
  prod:
    profile: production
    replicas:
      - region_name: us-east-1
      - region_name: ap-southeast-1
        kms_key_arn: arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
        deletion_protection: false
"""


def state_resources(report: dict[str, Any], root: Path) -> dict[str, dict[str, Any]]:
    """{address: values} of every managed resource of the applied state of one root."""
    state = report[str(root)]["state"]
    assert state is not None, report[str(root)]["diagnostics"]

    def walk(module: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield from module.get("resources", [])
        for child in module.get("child_modules", []):
            yield from walk(child)

    return {r["address"]: r["values"] for r in walk(state["values"]["root_module"]) if r["mode"] == "managed"}


# --- production profile plus replicas ------------------------------------------------------------------------------


def global_orders(*regions: str) -> dict[str, str]:
    """specs/global-orders.yaml (production profile, no per-replica key) with the given replica regions in prod."""
    text = (REPO / "specs" / "global-orders.yaml").read_text(encoding="utf-8")
    listed = "".join(f"      - region_name: {r}\n" for r in regions)
    text = text.replace("      - region_name: us-east-1\n      - region_name: ap-southeast-1\n", listed)
    return render_spec(spec_from_yaml(text, "specs/global-orders.yaml"))


def test_production_profile_with_replicas_needs_no_per_replica_key(tmp_path: Path) -> None:
    files = global_orders("us-east-1", "ap-southeast-1")
    prod = tfvars(files, "prod", "global-orders")
    assert prod["kms_multi_region"] is True and prod["create_kms_key"] is True
    assert all("kms_key_arn" not in r for r in prod["replicas"])
    assert tfvars(files, "staging", "global-orders")["kms_multi_region"] is False

    # Terraform plans it, and adding the second replica later keeps everything (the key is multi-Region already)
    before, after = tmp_path / "before", tmp_path / "after"
    write_tree(global_orders("us-east-1"), before)
    write_tree(files, after)
    state_file = tmp_path / "one-replica.tfstate"
    first_root = before / "global-orders" / "envs" / "prod"
    first = tf_plan(first_root, extra=("--save-state", str(state_file)), tmp=tmp_path)
    assert first[str(first_root)]["converged"], first["_run"].stdout
    root = after / "global-orders" / "envs" / "prod"
    second = tf_plan(root, extra=("--state", str(state_file)), tmp=tmp_path)
    counts = second[str(root)]["counts"]
    assert (counts["add"], counts["change"], counts["remove"]) == (1, 1, 0), second["_run"].stdout  # key + table
    assert second[str(root)]["converged"], second["_run"].stdout
    table = state_resources(second, root)["module.table.aws_dynamodb_table.this[0]"]
    keys = state_resources(second, root)
    assert {r["region_name"]: r["kms_key_arn"] for r in table["replica"]} == {
        region: keys[f'module.table.aws_kms_replica_key.this["{region}"]']["arn"] for region in ("us-east-1", "ap-southeast-1")}


def test_created_key_is_multi_region_with_a_replica_key_per_keyless_replica(tmp_path: Path) -> None:
    files = render_spec(spec_from_yaml(PRODUCTION_WITH_KEYS))
    main = parse_hcl(files["orders/kms.tf"])
    replica_key = resources(main, "aws_kms_replica_key")["this"]
    assert replica_key["for_each"] == "${local.replica_key_regions}" and replica_key["region"] == "${each.key}"
    assert resources(main, "aws_kms_key")["this"]["multi_region"] == "${var.kms_multi_region}"
    assert '"dynamodb.${each.key}.amazonaws.com"' in files["orders/kms.tf"]
    assert 'version = ">= 6.9.0, < 7.0.0"' in files["orders/versions.tf"]  # replica.deletion_protection_enabled
    write_tree(files, tmp_path)
    assert_external_checks_pass(tmp_path)

    root = tmp_path / "orders" / "envs" / "prod"
    report = tf_plan(root, tmp=tmp_path)
    assert report[str(root)]["converged"], report["_run"].stdout
    state = state_resources(report, root)
    primary = state["module.table.aws_kms_key.this[0]"]
    assert primary["multi_region"] is True
    replica_keys = {a: v for a, v in state.items() if a.startswith("module.table.aws_kms_replica_key.this")}
    assert list(replica_keys) == ['module.table.aws_kms_replica_key.this["us-east-1"]']  # the explicit key wins
    replica_key = replica_keys['module.table.aws_kms_replica_key.this["us-east-1"]']
    assert replica_key["region"] == "us-east-1" and replica_key["primary_key_arn"] == primary["arn"]
    assert "dynamodb.us-east-1.amazonaws.com" in replica_key["policy"]
    table = state["module.table.aws_dynamodb_table.this[0]"]
    keys = {r["region_name"]: r["kms_key_arn"] for r in table["replica"]}
    assert keys == {"us-east-1": replica_key["arn"],
                    "ap-southeast-1": "arn:aws:kms:ap-southeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
    assert table["server_side_encryption"][0]["kms_key_arn"] == primary["arn"]
    # replicas are protected like the table (production profile) unless they say otherwise
    protection = {r["region_name"]: r["deletion_protection_enabled"] for r in table["replica"]}
    assert protection == {"us-east-1": True, "ap-southeast-1": False}


def test_a_key_without_replicas_stays_single_region(render_yaml) -> None:  # type: ignore[no-untyped-def]
    files = render_yaml(PRODUCTION_WITH_KEYS.replace("    replicas:", "    replicas_unused:").split("    replicas_unused:")[0])
    assert "multi_region" not in module_text(files) and "aws_kms_replica_key" not in module_text(files)
    assert unquote(tfvars(files, "prod", "orders")["billing_mode"]) == "PAY_PER_REQUEST"


# --- provisioned global tables -------------------------------------------------------------------------------------

PROVISIONED_GLOBAL = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes: {order_id: S, customer_id: S}
global_secondary_indexes:
  - {name: CustomerIndex, hash_key: customer_id, projection_type: ALL}
settings:
  region: eu-west-1
  stream: {enabled: true, view_type: NEW_AND_OLD_IMAGES}
environments:
  staging: {replicas: [{region_name: us-east-1}]}
  prod:
    profile: production
    billing_mode: PROVISIONED
    autoscaling:
      enabled: true
      read: {min_capacity: 5, max_capacity: 50}
      write: {min_capacity: 5, max_capacity: 50}
    replicas:
REPLICAS"""


def provisioned_global(*regions: str) -> str:
    """The first replica keeps its data in the infrequent-access class, which only a replica resource can say."""
    listed = [f"      - region_name: {r}\n" for r in regions]
    listed[0] += "        table_class: STANDARD_INFREQUENT_ACCESS\n"
    return PROVISIONED_GLOBAL.replace("REPLICAS", "".join(listed))


def test_replicas_of_an_autoscaled_table_are_resources_after_the_scaling_policies() -> None:
    files = render_spec(spec_from_yaml(provisioned_global("us-east-1")))
    tables = resources(parse_hcl(files["orders/table.tf"]), "aws_dynamodb_table")
    dynamic = {name: [key for block in body.get("dynamic", []) for key in block] for name, body in tables.items()}
    assert '"replica"' in dynamic["this"] and '"replica"' not in dynamic["autoscaled"]  # on demand keeps them inline
    assert "replica" in tables["autoscaled"]["lifecycle"][0]["ignore_changes"]
    replica = resources(parse_hcl(files["orders/replicas.tf"]), "aws_dynamodb_table_replica")["this"]
    assert replica["region"] == "${each.key}" and replica["global_table_arn"] == "${local.table.arn}"
    assert replica["depends_on"] == [
        "${aws_appautoscaling_policy.table_read}", "${aws_appautoscaling_policy.table_write}",
        "${aws_appautoscaling_policy.index_read}", "${aws_appautoscaling_policy.index_write}"]


def test_adding_a_replica_to_a_provisioned_global_table_destroys_nothing(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    write_tree(render_spec(spec_from_yaml(provisioned_global("us-east-1"))), before)
    write_tree(render_spec(spec_from_yaml(provisioned_global("us-east-1", "ap-southeast-1"))), after)
    assert_external_checks_pass(after)
    state_file = tmp_path / "before.tfstate"

    first_root = before / "orders" / "envs" / "prod"
    first = tf_plan(first_root, extra=("--save-state", str(state_file)), tmp=tmp_path)
    assert first[str(first_root)]["converged"], first["_run"].stdout
    state = state_resources(first, first_root)
    replica = state['module.table.aws_dynamodb_table_replica.this["us-east-1"]']
    assert replica["region"] == "us-east-1" and replica["point_in_time_recovery"] is True
    assert replica["table_class_override"] == "STANDARD_INFREQUENT_ACCESS" and replica["deletion_protection_enabled"] is True
    assert replica["global_table_arn"] == state["module.table.aws_dynamodb_table.autoscaled[0]"]["arn"]
    assert replica["kms_key_arn"] == state['module.table.aws_kms_replica_key.this["us-east-1"]']["arn"]

    root = after / "orders" / "envs" / "prod"
    second = tf_plan(root, apply=False, extra=("--state", str(state_file)), tmp=tmp_path)
    counts = second[str(root)]["counts"]
    assert (counts["add"], counts["change"], counts["remove"]) == (2, 0, 0), second["_run"].stdout
    created = sorted(c["address"] for c in second[str(root)]["plan"]["resource_changes"] if c["change"]["actions"] == ["create"])
    assert created == ['module.table.aws_dynamodb_table_replica.this["ap-southeast-1"]',
                       'module.table.aws_kms_replica_key.this["ap-southeast-1"]']


# --- multi-Region strong consistency -------------------------------------------------------------------------------


def test_strongly_consistent_replica_and_witness_are_planned(tmp_path: Path) -> None:
    spec_file = REPO / "specs" / "global-ledger.yaml"
    files = render_spec(spec_from_yaml(spec_file.read_text(encoding="utf-8"), str(spec_file)))
    prod = tfvars(files, "prod", "global-ledger")
    assert unquote(prod["global_table_witness_region"]) == "us-west-2"
    assert [unquote(r["consistency_mode"]) for r in prod["replicas"]] == ["STRONG"]
    assert "global_table_witness_region" not in tfvars(files, "staging", "global-ledger")
    assert 'version = ">= 6.22.0, < 7.0.0"' in files["global-ledger/versions.tf"]  # global_table_witness came in 6.22.0
    write_tree(files, tmp_path)
    assert_external_checks_pass(tmp_path)

    root = tmp_path / "global-ledger" / "envs" / "prod"
    report = tf_plan(root, tmp=tmp_path)
    assert report[str(root)]["converged"], report["_run"].stdout
    state = state_resources(report, root)
    table = state["module.table.aws_dynamodb_table.this[0]"]
    assert table["global_table_witness"] == [{"region_name": "us-west-2"}]
    [replica] = table["replica"]
    assert (replica["region_name"], replica["consistency_mode"]) == ("us-east-2", "STRONG")
    assert replica["kms_key_arn"] == state['module.table.aws_kms_replica_key.this["us-east-2"]']["arn"]
    assert not table["stream_enabled"]  # MRSC replicates without DynamoDB Streams


def test_strongly_consistent_tables_get_no_replication_latency_alarm(render_yaml) -> None:  # type: ignore[no-untyped-def]
    text = (REPO / "specs" / "global-ledger.yaml").read_text(encoding="utf-8")
    with_alarms = text.replace("  tags: {Team: payments}\n", "  tags: {Team: payments}\n  alarms: {enabled: true}\n")
    files = render_yaml(with_alarms)
    assert "alarm_replication_latency_threshold_ms" not in tfvars(files, "prod", "global-ledger")  # MRSC publishes none
    eventual = with_alarms.replace("        consistency_mode: STRONG\n", "").replace(
        "    global_table_witness:\n      region_name: us-west-2\n", "").replace(
        "  alarms: {enabled: true}\n", "  alarms: {enabled: true}\n  stream: {enabled: true, view_type: NEW_AND_OLD_IMAGES}\n")
    assert tfvars(render_yaml(eventual), "prod", "global-ledger")["alarm_replication_latency_threshold_ms"] == 60000
