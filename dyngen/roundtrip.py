"""The round trip: parse every rendered file back with python-hcl2 and check it says what the spec meant.

A mismatch is a bug in dyngen (a template or the encoder), never the user's fault: it raises RoundTripError naming
the file and the field. What each file must say comes from dyngen.meaning.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping

from dyngen import hcl
from dyngen.errors import RoundTripError
from dyngen.hcl.literals import PYTHON_HCL2_META_KEYS
from dyngen.meaning import Expectation, expectations
from dyngen.model import Spec
from dyngen.render import Rendered, layout


def check_tree(spec: Spec, files: Mapping[str, str]) -> None:
    """Parse every HCL file of one spec's tree (`files`, as rendered or altered) and check it says what the spec
    meant."""
    rendered = Rendered(layout(spec), dict(files))
    for path, expectation in expectations(rendered).items():
        check_file(path, rendered.files[path], expectation)


def check_file(path: str, text: str, expectation: Expectation) -> None:
    """Parse one file and check it against its expectation; raises RoundTripError naming the file and field."""
    CHECKS[expectation.check](path, _parse(path, text), expectation.values)


def build_parser() -> None:
    """Build python-hcl2's parser now (it caches it), e.g. before forking workers that will all need it."""
    _parser().loads("")


def _parser() -> Any:
    """python-hcl2, loaded by the first parse: with lark it takes a third of a second, which commands that only
    validate or compare never need."""
    import hcl2

    return hcl2


def _parse(path: str, text: str) -> dict[str, Any]:
    try:
        parsed: dict[str, Any] = _parser().loads(text)
        return parsed
    except Exception as error:  # python-hcl2 raises lark errors of many kinds
        raise RoundTripError(path, "(syntax)", "parseable HCL", f"{type(error).__name__}: {error}") from error


def decode(value: Any) -> Any:
    """A python-hcl2 8.x value as the plain Python value it literally says (strings unquoted, keys unquoted)."""
    if isinstance(value, str):
        return hcl.unquote(value) if value.startswith('"') else value
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        return {decode(k): decode(v) for k, v in value.items() if not _is_meta(k)}
    return value


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


# --- the checks, by the name an Expectation gives ----------------------------------------------------------------


def _check_syntax(file: str, parsed: Mapping[str, Any], values: None) -> None:
    """Parsing is the whole check."""


def _check_labels(file: str, parsed: Mapping[str, Any], values: tuple[str, str, list[str]]) -> None:
    block_type, field, names = values
    _expect(file, field, names, sorted(_labels(parsed, block_type)))


def _check_table(file: str, parsed: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    tables = _blocks(parsed, "aws_dynamodb_table")
    _expect(file, "aws_dynamodb_table resources", expected["resources"], sorted(tables))
    for name, body in tables.items():
        where = f"aws_dynamodb_table.{name}"
        _expect(file, f"{where}.hash_key", expected["hash_key"], decode(body.get("hash_key")))
        _expect(file, f"{where}.range_key", expected["range_key"], decode(body.get("range_key")))
        attributes = sorted((decode(a["name"]), decode(a["type"])) for a in body.get("attribute", []))
        _expect(file, f"{where}.attribute", expected["attribute"], attributes)
        for block in ("global_secondary_index", "local_secondary_index"):
            _expect(file, f"{where}.{block}", expected[block], _found_indexes(body, block))
        lifecycle = (body.get("lifecycle") or [{}])[0]
        field = "lifecycle.prevent_destroy"
        _expect(file, f"{where}.{field}", expected[field], lifecycle.get("prevent_destroy"))


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


def _check_tfvars(file: str, parsed: Mapping[str, Any], expected: Mapping[str, Any]) -> None:
    tfvars = decode(parsed)
    _expect(file, "variables set", sorted(expected), sorted(tfvars))
    for name, value in expected.items():
        _expect(file, name, value, tfvars[name])


def _check_root_main(file: str, parsed: Mapping[str, Any], values: tuple[str, list[str], bool]) -> None:
    """An environment root's main.tf: the module call passes exactly its inputs, each from its variable, and the
    provider names the allowed account where the spec does."""
    source, inputs, guarded = values
    modules = [body for block in parsed.get("module", []) for body in block.values()]
    _expect(file, "module blocks", 1, len(modules))
    call = modules[0]
    _expect(file, "module.table.source", source, decode(call.get("source")))
    passed = {k: call[k] for k in call if k != "source" and not _is_meta(k)}
    _expect(file, "module.table arguments", inputs, sorted(passed))
    for name, value in passed.items():
        _expect(file, f"module.table.{name}", f"${{var.{name}}}", value)
    providers = [body for block in parsed.get("provider", []) for body in block.values()]
    found = [body.get("allowed_account_ids") for body in providers]
    _expect(file, "provider.aws.allowed_account_ids", [["${var.account_id}"] if guarded else None], found)


def _check_backend(file: str, parsed: Mapping[str, Any], values: tuple[Mapping[str, Any], str]) -> None:
    """The root requires the Terraform its backend needs (use_lockfile: 1.10), before `init` reads the backend."""
    expected, minimum = values
    found = [decode(t.get("required_version")) for t in parsed.get("terraform", [])]
    _expect(file, "terraform.required_version", [f">= {minimum}"], found)
    backends = [b for t in parsed.get("terraform", []) for b in t.get("backend", [])]
    _expect(file, "backend blocks", 1, len(backends))
    kind, body = next(iter(backends[0].items()))
    if expected:
        _expect(file, "backend type", "s3", decode(kind))
        _expect(file, "backend.s3", dict(expected), decode(body))
    else:
        _expect(file, "backend type", "local", decode(kind))


CHECKS: dict[str, Callable[[str, Mapping[str, Any], Any], None]] = {
    "syntax": _check_syntax,
    "labels": _check_labels,
    "table": _check_table,
    "tfvars": _check_tfvars,
    "root_main": _check_root_main,
    "backend": _check_backend,
}
