"""Outputs that tools read: GitHub workflow annotations (validate, render, import) and `render --format json`."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from dyngen.output_formats import (
    Annotation,
    escape_data,
    escape_property,
    finding_annotation,
)
from tests.helpers import run_cli

VALID = """\
version: 1
name: {name}
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  dev: {{}}
  prod: {{}}
"""
COMMAND = re.compile(r"^::(?P<level>error|warning|notice)(?: (?P<properties>[^:]*))?::(?P<message>.*)$")


def unescape(text: str) -> str:
    """What GitHub's runner does to a value (the reverse of actions/toolkit's escaping)."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def annotations(stdout: str) -> list[dict[str, str]]:
    """Every workflow command on stdout, read the way the runner reads it: properties split at `,` and `=`."""
    found = []
    for line in stdout.splitlines():
        match = COMMAND.match(line)
        if not match:
            continue
        properties = dict(p.split("=", 1) for p in (match["properties"] or "").split(",") if p)
        found.append({"level": match["level"], "message": unescape(match["message"]),
                      **{key: unescape(value) for key, value in properties.items()}})
    return found


def run(args: list[str], folder: Path) -> Result:
    with contextlib.chdir(folder):
        return run_cli(*args)


def write_spec(folder: Path, name: str, text: str | None = None) -> Path:
    (folder / "specs").mkdir(exist_ok=True)
    path = folder / "specs" / f"{name}.yaml"
    path.write_text(text if text is not None else VALID.format(name=name), encoding="utf-8")
    return path


@pytest.mark.parametrize("text", ["plain", "50% off", "a\nb", "a\r\nb", "%0A literal", "x:y,z=w", ""])
def test_escaping_is_undone_by_the_runner(text: str) -> None:
    line = str(Annotation("error", text, file=text or "f", line=3, column=4, title=f"t {text}"))
    assert "\n" not in line and "\r" not in line
    [parsed] = annotations(line)
    assert parsed == {"level": "error", "message": text, "file": text or "f", "line": "3", "col": "4",
                      "title": f"t {text}"}


@dataclass(frozen=True)
class Finding:
    """The shape of dyngen.safety.Finding (change safety), which finding_annotation reads."""

    file: str
    line: int | None
    column: int | None
    refused: bool

    def message(self) -> str:
        return "table orders would be replaced: its hash key changed"


def test_a_refused_change_is_an_error_and_an_allowed_or_mild_one_a_warning() -> None:
    refused = Finding("specs/orders.yaml", 4, 11, refused=True)
    assert str(finding_annotation(refused)) == \
        "::error file=specs/orders.yaml,line=4,col=11,title=dyngen::" + refused.message()
    assert finding_annotation(refused, allowed=True).level == "warning"
    assert str(finding_annotation(Finding("specs/gone.yaml", None, None, refused=False))).startswith(
        "::warning file=specs/gone.yaml,title=dyngen::")


def test_escape_rules_are_githubs() -> None:
    assert escape_data("100%\r\n:,") == "100%25%0D%0A:,"
    assert escape_property("100%\r\n:,") == "100%25%0D%0A%3A%2C"


def test_validate_github_locates_every_problem_even_in_an_awkward_file_name(tmp_path: Path) -> None:
    text = VALID.format(name="orders").replace("order_id: S", "order_id: Q")
    text = text.replace("dev: {}", "dev: {billing_mode: X}")
    (tmp_path / "a,b:c.yaml").write_text(text, encoding="utf-8")
    result = run(["validate", "--format", "github", "a,b:c.yaml"], tmp_path)
    assert result.exit_code == 1
    found = annotations(result.stdout)
    assert [(a["level"], a["file"], a["line"], a["col"]) for a in found] == \
        [("error", "a,b:c.yaml", "6", "13"), ("error", "a,b:c.yaml", "8", "23")]
    assert [a["title"] for a in found] == ["dyngen: attributes.order_id", "dyngen: environments.dev.billing_mode"]
    assert "`Q` is not allowed here" in found[0]["message"]


