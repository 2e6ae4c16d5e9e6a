"""Whole spec documents, composed from the table's shape and each environment's settings, and written as YAML."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import yaml
from hypothesis import strategies as st

from dyngen.resolve import deep_merge
from tests.strategies.backend import backends
from tests.strategies.context import Draw, bools
from tests.strategies.environment import environment_settings
from tests.strategies.schema_rules import from_pattern
from tests.strategies.table import table_name_templates, table_shapes
from tests.strategies.values import hostile_text, names, tags

SHARED_KEYS_OUT_OF_ENVIRONMENTS = ("region", "tags", "backend")


@st.composite
def spec_documents(draw: Draw) -> dict[str, Any]:
    name = draw(names())
    project = draw(st.one_of(st.none(), from_pattern("project", max_size=64)))
    envs = draw(st.lists(names(), min_size=1, max_size=4, unique=True))
    shape = draw(table_shapes())
    gsi_names = [i["name"] for i in shape.get("global_secondary_indexes", [])]
    per_env = {env: draw(environment_settings(shape, gsi_names)) for env in envs}
    if gsi_names:  # every autoscaled environment agrees on autoscaling its indexes (one module, literal lifecycle)
        indexes = draw(st.booleans())
        for s in per_env.values():
            autoscaling = s.get("autoscaling") or {}
            if autoscaling.get("enabled"):
                if indexes and draw(st.booleans()):
                    autoscaling.pop("indexes", None)  # the default
                else:
                    autoscaling["indexes"] = indexes

    settings: dict[str, Any] = {}
    # a key every environment sets alike moves to settings, sometimes
    for key in sorted({k for s in per_env.values() for k in s}):
        values = [json.dumps(s.get(key, "<absent>"), sort_keys=True) for s in per_env.values()]
        if len(set(values)) == 1 and key in per_env[envs[0]] and draw(st.booleans()):
            settings[key] = per_env[envs[0]][key]
            for s in per_env.values():
                del s[key]
    # shared settings that environments may merge into (maps merge key by key) or null out
    if draw(st.booleans()):
        settings["tags"] = deep_merge(draw(tags()), settings.get("tags") or {})
        for env in envs:
            own = per_env[env].get("tags")
            if own is not None and settings["tags"] and draw(st.booleans()):
                removed = draw(st.sampled_from(sorted(settings["tags"])))
                own[removed] = None  # null removes a setting
    if draw(st.booleans()):
        settings["backend"] = draw(backends(project))
        for env in envs:
            if draw(st.integers(0, 3)) == 0:
                per_env[env]["backend"] = None  # this environment keeps local state
            elif draw(st.integers(0, 3)) == 0:
                per_env[env]["backend"] = {"s3": {"key": f"{draw(hostile_text(1, 40))}/{env}.tfstate"}}
    for flag in ("dashboard", "iam_policies"):
        if flag not in settings and all(flag not in s for s in per_env.values()) and draw(st.integers(0, 3)) == 0:
            settings[flag] = True
            for env in envs:
                if draw(st.integers(0, 3)) == 0:
                    per_env[env][flag] = None

    document: dict[str, Any] = {"version": 1, "name": name}
    if draw(st.booleans()):
        document["description"] = draw(hostile_text(0, 200))
    if project:
        document["project"] = project
    template = draw(table_name_templates(project, envs, name))
    if template:
        document["table_name"] = template
    document.update(shape)
    if draw(st.booleans()):
        document["lifecycle"] = {"prevent_destroy": draw(bools())}
    if settings:
        document["settings"] = settings
    document["environments"] = per_env
    return document


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    # PyYAML's emitter writes NEL and the unicode line separators raw inside single-quoted scalars, where YAML folds
    # them into spaces; a double-quoted scalar escapes them. Control and format characters go the same way.
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    return dumper.represent_str(text)


_Dumper.add_representer(str, _represent_str)


def spec_yaml(document: dict[str, Any]) -> str:
    """The document as YAML text, unicode written as itself where YAML allows it, keys in the order given."""
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000)
