"""`yp doctor`: what works on this machine and in this workspace, before anything is spent,
and every file the workspace holds, with its size."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from . import workspace_files
from .config import Workspace
from .errors import YPError
from .skills.dna.transcribe import Transcriber

Check = tuple[str, bool, str]


def _safely(name: str, probe: Callable[[], str]) -> Check:
    try:
        return (name, True, probe())
    except YPError as exc:
        return (name, False, str(exc))
    except Exception as exc:  # a doctor reports, it does not crash
        return (name, False, f"{type(exc).__name__}: {exc}")


def run_checks(workspace: Workspace) -> list[Check]:
    """Every check as (name, ok, detail); never raises for a failing check."""
    from .runtime import open_store

    checks: list[Check] = [_safely("workspace", lambda: str(workspace.require().root))]
    if not checks[0][1]:
        return checks

    def config() -> str:
        store = workspace.store_config()
        ai = workspace.ai_config()
        workspace.pipeline_config()
        return f"store={store.store}, ai provider={ai.provider}, analysis={ai.analysis_mode}"

    checks.append(_safely("config", config))

    def store() -> str:
        s = open_store(workspace)
        try:
            infos = s.inspect()
        finally:
            s.close()
        problems = [f"{i.collection}.{f.name}: {f.problem}" for i in infos for f in i.fields if not f.ok]
        if problems:
            raise YPError("; ".join(problems[:5]))
        return ", ".join(f"{i.collection}={i.count if i.count is not None else '?'}" for i in infos)

    checks.append(_safely("store", store))

    if checks[1][1]:
        checks.extend(_media_checks(Transcriber(workspace.pipeline_config().transcription)))
    checks.append(_safely("AI", lambda: _ai(workspace)))
    return checks


def _media_checks(transcriber: Transcriber) -> list[Check]:
    """ffmpeg, the Whisper model and OCR, as the transcriber reports them."""
    try:
        found = transcriber.check()
    except Exception as exc:
        return [("media", False, f"{type(exc).__name__}: {exc}")]
    failed = ("missing", "error", "failed", "not ")
    return [(name, not str(d).lower().startswith(failed), str(d)) for name, d in found.items()]


def _ai(workspace: Workspace) -> str:
    """The providers in use, with the same key/model/price checks a run makes at its start."""
    from .ai.router import ProviderPlan

    ai = workspace.ai_config()
    plan = ProviderPlan(ai)
    problems = plan.problems()
    if problems:
        raise YPError("; ".join(problems))
    keys = {"ANTHROPIC_API_KEY": ai.anthropic.api_key, "OPENAI_API_KEY": ai.openai.api_key}
    found = ", ".join(f"{name} {'set' if value else 'not set'}" for name, value in keys.items())
    return f"in use: {', '.join(sorted(plan.providers_in_use()))}; {found}"


@dataclass(frozen=True)
class FileInfo:
    """One file or folder of the workspace as it stands: where, how big, what for, whether it can be rebuilt."""

    path: str  # relative to the workspace root
    kind: str
    purpose: str
    exists: bool
    bytes: int  # a folder: everything in it; a SQLite file: with its -wal journal
    rebuildable: bool
    rebuilt_from: str | None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def workspace_files_info(workspace: Workspace) -> list[FileInfo]:
    """Every file `workspace_files` names, in its order, with its size now (per-workflow files as found)."""
    found: list[FileInfo] = []
    for file in workspace_files.ALL:
        if file.per_workflow:
            pattern = file.relpath.replace("{workflow}", "*")
            paths = sorted(workspace.root.glob(pattern)) or [workspace.root / file.relpath]
        else:
            paths = [workspace.path(file)]
        for path in paths:
            shown = path.relative_to(workspace.root).as_posix() if path.is_relative_to(workspace.root) else str(path)
            found.append(FileInfo(shown, file.kind, file.purpose, path.exists(), _size(path),
                                  file.rebuildable, file.rebuilt_from))
    for relpath in (workspace_files.LEGACY_QUOTA_DB, workspace_files.LEGACY_SNAPSHOTS_DB):
        path = workspace.root / relpath
        if path.exists():
            found.append(FileInfo(relpath, "sqlite", "an older release's file: merged into state/state.db by the "
                                  "next WF4 run or `yp analytics import`", True, _size(path), False, None))
    return found


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    if not path.is_file():
        return 0
    size = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    return size + (wal.stat().st_size if wal.is_file() else 0)
