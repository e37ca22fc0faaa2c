"""What the app has on screen, line by line, as a terminal would get it (text-safety tests)."""

from __future__ import annotations


def rendered_lines(app) -> list[str]:
    """Every line of the current screen (and the dialogs above it) as composed for output."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def unsafe_lines(lines: list[str]) -> list[str]:
    """Lines holding ESC, BEL, a C1 control or a bidi override/isolate: none may exist."""
    from reconnect_tui.text_safety import is_terminal_safe

    return [line for line in lines if "\x07" in line or not is_terminal_safe(line)]
