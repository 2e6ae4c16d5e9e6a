"""What one environment root means for its table, read alike from the new model and from an earlier render's HCL
on disk (possibly by an older dyngen): the facts that decide whether a change keeps a live table safe."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Iterable, Mapping

from dyngen.features import table
from dyngen.hcl.literals import PYTHON_HCL2_META_KEYS
from dyngen.loader import Document
from dyngen.model import Environment, Spec
from dyngen.plan import generated_source
from dyngen.render import Layout
from dyngen.roundtrip import decode

Key = tuple[str, str | None]  # (attribute name, type), the type None when unknown
IndexShape = tuple[Any, ...]  # (name, hash key or None, range key, projection, non-key attributes)
Capacity = tuple[str, Any, Any]  # (index name, "" for the table; read units; write units)
LOCAL_STATE = "terraform.tfstate"


@dataclass(frozen=True)
class TableFacts:
    """One environment root and its table. None means unknown (an older tree that does not say): never compared."""

    root: str  # the root folder, relative to the output folder
    spec: str
    env: str
    source: str  # the spec file: as the user named it (new), as the header names it (old)
    state: tuple[str, ...]  # where Terraform keeps the state: ("s3", bucket, key) or ("local", path)
    table_name: str | None
    region: str | None
    hash_key: Key | None
    range_key: Key | None
    local_indexes: tuple[IndexShape, ...] | None
    global_indexes: tuple[IndexShape, ...] | None
    billing_mode: str | None
    autoscaled: bool
    indexes_ignored: bool  # the table resource ignores global_secondary_index (its indexes autoscale)
    capacity: tuple[Capacity, ...]
    deletion_protection: bool | None
    prevent_destroy: bool | None
    import_from_s3: str | None  # canonical JSON, for comparison
    table_class: str | None
    stream: str | None  # the stream's view type; None while the stream is off
    replica_regions: tuple[str, ...]
    created_key: bool  # the module creates the table's KMS key (create_kms_key)
    file: str = ""  # the spec file as the user named it, for findings (new side only)
    positions: tuple[tuple[str, int, int], ...] = ()  # (fact, line, column) in that file

    def position(self, *facts: str) -> tuple[int, int] | None:
        """Where the spec writes the first of `facts` that it writes."""
        found = {fact: (line, column) for fact, line, column in self.positions}
        return next((found[f] for f in facts if f in found), None)

    def where_state(self, out: str) -> str:
        if self.state[0] == "s3":
            return f"s3://{self.state[1]}/{self.state[2]}"
        return f"the local state {out}/{self.state[1]}"


@dataclass(frozen=True)
class ModuleFacts:
    """What a module's table resources fix for every environment."""

    tables: Mapping[str, tuple[str, ...]]  # resource name -> its ignore_changes
    literal_name: str | None
    hash_key: Key | None
    range_key: Key | None
    local_indexes: tuple[IndexShape, ...] | None
    global_indexes: tuple[IndexShape, ...] | None
    prevent_destroy: bool | None


# --- the new side: the model ----------------------------------------------------------------------------------------


def spec_facts(planned: Layout, document: Document | None = None) -> tuple[TableFacts, ...]:
    """The facts of every environment root of a spec, as the new render means them."""
    spec = planned.view.spec
    module = _spec_module(spec)
    found = []
    for root in planned.roots:
        env = root.env
        tfvars = root.tfvars_file
        folder = f"{spec.name}/envs/{env.name}"
        state = _state(folder, {"s3": dict(root.backend)} if root.backend else {})
        facts = _facts(folder, spec.name, env.name, spec.source, state, tfvars, root.region, module)
        found.append(_located(facts, document, env) if document is not None else replace(facts, file=spec.source))
    return tuple(found)


