"""The round trip: parse every rendered file back with python-hcl2 and check it says what the spec meant.

A mismatch is a bug in dyngen (a template or the encoder), never the user's fault: it raises RoundTripError naming
the file and the field.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator, Mapping

import hcl2

from dyngen import hcl
from dyngen.errors import RoundTripError
from dyngen.features import table
from dyngen.model import Environment, Spec, plain
from dyngen.render import backend_settings, environment_root, module_view


def check_tree(spec: Spec, files: Mapping[str, str]) -> None:
    parsed = {path: _parse(path, text) for path, text in files.items() if path.endswith((".tf", ".tfvars"))}
    module = f"{spec.name}"
    _check_table(spec, f"{module}/main.tf", parsed[f"{module}/main.tf"])
    view = module_view(spec)
    declared = set(_labels(parsed[f"{module}/variables.tf"], "variable"))
    _expect(f"{module}/variables.tf", "variables", sorted(v.name for v in view.variables), sorted(declared))
    outputs = sorted(_labels(parsed[f"{module}/outputs.tf"], "output"))
    _expect(f"{module}/outputs.tf", "outputs", sorted(o.name for o in view.outputs), outputs)
    for env in spec.environments:
        _check_environment(spec, env, parsed, outputs)


def _parse(path: str, text: str) -> dict[str, Any]:
    try:
        return _parsed(text)
    except Exception as error:  # python-hcl2 raises lark errors of many kinds
        raise RoundTripError(path, "(syntax)", "parseable HCL", f"{type(error).__name__}: {error}") from error


@lru_cache(maxsize=256)
def _parsed(text: str) -> dict[str, Any]:
    """Environments of one spec share identical files (variables.tf, outputs.tf): parse each text once."""
    return hcl2.loads(text)


def decode(value: Any) -> Any:
    """A python-hcl2 8.x value as the plain Python value it literally says (strings unquoted, keys unquoted)."""
    if isinstance(value, str):
        return hcl.unquote(value) if value.startswith('"') else value
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        return {decode(k): decode(v) for k, v in value.items() if not _is_meta(k)}
    return value


# python-hcl2's own bookkeeping keys, not part of the configuration. Exactly these: a user's key such as `___` or
# `__x__` (an index name, a tag key) is configuration; hcl.key quotes a user's key that equals one of these.
PYTHON_HCL2_META_KEYS = frozenset({"__is_block__", "__comments__", "__inline_comments__", "__start_line__", "__end_line__"})


def _is_meta(key: str) -> bool:
    return key in PYTHON_HCL2_META_KEYS


def _expect(file: str, field: str, expected: Any, found: Any) -> None:
    if expected != found:
        raise RoundTripError(file, field, expected, found)


def _labels(parsed: Mapping[str, Any], block_type: str) -> Iterator[str]:
    for block in parsed.get(block_type, []):
        for label in block:
            yield decode(label)


def _blocks(parsed: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    found = {}
    for block in parsed.get("resource", []):
        for rtype, named in block.items():
            if decode(rtype) == resource_type:
                found.update({decode(name): body for name, body in named.items()})
    return found


# --- the module: the table's fixed shape ---------------------------------------------------------------------------


def _check_table(spec: Spec, file: str, parsed: Mapping[str, Any]) -> None:
    tables = _blocks(parsed, "aws_dynamodb_table")
    _expect(file, "aws_dynamodb_table resources", sorted(r.name for r in table.resources(spec)), sorted(tables))
    for name, body in tables.items():
        where = f"aws_dynamodb_table.{name}"
        _expect(file, f"{where}.hash_key", spec.hash_key, decode(body.get("hash_key")))
        _expect(file, f"{where}.range_key", spec.range_key, decode(body.get("range_key")))
        attributes = sorted((decode(a["name"]), decode(a["type"])) for a in body.get("attribute", []))
        _expect(file, f"{where}.attribute", sorted(spec.attributes), attributes)
        _expect(file, f"{where}.global_secondary_index", _indexes(spec.global_indexes), _found_indexes(body, "global_secondary_index"))
        _expect(file, f"{where}.local_secondary_index", _indexes(spec.local_indexes), _found_indexes(body, "local_secondary_index"))
        lifecycle = (body.get("lifecycle") or [{}])[0]
        _expect(file, f"{where}.lifecycle.prevent_destroy", spec.prevent_destroy, lifecycle.get("prevent_destroy"))


def _indexes(indexes: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (i.name, i.hash_key, i.range_key, i.projection_type, tuple(i.non_key_attributes)) for i in indexes
    )


def _found_indexes(body: Mapping[str, Any], block: str) -> list[tuple[Any, ...]]:
    return sorted(
        (
            decode(i["name"]),
            decode(i.get("hash_key")),
            decode(i.get("range_key")),
            decode(i["projection_type"]),
            tuple(decode(i.get("non_key_attributes") or [])),
        )
        for i in body.get(block, [])
    )


# --- each environment root ------------------------------------------------------------------------------------------


def _check_environment(spec: Spec, env: Environment, parsed: Mapping[str, Any], outputs: list[str]) -> None:
    folder = f"{spec.name}/envs/{env.name}"
    view = module_view(spec)
    root = environment_root(view, env)
    expected = dict(root.tfvars)
    if root.region:
        expected["region"] = root.region
    if root.account_id:
        expected["account_id"] = root.account_id
    tfvars = decode(parsed[f"{folder}/terraform.tfvars"])
    _expect(f"{folder}/terraform.tfvars", "variables set", sorted(expected), sorted(tfvars))
    for name, value in expected.items():
        _expect(f"{folder}/terraform.tfvars", name, plain(value), tfvars[name])
    declared = sorted(_labels(parsed[f"{folder}/variables.tf"], "variable"))
    _expect(f"{folder}/variables.tf", "variables", sorted(expected), declared)
    _check_module_call(folder, parsed[f"{folder}/main.tf"], [name for name, _ in root.tfvars])
    _check_account_guard(f"{folder}/main.tf", parsed[f"{folder}/main.tf"], bool(root.account_id))
    _check_backend(folder, parsed[f"{folder}/backend.tf"], backend_settings(spec, env))
    _check_required_version(f"{folder}/backend.tf", parsed[f"{folder}/backend.tf"], view.terraform_version)
    _expect(f"{folder}/outputs.tf", "outputs", outputs, sorted(_labels(parsed[f"{folder}/outputs.tf"], "output")))


def _check_module_call(folder: str, parsed: Mapping[str, Any], variables: list[str]) -> None:
    file = f"{folder}/main.tf"
    modules = [body for block in parsed.get("module", []) for body in block.values()]
    _expect(file, "module blocks", 1, len(modules))
    call = modules[0]
    _expect(file, "module.table.source", "../..", decode(call.get("source")))
    passed = {k: call[k] for k in call if k != "source" and not _is_meta(k)}
    _expect(file, "module.table arguments", sorted(variables), sorted(passed))
    for name, value in passed.items():
        _expect(file, f"module.table.{name}", f"${{var.{name}}}", value)


def _check_account_guard(file: str, parsed: Mapping[str, Any], guarded: bool) -> None:
    providers = [body for block in parsed.get("provider", []) for body in block.values()]
    found = [body.get("allowed_account_ids") for body in providers]
    _expect(file, "provider.aws.allowed_account_ids", [["${var.account_id}"] if guarded else None], found)


def _check_required_version(file: str, parsed: Mapping[str, Any], minimum: str) -> None:
    """The root requires the Terraform its backend needs (use_lockfile: 1.10), before `init` reads the backend."""
    found = [decode(t.get("required_version")) for t in parsed.get("terraform", [])]
    _expect(file, "terraform.required_version", [f">= {minimum}"], found)


def _check_backend(folder: str, parsed: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    file = f"{folder}/backend.tf"
    backends = [b for t in parsed.get("terraform", []) for b in t.get("backend", [])]
    _expect(file, "backend blocks", 1, len(backends))
    kind, body = next(iter(backends[0].items()))
    if expected:
        _expect(file, "backend type", "s3", decode(kind))
        _expect(file, "backend.s3", dict(expected), decode(body))
    else:
        _expect(file, "backend type", "local", decode(kind))
