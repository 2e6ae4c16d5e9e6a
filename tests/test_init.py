"""`dyngen init` and `dyngen schema --write` end to end: the new spec validates and renders, the modeline finds the
schema, a terminal is asked, a script is told what is missing, and no file is ever overwritten."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import hcl2
import jsonschema
import pytest
import yaml
from click.testing import Result

from dyngen import schema
from tests.helpers import resources, run_cli

MODELINE = "# yaml-language-server: $schema="


def run(*args: str) -> Result:
    result = run_cli(*args)
    print(result.output)
    return result


def table(out: Path, name: str) -> dict[str, Any]:
    (body,) = resources(hcl2.loads((out / name / "table.tf").read_text()), "aws_dynamodb_table").values()
    return body


def schema_of(spec: Path) -> Path:
    """The file the spec's yaml-language-server modeline points at, resolved the way the editor does."""
    first = spec.read_text().splitlines()[0]
    assert first.startswith(MODELINE), first
    return (spec.parent / first[len(MODELINE):]).resolve()


def test_init_writes_a_spec_that_validates_and_renders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    created = run("init", "orders", "--hash-key", "order_id", "--range-key", "created_at:N",
                  "--env", "staging", "--env", "prod", "--profile", "production")
    assert created.exit_code == 0
    spec = tmp_path / "specs" / "orders.yaml"
    data = yaml.safe_load(spec.read_text())
    assert data["attributes"] == {"order_id": "S", "created_at": "N"}
    assert list(data["environments"]) == ["staging", "prod"] and data["settings"]["profile"] == "production"
    assert run("validate").exit_code == 0
    assert run("render", "-q").exit_code == 0
    body = table(tmp_path / "generated", "orders")
    assert (body["hash_key"], body["range_key"]) == ('"order_id"', '"created_at"')
    assert {a["name"]: a["type"] for a in body["attribute"]} == {'"order_id"': '"S"', '"created_at"': '"N"'}
    tfvars = hcl2.loads((tmp_path / "generated/orders/envs/prod/terraform.tfvars").read_text())
    assert tfvars["table_name"] == '"prod-orders"' and tfvars["deletion_protection_enabled"] is True


def test_every_section_has_a_comment(tmp_path: Path) -> None:
    assert run("init", "t", "--hash-key", "k", "--env", "dev", "--dir", str(tmp_path)).exit_code == 0
    lines = (tmp_path / "t.yaml").read_text().splitlines()
    for key in ("name:", "hash_key:", "settings:", "environments:"):
        above = lines[lines.index(next(line for line in lines if line.startswith(key))) - 1]
        assert above.startswith("#"), key


def test_keys_that_yaml_would_misread_are_quoted(tmp_path: Path) -> None:
    assert run("init", "odd", "--hash-key", "yes", "--range-key", "Status#At:B", "--env", "on",
               "--dir", str(tmp_path / "specs")).exit_code == 0
    assert run("render", str(tmp_path / "specs"), "--out", str(tmp_path / "out"), "-q").exit_code == 0
    body = table(tmp_path / "out", "odd")
    assert (body["hash_key"], body["range_key"]) == ('"yes"', '"Status#At"')
    assert (tmp_path / "out/odd/envs/on/main.tf").is_file()


def test_init_never_overwrites(tmp_path: Path) -> None:
    spec = tmp_path / "orders.yaml"
    spec.write_text("mine\n")
    result = run("init", "orders", "--hash-key", "id", "--env", "dev", "--dir", str(tmp_path))
    assert result.exit_code == 1
    assert f"{spec} already exists; dyngen init never overwrites a file" in result.output
    assert spec.read_text() == "mine\n"


@pytest.mark.parametrize("args, message", [
    (["Orders", "--hash-key", "id", "--env", "dev"], 'invalid NAME "Orders": expected '),
    (["orders", "--hash-key", "id", "--env", "Prod"], 'invalid environment name "Prod": expected '),
    (["orders", "--hash-key", "id", "--range-key", "id", "--env", "dev"], "the range key must differ"),
    (["orders", "--hash-key", "id", "--env", "dev", "--env", "dev"], "an environment is named twice"),
    (["orders"], "missing --hash-key, --env (no terminal to ask on)"),
    ([], "missing NAME, --hash-key, --env (no terminal to ask on)"),
])
def test_bad_or_missing_input_is_a_usage_error_and_writes_nothing(tmp_path: Path, args: list[str],
                                                                  message: str) -> None:
    result = run("init", *args, "--dir", str(tmp_path / "specs"))
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "specs").exists()


