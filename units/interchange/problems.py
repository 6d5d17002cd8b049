"""What is wrong with an import file: the kinds of problem, a problem with its row, a refusal."""

from __future__ import annotations

from dataclasses import dataclass


class Kind:
    BAD_FILE = "bad_file"
    MISSING_CODE = "missing_code"
    DUPLICATE_CODE = "duplicate_code"
    UNKNOWN_PARENT = "unknown_parent"
    CYCLE = "cycle"
    SEVERAL_ROOTS = "several_roots"
    NO_ROOT = "no_root"
    EMPTY_NAME = "empty_name"
    UNKNOWN_UNIT_TYPE = "unknown_unit_type"
    NOT_A_NUMBER = "not_a_number"
    BAD_VALUE = "bad_value"
    UNKNOWN_PREDECESSOR = "unknown_predecessor"
    SHARE_OVER_100 = "share_over_100"
    REFUSED = "refused"


@dataclass(frozen=True)
class Problem:
    row: int | None
    message: str
    kind: str

    def __str__(self) -> str:
        return f"Række {self.row}: {self.message}" if self.row is not None else self.message


class FileRefused(Exception):
    """A file that cannot be read at all (raised inside readers, turned into a Problem)."""


def bad_file(message: str) -> Problem:
    """A problem with the whole file: no row number."""
    return Problem(None, message, Kind.BAD_FILE)
