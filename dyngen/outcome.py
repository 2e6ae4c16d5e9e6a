"""The unit of work of a render: one spec file in (SpecWork), what processing it gives out (SpecOutcome)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dyngen.errors import Problem
from dyngen.tablefacts import TableFacts
from dyngen.tables import TableClaim


@dataclass(frozen=True)
class SpecWork:
    path: Path
    display: str  # as the user named it, for messages
    source: str  # as generated headers name it


@dataclass(frozen=True)
class SpecOutcome:
    """What processing one spec file gives: its problems, or its rendered and checked files."""

    file: str
    name: str | None
    name_position: tuple[int, int]
    problems: tuple[Problem, ...]
    files: dict[str, str]
    claims: tuple[TableClaim, ...] = ()  # each environment's table name, for collisions across files
    tables: tuple[TableFacts, ...] = ()
