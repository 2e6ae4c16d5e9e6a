"""Change safety without Terraform: what each kind of change to a spec does to its live tables, read from the old
tree on disk and the new model, and the cost rule (nothing is parsed when no Terraform file changes)."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from dyngen import safety, tablefacts
from dyngen.plan import Action, plan_tree
from dyngen.render import layout, module_view, render_spec
from dyngen.safety import Finding, Severity, assess
from dyngen.tablefacts import read_root, spec_facts
from dyngen.validate import validate_file
from tests.helpers import REPO, spec_from_yaml
from tests.strategies import spec_documents, spec_yaml
from tests.tools import write_tree

S3 = {"s3": {"bucket": "state", "region": "eu-west-1"}}
BASE: dict[str, Any] = {
    "version": 1, "name": "orders", "hash_key": "id", "range_key": "sk", "attributes": {"id": "S", "sk": "S"},
    "settings": {"region": "eu-west-1", "backend": S3}, "environments": {"prod": {}},
}
AUTOSCALED = {"billing_mode": "PROVISIONED", "read_capacity": 5, "write_capacity": 5, "autoscaling": {
    "enabled": True, "read": {"min_capacity": 5, "max_capacity": 50}, "write": {"min_capacity": 5, "max_capacity": 50}}}


def spec(change: Any = None, base: dict[str, Any] = BASE) -> dict[str, Any]:
    document = copy.deepcopy(base)
    if change:
        change(document)
    return document


def findings(tmp_path: Path, before: dict[str, Any], after: dict[str, Any] | None) -> list[Finding]:
    """Render `before` into an output folder, then assess the plan of rendering `after` there (None: spec removed)."""
    out = tmp_path / "generated"
    write_tree(render_spec(spec_from_yaml(yaml.safe_dump(before))), out)
    new = spec_from_yaml(yaml.safe_dump(after)) if after is not None else None
    plan = plan_tree(out, render_spec(new) if new else {}, owned_sources=["specs/test.yaml"], owned_folders=["specs"])
    return assess(plan, spec_facts(layout(new)) if new else ())


def refusals(found: list[Finding]) -> list[str]:
    return [f.reason for f in found if f.severity is Severity.REFUSE]


def warnings(found: list[Finding]) -> list[str]:
    return [f.reason for f in found if f.severity is Severity.WARN]


def gsi(name: str = "ByStatus") -> dict[str, Any]:
    return {"name": name, "hash_key": "status", "projection_type": "ALL"}


def lsi(name: str = "ByTime", range_key: str = "at") -> dict[str, Any]:
    return {"name": name, "range_key": range_key, "projection_type": "KEYS_ONLY"}


def with_lsi(d: dict[str, Any], range_key: str = "at") -> None:
    d["local_secondary_indexes"] = [lsi(range_key=range_key)]
    d["attributes"][range_key] = "S"


# --- the two readings agree -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((REPO / "specs").glob("*.yaml")), ids=lambda p: p.stem)
def test_the_hcl_on_disk_means_what_the_model_says(path: Path) -> None:
    """The old side is read from HCL, the new from the model: for every example spec both readings agree."""
    model = validate_file(path, "specs/x.yaml").spec
    assert model is not None
    files = render_spec(model)
    for facts in spec_facts(layout(model)):
        assert read_root(files, facts.root) == dataclasses.replace(facts, file="", positions=()), facts.root


def one_main_tf(files: dict[str, str], model: Any) -> dict[str, str]:
    """The tree as dyngen wrote it before the module became one file per feature: main.tf held, after the spec's
    description and the shared data sources, every feature's blocks in the same order, one blank line between."""
    name = model.name
    features = [f"{name}/{part.file}" for part in module_view(model).parts if f"{name}/{part.file}" in files]
    header, body = files[f"{name}/main.tf"].split("\n", 1)
    bodies = [body.removeprefix("\n")] + [files[path].split("\n", 2)[2] for path in features]
    older = {path: text for path, text in files.items() if path not in features}
    older[f"{name}/main.tf"] = header + "\n\n" + "\n".join(b for b in bodies if b)
    return older


