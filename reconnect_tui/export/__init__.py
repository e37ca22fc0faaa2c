"""Crisis plan export to PDF, Markdown and plain text (headless: no Textual, fpdf2 lazily).

The CLI (``reconnect export crisis-plan``) and the app's "Export…" action both call
``export_crisis_plan`` and then ``write_export``; the crisis plan screen lays out
``CRISIS_PLAN_SECTIONS`` (or ``build_document``) so the file holds what the app shows.
"""

from __future__ import annotations

from datetime import date
from typing import Literal, get_args

from reconnect_tui.errors import ExportError
from reconnect_tui.export.document import (
    CRISIS_PLAN_SECTIONS,
    Contact,
    CrisisPlanDocument,
    SectionContent,
    SectionSpec,
    build_document,
)
from reconnect_tui.export.markdown import render_markdown
from reconnect_tui.export.pdf import render_pdf
from reconnect_tui.export.text import render_text
from reconnect_tui.export.writer import write_export
from reconnect_tui.i18n import _
from reconnect_tui.model import CrisisPlan

ExportFormat = Literal["pdf", "md", "txt"]
EXPORT_FORMATS: tuple[str, ...] = get_args(ExportFormat)


def export_crisis_plan(
    plan: CrisisPlan,
    name: str,
    locale: str,
    fmt: ExportFormat,
    *,
    compact: bool = False,
    today: date | None = None,
) -> bytes:
    """The crisis plan in ``fmt`` as bytes (Markdown and text in UTF-8), ready to write."""
    if fmt == "pdf":
        return render_pdf(plan, name, locale, compact=compact, today=today)
    if fmt == "md":
        return render_markdown(plan, name, locale, compact=compact, today=today).encode()
    if fmt == "txt":
        return render_text(plan, name, locale, compact=compact, today=today).encode()
    raise ExportError(
        _("Unknown export format {fmt}: choose one of {choices}.").format(
            fmt=repr(fmt), choices=", ".join(EXPORT_FORMATS)
        )
    )


def default_filename(fmt: ExportFormat, *, compact: bool = False) -> str:
    """A file name for ``-o`` left out: no personal data in it."""
    stem = "crisis-plan-compact" if compact else "crisis-plan"
    return f"{stem}.{fmt}"


__all__ = [
    "CRISIS_PLAN_SECTIONS",
    "EXPORT_FORMATS",
    "Contact",
    "CrisisPlanDocument",
    "ExportFormat",
    "SectionContent",
    "SectionSpec",
    "build_document",
    "default_filename",
    "export_crisis_plan",
    "render_markdown",
    "render_pdf",
    "render_text",
    "write_export",
]
