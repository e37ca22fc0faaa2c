"""ReConnect: a local-first e-recovery portal for the terminal."""

__version__ = "0.1.0"
