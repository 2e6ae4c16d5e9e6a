"""Golden test: every spec in specs/ renders to exactly the tree committed in generated/.

Regenerate with `dyngen render` (the README's render command) and read the diff before committing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dyngen import core
from dyngen.plan import Action
from tests.helpers import REPO

SPECS = sorted((REPO / "specs").glob("*.yaml"))


def test_there_is_a_spec_for_each_seed_table() -> None:
    assert len(SPECS) >= 10


@pytest.mark.parametrize("spec_file", SPECS, ids=lambda p: p.stem)
def test_spec_renders_to_the_committed_tree(spec_file: Path) -> None:
    outcome = core.render_paths([spec_file], REPO / "generated", check=True)
    stale = [f"{c.action.value} {c.path}" for c in outcome.plan.changes if c.action is not Action.UNCHANGED]
    assert not stale, "generated/ is out of date; run `dyngen render` and review the diff:\n" + "\n".join(stale)


def test_generated_holds_nothing_that_no_spec_produces() -> None:
    outcome = core.render_paths([REPO / "specs"], REPO / "generated", check=True)
    assert [c.path for c in outcome.plan.pending()] == []
