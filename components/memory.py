"""Releasing a closed session's memory in the served app.

When a browser tab closes, Bokeh destroys its session after ``--unused-session-lifetime``
(``arblab serve``; 15 s by default). :func:`release_session` then stops the session's feeds,
closes its backend connections, drops the pages it built (plots, tables, their Bokeh models)
and schedules :func:`collect`: a full garbage collection (the pages hold reference cycles
through Param watchers and HoloViews streams) followed by glibc's ``malloc_trim(0)``, which
returns the freed heap to the kernel. Without the trim, the freed memory stays mapped in the
process and its resident size only grows with the number of sessions served.

Collections run on a timer thread, at most one per :data:`COLLECT_DELAY_S`, so closing many
tabs at once costs one collection.

Caches (all bounded; nothing grows with the number of sessions):

* each model's :class:`lab.models.cache.ResultCache` (LRU, 32 entries by default) belongs to
  its session and goes with it;
* the grpc client remembers at most 4096 uploaded dataset refs;
* the bundled dataset is read once per process (``functools.lru_cache(maxsize=1)``).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import threading
from typing import Any

log = logging.getLogger(__name__)

COLLECT_DELAY_S = 2.0
"""Delay (and least spacing) of the collection after a session closes, in seconds."""

_timer_lock = threading.Lock()
_timer: threading.Timer | None = None


def trim_heap() -> bool:
    """Return freed heap memory to the kernel (glibc ``malloc_trim(0)``); False elsewhere."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    return bool(trim(0))


def collect() -> None:
    """A full garbage collection, then :func:`trim_heap`."""
    global _timer
    with _timer_lock:
        _timer = None
    gc.collect()
    trim_heap()


def schedule_collect(delay: float = COLLECT_DELAY_S) -> None:
    """Run :func:`collect` in ``delay`` seconds unless one is already pending."""
    global _timer
    with _timer_lock:
        if _timer is not None:
            return
        _timer = threading.Timer(delay, collect)
        _timer.daemon = True
        _timer.start()


def release_session(app: Any) -> None:
    """Release everything one served session holds (``pn.state.on_session_destroyed``).

    Parameters
    ----------
    app : components.app.LabApp
        The session's app: its models are closed, its pages dropped.
    """
    try:
        app.session.close()
    except Exception:  # a failing close must not keep the rest alive
        log.exception("closing the session's models failed")
    try:
        app.backend_view.stop_polling()
        for slot in app._slots.values():
            slot.clear()
        app.pages.clear()
        app.extensions.clear()
        app.sidebar.clear()
    except Exception:
        log.exception("dropping the session's pages failed")
    schedule_collect()
