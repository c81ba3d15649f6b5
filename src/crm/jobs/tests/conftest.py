"""Jobs registered only for a test, and removed after it."""

import threading

import pytest

from crm.jobs import registry


class Recorder:
    """What a test job saw: its calls (kwargs), the thread it ran in."""

    def __init__(self):
        self.calls: list[dict] = []
        self.threads: list[int] = []
        self.done = threading.Event()


@pytest.fixture
def echo_job():
    """`test.echo`: returns its arguments as the result."""
    recorder = Recorder()

    @registry.job(name="test.echo", label="Echo")
    def echo(run, **kwargs):
        recorder.calls.append(kwargs)
        recorder.threads.append(threading.get_ident())
        recorder.done.set()
        return {"echo": kwargs, "run": run.pk}

    yield recorder
    registry.unregister("test.echo")


@pytest.fixture
def failing_job():
    """`test.fail`: raises."""
    recorder = Recorder()

    @registry.job(name="test.fail", label="Always fails")
    def fail(run, **kwargs):
        recorder.calls.append(kwargs)
        raise RuntimeError("the warehouse API answered 503")

    yield recorder
    registry.unregister("test.fail")
