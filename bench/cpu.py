"""CPU time of the processes a benchmark runs on, read from /proc: what to compare between runs
when other work shares the machine (a rate falls with every neighbour, CPU per unit does not)."""

import os
from collections.abc import Callable
from pathlib import Path


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (
                (task / "children").read_text().split() if (task / "children").exists() else []
            )
            todo += [int(child) for child in children]
    return pids


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (all its threads), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_matching(*needles: str) -> list[int]:
    """Processes whose command line contains one of `needles`."""
    found = []
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            command = (folder / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if any(needle in command for needle in needles):
            found.append(int(folder.name))
    return found


class CpuWatch:
    """CPU seconds each named group of processes spends from now until spent() is called.
    `groups()` names them; it is called again at the end, so that processes started meanwhile
    (a worker's first database connection) count; one that ended meanwhile does not."""

    def __init__(self, groups: Callable[[], dict[str, list[int]]]):
        self.groups = groups
        self.started = self.read()

    def read(self) -> dict[str, dict[int, float]]:
        return {
            name: {pid: cpu_seconds(pid) for pid in pids} for name, pids in self.groups().items()
        }

    def spent(self) -> dict[str, float]:
        end = self.read()
        return {
            name: sum(value - self.started[name].get(pid, 0.0) for pid, value in end[name].items())
            for name in end
        }
