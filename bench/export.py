"""Benchmark: the crisis plan PDF against a bare fpdf2 document holding the same text.

Both embed DejaVu Sans regular and bold, so the ratio shows what our layout costs on top of
fpdf2's own work (font parsing and subsetting dominate both). Goal: ratio <= 2.

    .venv/bin/python bench/export.py [repetitions]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "export"))

from export_plans import FIXED_TODAY, NAME, full_plan  # noqa: E402

from reconnect_tui.export import render_pdf, render_text  # noqa: E402
from reconnect_tui.export.pdf import FONT_BOLD, FONT_REGULAR  # noqa: E402


def bare_pdf(text: str) -> bytes:
    """The baseline: the same characters, one font size, no layout of our own."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("dejavu", "", str(FONT_REGULAR))
    pdf.add_font("dejavu", "B", str(FONT_BOLD))
    pdf.add_page()
    pdf.set_font("dejavu", "B", 11)
    pdf.cell(text="Bold line so both fonts are embedded", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", "", 11)
    pdf.multi_cell(0, 5.6, text, align="L")
    return bytes(pdf.output())


def median_ms(run: Callable[[], bytes], repetitions: int) -> float:
    run()  # warm-up: imports and caches
    times = []
    for _rep in range(repetitions):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    repetitions = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    plan = full_plan()
    text = render_text(plan, NAME, "NO", today=FIXED_TODAY)
    ours = median_ms(lambda: render_pdf(plan, NAME, "NO", today=FIXED_TODAY), repetitions)
    compact = median_ms(
        lambda: render_pdf(plan, NAME, "NO", compact=True, today=FIXED_TODAY), repetitions
    )
    bare = median_ms(lambda: bare_pdf(text), repetitions)
    print(f"repetitions: {repetitions}, text: {len(text)} characters")
    print(f"bare fpdf2 (baseline): {bare:8.1f} ms")
    print(f"render_pdf full      : {ours:8.1f} ms   ratio {ours / bare:.2f}x")
    print(f"render_pdf compact   : {compact:8.1f} ms   ratio {compact / bare:.2f}x")


if __name__ == "__main__":
    main()
