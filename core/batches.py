"""Cutting a list of ids (or anything) into batches: for tasks, IN lists and bulk writes."""

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def batched(items: Sequence[T], size: int) -> list[list[T]]:
    """`items` in consecutive lists of `size` (the last one shorter), in their order."""
    if size < 1:
        raise ValueError(f"A batch holds at least one item, not {size}.")
    return [list(items[start : start + size]) for start in range(0, len(items), size)]
