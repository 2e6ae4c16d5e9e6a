"""Hypothesis strategies that build VALID spec documents (plain Python dicts) across the whole spec contract.

Every document drawn here must pass `dyngen validate`: the strategies follow the JSON Schema (patterns, ranges,
enums, lengths are read from schemas/dyngen.schema.json where they constrain a field) and DynamoDB's own rules
(attributes are exactly the key attributes, INCLUDE needs non_key_attributes, an LSI needs a table range key,
replicas need a NEW_AND_OLD_IMAGES stream and, with an existing customer key, their own kms_key_arn (a created
key is replicated to them), backup deletes at least 90 days after cold storage, items carry their keys and have
unique keys, ...).

Free text (descriptions, tag keys and values, item strings, attribute names, the backend key, the import key prefix,
the backup schedule's inside) is drawn from `hostile_text`: quotes, backslashes, `${`, `%{`, `$${`, newlines, tabs,
control characters, right-to-left marks, emoji and NUL mixed with arbitrary unicode.

`spec_documents()` draws a document; `spec_yaml(document)` writes it as the YAML text a user could have typed.
"""

from __future__ import annotations

import base64
import json
import unicodedata
from decimal import Decimal
from functools import cache
from typing import Any, Callable

import yaml
from hypothesis import strategies as st

from dyngen import schema
from dyngen.model import PROFILES, deep_merge

# --- the schema's own constraints ------------------------------------------------------------------------------


@cache
def definitions() -> dict[str, Any]:
    return schema.load_schema()["definitions"]


def pattern(definition: str) -> str:
    return definitions()[definition]["pattern"]


def length(definition: str) -> tuple[int, int]:
    node = definitions()[definition]
    return node.get("minLength", 0), node["maxLength"]


def bounds(definition: str) -> tuple[int, int | None]:
    node = definitions()[definition]
    return node["minimum"], node.get("maximum")


def enum(definition: str) -> list[Any]:
    return list(definitions()[definition]["enum"])


def _full(regex: str) -> str:
    """A schema pattern (`^...$`) as a Python regex that hypothesis must match entirely, with no trailing newline."""
    return r"\A(?:" + regex.removeprefix("^").removesuffix("$") + r")\Z"


def from_pattern(definition: str, *, max_size: int | None = None) -> st.SearchStrategy[str]:
    low, high = definitions()[definition].get("minLength", 1), definitions()[definition].get("maxLength")
    limit = min(x for x in (high, max_size) if x is not None) if (high or max_size) else None
    strategy = st.from_regex(_full(pattern(definition)), fullmatch=True)
    return strategy.filter(lambda s: len(s) >= low and (limit is None or len(s) <= limit))


# --- hostile free text -----------------------------------------------------------------------------------------

HOSTILE = (
    '"', "'", "\\", "\\\\", '\\"', "${", "%{", "$${", "%%{", "${var.x}", "%{ if true }x%{ endif }", "}", "{", "$", "%",
    "\n", "\r\n", "\r", "\t", "\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\u200b",
    "\u200f", "\u202e", "\u2066", "\ufeff", "😀", "👩‍👩‍👧", "🇫🇷", "é", "e\u0301", "漢字", "ـ", "#", "//", "/*", "*/",
    "<<EOF", "EOF", ": ", " #", "- ", "---", "...", "&a", "*a", "!!python/object", "<<", "=", "null", "true", "~",
    "1e3", "0x1F", " ", "  ", "`", "<!--", "-->", "|", "[x](y)", "_", "a/b", "../", "%25", "%2F", "/", "",
)

_char = st.characters(exclude_categories=("Cs",))


def hostile_text(min_size: int = 0, max_size: int = 60) -> st.SearchStrategy[str]:
    """Arbitrary unicode and the fragments that break quoting, templates, YAML and terminals, within a length."""
    pieces = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(_char, max_size=8)), max_size=8).map("".join)
    mixed = st.one_of(pieces, st.text(_char, min_size=min_size, max_size=max_size))
    pad = "x" * min_size
    return mixed.map(lambda s: (s + pad[len(s):] if len(s) < min_size else s)[:max_size])


