"""A short text as a QR code drawn with block characters (segno), for a terminal: the link
code of ``reconnect device invite`` and of the app's Devices screen (docs/devices.md)."""

from __future__ import annotations

import sys

BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
PLAIN = {(True, True): "#", (True, False): "#", (False, True): "#", (False, False): " "}


def qr_lines(text: str, encoding: str | None = None) -> list[str]:
    """``text`` as a QR code in block characters, two rows per line: light modules drawn,
    dark ones blank (a terminal's light-on-dark text; the app draws it white on black in
    every theme). Plain characters only, no escape sequences; '#' where ``encoding`` (default:
    standard output's) has no block characters."""
    import segno

    matrix = [list(row) for row in segno.make(text, error="m", micro=False).matrix]
    size = len(matrix)
    border = 2
    light = [[True] * (size + 2 * border) for _ in range(border)]
    rows = light + [[True] * border + [not m for m in row] + [True] * border
                    for row in matrix] + light
    if len(rows) % 2:
        rows.append([True] * len(rows[0]))
    encoding = encoding or getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "█▀▄".encode(encoding)
        glyphs = BLOCKS
    except (UnicodeEncodeError, LookupError):
        glyphs = PLAIN
    return ["".join(glyphs[(top[i], bottom[i])] for i in range(len(top)))
            for top, bottom in zip(rows[::2], rows[1::2], strict=True)]
