"""What the fault tests share: counted article pages, workspaces wired to the emulators, children.

Every fault test ends with two numbers, `lost` (entries not encoded at the end) and
`duplicated` (entries some piece of work was done for more than once: a page fetched
and transcribed twice, an AI call paid twice, a write sent twice, a page created twice),
counted where the work lands: at the page server, the Claude emulator, the ledger, the
Notion emulator, and the step records both processes wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from young_production.config import Workspace
from young_production.tools.notion_emulator import NotionEmulator

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
PAGE_TEXT = (
    "<html><head><title>Habit note {n}</title></head><body><article><h1>Habit note {n}</h1>"
    "<p>Most people never finish a habit because they start with the hardest version of it. "
    "Note {n} is about starting with two minutes a day and growing from there.</p>"
    "<p>Why does the smallest step work? Because the second day is easier than the first, and "
    "by the third week the habit runs on its own. We will come back to the third week at the end.</p>"
    "<p>At the end of the third week, the habit {n} had become automatic for most readers.</p>"
    "</article></body></html>"
)


class PageServer:
    """Article pages `/note/<n>.html` on 127.0.0.1, counting every GET per page."""

    def __init__(self) -> None:
        self.gets: Counter[str] = Counter()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (stdlib name)
                path = self.path.split("?")[0]
                with server._lock:
                    server.gets[path] += 1
                if not (path.startswith("/note/") and path.endswith(".html")):
                    self.send_error(404)
                    return
                body = PAGE_TEXT.format(n=path[len("/note/") : -len(".html")]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, n: int) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/note/{n}.html"

    def __enter__(self) -> PageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class TimedNotionEmulator(NotionEmulator):
    """The Notion emulator, also noting when each request arrived and which page it wrote."""

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.arrivals: list[float] = []
        self.operations: list[str] = []
        self.page_updates: Counter[str] = Counter()

    def count(self, operation: str, limited: bool = False) -> None:
        with self._count_lock:
            self.arrivals.append(time.monotonic())
            self.operations.append(operation)
        super().count(operation, limited)

    def dispatch(self, operation: str, ids: tuple[str, ...], body: dict[str, Any], query: dict[str, Any]) -> Any:
        result = super().dispatch(operation, ids, body, query)
        if operation == "pages.update":
            with self._count_lock:
                self.page_updates[ids[0]] += 1
        return result

    def peak_per_second(self) -> int:
        """The most requests that arrived within any one-second window."""
        return len(self.busiest_second())

    def busiest_second(self) -> list[tuple[float, str]]:
        """The requests (arrival time, operation) of the fullest one-second window."""
        with self._count_lock:
            seen = sorted(zip(self.arrivals, self.operations))
        best: list[tuple[float, str]] = []
        start = 0
        for end, (moment, _) in enumerate(seen):
            while moment - seen[start][0] >= 1.0:
                start += 1
            if end - start + 1 > len(best):
                best = seen[start : end + 1]
        return best


def write_env(workspace: Workspace, values: dict[str, str]) -> None:
    """Settings the children read from the workspace's .env (keys, emulator and database URLs)."""
    (workspace.root / ".env").write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")


def fresh_workspace(root: Path, env: dict[str, str], **pipeline: Any) -> Workspace:
    """An initialised workspace that may fetch loopback pages, with `pipeline` merged into pipeline.yaml."""
    root.mkdir(parents=True, exist_ok=True)
    write_env(Workspace(root, env={}), env)
    workspace = Workspace(root)
    workspace.init()

    def update(data: dict[str, Any]) -> None:
        data.setdefault("sources", {})["allow_private_addresses"] = True
        for key, value in pipeline.items():
            if isinstance(value, dict):
                data.setdefault(key, {}).update(value)
            else:
                data[key] = value

    workspace.update_yaml("pipeline.yaml", update)
    return Workspace(root)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    env["ORT_DISABLE_TELEMETRY"] = "1"
    for name in [k for k in env if k.startswith(("YP_", "NOTION_", "ANTHROPIC_"))]:
        env.pop(name)
    return env


def yp(workspace: Workspace, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real `yp` command on `workspace`, in a child process."""
    command = [PYTHON, "-m", "young_production", "-w", str(workspace.root), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=child_env(), check=False)


def start_child(spec: dict[str, Any]) -> subprocess.Popen[str]:
    """`tests/workflows/faults/child.py` with `spec` (see there): a process the test may kill -9."""
    command = [PYTHON, "-m", "tests.workflows.faults.child", json.dumps(spec)]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(), cwd=ROOT
    )


def step_records(*workspaces: Workspace) -> list[dict[str, Any]]:
    """Every step record the processes of these workspaces wrote to their logs/ folders."""
    records = []
    for workspace in workspaces:
        for path in sorted((workspace.root / "logs").glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                data = json.loads(line)
                if data.get("event") == "step":
                    records.append(data)
    return records


WRITE_STEPS = ("wf1.write", "wf1.analyse_and_write")  # a paid analysis writes in its own step, a free one not


def finished_steps(records: list[dict[str, Any]], step: str | tuple[str, ...]) -> Counter[str]:
    """Entry id -> how many times `step` (or one of several) ended well for it."""
    steps = (step,) if isinstance(step, str) else step
    return Counter(r["entry"] for r in records if r.get("step") in steps and r.get("outcome") == "ok")


def wait_for(predicate: Any, timeout: float, what: str, poll: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def report(name: str, lost: int, duplicated: int, **more: Any) -> str:
    """The line each fault test prints (and asserts on): lost and duplicated entries."""
    extra = "".join(f" {k}={v}" for k, v in more.items())
    line = f"[fault] {name}: lost={lost} duplicated={duplicated}{extra}"
    print(line)
    return line


def kill_child(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.communicate(timeout=30)


Children = Iterator[subprocess.Popen[str]]
