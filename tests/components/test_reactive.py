"""The bridge from model derivations to plots and panes (components/_reactive.py)."""

from __future__ import annotations

import holoviews as hv
import param
import pytest

from components._reactive import ErrorBar, bind, dependencies, dmap


class Data(param.Parameterized):
    level = param.Number(1.0)


class Model(param.Parameterized):
    data = param.ClassSelector(class_=Data)
    scale = param.Number(2.0)
    unrelated = param.Integer(0)

    def __init__(self, **params):
        params.setdefault("data", Data())
        super().__init__(**params)
        self.calls = 0

    @param.depends("data.level", "scale")
    def value(self) -> float:
        self.calls += 1
        if self.scale < 0:
            raise ValueError("scale must be >= 0")
        return self.data.level * self.scale

    @param.depends("value")
    def doubled(self) -> float:
        return 2 * self.value()


def test_dependencies_reach_sub_objects_and_chained_derivations():
    m = Model()
    deps = {
        (type(inst).__name__, tuple(sorted(names))) for inst, names in dependencies([m.doubled])
    }
    assert deps == {("Model", ("scale",)), ("Data", ("level",))}


def test_dmap_redraws_on_inputs_only_and_reports_errors():
    m = Model()
    errors = ErrorBar()
    seen = []

    def plot(v):
        seen.append(v)
        return hv.Curve([] if v is None else [(0, v)])

    dm = dmap(plot, m.value, errors=errors)
    dm[()]
    m.data.level = 3.0
    dm[()]
    assert seen[-1] == 6.0
    m.scale = -1.0
    dm[()]
    assert seen[-1] is None
    assert errors.messages == ["Error: scale must be >= 0"]
    m.scale = 1.0
    dm[()]
    assert seen[-1] == 3.0 and errors.messages == []
    streams = {
        tuple(sorted(s.parameters[i].name for i in range(len(s.parameters)))) for s in dm.streams
    }
    assert ("unrelated",) not in streams


def test_bind_passes_results_and_extra_parameters():
    m = Model()
    flag = Data(level=5.0)
    fn = bind(lambda v, extra: f"{v}/{extra}", m.value, extra=[(flag, ["level"])])
    assert fn() == "2.0/5.0"
    flag.level = 7.0
    assert fn() == "2.0/7.0"


def test_error_bar_hides_when_clear():
    bar = ErrorBar()
    bar.set("a", "first")
    bar.set("b", "first")
    bar.set("c", "second")
    assert bar.messages == ["first", "second"]
    assert bar.__panel__().visible
    for key in "abc":
        bar.set(key, None)
    assert not bar.__panel__().visible


@pytest.mark.parametrize("extra", [[], [(Data(), ["level"])]])
def test_dmap_streams_are_its_results_and_the_extra_parameters(extra):
    m = Model()
    dm = dmap(lambda *a: hv.Curve([]), m.value, m.doubled, extra=extra)
    keys = [(type(s.parameterized).__name__, p.name) for s in dm.streams for p in s.parameters]
    assert keys == [("_Results", "version")] + [("Data", "level")] * len(extra)


def test_dmap_evaluates_on_the_thread_that_changes_an_input():
    """HoloViews runs a served DynamicMap's refresh on the event loop: the derivation must
    have run already, on the thread that changed its input (Panel's pool for browser events)."""
    import threading

    m = Model()
    threads = []

    class Tracked(Model):
        @param.depends("data.level", "scale")
        def value(self) -> float:
            threads.append(threading.current_thread().name)
            return self.data.level * self.scale

    m = Tracked()
    drawn = []
    dm = dmap(lambda v: drawn.append(v) or hv.Curve([]), m.value)
    dm[()]
    assert drawn == [2.0] and len(threads) == 1
    worker = threading.Thread(target=lambda: setattr(m, "scale", 3.0), name="pool-thread")
    worker.start()
    worker.join()
    assert threads[-1] == "pool-thread"
    calls = len(threads)
    dm[()]  # the refresh only draws the stored result
    assert drawn[-1] == 3.0 and len(threads) == calls


def test_busy_spinner_clears_after_overlapping_blocks():
    """Two updates of one plot in two server threads: the spinner shows while either runs long
    and is off when the last ends, whatever the order (an earlier version left it on)."""
    import threading
    import time

    from components._reactive import Busy

    class Target:
        loading = False

    target = Target()
    busy = Busy(target, delay=0.05)
    started, release_a = threading.Event(), threading.Event()

    def a():
        with busy:
            started.set()
            release_a.wait(5)

    thread = threading.Thread(target=a)
    thread.start()
    started.wait(5)
    with busy:  # b overlaps a and ends first
        time.sleep(0.1)
        assert target.loading is True
    assert target.loading is True  # a still runs
    release_a.set()
    thread.join(5)
    time.sleep(0.1)  # no timer left to switch it on again
    assert target.loading is False
    for _ in range(20):  # quick blocks never show it
        with busy:
            pass
    time.sleep(0.1)
    assert target.loading is False