def test_validate_github_keeps_a_line_break_in_a_key_inside_one_command(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(VALID.format(name="orders") + '"50%\\noff": 1\n', encoding="utf-8")
    result = run(["validate", "--format", "github", "t.yaml"], tmp_path)
    [found] = annotations(result.stdout)
    assert len(result.stdout.splitlines()) == 1
    assert "unknown key `50%\noff`" in found["message"] and found["title"] == "dyngen: 50%\noff"


def test_validate_github_is_silent_when_valid(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders")
    result = run(["validate", "--format", "github", "specs"], tmp_path)
    assert (result.exit_code, result.stdout) == (0, "")


def test_render_github_annotates_invalid_specs_and_writes_nothing(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders", VALID.format(name="orders").replace("order_id: S", "order_id: Q"))
    result = run(["render", "specs", "--format", "github"], tmp_path)
    assert result.exit_code == 1 and not (tmp_path / "generated").exists()
    [found] = annotations(result.stdout)
    assert (found["file"], found["line"], found["title"]) == ("specs/orders.yaml", "6", "dyngen: attributes.order_id")


def test_render_github_annotates_a_refused_write(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders")
    assert run(["render", "specs"], tmp_path).exit_code == 0
    (tmp_path / "generated/orders/README.md").write_text("my own notes\n", encoding="utf-8")
    result = run(["render", "specs", "--format", "github"], tmp_path)
    assert result.exit_code == 1
    [found] = annotations(result.stdout)
    assert found["level"] == "error" and "generated/orders/README.md" in found["message"]
    assert "--force" in found["message"] and found["file"] == "generated/orders/README.md"


def test_render_github_annotates_a_removed_spec_on_its_roots_main_tf(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders")
    write_spec(tmp_path, "users")
    assert run(["render", "specs"], tmp_path).exit_code == 0
    (tmp_path / "specs/users.yaml").unlink()
    result = run(["render", "specs", "--format", "github"], tmp_path)
    assert result.exit_code == 1
    files = [a["file"] for a in annotations(result.stdout) if "is gone" in a["message"]]
    assert files == ["generated/users/envs/dev/main.tf", "generated/users/envs/prod/main.tf"]
    assert all((tmp_path / file).is_file() for file in files)


def test_render_check_github_annotates_each_stale_file_with_the_fix(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders")
    assert run(["render", "specs"], tmp_path).exit_code == 0
    main_tf = tmp_path / "generated/orders/envs/dev/main.tf"
    main_tf.write_text(main_tf.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    (tmp_path / "generated/orders/envs/prod/backend.tf").unlink()
    result = run(["render", "specs", "--check", "--format", "github"], tmp_path)
    assert result.exit_code == 1
    found = {a["file"]: a for a in annotations(result.stdout)}
    assert set(found) == {"generated/orders/envs/dev/main.tf", "generated/orders/envs/prod/backend.tf"}
    assert found["generated/orders/envs/prod/backend.tf"]["message"].startswith("missing")
    assert all("run `dyngen render specs`" in a["message"] for a in found.values())


def test_import_github_gives_warnings_as_warnings(tmp_path: Path) -> None:
    tf = tmp_path / "table.tf"
    tf.write_text('resource "aws_dynamodb_table" "t" {\n  name = "orders"\n  hash_key = "id"\n'
                  '  billing_mode = "PAY_PER_REQUEST"\n  attribute {\n    name = "id"\n    type = "S"\n  }\n'
                  '  stream_enabled = var.streams\n}\n', encoding="utf-8")
    result = run(["import", "table.tf", "--stdout", "--partial", "--format", "github"], tmp_path)
    warnings = [a for a in annotations(result.stdout) if a["level"] == "warning"]
    assert warnings and all(a["file"] == "table.tf" for a in warnings), result.output
    assert "stream" in " ".join(a["message"] for a in warnings)


# --- render --format json ---------------------------------------------------------------------------------------

FIELDS = {"version", "out", "check", "written", "stale", "paths", "counts", "problems", "findings", "error"}


def render_json(args: list[str], folder: Path) -> tuple[int, dict[str, Any]]:
    result = run(["render", *args, "--format", "json"], folder)
    return result.exit_code, json.loads(result.stdout)  # the whole of stdout is one object


def test_the_readme_documents_every_field() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Output for tools", 1)[1].split("\n### ", 1)[0]
    documented = set(re.findall(r"^\| `([a-z]+)` \|", section, re.M))
    assert documented == FIELDS
    for action in ("create", "update", "unchanged", "delete", "foreign"):
        assert f"`{action}`" in section


def test_render_json_lists_every_path_with_its_action(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders")
    code, report = render_json(["specs"], tmp_path)
    assert code == 0 and set(report) == FIELDS
    assert (report["version"], report["out"], report["check"], report["written"], report["stale"]) == \
        (1, "generated", False, True, True)
    on_disk = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "generated").rglob("*") if p.is_file())
    assert [p["path"] for p in report["paths"]] == on_disk
    assert {p["action"] for p in report["paths"]} == {"create"} and report["counts"]["create"] == len(on_disk)
    assert report["problems"] == [] and report["error"] is None


def test_render_check_json_says_stale_and_names_each_action(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders")
    write_spec(tmp_path, "users")
    run(["render", "specs"], tmp_path)
    code, report = render_json(["specs", "--check"], tmp_path)
    assert (code, report["stale"], report["check"], report["written"]) == (0, False, True, False)
    assert {p["action"] for p in report["paths"]} == {"unchanged"}

    (tmp_path / "specs/users.yaml").unlink()
    write_spec(tmp_path, "orders", VALID.format(name="orders").replace("  prod: {}\n", "  prod: {}\n  qa: {}\n"))
    readme = tmp_path / "generated/orders/README.md"
    readme.write_text("hand written\n", encoding="utf-8")
    code, report = render_json(["specs", "--check"], tmp_path)
    actions = {p["path"]: p["action"] for p in report["paths"]}
    assert code == 1 and report["stale"] is True
    assert actions["generated/orders/README.md"] == "foreign"
    assert actions["generated/orders/envs/qa/main.tf"] == "create"
    assert actions["generated/users/envs/dev/main.tf"] == "delete"
    assert actions["generated/orders/envs/dev/main.tf"] == "unchanged"
    assert report["counts"]["delete"] == sum(1 for a in actions.values() if a == "delete") > 0
    assert readme.read_text(encoding="utf-8") == "hand written\n"  # --check wrote nothing


def test_render_json_of_invalid_specs_has_the_problems_and_writes_nothing(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders", VALID.format(name="orders") + "surprise: 1\n")
    code, report = render_json(["specs", "--check"], tmp_path)
    assert code == 1 and set(report) == FIELDS
    assert (report["stale"], report["paths"], report["written"]) == (None, [], False)
    [problem] = report["problems"]
    assert (problem["file"], problem["line"], problem["field"]) == ("specs/orders.yaml", 10, "surprise")
    assert not (tmp_path / "generated").exists()


def test_render_json_of_a_usage_error_is_still_one_object(tmp_path: Path) -> None:
    code, report = render_json(["missing"], tmp_path)
    assert code == 2 and report["error"] == "no such file or folder: missing" and report["paths"] == []


def test_render_json_with_fail_on_change(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders")
    assert render_json(["specs", "--fail-on-change"], tmp_path)[0] == 1
    code, report = render_json(["specs", "--fail-on-change"], tmp_path)
    assert (code, report["stale"]) == (0, False)


def test_render_json_of_a_refused_write_keeps_the_plan(tmp_path: Path) -> None:
    """A file without dyngen's header: the plan is reported (with its foreign path) although nothing is written."""
    write_spec(tmp_path, "orders")
    assert run(["render", "specs"], tmp_path).exit_code == 0
    variables = tmp_path / "generated/orders/envs/prod/variables.tf"
    variables.write_text("# mine\n", encoding="utf-8")
    code, report = render_json(["specs"], tmp_path)
    assert code == 1 and set(report) == FIELDS
    assert (report["written"], report["stale"], report["counts"]["foreign"]) == (False, True, 1)
    assert {"path": "generated/orders/envs/prod/variables.tf", "action": "foreign"} in report["paths"]
    assert "not overwriting files that dyngen did not generate" in report["error"]
    assert variables.read_text(encoding="utf-8") == "# mine\n"


def test_render_json_of_an_unsafe_change_has_the_plan_and_the_findings(tmp_path: Path) -> None:
    write_spec(tmp_path, "orders", VALID.format(name="orders") + "settings: {region: eu-west-1}\n")
    assert run(["render", "specs"], tmp_path).exit_code == 0
    write_spec(tmp_path, "orders", VALID.format(name="orders") + "settings: {region: eu-central-1}\n")
    code, report = render_json(["specs"], tmp_path)
    assert code == 1 and (report["written"], report["stale"]) == (False, True)
    assert report["counts"]["update"] > 0 and report["paths"]
    assert [(f["environment"], f["refused"], f["spec"]) for f in report["findings"]] == [
        ("dev", True, "orders"), ("prod", True, "orders")]
    assert report["findings"][0]["file"] == "specs/orders.yaml" and report["findings"][0]["line"] > 0
    assert "region" in report["findings"][0]["message"]
    allowed = render_json(["specs", "--allow-destructive"], tmp_path)[1]
    assert allowed["written"] is True and [f["refused"] for f in allowed["findings"]] == [True, True]
