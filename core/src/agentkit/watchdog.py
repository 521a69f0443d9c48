"""Noticing a blocked event loop, and saying who blocked it.

The host serves every request on one event loop. Code that blocks it (``time.sleep``, a sync HTTP
call, a long computation in a plugin) freezes every stream at once, and no time limit can fire
meanwhile, since the limits run on that loop too. So a heartbeat beats on the loop every
``INTERVAL`` seconds and a watcher thread looks at it: when the loop has missed its beat by
``THRESHOLD`` seconds, the watcher samples what the loop's thread is running; when the loop beats
again, one warning says how long it was blocked, for which provider (the task doing a provider's
work is marked with :func:`working_for`) and where::

    the event loop was blocked for 2.0 s by provider 'slow' (listing models) at
    slow/provider.py:14 in list_models; ...

Sampling another thread's stack is what CPython's ``sys._current_frames`` is for; it costs nothing
until the loop is late.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import sysconfig
import threading
import time
from pathlib import Path

INTERVAL = 0.1
"""Seconds between heartbeats."""

THRESHOLD = 1.0
"""Seconds the loop may be late before it counts as blocked."""

logger = logging.getLogger("agentkit.watchdog")

_work: dict[asyncio.Task, tuple[str, str]] = {}
_HERE = str(Path(__file__).parent)
_STDLIB = sysconfig.get_paths()["stdlib"]


def working_for(provider_id: str, activity: str) -> None:
    """Mark the running task as doing ``activity`` for ``provider_id``, until the task ends."""
    task = asyncio.current_task()
    if task is not None and task not in _work:
        task.add_done_callback(_forget)
    if task is not None:
        _work[task] = (provider_id, activity)


def _forget(task: asyncio.Task) -> None:
    _work.pop(task, None)


class LoopWatchdog:
    """A heartbeat on the running loop and a thread watching it. ``start`` on the loop; ``stop``
    when the loop is about to end. ``modules`` maps a plugin's top-level module to its provider
    id, to blame a provider when the blocked task is not marked."""

    def __init__(self, modules: dict[str, str] | None = None, threshold: float = THRESHOLD):
        self.modules = modules or {}
        self.threshold = threshold
        self._due = 0.0
        self._suspect: str | None = None
        self._stopped = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread_id = threading.get_ident()
        self._due = time.monotonic() + INTERVAL
        self._handle = self._loop.call_later(INTERVAL, self._beat)
        threading.Thread(target=self._watch, name="agentkit-watchdog", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        if self._handle is not None:
            self._handle.cancel()

    def _beat(self) -> None:
        now = time.monotonic()
        late = now - self._due
        if late >= self.threshold:
            suspect, self._suspect = self._suspect, None
            logger.warning(
                "the event loop was blocked for %.1f s%s; every stream stalled meanwhile. Await "
                "async I/O, or move blocking work off the loop with asyncio.to_thread.",
                late,
                suspect or "",
            )
        self._due = now + INTERVAL
        self._handle = self._loop.call_later(INTERVAL, self._beat)

    def _watch(self) -> None:
        while not self._stopped.wait(INTERVAL):
            late = time.monotonic() - self._due
            if late >= self.threshold and self._suspect is None:
                self._suspect = self._sample()

    def _sample(self) -> str:
        """Who the loop's thread is working for, and where it is."""
        frame = sys._current_frames().get(self._thread_id)
        places = []
        while frame is not None:
            places.append(frame)
            frame = frame.f_back
        mine = [f for f in places if not _ours_or_stdlib(f.f_code.co_filename)]
        where = ""
        if mine:
            code = mine[0].f_code
            where = f" at {_short(code.co_filename)}:{mine[0].f_lineno} in {code.co_name}"
        try:
            work = _work.get(asyncio.current_task(self._loop))
        except RuntimeError:
            work = None
        if work is None:
            module_names = (f.f_globals.get("__name__", "") for f in places)
            providers = (self.modules.get(name.partition(".")[0]) for name in module_names)
            provider = next((p for p in providers if p), None)
            work = (provider, "") if provider else None
        if work is None:
            return where
        provider, activity = work
        return f" by provider {provider!r}" + (f" ({activity})" if activity else "") + where


def _ours_or_stdlib(filename: str) -> bool:
    if filename.startswith(_HERE):
        return True
    return filename.startswith(_STDLIB) and "site-packages" not in filename


def _short(filename: str) -> str:
    """The last two parts of a path: enough to find the file, without the user's home."""
    parts = Path(filename).parts
    return str(Path(*parts[-2:])) if len(parts) >= 2 else filename