def _spec_module(spec: Spec) -> ModuleFacts:
    types = dict(spec.attributes)
    return ModuleFacts(
        tables={r.name: r.ignore_changes for r in table.resources(spec)},
        literal_name=None,
        hash_key=(spec.hash_key, types.get(spec.hash_key)),
        range_key=(spec.range_key, types.get(spec.range_key)) if spec.range_key else None,
        local_indexes=_sorted(_shape(i.name, None, i.range_key, i.projection_type, i.non_key_attributes)
                              for i in spec.local_indexes),
        global_indexes=_sorted(_shape(i.name, i.hash_key, i.range_key, i.projection_type, i.non_key_attributes)
                               for i in spec.global_indexes),
        prevent_destroy=spec.prevent_destroy,
    )


# Where the spec writes each fact: the environment's own key, then `settings`, then the spec's top level.
ENVIRONMENT_FACTS = {
    "region": ("region",), "state": ("backend",), "capacity": ("read_capacity", "write_capacity", "index_capacity"),
    "autoscaling": ("autoscaling", "billing_mode"), "billing_mode": ("billing_mode",),
    "deletion_protection": ("deletion_protection", "profile"), "import_from_s3": ("import_from_s3",),
    "table_class": ("table_class",), "stream": ("stream",), "replicas": ("replicas",),
}
SPEC_FACTS = {
    "table_name": ("table_name", "name", "project"), "hash_key": ("hash_key",), "range_key": ("range_key", "hash_key"),
    "local_indexes": ("local_secondary_indexes", "range_key"), "global_indexes": ("global_secondary_indexes",),
    "prevent_destroy": ("lifecycle",), "name": ("name",), "environments": ("environments",),
}


def _located(facts: TableFacts, document: Document, env: Environment) -> TableFacts:
    positions = []
    for fact, keys in ENVIRONMENT_FACTS.items():
        paths = [("environments", env.name, k) for k in keys] + [("settings", k) for k in keys]
        position = _first_key(document, paths + [("environments", env.name)])
        if position:
            positions.append((fact, *position))
    for fact, keys in SPEC_FACTS.items():
        position = _first_key(document, [(k,) for k in keys])
        if position:
            positions.append((fact, *position))
    return replace(facts, file=document.file, positions=tuple(positions))


def _first_key(document: Document, paths: Iterable[tuple[str, ...]]) -> tuple[int, int] | None:
    return next((document.key_positions[p] for p in paths if p in document.key_positions), None)


# --- the old side: HCL on disk --------------------------------------------------------------------------------------


class UnreadableRoot(Exception):
    """An earlier environment root that python-hcl2 cannot read (edited by hand, truncated)."""

    def __init__(self, root: str, reason: str) -> None:
        super().__init__(f"{root}: {reason}")
        self.root = root
        self.reason = reason


def read_root(files: Mapping[str, str], root: str) -> TableFacts:
    """The facts of an environment root from its files and its module's (`files`: relative path -> text). Reads any
    .tf file of the module folder, so a module split into several files reads the same."""
    module_folder = root.split("/envs/", 1)[0]
    parsed = {path: _parse(root, path, text) for path, text in files.items() if _belongs(path, root, module_folder)}
    module = _module_facts(p for path, p in parsed.items() if _in_folder(path, module_folder) and path.endswith(".tf"))
    tfvars = decode(parsed.get(f"{root}/terraform.tfvars", {}))
    env_files = [p for path, p in parsed.items() if _in_folder(path, root)]
    state = _state(root, _backend(env_files))
    region = _provider_region(env_files, tfvars)
    source = next((s for s in map(generated_source, (files[p] for p in sorted(parsed))) if s), "")
    return _facts(root, module_folder, root.rsplit("/", 1)[-1], source, state, tfvars, region, module)


def _belongs(path: str, root: str, module_folder: str) -> bool:
    return path.endswith((".tf", ".tfvars")) and (_in_folder(path, root) or _in_folder(path, module_folder))


def _in_folder(path: str, folder: str) -> bool:
    return posixpath.dirname(path) == folder


def _parse(root: str, path: str, text: str) -> dict[str, Any]:
    try:
        return _parsed(text if path.endswith(".tfvars") else "".join(m.group(0) for m in BLOCKS_READ.finditer(text)))
    except Exception as error:  # python-hcl2 raises lark errors of many kinds
        raise UnreadableRoot(root, f"{path} cannot be parsed ({type(error).__name__})") from error


