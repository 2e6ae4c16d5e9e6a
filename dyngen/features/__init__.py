"""The parts of the generated module: the typed contract every feature module fulfils (`Feature`, `Output`).

Each feature module decides, from the spec, whether it is used, which variables and outputs it adds and what its
template partial receives (rendered into its own file: module/kms.tf.j2 -> kms.tf), and exposes that as one
`FEATURE = Feature(...)`; dyngen.features.registry lists them in output order. Templates only lay out what
`context` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from dyngen.model import Spec
from dyngen.variables import Variable

T = TypeVar("T")


@dataclass(frozen=True)
class Output:
    name: str
    description: str
    value: str  # an HCL expression inside the module


def fixed(value: T) -> Callable[[Spec], T]:
    """A hook whose answer does not depend on the spec."""
    return lambda spec: value


BASE_PROVIDER = "5.0.0"  # the oldest hashicorp/aws release the module supports; features that need more say so


def no_outputs(spec: Spec) -> list[Output]:
    return []


@dataclass(frozen=True)
class Feature:
    """One part of the module. `used(spec)` False renders nothing of it; the other hooks are asked only when used."""

    name: str
    summary: str  # what its file holds: its line in the module README's Files section
    used: Callable[[Spec], bool]
    variables: Callable[[Spec], list[Variable]]
    context: Callable[[Spec], dict[str, Any]]
    outputs: Callable[[Spec], list[Output]] = no_outputs
    # the oldest hashicorp/aws release with every argument the spec uses
    provider_minimum: Callable[[Spec], str] = fixed(BASE_PROVIDER)
    data_sources: Callable[[Spec], tuple[str, ...]] = fixed(())  # read as data.<type>.current, declared once

    @property
    def template(self) -> str:
        """Its partial under templates/, which receives `context(spec)` as `c` and is rendered into `<name>.tf`."""
        return f"module/{self.name}.tf.j2"