def attribute_names() -> st.SearchStrategy[str]:
    """Any string of 1 to 255 characters, often at the limits, including `#`, quotes and `${`."""
    low, high = length("attribute_name")
    return st.one_of(
        hostile_text(low, 40),
        st.text(_char, min_size=low, max_size=low),
        st.text(_char, min_size=high, max_size=high),
        st.sampled_from(["Status#CreatedAt", "${", "#", '"', "'", "\\", "%{x}", "$${a}", "null", "true", "for",
                         "a b", "-", "0", "1e3", "<<", "~", "___", "__is_block__", "__comments__", "x" * high]),
    )


def index_names() -> st.SearchStrategy[str]:
    low, high = length("index_name")
    alphabet = "ABCXYZabcxyz0189_.-"
    return st.one_of(
        st.text(alphabet, min_size=low, max_size=low),
        st.text(alphabet, min_size=high, max_size=high),
        st.text(alphabet, min_size=low, max_size=40),
        st.sampled_from(["for", "null", "true", "1.5", "-ab", "1e3", "a.b", "___", "__x__", "__is_block__", "in_"]),
    )


def names() -> st.SearchStrategy[str]:
    """Spec and environment names: [a-z0-9][a-z0-9_-]*, up to 64."""
    high = length("name")[1]
    return st.one_of(
        st.from_regex(r"\A[a-z0-9][a-z0-9_-]{0,12}\Z", fullmatch=True),
        st.from_regex(r"\A[a-z0-9][a-z0-9_-]{%d}\Z" % (high - 1), fullmatch=True),
        st.sampled_from(["null", "true", "no", "0", "1e3", "default", "prod", "dev", "for", "main", "envs"]),
    )


def regions() -> st.SearchStrategy[str]:
    return st.sampled_from(["eu-west-1", "us-east-1", "ap-northeast-2", "us-gov-west-1", "eu-central-2",
                            "ap-southeast-1", "sa-east-1", "ca-central-1", "me-south-1", "af-south-1"])


def kms_key_arns(region: str | None = None) -> st.SearchStrategy[str]:
    regions_ = st.just(region) if region else regions()
    tail = st.one_of(
        st.from_regex(r"\Akey/[A-Za-z0-9-]{1,40}\Z", fullmatch=True),
        st.from_regex(r"\Aalias/[A-Za-z0-9/_-]{1,40}\Z", fullmatch=True),
    )
    return st.builds(lambda p, r, a, t: f"arn:{p}:kms:{r}:{a}:{t}", st.sampled_from(["aws", "aws-us-gov", "aws-cn"]),
                     regions_, st.from_regex(r"\A[0-9]{12}\Z", fullmatch=True), tail)


def sns_topic_arns() -> st.SearchStrategy[str]:
    return st.builds(lambda r, a, n, f: f"arn:aws:sns:{r}:{a}:{n}{f}", regions(),
                     st.from_regex(r"\A[0-9]{12}\Z", fullmatch=True),
                     st.from_regex(r"\A[A-Za-z0-9_-]{1,40}\Z", fullmatch=True), st.sampled_from(["", ".fifo"]))


def buckets() -> st.SearchStrategy[str]:
    return st.one_of(
        st.from_regex(r"\A[a-z0-9][a-z0-9.-]{1,20}[a-z0-9]\Z", fullmatch=True),
        st.from_regex(r"\A[a-z0-9][a-z0-9.-]{61}[a-z0-9]\Z", fullmatch=True),
        st.just("abc"),
    )


def capacities(high: int = 40000) -> st.SearchStrategy[int]:
    return st.integers(bounds("capacity")[0], high)


def thresholds() -> st.SearchStrategy[int | float]:
    low = bounds("threshold")[0]
    return st.one_of(st.integers(low, 10**9), st.floats(low, 1e12, allow_nan=False, allow_infinity=False))


# --- DynamoDB values ---------------------------------------------------------------------------------------------


