"""Ids that arrive in requests (a form field, a JSON body) as anything at all."""

MAX_ID = 2**63 - 1  # a bigint primary key


def parse_id(value) -> int | None:
    """The positive database id `value` names, or None for anything else (text, 1e400, -3,
    an id past a bigint), so that a crafted id is refused like a missing one."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 < number <= MAX_ID else None
