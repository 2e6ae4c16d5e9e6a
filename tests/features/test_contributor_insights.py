"""Contributor Insights for the table and each global secondary index, switched per environment."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import MINIMAL, module_text, parse_hcl, resources
from tests.tools import external_checks

INSIGHTS = """
version: 1
name: orders
hash_key: order_id
attributes:
  order_id: S
  customer_id: S
  status: S
global_secondary_indexes:
  - name: by-status
    hash_key: status
    projection_type: KEYS_ONLY
  - name: by-customer
    hash_key: customer_id
    projection_type: ALL
settings:
  contributor_insights: true
environments:
  dev:
    contributor_insights: false
  prod: {}
"""

NO_INDEX = """
version: 1
name: orders
hash_key: order_id
attributes:
  order_id: S
environments:
  prod:
    profile: production
"""


def test_table_and_each_index_get_contributor_insights(render_yaml) -> None:
    files = render_yaml(INSIGHTS)
    found = resources(parse_hcl(files["orders/contributor_insights.tf"]), "aws_dynamodb_contributor_insights")
    assert set(found) == {"table", "index"}
    assert found["table"]["count"] == "${var.contributor_insights_enabled ? 1 : 0}"
    assert found["table"]["table_name"] == "${local.table.name}"
    assert "index_name" not in found["table"]
    index = found["index"]
    assert index["for_each"] == '${var.contributor_insights_enabled ? toset(["by-customer", "by-status"]) : toset([])}'
    assert index["table_name"] == "${local.table.name}"
    assert index["index_name"] == "${each.key}"
    assert parse_hcl(files["orders/envs/prod/terraform.tfvars"])["contributor_insights_enabled"] is True
    assert parse_hcl(files["orders/envs/dev/terraform.tfvars"])["contributor_insights_enabled"] is False
    assert 'variable "contributor_insights_enabled"' in files["orders/variables.tf"]


def test_table_without_indexes_renders_only_the_table_insights(render_yaml) -> None:
    # The production profile turns contributor insights on.
    files = render_yaml(NO_INDEX)
    found = resources(parse_hcl(files["orders/contributor_insights.tf"]), "aws_dynamodb_contributor_insights")
    assert set(found) == {"table"}
    assert parse_hcl(files["orders/envs/prod/terraform.tfvars"])["contributor_insights_enabled"] is True


def test_spec_without_contributor_insights_renders_none_of_their_machinery(render_yaml) -> None:
    files = render_yaml(MINIMAL)
    assert not resources(parse_hcl(module_text(files)), "aws_dynamodb_contributor_insights")
    for text in files.values():
        assert "contributor_insights" not in text


def test_rendered_tree_passes_the_tools(render_yaml, tmp_path: Path) -> None:
    external_checks(render_yaml(INSIGHTS), tmp_path)
