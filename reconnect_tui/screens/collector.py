"""Hold Python's cyclic garbage collector back while a module screen opens.

Every screen leaves thousands of widget, style and strip objects in reference cycles when it
closes, and they can only be freed by a full collection, which walks every tracked object in
the process. Measured on the ten-year vault (``bench/screens.py``), full collections fell
inside about every screen's open and took 40-180 ms of it. While a screen opens (from its
compose until its first data is painted) the collector waits; it runs again a moment after
that paint (``COLLECTOR_AFTER_PAINT`` in ``screens/base.py``), while the person reads, or
when the screen closes. A timer resumes it even if the data never arrives.
"""

from __future__ import annotations

import gc

_holds = 0
_we_disabled = False


def hold() -> None:
    """One more opening screen: keep the collector back (when it was running)."""
    global _holds, _we_disabled
    if _holds == 0 and gc.isenabled():
        gc.disable()
        _we_disabled = True
    _holds += 1


def release() -> None:
    """That screen painted (or closed): let the collector run when no other screen waits."""
    global _holds, _we_disabled
    if _holds == 0:
        return
    _holds -= 1
    if _holds == 0 and _we_disabled:
        _we_disabled = False
        gc.enable()
