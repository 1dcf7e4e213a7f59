"""The README's library example runs as written, on a workspace at ~/young (HOME is a temp folder here)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from young_production.demo import prepare_demo_workspace
from young_production.records import DNAStatus, ViralDNA
from young_production.runtime import open_store
from young_production.skills.crud import add_dna
from young_production.store.base import iter_records
from young_production.tools.sample_server import SAMPLES, SampleServer
from young_production.workspace_files import STORE_DB

README = Path(__file__).resolve().parents[1] / "README.md"


def library_example() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("Everything the CLI does is a library call")
    return re.search(r"```python\n(.*?)```", text[start:], re.S).group(1)  # type: ignore[union-attr]


def test_readme_library_example_runs_as_written(tmp_path: Path, sample_http: SampleServer) -> None:
    workspace = prepare_demo_workspace(tmp_path / "young", allow=(sample_http.allow_entry,))
    fast = [s for s in SAMPLES if s.path in ("captioned/", "article/")]
    with open_store(workspace) as store:
        for sample in fast:
            add_dna(store, sample_http.url(sample.path))
    assert workspace.path(STORE_DB).exists()

    env = {**os.environ, "HOME": str(tmp_path), "COLUMNS": "160"}
    env.pop("YP_HOME", None)
    done = subprocess.run([sys.executable, "-c", library_example()], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{len(fast)} entries to decode")
    assert lines[1] == f"{len(fast)} decoded, 0 failed"
    assert sum(line.startswith("Encoded ") for line in lines[2:]) == len(fast)
    assert "no productions yet" in lines[-1]  # WF2 with typed arguments: nothing to link in this workspace
    with open_store(workspace) as store:
        assert all(e.status is DNAStatus.ENCODED and e.hook for e in iter_records(store, ViralDNA))
