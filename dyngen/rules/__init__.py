"""DynamoDB's own rules, the ones a JSON Schema cannot say; each rule yields located problems. The rules live by
job in shape, environment and capabilities; the rules across environments live here."""

from __future__ import annotations

from typing import Iterator, Mapping

from dyngen import facts
from dyngen.errors import Problem
from dyngen.resolve import ResolvedSpec
from dyngen.rules.capabilities import CAPABILITY_RULES
from dyngen.rules.checker import Checker, Settings
from dyngen.rules.environment import ENVIRONMENT_RULES as SETTINGS_RULES
from dyngen.rules.shape import TABLE_RULES

ENVIRONMENT_RULES = SETTINGS_RULES + CAPABILITY_RULES


def check(resolved_spec: ResolvedSpec) -> Iterator[Problem]:
    checker = Checker(resolved_spec)
    for rule in TABLE_RULES:
        yield from rule(checker)
    resolved = {env: r.settings for env, r in resolved_spec.environments.items()}
    for env, settings in resolved.items():
        for env_rule in ENVIRONMENT_RULES:
            yield from env_rule(checker, env, settings)
    yield from index_autoscaling_agrees(checker, resolved)


def index_autoscaling_agrees(c: Checker, resolved: Mapping[str, Settings]) -> Iterator[Problem]:
    """The module ignores index capacity in every autoscaled environment or in none (lifecycle takes literals)."""
    if not c.data.get("global_secondary_indexes"):
        return
    autoscaled = {
        env: facts.autoscales_indexes(s)
        for env, s in resolved.items()
        if facts.is_autoscaled(s)
    }
    if len(set(autoscaled.values())) > 1:
        first = next(iter(autoscaled))
        for env, indexes in autoscaled.items():
            if indexes != autoscaled[first]:
                yield c.at_env(
                    env, ("autoscaling", "indexes"),
                    f"every autoscaled environment of a spec must agree on `autoscaling.indexes` (environment {first} "
                    f"has {str(autoscaled[first]).lower()}, environment {env} has {str(indexes).lower()}): Terraform "
                    "cannot ignore index capacity in some environments of one module and manage it in others",
                )
