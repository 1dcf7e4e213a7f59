"""`yp doctor`: what works on this machine and in this workspace, before anything is spent."""

from __future__ import annotations

from collections.abc import Callable

from .config import Workspace
from .errors import YPError
from .skills.transcription import Transcriber

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
