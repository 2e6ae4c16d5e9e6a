"""The round trip catches a template that says something other than the spec."""

from __future__ import annotations

from typing import Callable

import pytest

from dyngen import render
from dyngen.errors import RoundTripError
from dyngen.meaning import expectations
from dyngen.roundtrip import check_tree, decode
from tests.helpers import spec_from_yaml

SPEC = """
version: 1
name: orders
project: shop
hash_key: order_id
range_key: created_at
attributes: {order_id: S, created_at: S, customer_id: S, status: S}
global_secondary_indexes:
  - {name: CustomerIndex, hash_key: customer_id, range_key: created_at, projection_type: INCLUDE, non_key_attributes: [total]}
local_secondary_indexes:
  - {name: StatusIndex, range_key: status, projection_type: KEYS_ONLY}
settings:
  region: eu-west-1
  tags: {Team: "checkout \\"core\\" ${x}"}
  backend: {s3: {bucket: shop-state, region: eu-west-1}}
environments:
  staging: {}
  prod: {billing_mode: PROVISIONED, read_capacity: 5, write_capacity: 5}
"""


def test_a_correct_render_passes() -> None:
    spec = spec_from_yaml(SPEC)
    check_tree(spec, render.render_spec(spec))


def _broken(monkeypatch: pytest.MonkeyPatch, template: str, change: Callable[[str], str]) -> None:
    original = render._template_source

    def patched(name: str) -> str:
        text = original(name)
        return change(text) if name == template else text

    monkeypatch.setattr(render, "_template_source", patched)
    render.environment.cache_clear()


@pytest.mark.parametrize(
    ("template", "change", "field"),
    [
        ("module/table.tf.j2", lambda t: t.replace("{{ spec.hash_key | q }}", '"id"'), "hash_key"),
        ("module/table.tf.j2", lambda t: t.replace("{% for g in c.global_indexes %}", "{% for g in c.global_indexes[:0] %}"), "global_secondary_index"),
        ("module/table.tf.j2", lambda t: t.replace("projection_type = {{ l.projection_type | q }}", 'projection_type = "ALL"'), "local_secondary_index"),
        ("env/terraform.tfvars.j2", lambda t: t.replace("{{ value | hcl }}", "{{ value | hcl | replace('checkout', 'checkin') }}"), "tags"),
        ("env/backend.tf.j2", lambda t: t.replace("{{ value | hcl }}", '"elsewhere"'), "backend.s3"),
        ("env/main.tf.j2", lambda t: t.replace('source = "../.."', 'source = "../../other"'), "module.table.source"),
        ("env/main.tf.j2", lambda t: t.replace("= var.{{ v.name }}", "= var.region"), "module.table.table_name"),
        ("env/variables.tf.j2", lambda t: t.replace('variable "{{ v.name }}"', 'variable "{{ v.name }}s"'), "variables"),
    ],
    ids=["hash_key", "dropped_index", "projection", "tfvars_value", "backend", "module_source", "module_argument",
         "root_variables"],
)
def test_a_broken_template_fails_the_round_trip(monkeypatch: pytest.MonkeyPatch, template: str, change: Callable[[str], str], field: str) -> None:
    _broken(monkeypatch, template, change)
    try:
        spec = spec_from_yaml(SPEC)
        with pytest.raises(RoundTripError) as caught:
            check_tree(spec, render.render_spec(spec))
        assert field in caught.value.field
    finally:
        monkeypatch.undo()
        render.environment.cache_clear()


def test_decode_reads_python_hcl2_literals() -> None:
    assert decode({'"a b"': ['"x"', 1, True, None], "__is_block__": True}) == {"a b": ["x", 1, True, None]}


PRODUCTION = SPEC.replace("prod: {billing_mode", "prod: {profile: production, billing_mode")


def test_the_table_is_expected_in_table_tf_and_every_other_module_file_must_parse() -> None:
    spec = spec_from_yaml(PRODUCTION)
    rendered = render.render(spec)
    files = rendered.files
    expected = expectations(rendered)
    features = {"orders/table.tf", "orders/kms.tf", "orders/contributor_insights.tf", "orders/backup.tf"}
    assert features <= set(files)
    assert expected["orders/table.tf"].check == "table"
    assert {path for path, e in expected.items() if e.check == "syntax" and "/envs/" not in path} == (
        {"orders/main.tf", "orders/versions.tf"} | features - {"orders/table.tf"})


def test_a_feature_file_that_does_not_parse_fails_the_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(monkeypatch, "module/backup.tf.j2", lambda t: t + "\nlocals {\n  broken = 1 1\n}\n")
    try:
        spec = spec_from_yaml(PRODUCTION)
        with pytest.raises(RoundTripError) as caught:
            check_tree(spec, render.render_spec(spec))
        assert caught.value.file == "orders/backup.tf"
    finally:
        monkeypatch.undo()
        render.environment.cache_clear()
