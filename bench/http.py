"""HTTP throughput: the production server (`crm serve`: gunicorn, gthread workers) against the
benchmark database, loaded by `wrk` when it is installed (apt-get install wrk), else by a client
of Python threads with keep-alive connections. Requests carry a real session cookie."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "errors": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass
class LoadResult:
    path: str
    client: str
    concurrency: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`crm serve` in a child process, with the environment of this one (same database)."""

    def __init__(self, workers: int = 2, threads: int = 8, worker_connections: int | None = None):
        self.port = free_port()
        self.workers, self.threads, self.worker_connections = workers, threads, worker_connections
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="bench-serve-", suffix=".log", delete=False)  # noqa: SIM115

    def __enter__(self) -> "Server":
        env = {**os.environ, "CRM_JOBS_SCHEDULER": "0", "DJANGO_SETTINGS_MODULE": "crm.settings"}
        command = [sys.executable, "-m", "crm", "serve", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self.workers), "--threads", str(self.threads)]
        if self.worker_connections:
            command += ["--worker-connections", str(self.worker_connections)]
        self.process = subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"crm serve stopped: see {self.log.name}")
            try:
                urllib.request.urlopen(f"{self.base}/login/", timeout=2).read()
                return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise RuntimeError(f"crm serve did not answer within 60 s: see {self.log.name}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def session_cookie(user_id: int) -> str:
    """A logged-in session for the user, stored in the database the server reads."""
    from django.conf import settings
    from django.test import Client

    from crm.identity.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def status_of(base: str, path: str, cookie: str) -> int:
    connection = HTTPConnection(base.split("//", 1)[1], timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Accept": "application/json, text/html"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def run_wrk(base: str, path: str, cookie: str, *, concurrency: int, seconds: int) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = ["wrk", "-t2", f"-c{concurrency}", f"-d{seconds}s", "--timeout", "10s", "-H", f"Cookie: {cookie}"]
        command += ["-s", script.name, base + path]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("{"))
    stats = json.loads(line)
    return LoadResult(
        path,
        "wrk",
        concurrency,
        stats["requests"],
        stats["seconds"],
        stats["p50"],
        stats["p95"],
        stats["p99"],
        stats["errors"],
    )


def run_threads(base: str, path: str, cookie: str, *, concurrency: int, seconds: int) -> LoadResult:
    """`concurrency` threads, each with one keep-alive connection, for `seconds`."""
    host = base.split("//", 1)[1]
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        mine: list[float] = []
        failed = 0
        connection = HTTPConnection(host, timeout=30)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except OSError:
                failed += 1
                connection.close()
                connection = HTTPConnection(host, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else 0.0

    return LoadResult(
        path, "python threads", concurrency, len(latencies), elapsed, pct(50), pct(95), pct(99), errors[0]
    )


def measure(base: str, path: str, cookie: str, *, concurrency: int, seconds: int, client: str) -> LoadResult:
    use_wrk = client == "wrk" or (client == "auto" and shutil.which("wrk"))
    runner = run_wrk if use_wrk else run_threads
    runner(base, path, cookie, concurrency=concurrency, seconds=min(5, seconds))  # warm-up
    return runner(base, path, cookie, concurrency=concurrency, seconds=seconds)