def test_a_module_in_one_main_tf_reads_the_same() -> None:
    """Trees rendered before the split keep the whole module in main.tf: every .tf file of the module is read."""
    model = spec_from_yaml(yaml.safe_dump(spec(lambda d: d.update(global_secondary_indexes=[gsi()],
                                                                  attributes={"id": "S", "sk": "S", "status": "S"}))))
    files = render_spec(model)
    older = one_main_tf(files, model)
    assert "orders/table.tf" not in older and 'resource "aws_dynamodb_table"' in older["orders/main.tf"]
    assert read_root(older, "orders/envs/prod") == read_root(files, "orders/envs/prod")


@pytest.mark.parametrize("path", sorted((REPO / "specs").glob("*.yaml")), ids=lambda p: p.stem)
def test_upgrading_a_tree_of_one_main_tf_to_a_file_per_feature_is_safe(tmp_path: Path, path: Path) -> None:
    """Rendering over a tree of the older layout rewrites main.tf and creates the feature files: no refusal, no
    warning, and the old and new trees say the same about every table."""
    model = validate_file(path, "specs/test.yaml").spec
    assert model is not None
    files = render_spec(model)
    older = one_main_tf(files, model)
    plan = plan_tree(write_tree(older, tmp_path / "generated"), files, owned_sources=["specs/test.yaml"])
    created = {c.path for c in plan.changes if c.action is Action.CREATE}
    updated = {c.path for c in plan.changes if c.action is Action.UPDATE}
    assert created == set(files) - set(older) and f"{model.name}/table.tf" in created
    assert updated == {f"{model.name}/main.tf"}
    assert assess(plan, spec_facts(layout(model))) == []
    for facts in spec_facts(layout(model)):
        assert read_root(older, facts.root) == read_root(files, facts.root), facts.root


# --- refused: Terraform would replace a table, create a second one or lose one ---------------------------------------


@pytest.mark.parametrize("change, expected", [
    (lambda d: d.update(hash_key="sk", range_key="id"), "the hash key changes from id (S) to sk (S) and the range key"),
    (lambda d: d.pop("range_key") and d["attributes"].pop("sk"), "the range key changes from sk (S) to none"),
    (lambda d: d["attributes"].update(sk="N"), "the range key changes from sk (S) to sk (N)"),
    (with_lsi, "the local secondary indexes change (added ByTime)"),
    (lambda d: d.update(table_name="{env}-orders-v2"), "the table name changes from prod-orders to prod-orders-v2"),
    (lambda d: d["settings"].update(region="us-east-1"), "the region changes from eu-west-1 to us-east-1"),
])
def test_changes_that_replace_the_table_are_refused(tmp_path: Path, change: Any, expected: str) -> None:
    found = findings(tmp_path, BASE, spec(change))
    assert len(refusals(found)) == 1 and refusals(found)[0].startswith(expected), found
    assert found[0].spec == "orders" and found[0].env == "prod" and found[0].table == "prod-orders"
    assert "--allow-destructive" in found[0].advice


def test_an_lsi_removed_or_changed_is_refused(tmp_path: Path) -> None:
    before = spec(with_lsi)
    assert refusals(findings(tmp_path / "a", before, BASE))[0].startswith(
        "the local secondary indexes change (removed ByTime)")
    changed = spec(lambda d: with_lsi(d, "other"))
    assert refusals(findings(tmp_path / "b", before, changed))[0].startswith(
        "the local secondary indexes change (changed ByTime)")


def test_a_backend_key_change_moves_the_state_and_is_refused(tmp_path: Path) -> None:
    after = spec(lambda d: d["settings"]["backend"]["s3"].update(key="tables/{env}.tfstate"))
    (found,) = findings(tmp_path, BASE, after)
    assert found.refused and found.reason.startswith(
        "its Terraform state moves from s3://state/dynamodb/orders/prod/terraform.tfstate to "
        "s3://state/tables/prod.tfstate: Terraform starts there from an empty state and creates table prod-orders")
    assert "terraform init -migrate-state" in found.advice and "generated/orders/envs/prod" in found.advice


def test_a_rename_is_refused_with_the_names_to_keep(tmp_path: Path) -> None:
    (found,) = findings(tmp_path, BASE, spec(lambda d: d.update(name="purchases")))
    assert found.refused and "creates table prod-purchases as a second table" in found.reason, found
    assert found.advice.startswith("set table_name and backend.s3.key to keep the old ones")
    assert 'table_name "prod-orders"' in found.advice
    assert 'backend.s3.key "dynamodb/orders/prod/terraform.tfstate"' in found.advice


