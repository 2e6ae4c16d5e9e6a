"""Values that recur across settings: hostile free text, names, regions, ARNs, buckets, capacities, tags."""

from __future__ import annotations

from hypothesis import strategies as st

from tests.strategies.schema_rules import bounds, length, matching

HOSTILE = (
    '"', "'", "\\", "\\\\", '\\"', "${", "%{", "$${", "%%{", "${var.x}", "%{ if true }x%{ endif }", "}", "{", "$", "%",
    "\n", "\r\n", "\r", "\t", "\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\u200b",
    "\u200f", "\u202e", "\u2066", "\ufeff", "😀", "👩‍👩‍👧", "🇫🇷", "é", "e\u0301", "漢字", "ـ", "#", "//", "/*", "*/",
    "<<EOF", "EOF", ": ", " #", "- ", "---", "...", "&a", "*a", "!!python/object", "<<", "=", "null", "true", "~",
    "1e3", "0x1F", " ", "  ", "`", "<!--", "-->", "|", "[x](y)", "_", "a/b", "../", "%25", "%2F", "/", "",
)

CHARACTERS = st.characters(exclude_categories=("Cs",))


def hostile_text(min_size: int = 0, max_size: int = 60) -> st.SearchStrategy[str]:
    """Arbitrary unicode and the fragments that break quoting, templates, YAML and terminals, within a length."""
    pieces = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(CHARACTERS, max_size=8)), max_size=8).map("".join)
    mixed = st.one_of(pieces, st.text(CHARACTERS, min_size=min_size, max_size=max_size))
    pad = "x" * min_size
    return mixed.map(lambda s: (s + pad[len(s):] if len(s) < min_size else s)[:max_size])


def attribute_names() -> st.SearchStrategy[str]:
    """Any string of 1 to 255 characters, often at the limits, including `#`, quotes and `${`."""
    low, high = length("attribute_name")
    return st.one_of(
        hostile_text(low, 40),
        st.text(CHARACTERS, min_size=low, max_size=low),
        st.text(CHARACTERS, min_size=high, max_size=high),
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


def account_ids() -> st.SearchStrategy[str]:
    return matching("account_id")


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
                     regions_, account_ids(), tail)


def sns_topic_arns() -> st.SearchStrategy[str]:
    return st.builds(lambda r, a, n, f: f"arn:aws:sns:{r}:{a}:{n}{f}", regions(),
                     account_ids(),
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


def tags() -> st.SearchStrategy[dict[str, str]]:
    key_low, key_high = length("tag_key")
    value_low, value_high = length("tag_value")
    return st.dictionaries(
        st.one_of(hostile_text(key_low, 40), st.text(CHARACTERS, min_size=key_high, max_size=key_high)),
        st.one_of(hostile_text(value_low, 60), st.text(CHARACTERS, min_size=value_high, max_size=value_high)),
        max_size=4,
    )
