"""Properties of dyngen over generated VALID specs (tests/strategies/), each over the hypothesis profile's examples
(HYPOTHESIS_PROFILE=default: 25, long: 2000):

- the spec's YAML loads back to the same data and validates;
- it renders, the round trip holds, and rendering twice gives identical bytes;
- every string of the spec that reaches HCL (attribute and index names, table names, tags, item values, the TTL
  attribute, import options, backend values) comes back from the parsed HCL exactly as written;
- `core.render_paths` then `core.render_paths(check=True)` leaves nothing pending;
- a sample of rendered trees passes HashiCorp's parser and `terraform fmt` (hcl-check) and the AWS provider schema
  (tf-schema-check), in one call of each tool per run.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any, Mapping

import hcl2
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from dyngen import core
from dyngen.loader import load_document
from dyngen.model import Spec, build_spec
from dyngen.render import render_spec
from dyngen.resolve import resolve
from dyngen.roundtrip import check_tree, decode
from dyngen.validate import validate_document
from tests.strategies import spec_documents, spec_yaml
from tests.tools import assert_external_checks_pass, require

# Generating a whole spec is slow-ish and its size varies by design; rendering is the point, not the health checks.
RELAXED = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                     HealthCheck.filter_too_much])


def spec_of(document: Mapping[str, Any], file: str = "specs/generated.yaml") -> Spec:
    loaded = load_document(spec_yaml(dict(document)).encode("utf-8"), file)
    problems = validate_document(loaded)
    assert not problems, "\n".join(f"{p.line}:{p.column}: {p.message} [{p.field_path}]" for p in problems)
    return build_spec(loaded.data, file, resolve(loaded))


# --- the contract's semantics, written independently of dyngen.model -------------------------------------------


def merged(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; lists and scalars (and null) replace."""
    out = dict(base)
    for key, value in override.items():
        out[key] = merged(out[key], value) if isinstance(value, Mapping) and isinstance(out.get(key), Mapping) else value
    return out


def user_settings(document: Mapping[str, Any], env: str) -> dict[str, Any]:
    return merged(document.get("settings") or {}, document["environments"][env] or {})


def table_name(document: Mapping[str, Any], env: str) -> str:
    template = document.get("table_name") or ("{project}-{env}-{name}" if document.get("project") else "{env}-{name}")
    values = {"{project}": document.get("project") or "", "{env}": env, "{name}": document["name"]}
    out, i = "", 0
    while i < len(template):
        for placeholder, value in values.items():
            if template.startswith(placeholder, i):
                out, i = out + value, i + len(placeholder)
                break
        else:
            out, i = out + template[i], i + 1
    return out


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# --- properties --------------------------------------------------------------------------------------------------


@settings(**RELAXED)
@given(spec_documents())
def test_generated_spec_loads_back_and_validates(document: dict[str, Any]) -> None:
    loaded = load_document(spec_yaml(document).encode("utf-8"), "specs/generated.yaml")
    assert loaded.data == document
    problems = validate_document(loaded)
    assert not problems, "\n".join(f"{p.line}:{p.column}: {p.message} [{p.field_path}]" for p in problems)


# Found by these properties: an index name such as `___` (a bare HCL key) read back as python-hcl2 bookkeeping.
UNDERSCORE_INDEX = {
    "version": 1, "name": "t", "hash_key": "id", "attributes": {"id": "S", "__is_block__": "S"},
    "global_secondary_indexes": [{"name": "___", "hash_key": "__is_block__", "projection_type": "ALL"}],
    "environments": {"prod": {"billing_mode": "PROVISIONED", "read_capacity": 1, "write_capacity": 1,
                              "index_capacity": {"___": {"read_capacity": 2}},
                              "tags": {"__comments__": "${x}", "___": "%{y}"}}},
}


@settings(**RELAXED)
@given(spec_documents())
@example(UNDERSCORE_INDEX)
def test_render_round_trips_and_is_deterministic(document: dict[str, Any]) -> None:
    spec = spec_of(document)
    files = render_spec(spec)
    check_tree(spec, files)
    again = render_spec(spec_of(document))
    assert list(again) == list(files)
    for path, text in files.items():
        assert again[path].encode("utf-8") == text.encode("utf-8"), path
        assert text.endswith("\n") and "\r" not in text, path


