"""Test-support modules: shared helpers and fixtures' building blocks (never tests themselves)."""
