"""Entry point for ``python -m dyngen``."""

from dyngen.cli import main

main()
