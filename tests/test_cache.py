"""Nothing changed costs almost nothing, and no cache can make dyngen write bytes that never passed the round trip:
verified (bytes, meaning) pairs and earlier renders in the user's cache, --check without parsing, one parse per
distinct content, and the cache's failure modes (poisoned, corrupt, unwritable) costing only time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from dyngen import cache, core, pipeline, render, roundtrip
from dyngen.errors import RoundTripError
from dyngen.meaning import Expectation, expectations
from dyngen.plan import Action
from tests.helpers import spec_from_yaml

SPEC = """\
version: 1
name: {name}
project: shop
hash_key: order_id
range_key: created_at
attributes: {{order_id: S, created_at: S, customer_id: S}}
global_secondary_indexes:
  - {{name: CustomerIndex, hash_key: customer_id, projection_type: ALL}}
settings:
  region: eu-west-1
  tags: {{Team: checkout}}
  backend: {{s3: {{bucket: shop-state, region: eu-west-1}}}}
environments:
  dev: {{}}
  staging: {{}}
  prod: {{billing_mode: PROVISIONED, read_capacity: 5, write_capacity: 5}}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    for name in ("orders", "users"):
        (tmp_path / "specs" / f"{name}.yaml").write_text(SPEC.format(name=name), encoding="utf-8")
    return tmp_path


class Spy:
    """Counts what the run really did: specs rendered, files parsed (by path and by content)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rendered: list[str] = []
        self.parsed: list[tuple[str, str, str]] = []
        original_render, original_check = pipeline.render, roundtrip.check_file

        def counted_render(spec):  # type: ignore[no-untyped-def]
            self.rendered.append(spec.name)
            return original_render(spec)

        def counted_check(path: str, text: str, expectation: Expectation) -> None:
            self.parsed.append((path, text, expectation.digest()))
            original_check(path, text, expectation)

        monkeypatch.setattr(pipeline, "render", counted_render)
        monkeypatch.setattr(roundtrip, "check_file", counted_check)

    def reset(self) -> None:
        self.rendered.clear()
        self.parsed.clear()


def run(repo: Path, **options: object) -> core.RenderOutcome:
    return core.render_paths([repo / "specs"], repo / "gen", jobs=1, **options)  # type: ignore[arg-type]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def hcl_files(repo: Path) -> int:
    return sum(1 for p in (repo / "gen").rglob("*") if p.suffix in (".tf", ".tfvars"))


def break_template(monkeypatch: pytest.MonkeyPatch, template: str, change: Callable[[str], str]) -> None:
    """A renderer change that breaks the round trip; a changed renderer is changed code, so its fingerprint changes."""
    original = render._template_source
    monkeypatch.setattr(render, "_template_source",
                        lambda name: change(original(name)) if name == template else original(name))
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "a renderer with a broken template")
    render.environment.cache_clear()


@pytest.fixture(autouse=True)
def fresh_templates() -> None:
    yield
    render.environment.cache_clear()


# --- nothing changed costs almost nothing --------------------------------------------------------------------------


def test_a_warm_run_renders_and_parses_nothing(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    run(repo)
    assert sorted(spy.rendered) == ["orders", "users"] and spy.parsed
    spy.reset()
    outcome = run(repo)
    assert spy.rendered == [] and spy.parsed == []
    assert {c.action for c in outcome.plan.changes} == {Action.UNCHANGED}


def test_a_verified_file_is_not_parsed_again_when_its_spec_changes_elsewhere(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    run(repo)
    spec = repo / "specs/orders.yaml"
    spec.write_text(spec.read_text().replace("Team: checkout", "Team: payments"), encoding="utf-8")
    spy.reset()
    outcome = run(repo)
    assert spy.rendered == ["orders"]
    changed = {c.path for c in outcome.plan.pending()}
    assert changed and {path for path, _, _ in spy.parsed} == changed  # only the files whose bytes changed


def test_a_hand_edit_is_never_hidden_by_the_cache(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(repo)
    before = tree(repo / "gen")
    edited = repo / "gen/orders/envs/prod/terraform.tfvars"
    edited.write_text(edited.read_text() + "# a hand edit\n", encoding="utf-8")
    check = run(repo, check=True)
    assert [(c.path, c.action) for c in check.plan.pending()] == [("orders/envs/prod/terraform.tfvars", Action.UPDATE)]
    run(repo)
    assert tree(repo / "gen") == before


def test_a_deleted_file_is_never_hidden_by_the_cache(repo: Path) -> None:
    run(repo)
    before = tree(repo / "gen")
    (repo / "gen/users/envs/dev/backend.tf").unlink()
    check = run(repo, check=True)
    assert [(c.path, c.action) for c in check.plan.pending()] == [("users/envs/dev/backend.tf", Action.CREATE)]
    run(repo)
    assert tree(repo / "gen") == before


def test_identical_contents_are_parsed_once_per_spec(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the cache too (pipeline.verify's set of one spec); two specs' files differ in their header anyway."""
    spy = Spy(monkeypatch)
    run(repo, use_cache=False)
    pairs = [(text, digest) for _, text, digest in spy.parsed]
    assert len(pairs) == len(set(pairs))
    assert len(pairs) < hcl_files(repo)  # the environments' identical outputs.tf, for one


