"""The module's input variables: their Terraform types, descriptions, validation rules read from the JSON Schema,
and the value each environment gives them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from dyngen import hcl, schema
from dyngen.model import Settings, Spec


@dataclass(frozen=True)
class Validation:
    condition: str
    error_message: str


@dataclass(frozen=True)
class Variable:
    """One input of the table module; `values` maps each environment to what its terraform.tfvars sets."""

    name: str
    type: str
    description: str
    values: Mapping[str, Any]
    rule: str | None = None  # a definition of the JSON Schema whose enum, range or pattern the value must meet
    element_rule: bool = False  # the rule applies to each element of a list or map
    nullable: bool = False  # null means "not set": the variable defaults to null and tfvars omits it
    validations: tuple[Validation, ...] = field(default=())

    def value(self, env: str) -> Any:
        return self.values[env]

    def default_hcl(self) -> str | None:
        return "null" if self.nullable else None

    def all_validations(self) -> tuple[Validation, ...]:
        generated = schema_validation(self) if self.rule else None
        return ((generated,) if generated else ()) + self.validations


def per_environment(spec: Spec, pick: Callable[[Settings], Any]) -> dict[str, Any]:
    return {env.name: pick(env.settings) for env in spec.environments}


def setting(*path: str, default: Any = None) -> Callable[[Settings], Any]:
    """A picker for a nested setting; missing or null along the way gives `default`."""

    def pick(settings: Settings) -> Any:
        node: Any = settings
        for part in path:
            if not isinstance(node, Mapping) or node.get(part) is None:
                return default
            node = node[part]
        return node

    return pick


def setting_when(on: Callable[[Settings], Any], *path: str) -> Callable[[Settings], Any]:
    """A picker for a feature's setting that gives the value only while the feature is on (`on`), else null: a
    module input of a feature that is off says nothing."""
    value = setting(*path)

    def pick(settings: Settings) -> Any:
        return value(settings) if on(settings) else None

    return pick


def version_key(version: str) -> tuple[int, ...]:
    """A provider or Terraform version ("6.13.0") in the order releases come."""
    return tuple(int(part) for part in version.split("."))


def any_environment(spec: Spec, test: Callable[[Settings], Any]) -> bool:
    return any(test(env.settings) for env in spec.environments)


# --- validation blocks generated from the JSON Schema -------------------------------------------------------------


def schema_validation(variable: Variable) -> Validation | None:
    assert variable.rule is not None
    node = schema.resolve_ref(schema.definition(variable.rule))
    test = _condition(node, "v" if variable.element_rule else f"var.{variable.name}")
    if test is None:
        return None
    condition, allowed = test
    subject = f"var.{variable.name}"
    if variable.element_rule:
        collection = f"values({subject})" if variable.type.startswith("map") else subject
        condition = f"alltrue([for v in {collection} : {condition}])"
    if variable.nullable:
        condition = f"{subject} == null ? true : {condition}"
    return Validation(condition, f"{variable.name} must be {allowed}.")


def _condition(node: Mapping[str, Any], ref: str) -> tuple[str, str] | None:
    if "enum" in node:
        return f"contains({hcl.encode(list(node['enum']))}, {ref})", "one of " + ", ".join(map(str, node["enum"]))
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        return f"{ref} >= {hcl.encode(low)} && {ref} <= {hcl.encode(high)}", f"between {low} and {high}"
    if low is not None:
        return f"{ref} >= {hcl.encode(low)}", f"at least {low}"
    if "pattern" in node:
        return f"can(regex({hcl.quote(node['pattern'])}, {ref}))", f"a match for {node['pattern']}"
    return None
