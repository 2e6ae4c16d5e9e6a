"""The gateway VPC endpoint for DynamoDB: endpoint, route table associations, account-scoped policy."""

from __future__ import annotations

from dyngen.hcl import unquote
from tests.helpers import MINIMAL, parse_hcl, resources
from tests.tools import external_checks

WITH_ENDPOINT = """
version: 1
name: orders
hash_key: order_id
attributes:
  order_id: S
settings:
  vpc_endpoint:
    enabled: true
    vpc_id: vpc-0a1b2c3d
    route_table_ids: [rtb-0a1b2c3d, rtb-0e1f2a3b]
environments:
  dev:
    vpc_endpoint: {enabled: false}
  prod: {}
"""


def _data(parsed: dict, data_type: str) -> dict:
    found = {}
    for block in parsed.get("data", []):
        for dtype, named in block.items():
            if dtype.strip('"') == data_type:
                for name, body in named.items():
                    found[name.strip('"')] = body
    return found


def test_endpoint_renders_gateway_endpoint_and_associations(render_yaml):
    files = render_yaml(WITH_ENDPOINT)
    main = parse_hcl(files["orders/vpc_endpoint.tf"])

    endpoint = resources(main, "aws_vpc_endpoint")["dynamodb"]
    assert endpoint["count"] == "${var.vpc_endpoint_enabled ? 1 : 0}"
    assert endpoint["vpc_id"] == "${var.vpc_id}"
    assert endpoint["vpc_endpoint_type"] == '"Gateway"'
    # provider 6.x: `region`, not the deprecated `name`
    assert endpoint["service_name"] == '"com.amazonaws.${data.aws_region.current.region}.dynamodb"'
    assert endpoint["policy"] == "${data.aws_iam_policy_document.vpc_endpoint[0].json}"
    assert endpoint["tags"] == "${var.tags}"

    association = resources(main, "aws_vpc_endpoint_route_table_association")["dynamodb"]
    assert association["for_each"] == (
        "${var.vpc_endpoint_enabled ? toset(var.vpc_endpoint_route_table_ids) : toset([])}"
    )
    assert association["vpc_endpoint_id"] == "${aws_vpc_endpoint.dynamodb[0].id}"
    assert association["route_table_id"] == "${each.value}"

    shared = parse_hcl(files["orders/main.tf"])
    assert "current" in _data(shared, "aws_region") and "current" in _data(shared, "aws_caller_identity")
    outputs = parse_hcl(files["orders/outputs.tf"])
    values = {name: body["value"] for block in outputs["output"] for name, body in block.items()}
    assert values['"vpc_endpoint_id"'] == "${one(aws_vpc_endpoint.dynamodb[*].id)}"
    assert 'required_version' in files["orders/versions.tf"] and '">= 6.0.0, < 7.0.0"' in files["orders/versions.tf"]


def test_endpoint_policy_is_scoped_to_the_account_not_the_table(render_yaml):
    main = parse_hcl(render_yaml(WITH_ENDPOINT)["orders/vpc_endpoint.tf"])
    (statement,) = _data(main, "aws_iam_policy_document")["vpc_endpoint"]["statement"]
    assert unquote(statement["effect"]) == "Allow"
    assert [unquote(a) for a in statement["actions"]] == ["dynamodb:*"]
    # every table: the endpoint carries all of the VPC's DynamoDB traffic, a table-scoped policy would block the rest
    assert [unquote(r) for r in statement["resources"]] == ["*"]
    (condition,) = statement["condition"]
    assert unquote(condition["test"]) == "StringEquals"
    assert unquote(condition["variable"]) == "aws:PrincipalAccount"
    assert condition["values"] == ["${data.aws_caller_identity.current.account_id}"]


def test_environments_carry_their_own_endpoint_values(render_yaml):
    files = render_yaml(WITH_ENDPOINT)
    prod = parse_hcl(files["orders/envs/prod/terraform.tfvars"])
    assert prod["vpc_endpoint_enabled"] is True
    assert unquote(prod["vpc_id"]) == "vpc-0a1b2c3d"
    assert [unquote(r) for r in prod["vpc_endpoint_route_table_ids"]] == ["rtb-0a1b2c3d", "rtb-0e1f2a3b"]

    dev = parse_hcl(files["orders/envs/dev/terraform.tfvars"])
    assert dev["vpc_endpoint_enabled"] is False
    assert "vpc_id" not in dev  # nullable and unset: omitted
    assert dev["vpc_endpoint_route_table_ids"] == []

    variables = files["orders/variables.tf"]
    assert 'can(regex("^vpc-[0-9a-f]+$", var.vpc_id))' in variables
    assert 'for v in var.vpc_endpoint_route_table_ids : can(regex("^rtb-[0-9a-f]+$", v))' in variables
    env_main = files["orders/envs/prod/main.tf"]
    for name in ("vpc_endpoint_enabled", "vpc_id", "vpc_endpoint_route_table_ids"):
        assert f"var.{name}" in env_main


def test_spec_without_endpoint_renders_none_of_it(render_yaml):
    files = render_yaml(MINIMAL)
    assert not any("vpc_endpoint" in text or "aws_vpc_endpoint" in text for text in files.values())
    assert "vpc_id" not in files["orders/variables.tf"]


def test_endpoint_disabled_everywhere_renders_none_of_it(render_yaml):
    off = "settings:\n  vpc_endpoint: {enabled: false, vpc_id: vpc-0a1b2c3d}\n"
    text = MINIMAL.replace("environments:", off + "environments:")
    files = render_yaml(text)
    assert "vpc_endpoint" in text
    assert not any("vpc_endpoint" in t for t in files.values())


def test_endpoint_output_passes_external_checks(render_yaml, tmp_path):
    external_checks(render_yaml(WITH_ENDPOINT), tmp_path)