def test_no_cache_reads_and_records_nothing(repo: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(monkeypatch)
    run(repo, use_cache=False)
    run(repo, use_cache=False)
    assert list(private_cache.iterdir()) == []
    assert spy.rendered == ["orders", "users"] * 2


def test_the_cache_lives_in_the_users_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DYNGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.default_folder() == tmp_path / "xdg/dyngen"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec: relative paths are invalid
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.default_folder() == tmp_path / "home/.cache/dyngen"
    monkeypatch.setenv("DYNGEN_CACHE_DIR", str(tmp_path / "mine"))
    assert cache.default_folder() == tmp_path / "mine"


def test_the_fingerprint_covers_every_template_and_the_schema() -> None:
    repo = Path(__file__).resolve().parents[1]
    covered = {name for name, _ in cache._package_files(cache.resources.files("dyngen.templates"), "")}
    assert {p.relative_to(repo / "templates").as_posix() for p in (repo / "templates").rglob("*.j2")} <= covered
    schemas = cache._package_files(cache.resources.files("dyngen.schemas"), "")
    assert "dyngen.schema.json" in {name for name, _ in schemas}


def test_meanings_that_differ_have_different_digests() -> None:
    assert len({Expectation("tfvars", {"x": v}).digest() for v in (1, True, "1", 1.0, None, [1], (1,))}) == 7


def test_a_meaning_digest_is_stable_across_builds_and_follows_the_spec() -> None:
    def digests(text: str) -> dict[str, str]:
        spec = spec_from_yaml(text)
        return {path: e.digest() for path, e in expectations(render.render(spec)).items()}

    first, again = digests(SPEC.format(name="orders")), digests(SPEC.format(name="orders"))
    assert first == again
    retagged = digests(SPEC.format(name="orders").replace("Team: checkout", "Team: payments"))
    assert {p for p in first if first[p] != retagged[p]} == {f"orders/envs/{e}/terraform.tfvars" for e in
                                                            ("dev", "staging", "prod")}


# --- a warm, poisoned, corrupt or unwritable cache never lets unverified bytes through ------------------------------


def test_a_renderer_change_that_breaks_the_round_trip_fails_with_a_warm_cache(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(repo)
    before = tree(repo / "gen")
    changed = SPEC.format(name="orders").replace("checkout", "payments")
    (repo / "specs/orders.yaml").write_text(changed, encoding="utf-8")
    break_template(monkeypatch, "module/table.tf.j2", lambda t: t.replace("{{ spec.hash_key | q }}", '"id"'))
    for check in (False, True):
        with pytest.raises(RoundTripError) as caught:
            run(repo, check=check)
        assert caught.value.field.endswith("hash_key")
    assert tree(repo / "gen") == before


def test_a_poisoned_cache_cannot_make_dyngen_write_unverified_bytes(
    repo: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(repo)
    before = tree(repo / "gen")
    good = cache.code_fingerprint()
    break_template(monkeypatch, "module/table.tf.j2", lambda t: t.replace("{{ spec.hash_key | q }}", '"id"'))
    spec = spec_from_yaml(SPEC.format(name="orders"))
    rendered = render.render(spec)
    broken = rendered.files
    meant = expectations(rendered)
    store = cache.Cache(private_cache)
    for path, text in broken.items():
        if path in meant:
            right = cache.content_key("verified", text, meant[path].digest())
            # "verified" for these very bytes, but under another meaning, or recorded by another dyngen:
            store.write("verified", cache.content_key("verified", text, Expectation("syntax").digest()), True)
            monkeypatch.setattr(cache, "code_fingerprint", lambda: good)
            store.write("verified", cache.content_key("verified", text, meant[path].digest()), True)
            monkeypatch.setattr(cache, "code_fingerprint", lambda: "a renderer with a broken template")
            # and an entry filed under the right name that was recorded for another key (copied, or forged by name)
            store._path("verified", right).parent.mkdir(parents=True, exist_ok=True)
            store._path("verified", right).write_text(json.dumps({"key": "0" * 64, "value": True}))
    with pytest.raises(RoundTripError):
        run(repo)
    assert tree(repo / "gen") == before


def test_a_corrupt_cache_only_costs_time(repo: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(repo)
    before = tree(repo / "gen")
    entries = [p for p in private_cache.rglob("*") if p.is_file()]
    assert entries
    for number, entry in enumerate(entries):
        garbage = [b"", b"{", b"\xff\xfe\x00", b'{"key": 1}', b"[]", b'{"key": "%s"}' % entry.name.encode()][number % 6]
        entry.write_bytes(garbage)
    spy = Spy(monkeypatch)
    edited = repo / "gen/orders/main.tf"
    edited.write_text(edited.read_text() + "# not what dyngen rendered\n")
    outcome = run(repo)
    assert sorted(spy.rendered) == ["orders", "users"] and spy.parsed  # everything done again
    assert [c.path for c in outcome.plan.pending()] == ["orders/main.tf"]
    assert tree(repo / "gen") == before


@pytest.mark.parametrize("where", ["a file", "below a file"])
def test_an_unwritable_cache_only_costs_time(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DYNGEN_CACHE_DIR", str(blocker if where == "a file" else blocker / "cache"))
    spy = Spy(monkeypatch)
    run(repo)
    first = tree(repo / "gen")
    run(repo)
    assert tree(repo / "gen") == first
    assert spy.rendered == ["orders", "users"] * 2


def test_two_runs_sharing_one_cache(repo: Path) -> None:
    command = [sys.executable, "-m", "dyngen", "render", "specs", "-q", "--out"]
    runs = [subprocess.Popen(command + [out], cwd=repo, stderr=subprocess.PIPE) for out in ("a", "b", "c")]
    assert [r.wait(timeout=120) for r in runs] == [0, 0, 0], [r.stderr.read() for r in runs if r.stderr]
    assert tree(repo / "a") == tree(repo / "b") == tree(repo / "c")
    assert subprocess.run(command + ["a", "--check"], cwd=repo, capture_output=True).returncode == 0


# --- --check compares bytes; only what differs is parsed -----------------------------------------------------------


def test_check_parses_nothing_when_the_tree_is_up_to_date(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(repo, use_cache=False)
    spy = Spy(monkeypatch)
    outcome = run(repo, check=True, use_cache=False)  # a fresh clone: no cache
    assert not outcome.plan.pending() and spy.parsed == []


def test_check_parses_only_the_files_that_differ(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run(repo, use_cache=False)
    for path in ("orders/envs/dev/backend.tf", "users/table.tf"):
        target = repo / "gen" / path
        target.write_text(target.read_text().replace("\n\n", "\n", 1))
    spy = Spy(monkeypatch)
    outcome = run(repo, check=True, use_cache=False)
    assert sorted(c.path for c in outcome.plan.pending()) == ["orders/envs/dev/backend.tf", "users/table.tf"]
    assert sorted(path for path, _, _ in spy.parsed) == ["orders/envs/dev/backend.tf", "users/table.tf"]
    assert os.environ.get("DYNGEN_CACHE_DIR")  # the conftest fixture keeps every test off the user's cache


def test_a_check_that_skipped_parsing_records_no_render_to_reuse(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh clone's --check does not parse its unchanged files, so it must not let a later render reuse them:
    a reused file can still be written (a race with an editor), and every written byte must have been verified."""
    run(repo, use_cache=False)
    run(repo, check=True)
    spy = Spy(monkeypatch)
    run(repo)
    assert sorted(spy.rendered) == ["orders", "users"] and spy.parsed
    spy.reset()
    run(repo, check=True)
    assert spy.rendered == []


def test_a_reused_spec_still_takes_part_in_the_checks_across_specs(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """users.yaml is not rendered again (its earlier render is reused), yet its tables still collide with a table
    orders.yaml now names like one of them, and still hold their state keys."""
    out = repo / "generated"
    core.render_paths([repo / "specs"], out)
    orders = repo / "specs" / "orders.yaml"
    spy = Spy(monkeypatch)
    renamed = SPEC.format(name="orders").replace("project: shop\n", "project: shop\ntable_name: shop-{env}-users\n")
    orders.write_text(renamed, encoding="utf-8")
    with pytest.raises(core.InvalidSpecs) as collision:
        core.render_paths([repo / "specs"], out)
    assert spy.rendered == ["orders"]  # users was reused
    assert any("shop-dev-users" in p.message for p in collision.value.problems), collision.value.problems
    shared = SPEC.format(name="orders").replace("bucket: shop-state,", "bucket: shop-state, key: '{env}.tfstate',")
    orders.write_text(shared, encoding="utf-8")
    users = repo / "specs" / "users.yaml"
    users.write_text(SPEC.format(name="users").replace("bucket: shop-state,", "bucket: shop-state, key: '{env}.tfstate',"),
                     encoding="utf-8")
    core.render_paths([users], out, allow_destructive=True)  # users moves its state; recorded for reuse
    spy.rendered.clear()
    with pytest.raises(core.InvalidSpecs) as shared_state:
        core.render_paths([repo / "specs"], out)
    assert "users" not in spy.rendered
    assert any("state" in p.message for p in shared_state.value.problems), shared_state.value.problems