def number_strings() -> st.SearchStrategy[str]:
    def show(n: int, style: int) -> str:
        return [str(n), f"{n}.0", f"+{n}" if n >= 0 else str(n), f"{n}e0", f"{n}.", f"{Decimal(n) / 100}"][style]

    return st.one_of(
        st.builds(show, st.integers(-10**20, 10**20), st.integers(0, 5)),
        st.sampled_from(["0", "-0", ".5", "1E-130", "9.9999999999999999999999999999999999999E+125", "00012"]),
    )


def base64_values(min_size: int = 0) -> st.SearchStrategy[str]:
    return st.binary(min_size=min_size, max_size=24).map(lambda b: base64.b64encode(b).decode("ascii"))


def attribute_values(depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    leaves = st.one_of(
        hostile_text().map(lambda s: {"S": s}),
        number_strings().map(lambda s: {"N": s}),
        base64_values().map(lambda s: {"B": s}),
        st.lists(hostile_text(), min_size=1, max_size=4, unique=True).map(lambda v: {"SS": v}),
        st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=4, unique=True).map(lambda v: {"NS": [str(n) for n in v]}),
        st.lists(st.binary(min_size=1, max_size=8), min_size=1, max_size=3, unique=True).map(
            lambda v: {"BS": [base64.b64encode(b).decode() for b in v]}),
        st.just({"NULL": True}),
        st.booleans().map(lambda b: {"BOOL": b}),
    )
    if depth <= 0:
        return leaves
    inner = attribute_values(depth - 1)
    return st.one_of(
        leaves,
        st.dictionaries(attribute_names(), inner, max_size=3).map(lambda m: {"M": m}),
        st.lists(inner, max_size=3).map(lambda v: {"L": v}),
    )


def key_value(kind: str) -> st.SearchStrategy[dict[str, str]]:
    """A key attribute's value: DynamoDB refuses empty strings and binaries in keys."""
    if kind == "S":
        return hostile_text(1, 60).map(lambda s: {"S": s})
    if kind == "N":
        return number_strings().map(lambda s: {"N": s})
    return base64_values(1).map(lambda s: {"B": s})


def canonical_key(value: dict[str, str]) -> Any:
    """A key value as DynamoDB compares it: numbers by value, binaries by bytes."""
    (kind, text), = value.items()
    if kind == "N":
        return ("N", Decimal(text).normalize())
    if kind == "B":
        return ("B", base64.b64decode(text))
    return ("S", text)


# --- the table's shape -------------------------------------------------------------------------------------------


@st.composite
def table_shapes(draw: Callable[..., Any]) -> dict[str, Any]:
    """hash/range keys, attributes (exactly the key attributes), GSIs and LSIs."""
    pool = draw(st.lists(attribute_names(), min_size=2, max_size=9, unique=True))
    types = {name: draw(st.sampled_from(enum("attribute_type"))) for name in pool}
    hash_key = pool[0]
    range_key = pool[1] if draw(st.booleans()) else None
    used = {hash_key} | ({range_key} if range_key else set())
    extra = [n for n in pool if n not in used]
    index_names_ = draw(st.lists(index_names(), max_size=8, unique=True))
    non_key_pool = draw(st.lists(attribute_names(), min_size=1, max_size=4, unique=True))
    non_key_pool = [n for n in non_key_pool if n not in pool] or [max(pool, key=len)[:254] + "\u00e9"]
    key_choices = [hash_key] + ([range_key] if range_key else []) + extra

    def projection() -> dict[str, Any]:
        kind = draw(st.sampled_from(enum("projection_type")))
        found: dict[str, Any] = {"projection_type": kind}
        if kind == "INCLUDE":
            found["non_key_attributes"] = draw(st.lists(st.sampled_from(non_key_pool), min_size=1, unique=True))
        return found

    lsi_count = draw(st.integers(0, min(5, len(index_names_)))) if range_key else 0
    lsi_keys = [n for n in key_choices if n not in (range_key, hash_key)]
    lsis = []
    for name in index_names_[:lsi_count]:
        if not lsi_keys:
            break
        lsis.append({"name": name, "range_key": draw(st.sampled_from(lsi_keys)), **projection()})
    gsis = []
    for name in index_names_[len(lsis):]:
        index_hash = draw(st.sampled_from(key_choices))
        index: dict[str, Any] = {"name": name, "hash_key": index_hash}
        others = [n for n in key_choices if n != index_hash]
        if others and draw(st.booleans()):
            index["range_key"] = draw(st.sampled_from(others))
        gsis.append({**index, **projection()})
    for index in lsis + gsis:
        used.update(index.get(k) for k in ("hash_key", "range_key") if index.get(k))
    shape: dict[str, Any] = {
        "hash_key": hash_key,
        "attributes": {name: types[name] for name in pool if name in used},
    }
    if range_key:
        shape["range_key"] = range_key
    if gsis:
        shape["global_secondary_indexes"] = gsis
    if lsis:
        shape["local_secondary_indexes"] = lsis
    return shape