def test_the_name_rule_is_the_schemas() -> None:
    result = run("init", "9-" + "x" * 64, "--hash-key", "id", "--env", "dev")
    assert result.exit_code == 2
    assert f"expected {schema.definition('name')['description']}" in result.output


def test_the_modeline_names_the_repositorys_schema_and_it_accepts_the_spec(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert run("schema", "--write", str(tmp_path / "schemas" / "dyngen.schema.json")).exit_code == 0
    assert (tmp_path / "schemas" / "dyngen.schema.json").read_text() == run("schema").output
    folder = tmp_path / "teams" / "checkout"
    assert run("init", "orders", "--hash-key", "id", "--env", "dev", "--dir", str(folder)).exit_code == 0
    spec = folder / "orders.yaml"
    assert schema_of(spec) == tmp_path / "schemas" / "dyngen.schema.json"
    assert "dyngen schema --write" not in spec.read_text()
    jsonschema.validate(yaml.safe_load(spec.read_text()), json.loads(schema_of(spec).read_text()))


def test_without_a_schema_the_modeline_names_where_schema_write_puts_it(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    result = run("init", "orders", "--hash-key", "id", "--env", "dev", "--dir", str(tmp_path / "specs"))
    spec = tmp_path / "specs" / "orders.yaml"
    assert schema_of(spec) == tmp_path / "schemas" / "dyngen.schema.json"
    assert "`dyngen schema --write schemas/dyngen.schema.json` at the repository's root" in spec.read_text()
    assert "for editor completion: dyngen schema --write " in result.output


def test_in_this_repository_the_modeline_is_the_example_specs_one(tmp_path: Path) -> None:
    """The examples' modeline: a spec written beside them would point at schemas/ exactly as they do."""
    from dyngen.scaffold import find_schema, relative
    from tests.helpers import REPO

    found = find_schema(REPO / "specs")
    assert found is not None and relative(found, REPO / "specs") == "../schemas/dyngen.schema.json"
    assert (REPO / "specs" / "audit-log.yaml").read_text().startswith(MODELINE + "../schemas/dyngen.schema.json\n")


def test_schema_write_creates_folders_and_plain_schema_still_prints(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "dyngen.schema.json"
    result = run("schema", "--write", str(target))
    assert result.exit_code == 0 and f"wrote {target}" in result.output
    assert json.loads(target.read_text()) == schema.load_schema()
    assert json.loads(run("schema").output) == schema.load_schema()


def test_on_a_terminal_init_asks_for_what_is_missing(tmp_path: Path) -> None:
    """The real program on a pseudo-terminal: every prompt is shown and answered."""
    answers = ["orders", "order_id", "created_at", "staging, prod", "production"]
    transcript, code = run_on_terminal(["init", "--dir", "specs"], answers, cwd=tmp_path)
    assert code == 0, transcript
    for prompt in ("Spec name", "Hash (partition) key", "Range (sort) key", "Environments", "Profile"):
        assert prompt in transcript
    data = yaml.safe_load((tmp_path / "specs" / "orders.yaml").read_text())
    assert (data["hash_key"], data["range_key"], list(data["environments"])) == (
        "order_id", "created_at", ["staging", "prod"])
    assert data["settings"]["profile"] == "production"
    assert run("validate", str(tmp_path / "specs")).exit_code == 0


def run_on_terminal(args: list[str], answers: list[str], cwd: Path, timeout: float = 60) -> tuple[str, int]:
    """Run `python -m dyngen ARGS` with a pseudo-terminal as its stdin and stdout, answering each prompt in turn."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "dyngen", *args], cwd=cwd, stdin=terminal, stdout=terminal,
                               stderr=terminal, env={**os.environ, "NO_COLOR": "1"}, close_fds=True)
    os.close(terminal)
    transcript, pending, deadline = "", list(answers), time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 4096).decode(errors="replace")
            except OSError:  # the program has exited and closed the terminal
                break
            transcript += chunk
            if pending and transcript.rstrip().endswith(":"):
                os.write(controller, (pending.pop(0) + "\n").encode())
        elif process.poll() is not None:
            break
    os.close(controller)
    return transcript, process.wait(timeout=10)


def test_a_folder_that_cannot_be_made_is_the_users_error_not_a_bug(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    for args in (["init", "t", "--hash-key", "k", "--env", "dev", "--dir", str(tmp_path / "a-file" / "specs")],
                 ["schema", "--write", str(tmp_path / "a-file" / "dyngen.schema.json")]):
        result = run(*args)
        assert result.exit_code == 1 and "error: cannot write " in result.output and "bug" not in result.output