# The only top-level blocks whose meaning matters here. Parsing just them (files are `terraform fmt` formatted, so a
# top-level block ends with `}` at the start of a line) costs a tenth of parsing a whole module.
BLOCKS_READ = re.compile(r'^(?:resource\s+"aws_dynamodb_table"|provider\s+"aws"|terraform)\s.*?^\}\n?',
                         re.MULTILINE | re.DOTALL)


@lru_cache(maxsize=64)
def _parsed(text: str) -> dict[str, Any]:
    """The environments of one module share its files: each text is parsed once."""
    import hcl2  # loaded only when an earlier tree must be read (start-up time of the other commands)

    parsed: dict[str, Any] = hcl2.loads(text) if text.strip() else {}
    return parsed


def _module_facts(parsed_files: Iterable[dict[str, Any]]) -> ModuleFacts:
    tables: dict[str, dict[str, Any]] = {}
    for parsed in parsed_files:
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                if decode(rtype) == "aws_dynamodb_table":
                    tables.update({decode(name): _literals(body) for name, body in named.items()})
    if not tables:
        return ModuleFacts({}, None, None, None, None, None, None)
    body = tables.get("this") or tables[sorted(tables)[0]]
    attributes = [a for a in body.get("attribute", []) if isinstance(a, dict)]
    types: dict[str, Any] = {str(a.get("name")): a.get("type") for a in attributes}
    return ModuleFacts(
        tables={name: tuple(map(_text, _lifecycle(b).get("ignore_changes") or ())) for name, b in tables.items()},
        literal_name=_literal(body.get("name")),
        hash_key=_key(body.get("hash_key"), types),
        range_key=_key(body.get("range_key"), types),
        local_indexes=_indexes(body, "local_secondary_index", local=True),
        global_indexes=_indexes(body, "global_secondary_index", local=False),
        prevent_destroy=_lifecycle(body).get("prevent_destroy"),
    )


def _lifecycle(body: Mapping[str, Any]) -> dict[str, Any]:
    blocks = body.get("lifecycle") or [{}]
    return blocks[0] if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict) else {}


@dataclass(frozen=True)
class Expression:
    """An HCL expression (a reference, a call): only Terraform can evaluate it."""

    text: str


def _literals(value: Any) -> Any:
    """A python-hcl2 value with its literals decoded and its expressions kept apart: python-hcl2 8.x writes a
    literal string with its quotes (`"${"` is the text `${`) and an expression without (`${var.x}`)."""
    if isinstance(value, str):
        return decode(value) if value.startswith('"') else Expression(value)
    if isinstance(value, list):
        return [_literals(v) for v in value]
    if isinstance(value, dict):
        return {decode(k): _literals(v) for k, v in value.items() if k not in PYTHON_HCL2_META_KEYS}
    return value


def _literal(value: Any) -> Any:
    """A literal value, or None for an expression."""
    return None if isinstance(value, Expression) else value


def _text(value: Any) -> Any:
    return value.text if isinstance(value, Expression) else value


def _key(name: Any, types: Mapping[str, Any]) -> Key | None:
    name = _literal(name)
    return (name, _literal(types.get(name))) if isinstance(name, str) else None


def _indexes(body: Mapping[str, Any], block: str, *, local: bool) -> tuple[IndexShape, ...] | None:
    """The literal indexes; None (unknown) where an older render wrote them as a `dynamic` block or expressions."""
    found = body.get(block) or []
    shape = ("name", "hash_key", "range_key", "projection_type", "non_key_attributes")
    dynamic = any(block in d for d in body.get("dynamic") or [])
    if dynamic or not _all_literal([[i.get(k) for k in shape] for i in found]):
        return None
    return _sorted(_shape(i.get("name"), None if local else i.get("hash_key"), i.get("range_key"),
                          i.get("projection_type"), i.get("non_key_attributes") or ()) for i in found)


