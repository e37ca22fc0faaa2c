"""Reusable widgets (notice line, confirmation, forms, sparklines, rings …)."""
