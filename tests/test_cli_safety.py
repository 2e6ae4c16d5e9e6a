"""`dyngen render` refuses a change that would replace or orphan a live table (exit 1, nothing written, one located
line each), `--allow-destructive` writes it with the same lines as warnings, `--check` reports them, and warnings
about what Terraform ignores are printed on stderr of a render that succeeds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import Result

SPEC = """\
version: 1
name: orders
hash_key: id
attributes:
  id: S
settings:
  region: eu-west-1
environments:
  dev: {}
  prod: {}
"""
AUTOSCALED_PROD = """\
  prod:
    billing_mode: PROVISIONED
    read_capacity: 20
    write_capacity: 10
    autoscaling:
      enabled: true
      read: {min_capacity: 20, max_capacity: 100}
      write: {min_capacity: 10, max_capacity: 100}
"""
from tests.helpers import run_cli


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with one spec, rendered once."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "orders.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "specs" / "users.yaml").write_text(SPEC.replace("orders", "users"), encoding="utf-8")
    assert render().exit_code == 0
    return tmp_path


def render(*args: str) -> Result:
    return run_cli("render", *args)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def edit(repo: Path, old: str, new: str, spec: str = "orders") -> None:
    path = repo / "specs" / f"{spec}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_key_change_is_refused_and_nothing_is_written(repo: Path) -> None:
    edit(repo, "hash_key: id\nattributes:\n  id: S", "hash_key: order_id\nattributes:\n  order_id: S")
    before = tree(repo / "generated")
    result = render()
    assert result.exit_code == 1, result.output
    assert tree(repo / "generated") == before
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"specs/orders.yaml:3:1: error: spec `orders`, environment {env}, table {env}-orders: the hash key changes "
        f"from id (S) to order_id (S): DynamoDB cannot change a table's keys, so the table must be replaced and "
        f"every item is lost; create the new table from a new spec and copy the items across, or render with "
        f"--allow-destructive to replace it" for env in ("dev", "prod")]
    assert lines[2].startswith("render refused: 2 change(s) would replace or orphan a live table; nothing was written")
    assert result.stdout == "" and "bug" not in result.stderr


def test_allow_destructive_writes_and_warns(repo: Path) -> None:
    edit(repo, "settings:\n  region: eu-west-1", "table_name: \"{env}-orders-v2\"\nsettings:\n  region: eu-west-1")
    result = render("--allow-destructive")
    assert result.exit_code == 0, result.output
    assert "\"prod-orders-v2\"" in (repo / "generated/orders/envs/prod/terraform.tfvars").read_text()
    warning = [line for line in result.stderr.splitlines() if "environment prod" in line]
    assert warning == [
        "specs/orders.yaml:6:1: warning: spec `orders`, environment prod, table prod-orders: the table name changes "
        "from prod-orders to prod-orders-v2: a new name forces a new table, so Terraform destroys prod-orders with "
        "every item and creates an empty one; keep table_name resolving to \"prod-orders\" here, or copy the items "
        "first and render with --allow-destructive (written anyway: --allow-destructive)"]
    assert "update generated/orders/envs/prod/terraform.tfvars" in result.stdout
    assert render().exit_code == 0, "once written, the new tree is the baseline"


def test_check_reports_the_same_findings(repo: Path) -> None:
    edit(repo, "  dev: {}\n", "")
    result = render("--check")
    assert result.exit_code == 1
    assert "delete generated/orders/envs/dev/main.tf" in result.stderr
    assert ("specs/orders.yaml:8:1: error: spec `orders`, environment dev, table dev-orders: environment dev is no "
            "longer in the spec, so generated/orders/envs/dev would be deleted") in result.stderr
    assert "render would refuse 1 change(s) that replace or orphan a live table" in result.stderr
    assert "run terraform destroy in generated/orders/envs/dev first" in result.stderr
    assert ("6 file(s) out of date; follow the refusal's advice above, then run `dyngen render --allow-destructive` "
            "to regenerate them") in result.stderr
    annotations = render("--check", "--format", "github").stdout
    assert "follow the refusal's advice above, then run `dyngen render --allow-destructive`" in annotations


def test_check_with_allow_destructive_reports_warnings_and_no_refusal(repo: Path) -> None:
    edit(repo, "  dev: {}\n", "")
    result = render("--check", "--allow-destructive")
    assert result.exit_code == 1
    assert ": warning: spec `orders`, environment dev" in result.stderr and ": error: " not in result.stderr
    assert "refuse" not in result.stderr
    assert "(allowed: --allow-destructive)" in result.stderr and "written" not in result.stderr
    assert "6 file(s) out of date; run `dyngen render --allow-destructive` to regenerate them" in result.stderr


def test_a_removed_spec_is_refused_at_its_roots(repo: Path) -> None:
    os.remove(repo / "specs" / "users.yaml")
    result = render()
    assert result.exit_code == 1
    assert [line.split(": error: ")[0] for line in result.stderr.splitlines()[:2]] == [
        "generated/users/envs/dev/main.tf", "generated/users/envs/prod/main.tf"]
    assert "the spec specs/users.yaml is gone" in result.stderr
    assert (repo / "generated" / "users" / "envs" / "prod" / "main.tf").exists()


def test_a_switch_to_autoscaling_renders_with_a_warning(repo: Path) -> None:
    edit(repo, "  prod: {}\n", AUTOSCALED_PROD)
    result = render("-q")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("specs/orders.yaml:14:5: warning: spec `orders`, environment prod, table prod-orders: "
                           "autoscaling is switched on")
    assert "its on-demand capacity of 0 (AWS sets 1 unit) instead of the spec's 20 read and 10 write units" in line
    assert line.endswith("safe procedure: first render and apply billing_mode PROVISIONED with read_capacity and "
                         "write_capacity and autoscaling off, then switch autoscaling on and apply again "
                         "(README: Safe changes)")


def test_an_unchanged_tree_says_nothing_more(repo: Path) -> None:
    result = render()
    assert result.exit_code == 0 and result.stderr == ""


@pytest.mark.parametrize("command", ["validate", "render"])
def test_roots_sharing_one_state_are_invalid(repo: Path, command: str) -> None:
    """A backend key without {env} (or {name}) puts several roots in one state: each apply would destroy the
    other's table. Across specs too."""
    shared = "settings:\n  region: eu-west-1\n  backend: {s3: {bucket: team-state, key: tables.tfstate}}"
    edit(repo, "settings:\n  region: eu-west-1", shared)
    edit(repo, "settings:\n  region: eu-west-1", shared, spec="users")
    before = tree(repo / "generated")
    result = run_cli(command)
    assert result.exit_code == 1
    assert tree(repo / "generated") == before
    lines = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert lines[0] == ("specs/orders.yaml:8:3: error: environment prod of spec `orders` keeps its Terraform state at "
                        "s3://team-state/tables.tfstate, like environment dev of spec `orders` (specs/orders.yaml): "
                        "each apply would destroy the other's table; put {name} and {env} in backend.s3.key")
    assert len(lines) == 3 and lines[2].startswith("specs/users.yaml:8:3: error: environment prod of spec `users`")


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_shared_state_is_reported_beside_another_specs_problem(repo: Path, command: str) -> None:
    """The checks across specs are one function, run by both commands whatever else is wrong."""
    shared = "settings:\n  region: eu-west-1\n  backend: {s3: {bucket: team-state, key: orders.tfstate}}"
    edit(repo, "settings:\n  region: eu-west-1", shared)
    edit(repo, "hash_key: id", "hash_key: missing", spec="users")
    result = run_cli(command)
    assert result.exit_code == 1
    files = [line.split(":")[0] for line in result.stdout.splitlines() if ": error: " in line]
    assert sorted(set(files)) == ["specs/orders.yaml", "specs/users.yaml"], result.stdout
    assert "keeps its Terraform state at s3://team-state/orders.tfstate" in result.stdout