def _all_literal(value: Any) -> bool:
    if isinstance(value, list):
        return all(_all_literal(v) for v in value)
    if isinstance(value, dict):
        return all(_all_literal(v) for v in value.values())
    return not isinstance(value, Expression)


def _backend(env_files: Iterable[dict[str, Any]]) -> dict[str, Any]:
    for parsed in env_files:
        for terraform in _literals(parsed.get("terraform", [])):
            for backend in terraform.get("backend", []):
                return {kind: {k: _text(v) for k, v in body.items()} for kind, body in backend.items()}
    return {}


def _provider_region(env_files: Iterable[dict[str, Any]], tfvars: Mapping[str, Any]) -> str | None:
    for parsed in env_files:
        for provider in _literals(parsed.get("provider", [])):
            if "aws" in provider and not provider["aws"].get("alias"):
                region = provider["aws"].get("region")
                return tfvars.get("region") if region == Expression("${var.region}") else _literal(region)
    return None


# --- both sides -----------------------------------------------------------------------------------------------------


def _state(root: str, backend: Mapping[str, Any]) -> tuple[str, ...]:
    """Where Terraform keeps a root's state; without a backend block it is the local file in the root folder."""
    if "s3" in backend:
        s3 = backend["s3"]
        return ("s3", str(s3.get("bucket")), str(s3.get("key")))
    return ("local", local_state(root, (backend.get("local") or {}).get("path") or LOCAL_STATE))


def local_state(root: str, path: str = LOCAL_STATE) -> str:
    """A local backend's state file, relative to the root folder it is configured in."""
    return posixpath.normpath(posixpath.join(root, str(path)))


def _facts(root: str, spec: str, env: str, source: str, state: tuple[str, ...], tfvars: Mapping[str, Any],
           region: str | None, module: ModuleFacts) -> TableFacts:
    billing = _literal(tfvars.get("billing_mode"))
    autoscaled = billing == "PROVISIONED" and tfvars.get("autoscaling_enabled") is True
    resource = "autoscaled" if autoscaled and "autoscaled" in module.tables else "this"
    ignored = module.tables.get(resource, ())
    import_source = tfvars.get("import_from_s3")
    return TableFacts(
        root=root, spec=spec, env=env, source=source, state=state,
        table_name=module.literal_name or tfvars.get("table_name"),
        region=region,
        hash_key=module.hash_key,
        range_key=module.range_key,
        local_indexes=module.local_indexes,
        global_indexes=module.global_indexes,
        billing_mode=billing,
        autoscaled=autoscaled,
        indexes_ignored="global_secondary_index" in ignored,
        capacity=_capacity(tfvars) if billing == "PROVISIONED" else (),
        deletion_protection=tfvars.get("deletion_protection_enabled"),
        prevent_destroy=module.prevent_destroy,
        import_from_s3=json.dumps(import_source, sort_keys=True) if import_source is not None else None,
        table_class=tfvars.get("table_class"),
        stream=tfvars.get("stream_view_type") if tfvars.get("stream_enabled") is True else None,
        replica_regions=tuple(sorted(str(r.get("region_name")) for r in tfvars.get("replicas") or []
                                     if isinstance(r, dict))),
        created_key=tfvars.get("create_kms_key") is True,
    )


def _capacity(tfvars: Mapping[str, Any]) -> tuple[Capacity, ...]:
    reads, writes = tfvars.get("index_read_capacity") or {}, tfvars.get("index_write_capacity") or {}
    indexes = tuple((name, reads.get(name), writes.get(name)) for name in sorted(set(reads) | set(writes)))
    return (("", tfvars.get("read_capacity"), tfvars.get("write_capacity")),) + indexes


def _shape(name: Any, hash_key: Any, range_key: Any, projection: Any, non_key: Iterable[Any]) -> IndexShape:
    return (name, hash_key, range_key, projection, tuple(sorted(non_key)))


def _sorted(shapes: Iterable[IndexShape]) -> tuple[IndexShape, ...]:
    return tuple(sorted(shapes, key=repr))
