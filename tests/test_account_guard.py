"""The wrong-account guard: `account_id` renders the provider's allowed_account_ids in each environment root."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import hcl2

from dyngen.loader import load_document
from dyngen.validate import validate_document
from tests.tools import tf_plan, write_tree

SPEC = """
version: 1
name: ledger
project: shop
hash_key: id
attributes: {id: S}
settings:
  region: eu-west-1
  account_id: "123456789012"
environments:
  prod: {profile: production}
  staging: {account_id: "210987654321"}
  dev: {account_id: null}
"""


def provider(files: dict[str, str], env: str) -> dict[str, object]:
    parsed = hcl2.loads(files[f"ledger/envs/{env}/main.tf"])
    return parsed["provider"][0]['"aws"' if '"aws"' in parsed["provider"][0] else "aws"]


def test_account_id_renders_allowed_account_ids(render_yaml: Callable[[str], dict[str, str]]) -> None:
    files = render_yaml(SPEC)
    assert provider(files, "prod")["allowed_account_ids"] == ["${var.account_id}"]
    for env, account in (("prod", "123456789012"), ("staging", "210987654321")):
        assert hcl2.loads(files[f"ledger/envs/{env}/terraform.tfvars"])["account_id"] == f'"{account}"'
        assert 'variable "account_id"' in files[f"ledger/envs/{env}/variables.tf"]


def test_without_account_id_there_is_no_guard(render_yaml: Callable[[str], dict[str, str]]) -> None:
    files = render_yaml(SPEC)
    assert "allowed_account_ids" not in provider(files, "dev")
    assert not [p for p, text in files.items() if p.startswith("ledger/envs/dev/") and "account_id" in text]


def test_an_account_id_is_twelve_digits() -> None:
    text = SPEC.replace('account_id: "210987654321"', 'account_id: "2109876543"')
    problems = validate_document(load_document(text.encode(), "specs/ledger.yaml"))
    assert [(p.line, p.field_path) for p in problems] == [(12, "environments.staging.account_id")]
    assert "an AWS account id: 12 digits" in problems[0].message, problems[0].message


def test_terraform_accepts_the_guard(render_yaml: Callable[[str], dict[str, str]], tmp_path: Path) -> None:
    """Real Terraform validates and plans the provider block (the fake provider serves the 6.25.0 schema, where
    allowed_account_ids is a set of strings)."""
    files = {p: t for p, t in render_yaml(SPEC).items() if "/envs/" not in p or "/envs/prod/" in p}
    root = write_tree(files, tmp_path / "tree") / "ledger" / "envs" / "prod"
    report = tf_plan(root, apply=False, tmp=tmp_path)[str(root)]
    assert report["diagnostics"] == [] and report["validate"] == [], report
    assert report["counts"]["add"] > 0
    configuration = report["plan"]["configuration"]["provider_config"]["aws"]["expressions"]
    assert configuration["allowed_account_ids"]["references"] == ["var.account_id"]
