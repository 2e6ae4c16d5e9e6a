"""The rules' view of one resolved spec: it turns findings into Problems located in the user's text."""

from __future__ import annotations

from typing import Any, Mapping

from dyngen.errors import FieldPath, Problem
from dyngen.loader import Document
from dyngen.resolve import ResolvedSpec

Settings = Mapping[str, Any]


class Checker:
    """Holds one document and turns findings into Problems located in the user's text."""

    def __init__(self, resolved: ResolvedSpec) -> None:
        self.resolved = resolved
        self.document: Document = resolved.document
        self.data: Mapping[str, Any] = resolved.document.data

    def at(self, path: FieldPath, message: str, *, key: bool = False) -> Problem:
        line, column = self.document.locate(path, key=key)
        return Problem(self.document.file, line, column, message, path)

    def at_env(self, env: str, path: FieldPath, message: str, *, because: tuple[FieldPath, ...] = ()) -> Problem:
        """Point at the environment's own key if it sets it, else at settings, else at the environment.

        `because` names the other settings the rule depends on: when the environment overrides one of them but not
        `path` itself (it turns PITR off under a recovery period from settings), point at that override instead.
        """
        if (("environments", env) + path) not in self.document.value_positions:
            for other in because:
                if (("environments", env) + other) in self.document.value_positions:
                    return self.at(("environments", env) + other, message)
        return self.at(self.written(env, path), message)

    def written(self, env: str, path: FieldPath) -> FieldPath:
        """Where the spec writes an environment's value at path (dyngen.resolve), or the nearest key that holds it."""
        return self.resolved.environments[env].written(path)
