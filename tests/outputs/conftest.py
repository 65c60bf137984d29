"""Fixtures shared by the outputs tests."""

from tests.outputs.minutes_world import minutes, world  # noqa: F401 (the minutes tests' world)
