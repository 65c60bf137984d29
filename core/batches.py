"""Cutting a list of ids (or anything) into batches: for tasks, IN lists and bulk writes."""

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

# The most ids one IN list holds: PostgreSQL takes at most 65,535 parameters in a statement
# (core/db.py binds them on the server), whatever else the statement holds besides.
IN_LIST = 10_000


def batched(items: Sequence[T], size: int) -> list[list[T]]:
    """`items` in consecutive lists of `size` (the last one shorter), in their order."""
    if size < 1:
        raise ValueError(f"A batch holds at least one item, not {size}.")
    return [list(items[start : start + size]) for start in range(0, len(items), size)]
