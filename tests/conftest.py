"""Shared test set-up: loopback-only networking, and the bundled samples served on 127.0.0.1.

Every socket connect to an address outside 127.0.0.0/8 and ::1 is refused and
fails the test it happened in, even when the code under test swallows the
error. Outside services are reached through emulators on loopback instead.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from young_production.config import TranscriptionConfig
from young_production.media.guard import AddressGuard
from young_production.tools.sample_server import SampleServer
from young_production.skills.dna.transcribe import Transcriber

_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_violations: list[str] = []
_violations_lock = threading.Lock()


def pytest_configure(config: pytest.Config) -> None:
    """Keep compiled bytecode, in the pytest cache rather than the tree, when PYTHONDONTWRITEBYTECODE is set
    (container images often set it). The suite starts hundreds of `yp` processes; without a cache each
    one compiles the package's modules from source again, about 0.2 s of CPU a process."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE") or config.cache is None:
        return
    prefix = str(config.cache.mkdir("pycache"))
    del os.environ["PYTHONDONTWRITEBYTECODE"]  # for the processes tests start, and xdist's workers
    os.environ.setdefault("PYTHONPYCACHEPREFIX", prefix)
    sys.dont_write_bytecode = False
    sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]


class NetworkBlocked(OSError):
    """Raised instead of connecting anywhere but loopback."""


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _guard(method: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(self: socket.socket, address: Any, *args: Any, **kwargs: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(str(address[0])):
            where = f"{address[0]}:{address[1]}"
            with _violations_lock:
                _violations.append(where)
            raise NetworkBlocked(f"tests may only connect to loopback, not {where}")
        return method(self, address, *args, **kwargs)

    return guarded


@pytest.fixture(scope="session", autouse=True)
def loopback_only_network() -> Iterator[None]:
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    socket.socket.connect = _guard(real_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guard(real_connect_ex)  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def fail_on_outside_connection(loopback_only_network: None) -> Iterator[None]:
    with _violations_lock:
        _violations.clear()
    yield
    with _violations_lock:
        seen = list(_violations)
        _violations.clear()
    if seen:
        pytest.fail(f"test tried to connect beyond loopback: {', '.join(sorted(set(seen)))}")


# Bytes no demuxer accepts: served as a "video" to exercise corrupt-media handling.
CORRUPT_MEDIA = b"\x00\x13 this is not a video, just bytes \xff\xfe\x00" * 2048


@pytest.fixture(scope="session")
def sample_http() -> Iterator[SampleServer]:
    """The bundled samples on 127.0.0.1, plus `/corrupt.mp4` (garbage bytes as video/mp4)."""
    server = SampleServer()
    server.add_route("/corrupt.mp4", CORRUPT_MEDIA, content_type="video/mp4")
    with server:
        yield server


@pytest.fixture(scope="session")
def sample_server(sample_http: SampleServer) -> str:
    """Base URL of the sample server, e.g. `http://127.0.0.1:41234/`."""
    return sample_http.base_url


@pytest.fixture(scope="session")
def sample_guard(sample_http: SampleServer) -> AddressGuard:
    """A guard that allows exactly the sample server's loopback address and port."""
    return AddressGuard([sample_http.allow_entry])


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/video.mp4"


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """One Transcriber (Whisper + OCR load on first use) shared by the session's tests."""
    return Transcriber(TranscriptionConfig())


@pytest.fixture(scope="session")
def init_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace as `yp init` leaves it, made once per session by the command itself."""
    root = tmp_path_factory.mktemp("initialised") / "ws"
    done = subprocess.run([sys.executable, "-m", "young_production", "init", str(root)], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert done.returncode == 0 and "workspace ready" in done.stdout, done.stdout + done.stderr
    return root


@pytest.fixture
def init_workspace(init_template: Path, tmp_path: Path) -> Path:
    """A fresh `yp init` workspace at `tmp_path/ws`, copied from `init_template` (what init
    writes names no path of its own, so the copy is the same as running init there: 0.4 s less a test)."""
    root = tmp_path / "ws"
    shutil.copytree(init_template, root)
    return root
