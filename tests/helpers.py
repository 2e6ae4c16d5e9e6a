"""What tests share: specs from YAML text, the CLI run in-process, and accessors for parsed HCL (python-hcl2 8.x)."""

from __future__ import annotations

import textwrap
import traceback
from pathlib import Path
from typing import Any, Mapping

import hcl2
from click.testing import CliRunner, Result

from dyngen.cli import main
from dyngen.loader import load_document
from dyngen.model import Spec, build_spec
from dyngen.resolve import resolve
from dyngen.validate import validate_document

REPO = Path(__file__).resolve().parents[1]

MINIMAL = """
version: 1
name: orders
project: shop
hash_key: order_id
attributes:
  order_id: S
environments:
  dev: {}
"""


def spec_from_yaml(text: str, file: str = "specs/test.yaml") -> Spec:
    """A Spec from YAML text; fails the test with every problem when the text is not a valid spec."""
    document = load_document(textwrap.dedent(text).encode(), file)
    problems = validate_document(document)
    assert not problems, "\n".join(f"{p.line}:{p.column}: {p.message} [{p.field_path}]" for p in problems)
    return build_spec(document.data, file, resolve(document))


def run_cli(*args: str, input: str | None = None, env: Mapping[str, str | None] | None = None,
            color: bool = False) -> Result:
    """`dyngen ARGS` in-process. Its output (and any traceback) is printed, so pytest shows it when the test fails."""
    result = CliRunner().invoke(main, list(args), input=input, env=env, color=color, catch_exceptions=False)
    print(f"$ dyngen {' '.join(args)}\n{result.output}(exit {result.exit_code})")
    if result.exc_info and not isinstance(result.exception, SystemExit):
        print("".join(traceback.format_exception(*result.exc_info)))
    return result


# --- parsed HCL ----------------------------------------------------------------------------------------------------


def parse_hcl(text: str) -> dict[str, Any]:
    return hcl2.loads(text)


def main_tf(files: Mapping[str, str], spec: str = "orders") -> dict[str, Any]:
    return parse_hcl(files[f"{spec}/main.tf"])


def module_tf(files: Mapping[str, str], feature: str, spec: str = "orders") -> dict[str, Any]:
    """The parsed file of one feature of the module, e.g. module_tf(files, "kms") for orders/kms.tf."""
    return parse_hcl(files[f"{spec}/{feature}.tf"])


def module_text(files: Mapping[str, str], module: str = "orders") -> str:
    """The module's main.tf and feature files (table.tf, kms.tf, ...: what one main.tf held before), one after
    another: where a test looks for what must appear in none of them."""
    return "".join(text for path, text in sorted(files.items())
                   if path.startswith(f"{module}/") and path.count("/") == 1 and path.endswith(".tf")
                   and path.split("/")[1] not in ("variables.tf", "outputs.tf", "versions.tf"))


def tfvars(files: Mapping[str, str], env: str, spec: str = "orders") -> dict[str, Any]:
    return parse_hcl(files[f"{spec}/envs/{env}/terraform.tfvars"])


def _labelled(parsed: dict[str, Any], kind: str, type_: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for block in parsed.get(kind, []):
        for btype, named in block.items():
            if btype.strip('"') == type_:
                found.update({name.strip('"'): body for name, body in named.items()})
    return found


def resources(parsed: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """{name: body} of every `resource "<type>" "<name>"` block of a parsed file."""
    return _labelled(parsed, "resource", resource_type)


def data_sources(parsed: dict[str, Any], source_type: str) -> dict[str, dict[str, Any]]:
    """{name: body} of every `data "<type>" "<name>"` block of a parsed file."""
    return _labelled(parsed, "data", source_type)


def blocks(parsed: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """{name: body} of `variable`/`output` blocks."""
    return {name.strip('"'): body for block in parsed.get(kind, []) for name, body in block.items()}


def locals_of(parsed: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for block in parsed.get("locals", []):
        found.update({k: v for k, v in block.items() if k != "__is_block__"})
    return found