def test_a_rename_that_keeps_table_name_and_state_key_is_accepted(tmp_path: Path) -> None:
    """Old and new roots are matched by where their state lives, not by folder."""
    def rename(d: dict[str, Any]) -> None:
        d.update(name="purchases", table_name="{env}-orders")
        d["settings"]["backend"]["s3"]["key"] = "dynamodb/orders/{env}/terraform.tfstate"

    assert findings(tmp_path, BASE, spec(rename)) == []


def test_a_local_state_rename_says_where_the_state_file_must_go(tmp_path: Path) -> None:
    local = spec(lambda d: d["settings"].pop("backend"))
    (found,) = findings(tmp_path, local, spec(lambda d: d.update(name="purchases"), local))
    out = f"{tmp_path.as_posix()}/generated"
    assert found.refused and f"from the local state {out}/orders/envs/prod/terraform.tfstate" in found.reason
    assert f"move the state file {out}/orders/envs/prod/terraform.tfstate to {out}/purchases/envs/prod/" in found.advice


def test_a_removed_environment_is_refused(tmp_path: Path) -> None:
    before = spec(lambda d: d["environments"].update(dev={}))
    (found,) = findings(tmp_path, before, BASE)
    assert found.refused and found.env == "dev" and found.table == "dev-orders"
    assert found.reason.startswith("environment dev is no longer in the spec, so ")
    assert found.advice.startswith(f"run terraform destroy in {tmp_path.as_posix()}/generated/orders/envs/dev first")


def test_a_removed_spec_is_refused_at_its_roots(tmp_path: Path) -> None:
    (found,) = findings(tmp_path, BASE, None)
    assert found.refused and found.file == f"{tmp_path.as_posix()}/generated/orders/envs/prod/main.tf" and found.line is None
    assert found.reason.startswith("the spec specs/test.yaml is gone, so ")
    assert "could no longer be managed or destroyed from this repository" in found.reason


# --- accepted, with or without a warning ----------------------------------------------------------------------------


@pytest.mark.parametrize("change", [
    lambda d: d.update(global_secondary_indexes=[gsi()], attributes={"id": "S", "sk": "S", "status": "S"}),
    lambda d: d["settings"].update(tags={"Team": "x"}),
    lambda d: d["settings"].update(point_in_time_recovery={"enabled": False}),
    lambda d: d["environments"].update(dev={}),
    lambda d: d["environments"]["prod"].update(billing_mode="PROVISIONED", read_capacity=1, write_capacity=1),
], ids=["gsi-added-on-demand", "tags", "pitr", "environment-added", "to-provisioned"])
def test_ordinary_changes_are_accepted_silently(tmp_path: Path, change: Any) -> None:
    assert findings(tmp_path, BASE, spec(change)) == []


def test_switching_on_demand_to_autoscaled_warns_with_the_safe_procedure(tmp_path: Path) -> None:
    (found,) = findings(tmp_path, BASE, spec(lambda d: d["environments"]["prod"].update(AUTOSCALED)))
    assert found.severity is Severity.WARN
    assert "the table keeps its on-demand capacity of 0 (AWS sets 1 unit) instead of the spec's 5 read" in found.reason
    assert found.advice == safety.SAFE_AUTOSCALING


def test_the_two_step_switch_to_autoscaling_is_silent(tmp_path: Path) -> None:
    provisioned = spec(lambda d: d["environments"]["prod"].update(
        billing_mode="PROVISIONED", read_capacity=5, write_capacity=5))
    autoscaled = spec(lambda d: d["environments"]["prod"].update(AUTOSCALED))
    assert findings(tmp_path / "a", BASE, provisioned) == []
    assert findings(tmp_path / "b", provisioned, autoscaled) == []
    low = spec(lambda d: d["environments"]["prod"].update(
        billing_mode="PROVISIONED", read_capacity=2, write_capacity=5))
    assert warnings(findings(tmp_path / "c", low, autoscaled)) == [
        "autoscaling is switched on, and Terraform ignores the capacity of an autoscaled table: the table keeps 2 "
        "read and 5 write units instead of the spec's 5 read and 5 write units until autoscaling raises it, and a "
        "busy table throttles meanwhile"]


