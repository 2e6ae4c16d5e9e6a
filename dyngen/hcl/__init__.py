"""HCL text, one module per job: literals (encode, quote, key, unquote), widths (columns), fmt (format_hcl)."""

from dyngen.hcl.fmt import format_hcl
from dyngen.hcl.literals import encode, key, quote, unquote
from dyngen.hcl.widths import columns

__all__ = ["columns", "encode", "format_hcl", "key", "quote", "unquote"]