# --- one environment's settings ----------------------------------------------------------------------------------


def _bools() -> st.SearchStrategy[bool]:
    return st.booleans()


@st.composite
def environment_settings(draw: Callable[..., Any], shape: dict[str, Any], gsi_names: list[str]) -> dict[str, Any]:
    """Every key an environment sets explicitly (profile included), valid once merged over dyngen's defaults."""
    s: dict[str, Any] = {}
    profile = draw(st.sampled_from([None, *enum("profile")]))
    if profile:
        s["profile"] = profile
    effective_profile = PROFILES.get(profile or "", {})
    region = draw(st.one_of(st.none(), regions()))
    if region:
        s["region"] = region

    # billing
    provisioned = draw(st.booleans())
    if provisioned:
        s["billing_mode"] = "PROVISIONED"
        autoscale = draw(st.booleans())
        if autoscale:
            bounds_ = {}
            for direction in ("read", "write"):
                low = draw(capacities(1000))
                high = draw(st.integers(low, 40000))
                b: dict[str, Any] = {"min_capacity": low, "max_capacity": high}
                if draw(st.booleans()):
                    b["target_utilization"] = draw(st.integers(*bounds("target_utilization")))
                bounds_[direction] = b
                if draw(st.booleans()):
                    s[f"{direction}_capacity"] = draw(st.integers(low, high))
            autoscaling: dict[str, Any] = {"enabled": True, **bounds_}
            if draw(st.booleans()):
                autoscaling["indexes"] = draw(_bools())
            for cooldown in ("scale_in_cooldown", "scale_out_cooldown"):
                if draw(st.booleans()):
                    autoscaling[cooldown] = draw(st.integers(*bounds("cooldown_seconds")))
            s["autoscaling"] = autoscaling
        else:
            s["read_capacity"] = draw(capacities())
            s["write_capacity"] = draw(capacities())
            if draw(st.booleans()):
                s["autoscaling"] = {"enabled": False}
        if gsi_names and draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(gsi_names), min_size=1, unique=True))
            s["index_capacity"] = {
                name: draw(st.fixed_dictionaries({}, optional={"read_capacity": capacities(), "write_capacity": capacities()}))
                for name in chosen
            }
        if draw(st.booleans()):
            s["on_demand_throughput"] = None
    else:
        if draw(st.booleans()) or profile == "development":
            s["billing_mode"] = draw(st.sampled_from(["PAY_PER_REQUEST", None])) if profile != "development" else "PAY_PER_REQUEST"
            if s["billing_mode"] is None:
                s["billing_mode"] = "PAY_PER_REQUEST"
        if draw(st.booleans()):
            s["on_demand_throughput"] = draw(st.fixed_dictionaries({}, optional={
                "max_read_request_units": st.one_of(st.none(), capacities()),
                "max_write_request_units": st.one_of(st.none(), capacities()),
            }))

    if draw(st.booleans()):
        s["table_class"] = draw(st.sampled_from(enum("table_class")))
    if draw(st.booleans()):
        s["deletion_protection"] = draw(_bools())
    for flag in ("dashboard", "contributor_insights", "iam_policies"):
        if draw(st.booleans()):
            s[flag] = draw(_bools())

    # stream and replicas
    # replicas here are those of an on-demand table (a provisioned one must autoscale; tests/features/test_replicas.py)
    want_replicas = region is not None and not provisioned and draw(st.integers(0, 3)) == 0
    if want_replicas:
        s["stream"] = {"enabled": True, "view_type": "NEW_AND_OLD_IMAGES"}
    elif draw(st.booleans()):
        enabled = draw(_bools())
        s["stream"] = {"enabled": enabled, "view_type": draw(st.sampled_from(enum("stream_view_type")))}

    # TTL: a key attribute only when it is a number
    if draw(st.booleans()):
        number_keys = [n for n, t in shape["attributes"].items() if t == "N"]
        name = draw(st.one_of(attribute_names().filter(lambda n: n not in shape["attributes"]),
                              *( [st.sampled_from(number_keys)] if number_keys else [])))
        s["ttl"] = {"enabled": draw(_bools()), "attribute_name": name}

    # point in time recovery
    if draw(st.booleans()):
        enabled = draw(_bools())
        pitr: dict[str, Any] = {"enabled": enabled}
        if enabled and draw(st.booleans()):
            pitr["recovery_period_days"] = draw(st.integers(*bounds("recovery_period_days")))
        elif not enabled and "recovery_period_days" in effective_profile.get("point_in_time_recovery", {}):
            pitr["recovery_period_days"] = None
        s["point_in_time_recovery"] = pitr

    # encryption: AWS-owned, AWS-managed, an existing customer key, a key made for the table
    mode = draw(st.sampled_from(["default", "owned", "managed", "existing", "created"]))
    if mode == "owned":
        s["encryption"] = {"enabled": False}
    elif mode == "managed":
        s["encryption"] = {"enabled": True, "create_kms_key": False}
    elif mode == "existing":
        s["encryption"] = {"enabled": True, "kms_key_arn": draw(kms_key_arns(region)), "create_kms_key": False}
    elif mode == "created":
        s["encryption"] = {"enabled": True, "create_kms_key": True}
        if draw(st.booleans()):
            s["encryption"]["kms_deletion_window_days"] = draw(st.integers(*bounds("kms_deletion_window_days")))
        if draw(st.booleans()):
            s["encryption"]["kms_key_rotation"] = draw(_bools())
    encryption = deep_merge(deep_merge(schema.defaults()["encryption"], effective_profile.get("encryption", {})),
                            s.get("encryption", {}))
    customer_key = bool(encryption.get("enabled") and (encryption.get("kms_key_arn") or encryption.get("create_kms_key")))
    created_key = bool(encryption.get("enabled") and encryption.get("create_kms_key") and not encryption.get("kms_key_arn"))

    if want_replicas:
        others = draw(st.lists(regions().filter(lambda r: r != region), min_size=1, max_size=3, unique=True))
        replicas = []
        for other in others:
            replica: dict[str, Any] = {"region_name": other}
            # a key made for the table is replicated to a replica that names none (a multi-Region key)
            if customer_key and (not created_key or draw(st.booleans())):
                replica["kms_key_arn"] = draw(kms_key_arns(other))
            for flag in ("point_in_time_recovery", "propagate_tags"):
                if draw(st.booleans()):
                    replica[flag] = draw(_bools())
            if draw(st.booleans()):
                replica["deletion_protection"] = draw(st.one_of(st.none(), _bools()))
            replicas.append(replica)
        s["replicas"] = replicas

    if draw(st.booleans()):
        alarms: dict[str, Any] = {"enabled": draw(_bools())}
        if draw(st.booleans()):
            alarms["sns_topic_arn"] = draw(sns_topic_arns())
        for key in ("read_throttle_threshold", "write_throttle_threshold", "user_errors_threshold",
                    "system_errors_threshold", "latency_threshold_ms", "replication_latency_threshold_ms"):
            if draw(st.integers(0, 3)) == 0:
                alarms[key] = draw(thresholds())
        if draw(st.booleans()):
            alarms["consumed_capacity_threshold_percent"] = draw(st.integers(*bounds("percent")))
        if draw(st.booleans()):
            alarms["period_seconds"] = draw(st.sampled_from(enum("period_seconds")))
        # CloudWatch evaluates over at most a day (a week with hourly periods)
        period = alarms.get("period_seconds") or schema.defaults()["alarms"]["period_seconds"]
        window = 7 * 86_400 if period >= 3600 else 86_400
        low, high = bounds("evaluation_periods")
        high = min(high, window // period)
        if draw(st.booleans()):
            alarms["evaluation_periods"] = draw(st.integers(low, high))
        elif schema.defaults()["alarms"]["evaluation_periods"] > high:
            alarms["evaluation_periods"] = high
        s["alarms"] = alarms

    if draw(st.booleans()):
        enabled = draw(_bools())
        endpoint: dict[str, Any] = {"enabled": enabled}
        if enabled or draw(st.booleans()):
            endpoint["vpc_id"] = draw(st.from_regex(r"\Avpc-[0-9a-f]{1,17}\Z", fullmatch=True))
        if draw(st.booleans()):
            endpoint["route_table_ids"] = draw(st.lists(st.from_regex(r"\Artb-[0-9a-f]{1,17}\Z", fullmatch=True),
                                                        max_size=3, unique=True))
        s["vpc_endpoint"] = endpoint

    if draw(st.booleans()):
        backup: dict[str, Any] = {"enabled": draw(_bools())}
        if draw(st.booleans()):
            backup["schedule"] = draw(st.one_of(
                st.sampled_from(["cron(0 3 ? * * *)", "rate(1 day)", "rate(12 hours)"]),
                st.builds(lambda kind, body: f"{kind}({body})", st.sampled_from(["cron", "rate"]),
                          hostile_text(1, 40).map(lambda t: t.replace("\n", " ").replace("\r", " ")
                                                  .replace("\x85", " ").replace("\u2028", " ").replace("\u2029", " ") or "x")),
            ))
        cold = draw(st.one_of(st.none(), st.integers(1, 400)))
        profile_backup = effective_profile.get("backup", {})
        cold_effective = cold if cold is not None else profile_backup.get("cold_storage_after_days")
        backup["cold_storage_after_days"] = cold
        minimum = cold_effective + 90 if cold_effective is not None else 1
        backup["delete_after_days"] = draw(st.integers(minimum, minimum + 1000))
        if draw(st.booleans()):
            backup["vault_kms_key_arn"] = draw(kms_key_arns(region))
        s["backup"] = backup

    if draw(st.integers(0, 3)) == 0:
        fmt = draw(st.sampled_from(enum("import_format")))
        imp: dict[str, Any] = {"bucket": draw(buckets()), "input_format": fmt}
        if draw(st.booleans()):
            imp["key_prefix"] = draw(hostile_text(1, 80))
        if draw(st.booleans()):
            imp["bucket_owner"] = draw(st.from_regex(r"\A[0-9]{12}\Z", fullmatch=True))
        if draw(st.booleans()):
            imp["compression"] = draw(st.sampled_from(enum("import_compression")))
        if fmt == "CSV" and draw(st.booleans()):
            imp["csv"] = draw(st.fixed_dictionaries({}, optional={
                "delimiter": st.one_of(st.sampled_from([",", ";", "\t", "|", '"', "\\", "$", "\x00", "😀"]),
                                       st.text(_char, min_size=1, max_size=1)),
                "header_list": st.lists(attribute_names(), min_size=1, max_size=4, unique=True),
            }))
        s["import_from_s3"] = imp

    if draw(st.integers(0, 2)) == 0:
        s["items"] = draw(items(shape))

    if draw(st.booleans()):
        s["tags"] = draw(tags())

    return s


@st.composite
def items(draw: Callable[..., Any], shape: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [shape["hash_key"]] + ([shape["range_key"]] if shape.get("range_key") else [])
    found: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for _ in range(draw(st.integers(1, 4))):
        item = {key: draw(key_value(shape["attributes"][key])) for key in keys}
        identity = tuple(canonical_key(item[key]) for key in keys)
        if identity in seen:
            continue
        seen.add(identity)
        for name, value in draw(st.dictionaries(attribute_names().filter(lambda n: n not in keys), attribute_values(),
                                                max_size=3)).items():
            item[name] = value
        found.append(item)
    return found


def tags() -> st.SearchStrategy[dict[str, str]]:
    key_low, key_high = length("tag_key")
    value_low, value_high = length("tag_value")
    return st.dictionaries(
        st.one_of(hostile_text(key_low, 40), st.text(_char, min_size=key_high, max_size=key_high)),
        st.one_of(hostile_text(value_low, 60), st.text(_char, min_size=value_high, max_size=value_high)),
        max_size=4,
    )


@st.composite
def backends(draw: Callable[..., Any], project: str | None = None) -> dict[str, Any]:
    s3: dict[str, Any] = {"bucket": draw(buckets())}
    if draw(st.booleans()):
        # Every environment needs its own state: a key shared by several environments names {env}.
        keys = [
            st.just("dynamodb/{name}/{env}/terraform.tfstate"),
            st.builds(lambda a, b: a + "{env}" + b, hostile_text(), hostile_text()),
        ] + ([st.just("{project}/{env}/{name}.tfstate")] if project else [])
        # {project} in a state key needs a project
        s3["key"] = draw(st.one_of(*keys).filter(lambda key: project or "{project}" not in key))
    if draw(st.booleans()):
        s3["region"] = draw(regions())
    if draw(st.booleans()):
        s3["dynamodb_table"] = draw(st.from_regex(r"\A[A-Za-z0-9_.-]{3,40}\Z", fullmatch=True))
    elif draw(st.booleans()):
        s3["use_lockfile"] = draw(_bools())
    if draw(st.booleans()):
        s3["encrypt"] = draw(_bools())
    if draw(st.booleans()):
        s3["kms_key_id"] = draw(kms_key_arns())
    return {"s3": s3}


# --- table names -------------------------------------------------------------------------------------------------


def _rendered(template: str, project: str | None, env: str, name: str) -> str:
    return template.replace("{project}", project or "").replace("{env}", env).replace("{name}", name)


@st.composite
def table_name_templates(draw: Callable[..., Any], project: str | None, envs: list[str], name: str) -> str | None:
    """None (the default), or a template whose rendered name is 3..255 in every environment, often exactly 255."""
    if draw(st.booleans()):
        return None
    placeholders = ["{env}", "{name}"] + (["{project}"] if project else [])
    literal = st.from_regex(r"\A[A-Za-z0-9_.-]{1,10}\Z", fullmatch=True)
    parts = draw(st.lists(st.one_of(st.sampled_from(placeholders), literal), min_size=1, max_size=5))
    if "{env}" not in parts and len(envs) > 1 and draw(st.booleans()):
        parts.append("{env}")  # one table per environment, usually
    template = "".join(parts)
    longest = max(len(_rendered(template, project, env, name)) for env in envs)
    shortest = min(len(_rendered(template, project, env, name)) for env in envs)
    if shortest < 3:
        template = "tbl" + template
    if draw(st.booleans()):  # at the limit: the longest environment's table name is exactly 255 characters
        longest = max(len(_rendered(template, project, env, name)) for env in envs)
        pad = 255 - longest
        if pad > 0 and len(template) + pad <= 255:
            template = "x" * pad + template
    if len(template) > 255 or max(len(_rendered(template, project, env, name)) for env in envs) > 255:
        return None
    return template


# --- whole documents ---------------------------------------------------------------------------------------------

SHARED_KEYS_OUT_OF_ENVIRONMENTS = ("region", "tags", "backend")


@st.composite
def spec_documents(draw: Callable[..., Any]) -> dict[str, Any]:
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
        document["lifecycle"] = {"prevent_destroy": draw(_bools())}
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
