"""The feature registry: every feature module is registered once, with a partial that exists."""

from __future__ import annotations

import importlib
import pkgutil
from importlib import resources

import dyngen.features
from dyngen.features import Feature
from dyngen.features.registry import FEATURES


def test_every_feature_module_is_registered_once() -> None:
    modules = [m.name for m in pkgutil.iter_modules(dyngen.features.__path__) if m.name != "registry"]
    declared = [importlib.import_module(f"dyngen.features.{name}").FEATURE for name in modules]
    assert all(isinstance(feature, Feature) for feature in declared)
    assert sorted(f.name for f in FEATURES) == sorted(modules) == sorted(f.name for f in declared)
    assert set(FEATURES) == set(declared)


def test_every_partial_exists() -> None:
    templates = resources.files("dyngen.templates")
    for feature in FEATURES:
        assert templates.joinpath(feature.template).is_file(), feature.template
