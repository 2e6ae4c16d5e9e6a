"""Validation of spec files: the JSON Schema first, then DynamoDB's own rules; every problem is returned, located."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import jsonschema

from dyngen import model, resolve, rules, schema
from dyngen.errors import FieldPath, InvalidSpecs, Problem
from dyngen.loader import Document, load_document, read_document
from dyngen.tables import TableClaim, claims, table_name_field


@dataclass
class FileResult:
    """The outcome of validating one file: the model when it is valid, the problems otherwise."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    spec: model.Spec | None = None
    name_position: tuple[int, int] = (0, 0)  # where the spec's `name` is written, for problems across files
    claims: tuple[TableClaim, ...] = ()  # the table of each environment, for collisions across files
    document: Document | None = None  # the loaded file, for positions in later findings
    resolved: resolve.ResolvedSpec | None = None  # each environment's settings and their origins (valid files)


def validate_file(path: Path, display: str) -> FileResult:
    return _validated(lambda: read_document(path, display), display)


def validate_bytes(raw: bytes, display: str) -> FileResult:
    """The same check on bytes already read, so that a caller knows exactly which bytes the result is about."""
    return _validated(lambda: load_document(raw, display), display)


def _validated(load: Callable[[], Document], display: str) -> FileResult:
    try:
        document = load()
    except InvalidSpecs as error:
        return FileResult(display, sorted(error.problems))
    problems, resolved = checked(document)
    spec = model.build_spec(document.data, display, resolved) if resolved and not problems else None
    field = table_name_field(document.data)
    tables = claims(display, spec, document.locate(field), field) if spec else ()
    return FileResult(display, problems, spec, document.locate(("name",)), tables, document, resolved)


def validate_document(document: Document) -> list[Problem]:
    return checked(document)[0]


def checked(document: Document) -> tuple[list[Problem], resolve.ResolvedSpec | None]:
    """The problems of a document, and its environments resolved once (None when the schema refuses the document)."""
    problems = schema_problems(document, document.data, _document_validator(), ())
    if problems:
        return sorted(set(problems)), None
    resolved = resolve.resolve(document)
    problems = list(resolved_problems(resolved)) + list(rules.check(resolved))
    return sorted(set(problems)), resolved


def resolved_problems(resolved: resolve.ResolvedSpec) -> Iterator[Problem]:
    """Check each environment as it will be rendered: settings with profile, defaults and overrides applied."""
    for env, environment in resolved.environments.items():
        yield from schema_problems(resolved.document, environment.settings, _resolved_validator(),
                                   ("environments", env))