@settings(**RELAXED)
@given(spec_documents())
@example(UNDERSCORE_INDEX)
def test_every_string_comes_back_from_the_hcl_exactly(document: dict[str, Any]) -> None:
    spec = spec_of(document)
    files = render_spec(spec)
    name = document["name"]

    module = hcl2.loads(files[f"{name}/table.tf"])
    tables = [body for block in module.get("resource", []) for rtype, named in block.items()
              if decode(rtype) == "aws_dynamodb_table" for body in named.values()]
    assert tables
    for body in tables:
        assert {decode(a["name"]): decode(a["type"]) for a in body["attribute"]} == document["attributes"]
        assert decode(body["hash_key"]) == document["hash_key"]
        assert decode(body.get("range_key")) == document.get("range_key")
        for kind in ("global_secondary_index", "local_secondary_index"):
            written = sorted(canonical({k: decode(v) for k, v in i.items() if k in
                                        ("name", "hash_key", "range_key", "projection_type", "non_key_attributes")})
                             for i in body.get(kind, []))
            wanted = sorted(canonical({k: v for k, v in i.items() if k != "hash_key" or kind.startswith("global")})
                            for i in document.get(f"{kind}es", []))
            assert written == wanted

    for env in document["environments"]:
        folder = f"{name}/envs/{env}"
        user = user_settings(document, env)
        tfvars = decode(hcl2.loads(files[f"{folder}/terraform.tfvars"]))
        assert tfvars["table_name"] == table_name(document, env)
        if user.get("region"):
            assert tfvars["region"] == user["region"]
        # a tag set to null is removed: left out, or passed as null (which the AWS provider ignores)
        expected_tags = {k: v for k, v in (user.get("tags") or {}).items() if v is not None}
        written_tags = tfvars.get("tags") or {}
        assert {k: v for k, v in written_tags.items() if v is not None} == expected_tags
        assert set(written_tags) <= set(user.get("tags") or {})
        items = user.get("items") or []
        if items:
            assert sorted(map(canonical, tfvars["items"].values())) == sorted(map(canonical, items))
        else:
            assert not tfvars.get("items")
        ttl = user.get("ttl") or {}
        if ttl.get("attribute_name"):
            assert tfvars["ttl_attribute_name"] == ttl["attribute_name"]
        source = user.get("import_from_s3")
        if source:
            imported = tfvars["import_from_s3"]
            assert imported["bucket"] == source["bucket"]
            assert imported.get("key_prefix") == source.get("key_prefix")
            csv = source.get("csv") or {}
            if csv.get("delimiter"):
                assert imported["csv_delimiter"] == csv["delimiter"]
            if csv.get("header_list"):
                assert imported["csv_header_list"] == csv["header_list"]
        backup = user.get("backup") or {}
        if backup.get("schedule") and "backup_schedule" in tfvars:
            assert tfvars["backup_schedule"] == backup["schedule"]

        parsed = decode(hcl2.loads(files[f"{folder}/backend.tf"]))
        (backend,) = parsed["terraform"][0]["backend"]
        s3 = (user.get("backend") or {}).get("s3")
        if not s3:
            assert list(backend) == ["local"]
            continue
        body = backend["s3"]
        assert body["bucket"] == s3["bucket"]
        key = s3.get("key") or "dynamodb/{name}/{env}/terraform.tfstate"
        key = key.replace("{name}", name).replace("{env}", env).replace("{project}", document.get("project") or "")
        assert body["key"] == key
        assert body.get("region") == (s3.get("region") or user.get("region"))
        for option in ("dynamodb_table", "kms_key_id"):
            assert body.get(option) == s3.get(option)


@settings(**RELAXED)
@given(spec_documents())
def test_render_then_check_leaves_nothing_pending(document: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="dyngen-prop-") as folder:
        spec_file = Path(folder) / "specs" / f"{document['name']}.yaml"
        spec_file.parent.mkdir()
        spec_file.write_text(spec_yaml(document), encoding="utf-8")
        out = Path(folder) / "generated"
        written = core.render_paths([spec_file], out)
        assert written.written and written.plan.pending()
        checked = core.render_paths([spec_file], out, check=True)
        assert not checked.plan.pending(), [c.path for c in checked.plan.pending()]
        assert not checked.plan.foreign()
        on_disk = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        assert on_disk == sorted(render_spec(spec_of(document)))


SAMPLE = 5


def test_sample_of_rendered_trees_passes_the_external_checks(tmp_path: Path) -> None:
    require("hcl-check", "tf-schema-check")
    trees: list[str] = []

    @settings(max_examples=SAMPLE, phases=[Phase.generate], database=None, **RELAXED)
    @given(spec_documents(), st.integers(0, 10**9))
    def collect(document: dict[str, Any], salt: int) -> None:
        folder = tmp_path / f"tree{len(trees)}"
        for path, text in render_spec(spec_of(document)).items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        trees.append(str(folder))

    collect()
    assert len(trees) == SAMPLE
    assert_external_checks_pass(tmp_path)
