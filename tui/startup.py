"""Start-up: the garbage collector waits for the console's first frame (no Textual import here)."""

from __future__ import annotations

import gc

_paused = False


def pause_collector() -> None:
    """Called before the console's imports. They build ~50,000 objects that live as long as the
    process (modules, classes, functions) and almost no garbage; the collector's passes over
    them before the first frame (one a full pass, during the first render) are wasted work."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collector() -> None:
    """Once the first frame is drawn (or the console ends before one): the objects made so far
    move to the permanent generation (gc.freeze: later passes skip them; only those alive now,
    and so at most the first screen, stay if they become garbage) and the collector runs again.
    Does nothing unless pause_collector paused it (tests and embedders keep their collector)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