@cache
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """A schema pattern with ECMA 262's `$` (the end of the text), not Python's (which also matches before a final
    newline, so that `^[a-z0-9][a-z0-9_-]*$` would accept "orders\n" as a spec name and a folder name)."""
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def _pattern(validator: Any, pattern: str, instance: Any, node: Any) -> Iterator[jsonschema.ValidationError]:
    if validator.is_type(instance, "string") and not _ecma_regex(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = jsonschema.validators.extend(jsonschema.Draft7Validator, {"pattern": _pattern})


@cache
def _document_validator() -> jsonschema.Draft7Validator:
    return Validator(schema.load_schema())


@cache
def _resolved_validator() -> jsonschema.Draft7Validator:
    definitions = schema.load_schema()["definitions"]
    return Validator({"$ref": "#/definitions/resolved_settings", "definitions": definitions})


def schema_problems(
    document: Document, instance: Any, validator: jsonschema.Draft7Validator, base: FieldPath
) -> list[Problem]:
    return [_problem(document, error, base) for error in _leaf_errors(validator.iter_errors(instance))]


def _leaf_errors(errors: Iterable[jsonschema.ValidationError]) -> Iterator[jsonschema.ValidationError]:
    """Descend into oneOf/anyOf so that `null or an object` reports what is wrong with the object."""
    for error in errors:
        if error.validator in ("oneOf", "anyOf") and error.context:
            non_null = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
            deepest = max(len(e.absolute_path) for e in non_null) if non_null else 0
            yield from _leaf_errors(e for e in non_null if len(e.absolute_path) == deepest)
        else:
            yield error


def _problem(document: Document, error: jsonschema.ValidationError, base: FieldPath) -> Problem:
    path = base + tuple(error.absolute_path)
    message, hint, at_key = _describe(error)
    if "propertyNames" in error.relative_schema_path:
        # jsonschema reports a bad key at its mapping; point at the key itself and say what a name may be
        at_key = str(error.instance)
        rule = error.schema.get("description") or _describe_plain(error)[0]
        length = ""
        if error.validator in ("minLength", "maxLength") and at_key:
            length = f" ({len(at_key)} character{'s' if len(at_key) != 1 else ''})"
        message = f"name {_show(at_key)}{length} is not valid here: {rule}"
    if at_key is not None:
        path = path + (at_key,)
    at_name = at_key is not None or error.validator == "required"
    written = _written(document, path)
    exact = _same_value(written, path)
    line, column = document.locate(written, key=at_name or not exact)
    return Problem(document.file, line, column, message, written if exact else path, hint)


def _written(document: Document, path: FieldPath) -> FieldPath:
    """Where the user wrote the value at path, or the nearest key that holds it: for a resolved environment value,
    the layer that set it (dyngen.resolve)."""
    if path[:1] == ("environments",) and len(path) > 2 and isinstance(path[1], str):
        return resolve.written(document, path[1], path[2:])
    for end in range(len(path), 0, -1):
        if _present(document, path[:end]):
            return path[:end]
    return ()


def _same_value(written: FieldPath, path: FieldPath) -> bool:
    """Whether written names the very value at path (in settings or in the environment), not an ancestor."""
    if written == path:
        return True
    return path[:1] == ("environments",) and written[:1] == ("settings",) and written[1:] == path[2:]


def _present(document: Document, path: FieldPath) -> bool:
    return path in document.value_positions


def _describe(error: jsonschema.ValidationError) -> tuple[str, str | None, str | None]:
    """(message, hint, offending key) in the user's words, with what was found and what is allowed."""
    if "then" in error.relative_schema_path:
        return _conditional(error)
    return _describe_plain(error)


def _describe_plain(error: jsonschema.ValidationError) -> tuple[str, str | None, str | None]:
    kind, expected, found = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties":
        return _unknown_keys(error)
    if kind == "required":
        missing = [k for k in expected if k not in found]
        return f"missing required key `{missing[0]}`", None, None
    if kind == "enum":
        return f"{_show(found)} is not allowed here; expected one of {', '.join(map(str, expected))}", None, None
    if kind == "const":
        return f"{_show(found)} is not allowed here; expected {_show(expected)}", None, None
    if kind in ("minimum", "maximum"):
        return f"{_show(found)} is out of range; {_range(error.schema)}", None, None
    if kind == "type":
        return f"expected {_type_names(expected)}, found {_json_type(found)}", None, None
    if kind == "pattern":
        return f"{_show(found)} is not valid here: {_pattern_help(error.schema)}", None, None
    if kind in ("minLength", "maxLength"):
        return f"{_show(found)} must be {_length(error.schema)}", None, None
    if kind == "minProperties":
        return f"needs at least {expected} entr{'y' if expected == 1 else 'ies'}", None, None
    if kind in ("minItems", "maxItems"):
        return f"expected {'at least' if kind == 'minItems' else 'at most'} {expected} item(s)", None, None
    if kind == "uniqueItems":
        return "items must be unique", None, None
    return error.message, None, None


# When each conditional rule of the resolved settings applies, by the settings key it guards.
_CONDITIONS = {
    "autoscaling": "autoscaling is enabled",
    "backup": "backup is enabled",
    "import_from_s3": "import_from_s3 is set",
    "backend": "a backend is set",
}


def _conditional(error: jsonschema.ValidationError) -> tuple[str, str | None, str | None]:
    """A rule that holds only when another setting says so (the schema's if/then): say which setting."""
    kind, expected, found = error.validator, error.validator_value, error.instance
    top = str(error.absolute_path[0]) if error.absolute_path else ""
    when = _CONDITIONS.get(top, f"{top} is set")
    if kind == "required":
        missing = [k for k in expected if k not in found]
        return f"missing required key `{missing[0]}` (needed when {when})", None, None
    if kind == "type" and found is None:
        name = error.absolute_path[-1] if error.absolute_path else top
        return f"`{name}` must be set when {when} (expected {_type_names(expected)}, found null)", None, None
    if kind == "not" and top == "import_from_s3":
        return "`csv` options go only with input_format CSV", None, "csv"
    message, hint, at_key = _describe_plain(error)
    return f"{message} (when {when})", hint, at_key


def _unknown_keys(error: jsonschema.ValidationError) -> tuple[str, str | None, str | None]:
    allowed = sorted(error.schema.get("properties", {}))
    unknown = [k for k in error.instance if k not in allowed]
    key = str(unknown[0])
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"did you mean `{close[0]}`?" if close else f"allowed keys: {', '.join(allowed)}"
    return f"unknown key `{key}` ({hint})", hint, key


def _range(node: dict[str, Any]) -> str:
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        return f"allowed: {low} to {high}"
    return f"allowed: at least {low}" if low is not None else f"allowed: at most {high}"


def _length(node: dict[str, Any]) -> str:
    low, high = node.get("minLength"), node.get("maxLength")
    if low is not None and high is not None:
        return f"{low} to {high} characters long"
    return f"at least {low} characters long" if low is not None else f"at most {high} characters long"


def _pattern_help(node: dict[str, Any]) -> str:
    description = node.get("description")
    return f"{description} (pattern {node['pattern']})" if description else f"must match {node.get('pattern')}"


def _type_names(expected: Any) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "a whole number",
             "number": "a number", "boolean": "true or false", "null": "null"}
    kinds: list[str] = expected if isinstance(expected, list) else [expected]
    return " or ".join(names.get(k, k) for k in kinds)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int):
        return f"{value} (a whole number)"
    if isinstance(value, float):
        return f"{value} (a number)"
    if isinstance(value, str):
        return f"{_show(value)} (a string)"
    return "a list" if isinstance(value, list) else "a mapping"


def _show(value: Any) -> str:
    if value == "":
        return "`` (empty)"
    text = repr(value) if not isinstance(value, str) else value
    if len(text) > 60:
        text = text[:57] + "..."
    return f"`{text}`"
