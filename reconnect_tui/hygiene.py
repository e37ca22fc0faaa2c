"""Process hygiene for a program that holds keys in memory."""

from __future__ import annotations


def disable_core_dumps() -> None:
    """Never let a crash write this process's memory (and the vault key in it) to a core file."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
