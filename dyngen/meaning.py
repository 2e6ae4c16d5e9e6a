"""What each rendered file must say once parsed back: one Expectation per file, plain values with a stable digest,
so that a verified (bytes, meaning) pair can be recognised again (dyngen.cache) without parsing."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from dyngen.errors import RoundTripError
from dyngen.features import table
from dyngen.model import Spec
from dyngen.render import Rendered

PARSED_SUFFIXES = (".tf", ".tfvars")


@dataclass(frozen=True)
class Expectation:
    """A check of dyngen.roundtrip by name and the values it compares the parsed file with."""

    check: str
    values: Any = None

    def digest(self) -> str:
        encoded = json.dumps([self.check, _tagged(self.values)], separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


SYNTAX = Expectation("syntax")


def _tagged(value: Any) -> Any:
    """Every value with its type, so that no two different meanings encode alike (1 and True, "1" and 1, 1.0 and
    Decimal("1.0"), a tuple and a list are told apart)."""
    if value is None or isinstance(value, (bool, str)):
        return [type(value).__name__, value]
    if isinstance(value, (int, float, Decimal)):
        return [type(value).__name__, repr(value)]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [_tagged(v) for v in value]]
    if isinstance(value, Mapping):
        return ["map", [[_tagged(k), _tagged(v)] for k, v in value.items()]]
    return [type(value).__qualname__, repr(value)]  # a repr that varies between runs only costs cache misses


def expectations(rendered: Rendered) -> dict[str, Expectation]:
    """Every HCL file of the tree with what it must say; files without a specific meaning must at least parse."""
    files = rendered.files
    expected = {path: SYNTAX for path in files if path.endswith(PARSED_SUFFIXES)}
    expected.update(_meanings(rendered))
    missing = sorted(set(expected) - set(files))
    if missing:
        raise RoundTripError(missing[0], "(file)", "rendered", "missing")
    return expected


def _meanings(rendered: Rendered) -> dict[str, Expectation]:
    view = rendered.layout.view
    spec = view.spec
    variables = [v.name for v in view.variables]
    outputs = sorted(o.name for o in view.outputs)
    module = spec.name
    found = {
        f"{module}/table.tf": Expectation("table", _table(spec)),
        f"{module}/variables.tf": Expectation("labels", ("variable", "variables", sorted(variables))),
        f"{module}/outputs.tf": Expectation("labels", ("output", "outputs", outputs)),
    }
    for root in rendered.layout.roots:
        env = root.env
        folder = f"{module}/envs/{env.name}"
        inputs = sorted(name for name, _ in root.tfvars)
        tfvars = root.tfvars_file
        found[f"{folder}/terraform.tfvars"] = Expectation("tfvars", tfvars)
        found[f"{folder}/variables.tf"] = Expectation("labels", ("variable", "variables", sorted(tfvars)))
        found[f"{folder}/main.tf"] = Expectation("root_main", ("../..", inputs, bool(root.account_id)))
        found[f"{folder}/backend.tf"] = Expectation("backend", (root.backend, view.terraform_version))
        found[f"{folder}/outputs.tf"] = Expectation("labels", ("output", "outputs", outputs))
    return found


def _table(spec: Spec) -> dict[str, Any]:
    return {
        "resources": sorted(r.name for r in table.resources(spec)),
        "hash_key": spec.hash_key,
        "range_key": spec.range_key,
        "attribute": sorted(spec.attributes),
        "global_secondary_index": _indexes(spec.global_indexes),
        "local_secondary_index": _indexes(spec.local_indexes),
        "lifecycle.prevent_destroy": spec.prevent_destroy,
    }


def _indexes(indexes: Any) -> list[tuple[Any, ...]]:
    return sorted(
        (i.name, i.hash_key, i.range_key, i.projection_type, tuple(i.non_key_attributes)) for i in indexes
    )
