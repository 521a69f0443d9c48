"""Child processes for the benchmarks: upstreams and hosts on loopback, started, awaited and
stopped by their own process id, and their resident memory read from ``/proc``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
AGENTKIT = str(Path(sys.executable).with_name("agentkit"))

# Variables that would change what the host does; the benchmarks set the ones they need.
_PREFIXES = ("AGENTKIT_", "OLLAMA_", "GEMINI_", "GOOGLE_", "AZURE_", "OPENAI_", "DEFAULT_")

_PIDS: dict[str, int] = {}  # base URL -> the child process serving it


def pid_of(url: str) -> int:
    """The process id of the upstream or host this module started at ``url``."""
    return _PIDS[url]


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time ``pid`` has used, from ``/proc/<pid>/stat``."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without provider or host settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PREFIXES)}
    env.update(extra)
    return env


def wait_until_up(url: str, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> float:
    """Poll ``url`` every 5 ms until it answers; returns the seconds it took."""
    started = time.perf_counter()
    deadline = started + timeout
    with httpx.Client(timeout=1.0) as client:
        while time.perf_counter() < deadline:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
            try:
                client.get(url)
                return time.perf_counter() - started
            except httpx.ReadTimeout:  # connected but silent: the "hang" upstream is up
                return time.perf_counter() - started
            except httpx.TransportError:
                time.sleep(0.005)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    """Terminate ``proc`` (this pid only), then kill it if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def upstream(kind: str) -> Iterator[str]:
    """``python -m bench.upstream KIND`` on a free loopback port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.upstream", kind, "--port", str(port)],
        cwd=ROOT,
        env=clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _PIDS[url] = proc.pid
    try:
        wait_until_up(url + "/", proc=proc)
        yield url
    finally:
        stop(proc)
        del _PIDS[url]


@contextmanager
def host(env: dict[str, str], workdir: Path, log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """``agentkit serve`` (one uvicorn worker) with ``env`` on a free loopback port, run in
    ``workdir`` so no stray ``.env`` is read; yields its base URL and process."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as log_file:
        proc = subprocess.Popen(
            [AGENTKIT, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            env=clean_env(**env),
            stdout=log_file,
            stderr=log_file,
        )
    url = f"http://127.0.0.1:{port}"
    _PIDS[url] = proc.pid
    try:
        wait_until_up(url + "/health", proc=proc)
        yield url, proc
    finally:
        stop(proc)
        del _PIDS[url]


def rss_mb(pid: int) -> dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), in MB, from ``/proc/<pid>/status``."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0]) / 1024
    return {"rss": round(values["VmRSS"], 1), "peak": round(values["VmHWM"], 1)}


def timed_run(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds ``argv`` takes to run to completion (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, capture_output=True, timeout=60)
    return time.perf_counter() - started
