"""Errors a user can act on: each names the file, and the line and column when there is one."""

from __future__ import annotations

from pathlib import Path


class ExportError(ValueError):
    """A file that cannot be loaded as it is; the message says where and what to do."""

    def __init__(
        self,
        path: Path,
        problem: str,
        *,
        line: int | None = None,
        column: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem
        self.fix = fix
        where = str(path)
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        message = f"{where}: {problem}"
        if fix:
            message += f" {fix}"
        super().__init__(message)
