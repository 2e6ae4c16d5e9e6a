"""Two environments whose tables resolve to one name in one region of one account are a located error, in
`dyngen validate` and in `dyngen render` (which then writes nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

SPEC = """\
version: 1
name: {name}
hash_key: id
attributes: {{id: S}}
{table_name}settings:
  region: {region}
{account}environments:
  prod: {{}}
  {other_env}: {{}}
"""
from tests.helpers import run_cli


def spec(name: str, *, table_name: str = "", region: str = "eu-west-1", account: str = "",
         other_env: str = "staging") -> str:
    return SPEC.format(
        name=name, region=region, other_env=other_env,
        table_name=f"table_name: \"{table_name}\"\n" if table_name else "",
        account=f"  account_id: \"{account}\"\n" if account else "",
    )


def run(*args: str) -> Result:
    result = run_cli(*args)
    assert isinstance(result.exception, (SystemExit, type(None))), result.output
    return result


@pytest.fixture
def two_specs(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text(spec("orders"), encoding="utf-8")
    # `{env}-orders` in b.yaml is a's default name for each environment: prod-orders and staging-orders
    (tmp_path / "specs" / "b.yaml").write_text(spec("orders-copy", table_name="{env}-orders"), encoding="utf-8")
    return tmp_path / "specs"


def test_validate_reports_both_files_and_environments_at_table_name(two_specs: Path) -> None:
    result = run("validate", str(two_specs))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2, lines
    b = two_specs / "b.yaml"
    assert lines[0].startswith(f"{b}:5:13: error: table `prod-orders` of environment prod is also the table of "
                               f"environment prod in {two_specs / 'a.yaml'} (region eu-west-1)"), lines
    assert lines[0].endswith("[at table_name]")
    assert "table `staging-orders` of environment staging" in lines[1] and "environment staging in" in lines[1]


def test_render_refuses_and_writes_nothing(two_specs: Path, tmp_path: Path) -> None:
    result = run("render", str(two_specs), "--out", str(tmp_path / "generated"))
    assert result.exit_code == 1, result.output
    assert "DynamoDB table names are unique per account and region" in result.stdout
    assert not (tmp_path / "generated").exists()


def test_the_default_table_name_is_located_at_name(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(spec("orders", table_name="{env}-orders"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(spec("orders"), encoding="utf-8")
    lines = run("validate", str(tmp_path)).stdout.splitlines()
    assert lines and all(line.startswith(f"{tmp_path / 'b.yaml'}:2:7: error:") and line.endswith("[at name]")
                         for line in lines), lines


def test_different_environment_names_with_one_table_collide(tmp_path: Path) -> None:
    """DynamoDB does not know environments: a fixed table_name is one table for all of them."""
    (tmp_path / "a.yaml").write_text(spec("orders", table_name="orders"), encoding="utf-8")
    result = run("validate", str(tmp_path / "a.yaml"))
    assert result.exit_code == 1
    [line] = result.stdout.splitlines()
    assert "table `orders` of environment staging is also the table of environment prod in this spec" in line


@pytest.mark.parametrize(
    ("b", "collide"),
    [
        ({"region": "us-east-1"}, False),
        ({"account": "210987654321"}, False),  # a names 123456789012 below
        ({"account": "123456789012"}, True),
        ({}, True),  # an account left open could be any, the same one included
    ],
    ids=["other region", "other account", "same account", "account not named"],
)
def test_region_and_account_decide(tmp_path: Path, b: dict[str, str], collide: bool) -> None:
    (tmp_path / "a.yaml").write_text(spec("orders", account="123456789012"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(spec("copy", table_name="{env}-orders", **b), encoding="utf-8")
    assert run("validate", str(tmp_path)).exit_code == (1 if collide else 0)


def test_a_replica_claims_its_region_too(tmp_path: Path) -> None:
    replicated = spec("orders", region="eu-west-1").replace(
        "environments:", "  stream: {enabled: true}\n  replicas: [{region_name: us-east-1}]\nenvironments:")
    (tmp_path / "a.yaml").write_text(replicated, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(spec("copy", table_name="{env}-orders", region="us-east-1"), encoding="utf-8")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "(region us-east-1)" in result.stdout


def test_the_example_specs_do_not_collide() -> None:
    assert run("validate", str(Path(__file__).resolve().parents[1] / "specs")).exit_code == 0


@pytest.mark.parametrize("command", ["validate", "render"])
def test_a_name_held_by_another_spec_is_one_problem(tmp_path: Path, command: str) -> None:
    """Two specs named alike would render into one folder: reported once, at the later one's `name`; its tables
    (which would collide too) are not compared again."""
    (tmp_path / "a.yaml").write_text(spec("orders"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(spec("orders"), encoding="utf-8")
    result = run(command, str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), *(
        ["--out", str(tmp_path / "generated")] if command == "render" else []))
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'b.yaml'}:2:7: error: spec name `orders` is also used by {tmp_path / 'a.yaml'}; names must be "
        f"unique [at name]"]
