"""HCL text, one module per job: literals (encode, quote, key, unquote), widths (columns), fmt (format_hcl)."""

from dyngen.hcl.fmt import format_hcl
from dyngen.hcl.literals import encode, expressions, key, quote, unquote
from dyngen.hcl.widths import columns

__all__ = ["columns", "encode", "expressions", "format_hcl", "key", "quote", "unquote"]