def autoscaled(d: dict[str, Any]) -> None:
    d["environments"]["prod"].update(copy.deepcopy(AUTOSCALED))


@pytest.mark.parametrize("before, change, expected", [
    (autoscaled, lambda d: d["environments"]["prod"].update(read_capacity=9),
     "the provisioned capacity of the table changes while autoscaling owns it: Terraform ignores the change"),
    (lambda d: (autoscaled(d), d["environments"]["prod"]["autoscaling"].update(indexes=True),
                d.update(global_secondary_indexes=[gsi()]), d["attributes"].update(status="S")),
     lambda d: d.update(global_secondary_indexes=[gsi(), gsi("Other")]),
     "the global secondary indexes change (added Other) where they autoscale: Terraform ignores the change"),
    (lambda d: d["environments"]["prod"].update(deletion_protection=True),
     lambda d: d["environments"]["prod"].update(deletion_protection=False),
     "deletion protection is turned off"),
    (lambda d: d.update(lifecycle={"prevent_destroy": True}), lambda d: d.update(lifecycle={"prevent_destroy": False}),
     "lifecycle.prevent_destroy is turned off"),
    (lambda d: d["environments"]["prod"].update(billing_mode="PROVISIONED", read_capacity=1, write_capacity=1),
     lambda d: [d["environments"]["prod"].pop(k) for k in ("billing_mode", "read_capacity", "write_capacity")],
     "billing switches from PROVISIONED to PAY_PER_REQUEST: DynamoDB allows this at most four times"),
    (None, lambda d: d["settings"].update(import_from_s3={"bucket": "seed-data", "input_format": "ION"}),
     "import_from_s3 changes after the table was created: Terraform ignores it"),
], ids=["capacity-under-autoscaling", "gsi-under-index-autoscaling", "deletion-protection-off", "prevent-destroy-off",
        "to-on-demand", "import-after-creation"])
def test_changes_terraform_ignores_or_that_surprise_warn(tmp_path: Path, before: Any, change: Any,
                                                          expected: str) -> None:
    old = spec(before)
    new = spec(change, old)
    found = findings(tmp_path, old, new)
    assert refusals(found) == [] and len(warnings(found)) == 1 and warnings(found)[0].startswith(expected), found


# --- what it costs ---------------------------------------------------------------------------------------------------


def test_nothing_is_parsed_when_no_terraform_file_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "generated"
    files = render_spec(spec_from_yaml(yaml.safe_dump(BASE)))
    write_tree(files, out)
    write_tree({"orders/README.md": files["orders/README.md"].replace("orders", "orders!")}, out)
    monkeypatch.setattr(safety, "read_root", lambda *a: pytest.fail("parsed an unchanged tree"))
    plan = plan_tree(out, files, owned_sources=["specs/test.yaml"])
    assert assess(plan, spec_facts(layout(spec_from_yaml(yaml.safe_dump(BASE))))) == []


def test_only_the_roots_whose_files_change_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = spec(lambda d: d["environments"].update(dev={}, staging={}))
    after = spec(lambda d: d["environments"]["dev"].update(tags={"a": "b"}), before)
    read: list[str] = []
    monkeypatch.setattr(safety, "read_root", lambda files, root: read.append(root) or tablefacts.read_root(files, root))
    assert findings(tmp_path, before, after) == []
    assert read == ["orders/envs/dev"]


def test_an_unreadable_earlier_render_is_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    files = render_spec(spec_from_yaml(yaml.safe_dump(BASE)))
    broken = files["orders/envs/prod/terraform.tfvars"] + "table_name = {\n"
    write_tree({**files, "orders/envs/prod/terraform.tfvars": broken}, out)
    plan = plan_tree(out, files, owned_sources=["specs/test.yaml"])
    (found,) = assess(plan, spec_facts(layout(spec_from_yaml(yaml.safe_dump(BASE)))))
    assert found.severity is Severity.WARN and "orders/envs/prod/terraform.tfvars cannot be parsed" in found.reason


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                HealthCheck.filter_too_much])
@given(spec_documents())
def test_any_rendered_spec_reads_back_as_the_model_says(document: dict[str, Any]) -> None:
    """What the old side reads from HCL equals what the new side takes from the model, for any valid spec: a change
    is judged on the same facts whichever dyngen rendered the tree."""
    model = spec_from_yaml(spec_yaml(document))
    files = render_spec(model)
    for facts in spec_facts(layout(model)):
        assert read_root(files, facts.root) == dataclasses.replace(facts, file="", positions=()), facts.root


