"""Typed errors for problems in the user's data or environment, each with a Chinese message."""

from __future__ import annotations


class WorkstationError(Exception):
    """A problem the user can act on; `message` is shown to them as is (zh_CN)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class StoreError(WorkstationError):
    """The store cannot be opened, migrated or written (no folder, not SQLite, newer schema)."""


class ValidationError(WorkstationError):
    """One or more fields of a record are invalid; `problems` maps field -> Chinese message."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("；".join(self.problems.values()))


class Conflict(WorkstationError):
    """Someone else saved the record since the user read it: the save is refused (never a
    silent lost update) and the message says who changed it and when."""


class NotFound(WorkstationError):
    """A record named by the user does not exist."""


class PermissionDenied(WorkstationError):
    """The acting user's role does not allow this action."""


class AuthError(WorkstationError):
    """The acting user could not be identified (no login, wrong password, locked account)."""


class Cancelled(WorkstationError):
    """The user cancelled a long job; nothing of it was written."""
