"""The analysis screen's verification worker: the live checks in a thread, their snapshots posted."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message

from headerlens.tui.messages import VerifyStream

if TYPE_CHECKING:
    from textual.screen import Screen

    from headerlens.model import Analysis
    from headerlens.model.verification import Verification

    _Screen = Screen[None]
else:
    _Screen = object


class VerifyWorker(_Screen):
    """Runs the app's verification stream for AnalysisScreen (a mixin of it)."""

    analysis: Analysis
    _verify_stream: VerifyStream | None  # the app's verification; None: nothing is verified
    _run: int  # the current verification; snapshots of a replaced one are dropped
    _painted: threading.Event  # set once the first frame is on screen

    class Snapshot(Message):
        """A Verification from the worker thread; ``run`` says which verification made it."""

        def __init__(self, verification: Verification, run: int) -> None:
            super().__init__()
            self.verification = verification
            self.run = run

    def start_verification(self, *, flush: bool = False) -> None:
        """Run the live checks in a worker; each snapshot re-renders the tabs."""
        if self._verify_stream is not None:
            self._run += 1
            self._verify(self._verify_stream, flush, self._run)

    @work(exclusive=True, group="verify", thread=True)
    def _verify(self, stream: VerifyStream, flush: bool, run: int) -> None:
        """The checks run in a thread with its own event loop: their CPU work (body hashes,
        RSA, the ARC chain) must never hold up the console's keyboard and screen."""
        from textual.worker import get_current_worker

        worker = get_current_worker()
        # The first frame comes first: this thread's imports and hashing would share the
        # interpreter with the drawing. Waits at most a second (a screen never drawn).
        deadline = time.monotonic() + 1.0
        while not self._painted.wait(0.05) and time.monotonic() < deadline:
            if worker.is_cancelled:
                return
        asyncio.run(self._stream(stream, flush, run, worker))

    async def _stream(self, stream: VerifyStream, flush: bool, run: int, worker: Any) -> None:
        async def consume() -> None:
            async for snapshot in stream(self.analysis, flush=flush):
                if worker.is_cancelled:
                    return
                self.post_message(self.Snapshot(snapshot, run))  # thread-safe

        task = asyncio.ensure_future(consume())
        while not task.done():  # a replaced or closing worker stops at the next DNS wait
            await asyncio.wait({task}, timeout=0.1)
            if worker.is_cancelled:
                task.cancel()
        if not task.cancelled():
            task.result()  # a bug in the checks fails the worker, as before