def test_an_older_render_is_read_for_what_it_says_literally(tmp_path: Path) -> None:
    """An older dyngen may have written the table differently: a literal name, the key through a variable, indexes in
    a dynamic block. Literals are read; what only Terraform could evaluate is unknown and never compared."""
    files = render_spec(spec_from_yaml(yaml.safe_dump(spec(with_lsi))))
    older = files["orders/table.tf"].replace("name                        = var.table_name",
                                            'name                        = "prod-orders"')
    older = older.replace('hash_key                    = "id"', "hash_key                    = var.hash_key")
    start = older.index("  local_secondary_index {")
    end = older.index("  }\n", start) + 4
    dynamic = '  dynamic "local_secondary_index" {\n    for_each = []\n    content {}\n  }\n'
    older = older[:start] + dynamic + older[end:]
    facts = read_root({**files, "orders/table.tf": older}, "orders/envs/prod")
    assert facts.table_name == "prod-orders" and facts.hash_key is None and facts.local_indexes is None
    assert facts.range_key == ("sk", "S") and facts.state == ("s3", "state", "dynamodb/orders/prod/terraform.tfstate")


@pytest.mark.parametrize("before, change, expected", [
    (None, lambda d: d["settings"].update(table_class="STANDARD_INFREQUENT_ACCESS"),
     "the table class changes from STANDARD to STANDARD_INFREQUENT_ACCESS: DynamoDB limits how often"),
    (lambda d: d["settings"].update(stream={"enabled": True, "view_type": "KEYS_ONLY"}),
     lambda d: d["settings"].update(stream={"enabled": True, "view_type": "NEW_AND_OLD_IMAGES"}),
     "the stream's view type changes from KEYS_ONLY to NEW_AND_OLD_IMAGES, which DynamoDB does by ending the stream"),
    (lambda d: d["settings"].update(stream={"enabled": True, "view_type": "KEYS_ONLY"}),
     lambda d: d["settings"].update(stream={"enabled": False}),
     "the stream is turned off: consumers of the current stream"),
    (lambda d: d["settings"].update(stream={"enabled": True, "view_type": "NEW_AND_OLD_IMAGES"},
                                    replicas=[{"region_name": "us-east-1"}, {"region_name": "eu-central-1"}]),
     lambda d: d["settings"].update(replicas=[{"region_name": "eu-central-1"}]),
     "the replica in us-east-1 is removed: DynamoDB deletes that region's copy of the table"),
    (lambda d: d["settings"].update(encryption={"enabled": True, "create_kms_key": True}),
     lambda d: d["settings"].update(encryption={"enabled": False}),
     "the table no longer uses the KMS key dyngen created for it: Terraform destroys the key"),
], ids=["table-class", "stream-view-type", "stream-off", "replica-removed", "created-key-dropped"])
def test_changes_dynamodb_limits_or_that_break_readers_warn(tmp_path: Path, before: Any, change: Any,
                                                            expected: str) -> None:
    old = spec(before)
    found = findings(tmp_path, old, spec(change, old))
    assert refusals(found) == [] and len(warnings(found)) == 1 and warnings(found)[0].startswith(expected), found


def test_adding_a_replica_or_a_stream_is_silent(tmp_path: Path) -> None:
    streamed = spec(lambda d: d["settings"].update(stream={"enabled": True, "view_type": "NEW_AND_OLD_IMAGES"}))
    assert findings(tmp_path / "a", BASE, streamed) == []
    replicated = spec(lambda d: d["settings"].update(replicas=[{"region_name": "us-east-1"}]), streamed)
    assert findings(tmp_path / "b", streamed, replicated) == []


def test_making_a_key_or_keeping_it_is_silent(tmp_path: Path) -> None:
    keyed = spec(lambda d: d["settings"].update(encryption={"enabled": True, "create_kms_key": True}))
    assert findings(tmp_path / "a", BASE, keyed) == []
    assert findings(tmp_path / "b", keyed, spec(lambda d: d["settings"].update(tags={"Team": "a"}), keyed)) == []
