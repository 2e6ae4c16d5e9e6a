"""Facts about a spec and its environments' resolved settings, each decided once here: the model exposes them, the
features render from them and the rules check them."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

Settings = Mapping[str, Any]

# DynamoDB's table-name rule (CreateTable): 3 to 255 of A-Z a-z 0-9 _ . -
TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")
BACKUP_COLD_STORAGE_MINIMUM_DAYS = 90  # AWS Backup keeps a cold recovery point at least 90 days


def enabled(s: Settings, key: str) -> bool:
    """Whether a feature object (`backup`, `autoscaling`, ...) is present and enabled."""
    return bool((s.get(key) or {}).get("enabled"))


def has_values(mapping: Mapping[str, Any] | None) -> bool:
    """Whether an object of optional values sets any (on_demand_throughput, warm_throughput, timeouts)."""
    return any(value is not None for value in (mapping or {}).values())


def provisioned(s: Settings) -> bool:
    return s.get("billing_mode") == "PROVISIONED"


def is_autoscaled(s: Settings) -> bool:
    """Application Auto Scaling owns the capacity: the table lives at `autoscaled[0]` (module README)."""
    return provisioned(s) and enabled(s, "autoscaling")


def autoscales_indexes(s: Settings) -> bool:
    return is_autoscaled(s) and bool((s.get("autoscaling") or {}).get("indexes"))


def on_demand_throughput_set(s: Settings) -> bool:
    return has_values(s.get("on_demand_throughput"))


def customer_key_mode(s: Settings) -> str | None:
    """'existing', 'created' or None (an AWS-owned or AWS-managed key)."""
    encryption = s.get("encryption") or {}
    if not encryption.get("enabled"):
        return None
    if encryption.get("kms_key_arn"):
        return "existing"
    return "created" if encryption.get("create_kms_key") else None


def multi_region_key(s: Settings) -> bool:
    """Whether the environment's created key is multi-Region: as the spec says, else exactly when a replica has no
    key of its own and needs a replica of the table's key."""
    if customer_key_mode(s) != "created":
        return False
    chosen = (s.get("encryption") or {}).get("kms_multi_region")
    if chosen is not None:
        return bool(chosen)
    return any(not r.get("kms_key_arn") for r in s.get("replicas") or [])


def strong_consistency(s: Settings) -> bool:
    """Multi-Region strong consistency (MRSC): the replicas' consistency_mode is STRONG."""
    return any(r.get("consistency_mode") == "STRONG" for r in s.get("replicas") or [])


def replica_resources(s: Settings) -> bool:
    """Replicas of an autoscaled table are aws_dynamodb_table_replica resources (module README: "Provisioned global
    tables"); elsewhere they are the table's inline `replica` blocks."""
    return is_autoscaled(s) and bool(s.get("replicas"))


# --- seed items ------------------------------------------------------------------------------------------------------


def _id_part(value: Mapping[str, Any], attribute_type: str) -> str:
    """One key value as text: numbers normalised so that "42" and "42.0" (the same DynamoDB key) give one id;
    `%` and `/` percent-encoded so that the `/` between hash and range value is never ambiguous."""
    text = str(value[attribute_type])
    if attribute_type == "N":
        try:
            number = Decimal(text).normalize()
        except InvalidOperation:
            pass
        else:
            text = format(number, "f") if number else "0"
    return text.replace("%", "%25").replace("/", "%2F")


def item_id(item: Mapping[str, Any], hash_key: str, range_key: str | None, attributes: Mapping[str, str]) -> str:
    """The stable id of an item: its hash key value, plus "/" and its range key value when the table has one."""
    found = _id_part(item[hash_key], attributes[hash_key])
    if range_key:
        found += "/" + _id_part(item[range_key], attributes[range_key])
    return found


def duplicate_item_ids(items: Sequence[Mapping[str, Any]], hash_key: str, range_key: str | None,
                       attributes: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """(first index, later index, id) of each item whose key repeats an earlier item's: DynamoDB would keep only one.
    Items must carry their keys (the rule item_keys says so first)."""
    seen: dict[str, int] = {}
    found: list[tuple[int, int, str]] = []
    for i, item in enumerate(items):
        key = item_id(item, hash_key, range_key, attributes)
        if key in seen:
            found.append((seen[key], i, key))
        else:
            seen[key] = i
    return found
