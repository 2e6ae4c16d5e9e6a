"""`dyngen init`: a new, minimal, commented spec that validates, with the modeline that lets editors find the schema."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from dyngen import schema
from dyngen.errors import DyngenError, FileSystemError, UsageError
from dyngen.loader import load_document
from dyngen.validate import validate_document

SCHEMA_PATH = Path("schemas") / schema.SCHEMA_FILE  # where `dyngen schema --write` is told to put it
DEFAULT_TYPE = "S"


@dataclass(frozen=True)
class Key:
    """A key attribute as given on the command line: `order_id` or `order_id:N`."""

    name: str
    type: str = DEFAULT_TYPE


@dataclass(frozen=True)
class NewSpec:
    name: str
    hash_key: Key
    environments: tuple[str, ...]
    range_key: Key | None = None
    profile: str | None = None


@dataclass(frozen=True)
class Created:
    path: Path
    schema: Path  # what the modeline points at
    schema_found: bool  # False: that file is still to be written by `dyngen schema --write`


class FileExists(DyngenError):
    """init never overwrites a file."""


def parse_key(text: str, option: str) -> Key:
    """`order_id` or `order_id:N`; the type is one of the schema's attribute types."""
    name, colon, kind = text.rpartition(":")
    if not colon or kind not in schema.enum("attribute_type"):  # a colon may also be part of an attribute name
        name, kind = text, DEFAULT_TYPE
    key = Key(name, kind)
    check_value("attribute_name", key.name, option)
    return key


def check_value(definition: str, value: str, what: str) -> str:
    """Refuse a value the schema's definition refuses, quoting the definition's own description."""
    if not jsonschema.Draft7Validator(schema.definition(definition)).is_valid(value) or "\n" in value:
        description = schema.definition(definition).get("description", "")
        raise UsageError(f"invalid {what} {json.dumps(value, ensure_ascii=False)}: expected {description}")
    return value


def check_new_spec(new: NewSpec) -> None:
    check_value("name", new.name, "NAME")
    for env in new.environments:
        check_value("name", env, "environment name")
    if not new.environments:
        raise UsageError("at least one environment is needed (--env)")
    if len(set(new.environments)) != len(new.environments):
        raise UsageError("an environment is named twice (--env)")
    if new.range_key is not None and new.range_key.name == new.hash_key.name:
        raise UsageError("the range key must differ from the hash key")
    if new.profile is not None and new.profile not in schema.enum("profile"):
        raise UsageError(f"invalid profile {new.profile!r}: expected one of {', '.join(schema.enum('profile'))}")


def create_spec(new: NewSpec, folder: Path) -> Created:
    """Write FOLDER/NAME.yaml; refuses an existing file. The text is validated before anything is written."""
    check_new_spec(new)
    path = folder / f"{new.name}.yaml"
    found = find_schema(folder)
    schema_file = found or repository_root(folder) / SCHEMA_PATH
    text = spec_text(new, relative(schema_file, folder), found is not None)
    problems = validate_document(load_document(text.encode("utf-8"), str(path)))
    if problems:  # the checks above should have caught it: say what, plainly, rather than write a broken spec
        raise UsageError("; ".join(f"{p.message} [at {p.field_path}]" for p in problems))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise FileExists(f"{path} already exists; dyngen init never overwrites a file") from None
    except OSError as error:
        raise FileSystemError(error, path) from None
    return Created(path, schema_file, found is not None)


def find_schema(folder: Path) -> Path | None:
    """schemas/dyngen.schema.json in the spec folder or above it, up to the repository's root (a `.git`)."""
    here = folder.resolve()
    for place in (here, *here.parents):
        if (place / SCHEMA_PATH).is_file():
            return place / SCHEMA_PATH
        if (place / ".git").exists():
            return None
    return None


def repository_root(folder: Path) -> Path:
    """The git repository holding the folder, else the folder's parent (specs/ sits at the root, usually)."""
    here = folder.resolve()
    for place in (here, *here.parents):
        if (place / ".git").exists():
            return place
    return here.parent


def relative(target: Path, start: Path) -> str:
    return Path(os.path.relpath(target, start.resolve())).as_posix()


def spec_text(new: NewSpec, schema_ref: str, schema_found: bool) -> str:
    keys = [new.hash_key] + ([new.range_key] if new.range_key else [])
    lines = [f"# yaml-language-server: $schema={schema_ref}"]
    if not schema_found:
        lines.append(f"# Editors complete this file once the schema is there: `dyngen schema --write "
                     f"{SCHEMA_PATH.as_posix()}` at the repository's root")
    lines += [
        "# One DynamoDB table. Every key is described, with examples, in the schema (`dyngen schema`).",
        "version: 1",
        "",
        "# The folder under generated/ and `{name}` in the table name (default: `{env}-{name}`).",
        f"name: {scalar(new.name)}",
        "",
        "# The table's keys, then every key attribute with its type: S (string), N (number) or B (binary).",
        f"hash_key: {scalar(new.hash_key.name)}",
        *([f"range_key: {scalar(new.range_key.name)}"] if new.range_key else []),
        "attributes:",
        *(f"  {scalar(key.name)}: {key.type}" for key in keys),
        "",
        "# Defaults of every environment (region, billing_mode, tags, backend, ...); an environment's own keys win.",
        "settings:",
        "  # development, staging or production: defaults between dyngen's own (null) and these settings.",
        f"  profile: {scalar(new.profile) if new.profile else 'null'}",
        "",
        "# One Terraform root per environment, under generated/NAME/envs/.",
        "environments:",
        *(f"  {scalar(env)}: {{}}" for env in new.environments),
    ]
    return "\n".join(lines) + "\n"


def scalar(value: str) -> str:
    """A YAML scalar that reads back as the same string: plain when it can be, else double-quoted."""
    try:
        plain_reads_back = yaml.safe_load(value) == value and "\n" not in value
    except yaml.YAMLError:
        plain_reads_back = False
    return value if plain_reads_back and value.strip() == value else json.dumps(value, ensure_ascii=False)
