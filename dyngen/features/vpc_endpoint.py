"""TODO(lead): vpc_endpoint feature, being written."""

from __future__ import annotations

from typing import Any

from dyngen.features import Output
from dyngen.model import Spec
from dyngen.variables import Variable

TEMPLATE = "module/vpc_endpoint.tf.j2"
PROVIDER_MINIMUM = "5.0.0"


def used(spec: Spec) -> bool:
    return False


def variables(spec: Spec) -> list[Variable]:
    return []


def outputs(spec: Spec) -> list[Output]:
    return []


def context(spec: Spec) -> dict[str, Any]:
    return {}
