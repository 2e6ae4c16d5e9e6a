"""An environment root declares, passes and sets only the inputs its environment gives a value; what each input
means (description, validation, default) is said once, in the module."""

from __future__ import annotations

from typing import Any, Callable

from dyngen.roundtrip import decode
from tests.helpers import parse_hcl

Render = Callable[[str], dict[str, str]]

SPEC = """
version: 1
name: orders
hash_key: order_id
attributes: {order_id: S}
settings:
  region: eu-west-1
environments:
  staging: {}
  prod: {billing_mode: PROVISIONED, read_capacity: 5, write_capacity: 3}
"""


def _variables(text: str) -> dict[str, dict[str, Any]]:
    return {name.strip('"'): body for block in parse_hcl(text).get("variable", []) for name, body in block.items()}


def _module_arguments(text: str) -> set[str]:
    call = parse_hcl(text)["module"][0]['"table"']
    return set(decode(call)) - {"source"}


def test_a_null_input_is_left_to_the_module_default(render_yaml: Render) -> None:
    files = render_yaml(SPEC)
    module = _variables(files["orders/variables.tf"])
    assert module["read_capacity"]["default"] is None and "description" in module["read_capacity"]
    for env, present in (("staging", False), ("prod", True)):
        folder = f"orders/envs/{env}"
        tfvars = decode(parse_hcl(files[f"{folder}/terraform.tfvars"]))
        declared = set(_variables(files[f"{folder}/variables.tf"]))
        assert ("read_capacity" in tfvars) is present
        assert declared == set(tfvars)
        assert _module_arguments(files[f"{folder}/main.tf"]) == declared - {"region"}


def test_root_variables_say_only_their_type(render_yaml: Render) -> None:
    files = render_yaml(SPEC)
    module = _variables(files["orders/variables.tf"])
    root = _variables(files["orders/envs/prod/variables.tf"])
    for name, body in root.items():
        assert set(decode(body)) == {"type"}, name
        if name != "region":
            assert body["type"] == module[name]["type"]


def test_root_outputs_repeat_no_description(render_yaml: Render) -> None:
    files = render_yaml(SPEC)
    outputs = [body for block in parse_hcl(files["orders/envs/prod/outputs.tf"])["output"] for body in block.values()]
    assert outputs and all("description" not in body for body in outputs)
