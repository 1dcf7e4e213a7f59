"""`yp ... set`, `link`, `unlink`, `retry`, `remove`: change the lists from the terminal.

Thin: each command resolves the ids it was given (store/resolve.py), then calls one
function of skills/edits.py. All are safe to repeat: a second run says "unchanged" or
"already removed". Removing asks first (`--yes` to skip; without a terminal it must be given).
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Optional

import typer

from ..errors import YPError
from ..records import Record
from ..store.base import R, Store
from .dna import dna_app
from .lists import empire_app, production_app
from .output import console, emit_json, safe, workspace_of
from .sanitise import visible

AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
Text = Optional[str]  # an option's text; None when not given


def text_option(flag: str, metavar: str, help: str) -> Any:  # noqa: A002, ANN401
    return typer.Option(flag, metavar=metavar, help=help)

Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
Ids = Annotated[list[str], typer.Argument(metavar="ID...", help="Ids (4+ characters of each) or titles.")]
OneId = Annotated[str, typer.Argument(metavar="ID", help="4+ characters of its id (a production: or its title).")]
DnaIds = Annotated[list[str], typer.Argument(metavar="DNA_ID...", help="Viral DNA ids (4+ characters of each).")]


def added_line(created: bool, record_id: str | None, title: str, command: str, given: Sequence[str] = ()) -> str:
    """What `add` prints: the new record, or the one already there and how to change it."""
    if created:
        return f"added: {safe(record_id)}  {safe(title)}"
    hint = f"yp {command} set {(record_id or '')[:8]} {shlex.join(given) if given else '...'}".rstrip()
    return f"already there: {safe(record_id)}  {safe(title)}; nothing changed (to change it: {safe(hint)})"


def _open(ctx: typer.Context) -> Store:
    from ..runtime import open_store

    return open_store(workspace_of(ctx).require())


def _report(kind_word: str, record: Record, changed: list[str], as_json: bool) -> None:
    from ..skills.crud import record_summary

    if as_json:
        emit_json({**record_summary(record), "changed": changed})
        return
    label = getattr(record, "title", None) or getattr(record, "name", "")
    what = f"{kind_word} {safe((record.id or '')[:8])}  {safe(label)}"
    if changed:
        console.print(f"changed: {what} ({', '.join(changed)})", highlight=False)
    else:
        console.print(f"unchanged: {what} (already as asked)", highlight=False)


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise YPError("refusing to remove without confirmation: pass --yes")
    if not typer.confirm(visible(question), default=False):
        console.print("nothing removed")
        raise typer.Exit(1)


def _resolve_for_removal(store: Store, kind: type[R], refs: Sequence[str]) -> tuple[list[R], list[str]]:
    """The records named, and the full ids named that no longer exist (already removed: not an error)."""
    from ..store.resolve import compact_id, resolve, resolve_all

    present: list[str] = []
    gone: list[str] = []
    for ref in refs:
        compact = compact_id(ref)
        if len(compact) == 32:
            try:
                resolve(store, kind, ref)
            except YPError:
                gone.append(ref.strip())
                continue
        present.append(ref)
    return (resolve_all(store, kind, present) if present else []), gone


def _removed(kind_word: str, records: Sequence[Any], removed: list[str], gone: list[str], as_json: bool) -> None:
    titles = {r.id: getattr(r, "title", None) or getattr(r, "name", "") for r in records}
    if as_json:
        emit_json({"removed": removed, "already_removed": gone + [i for i in titles if i not in removed]})
        return
    for record_id in removed:
        console.print(f"removed: {kind_word} {safe(record_id[:8])}  {safe(titles.get(record_id, ''))}", highlight=False)
    for ref in gone + [i for i in titles if i not in removed]:
        console.print(f"already removed: {kind_word} {safe(ref)}", highlight=False)


def _remove(ctx: typer.Context, kind: type[R], refs: Sequence[str], remover: Callable[[Store, list[R]], list[str]],
            counted: Callable[[int], str], kind_word: str, yes: bool, as_json: bool) -> None:
    """Resolve, ask once for all of them, remove: the shared body of `production remove` and `dna remove`."""
    store = _open(ctx)
    try:
        records, gone = _resolve_for_removal(store, kind, refs)
        removed: list[str] = []
        if records:
            _confirm(f"Remove {counted(len(records))} from the {store.name} store: {_listing(records)}?", yes)
            removed = remover(store, records)
    finally:
        store.close()
    _removed(kind_word, records, removed, gone, as_json)


def _listing(records: Sequence[Any]) -> str:
    names = [f"{(r.id or '')[:8]} {getattr(r, 'title', None) or getattr(r, 'name', '')!r}" for r in records[:5]]
    return "; ".join(names) + (f"; and {len(records) - 5} more" if len(records) > 5 else "")


# ---- productions ---------------------------------------------------------------------------


@production_app.command("set")
def production_set(
    ctx: typer.Context,
    production_id: Annotated[str, typer.Argument(metavar="ID", help="4+ characters of its id, or its title.")],
    title: Annotated[Text, text_option("--title", "TITLE", "A new title.")] = None,
    status: Annotated[Text, text_option("--status", "STATUS", "Idea, Researching, DNA matching, Scripting, "
                                                               "Scripted, Published.")] = None,
    format: Annotated[Text, text_option("--format", "FORMAT", "short or video.")] = None,
    notes: Annotated[Text, text_option("--notes", "TEXT", 'What it is about ("" clears).')] = None,
    youtube_url: Annotated[Text, text_option("--youtube-url", "URL", 'The published video ("" clears).')] = None,
    video_id: Annotated[Text, text_option("--video-id", "ID", "The published video's 11-character id.")] = None,
    as_json: AsJson = False,
) -> None:
    """Change a production. Example: yp production set 1a2b3c4d --status Published --video-id dQw4w9WgXcQ"""
    from ..records import Production
    from ..skills.edits import set_production
    from ..skills.productions import parse_format, parse_status
    from ..store.resolve import resolve

    if youtube_url is not None and video_id is not None:
        raise YPError("use only one of --youtube-url, --video-id")
    wanted_status = parse_status(status) if status is not None else None
    wanted_format = parse_format(format) if format is not None else None
    store = _open(ctx)
    try:
        production = resolve(store, Production, production_id)
        edit = set_production(store, production, title=title, status=wanted_status, format=wanted_format,
                              notes=notes, youtube_url=youtube_url, video_id=video_id)
    finally:
        store.close()
    _report("production", edit.record, edit.changed, as_json)


def _link(ctx: typer.Context, production_id: str, dna_ids: list[str], as_json: bool, *, unlink: bool) -> None:
    from ..records import Production, ViralDNA
    from ..skills.edits import link_dna, unlink_dna
    from ..store.resolve import pick_id, resolve, resolve_all

    store = _open(ctx)
    try:
        production = resolve(store, Production, production_id)
        if unlink:  # a linked entry may be gone from the list: match against the links themselves
            chosen = [pick_id(ref, [(i, "") for i in production.dna_ids], "linked Viral DNA entry") for ref in dna_ids]
            edit = unlink_dna(store, production, chosen)
        else:
            edit = link_dna(store, production, resolve_all(store, ViralDNA, dna_ids))
    finally:
        store.close()
    _report("production", edit.record, edit.changed, as_json)


@production_app.command("link")
def production_link(ctx: typer.Context, production_id: OneId, dna_ids: DnaIds, as_json: AsJson = False) -> None:
    """Link Viral DNA entries to a production. Example: yp production link 1a2b3c4d 9f8e7d6c 5a4b3c2d"""
    _link(ctx, production_id, dna_ids, as_json, unlink=False)


@production_app.command("unlink")
def production_unlink(ctx: typer.Context, production_id: OneId, dna_ids: DnaIds, as_json: AsJson = False) -> None:
    """Unlink Viral DNA entries from a production. Example: yp production unlink 1a2b3c4d 9f8e7d6c"""
    _link(ctx, production_id, dna_ids, as_json, unlink=True)


@production_app.command("remove")
def production_remove(ctx: typer.Context, ids: Ids, yes: Yes = False, as_json: AsJson = False) -> None:
    """Remove productions (asks first; on Notion the pages go to the trash). Example: yp production remove 1a2b3c4d"""
    from ..records import Production
    from ..skills.edits import remove_productions

    _remove(ctx, Production, ids, remove_productions, lambda n: f"{n} production(s)", "production", yes, as_json)


# ---- Viral DNA -----------------------------------------------------------------------------


@dna_app.command("set")
def dna_set(
    ctx: typer.Context,
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="4+ characters of the entry's id.")],
    title: Annotated[Optional[str], typer.Option("--title", metavar="TITLE", help="A new title.")] = None,
    url: Annotated[Text, text_option("--url", "URL", "A corrected URL (the entry is decoded again).")] = None,
    tag: Annotated[list[str], typer.Option("--tag", "-t", metavar="TAG", help="Add a tag (repeatable).")] = [],  # noqa: B006
    clear_tags: Annotated[bool, typer.Option("--clear-tags", help="Drop the tags it has first.")] = False,
    as_json: AsJson = False,
) -> None:
    """Change a Viral DNA entry. Example: yp dna set 9f8e7d6c --url https://youtu.be/dQw4w9WgXcQ"""
    from ..media.guard import AddressGuard
    from ..records import ViralDNA
    from ..skills.edits import set_dna
    from ..store.resolve import resolve

    workspace = workspace_of(ctx).require()
    guard = AddressGuard.from_config(workspace.pipeline_config().sources)
    store = _open(ctx)
    try:
        entry = resolve(store, ViralDNA, entry_id)
        edit = set_dna(store, entry, title=title, url=url, tags=tag, clear_tags=clear_tags, guard=guard)
    finally:
        store.close()
    _report("Viral DNA", edit.record, edit.changed, as_json)


@dna_app.command("retry")
def dna_retry(ctx: typer.Context, entry_id: OneId, as_json: AsJson = False) -> None:
    """Put a Failed entry back in the queue for `yp run wf1`. Example: yp dna retry 9f8e7d6c"""
    from ..records import DNAStatus, ViralDNA
    from ..skills.edits import retry_dna
    from ..store.resolve import resolve

    store = _open(ctx)
    try:
        entry = resolve(store, ViralDNA, entry_id)
        edit = retry_dna(store, entry)
    finally:
        store.close()
    if not as_json and not edit.changed and entry.status is not DNAStatus.FAILED:
        console.print(f"nothing to retry: {safe((entry.id or '')[:8])} is {entry.status.value}, not Failed",
                      highlight=False)
        return
    _report("Viral DNA", edit.record, edit.changed, as_json)
    if edit.changed and not as_json:
        console.print("queued again: `yp run wf1` decodes it")


@dna_app.command("remove")
def dna_remove(ctx: typer.Context, ids: Ids, yes: Yes = False, as_json: AsJson = False) -> None:
    """Remove Viral DNA entries, unlinking them from productions (asks first). Example: yp dna remove 9f8e7d6c"""
    from ..records import ViralDNA
    from ..skills.edits import remove_dna

    _remove(ctx, ViralDNA, ids, remove_dna, lambda n: f"{n} Viral DNA entr{'y' if n == 1 else 'ies'}", "Viral DNA",
            yes, as_json)


# ---- Empires -------------------------------------------------------------------------------


@empire_app.command("set")
def empire_set(
    ctx: typer.Context,
    name_or_id: Annotated[str, typer.Argument(metavar="NAME", help="The Empire's name or 4+ characters of its id.")],
    name: Annotated[Optional[str], typer.Option("--name", metavar="NAME", help="A new name.")] = None,
    channel: Annotated[Text, text_option("--channel", "URL", "Its YouTube channel URL, @handle or UC id "
                                                             '("" clears).')] = None,
    niche: Annotated[Optional[list[str]], text_option("--niche", "TAG", "Its niche tags, replacing the old ones "
                                                                        "(repeatable).")] = None,
    as_json: AsJson = False,
) -> None:
    """Change an Empire. Example: yp empire set "Money Moves" --channel @moneymoves --niche finance"""
    from ..skills.edits import set_empire
    from ..skills.empires import find_empire

    store = _open(ctx)
    try:
        edit = set_empire(store, find_empire(store, name_or_id), name=name, channel=channel, niche_tags=niche)
    finally:
        store.close()
    _report("Empire", edit.record, edit.changed, as_json)


@empire_app.command("remove")
def empire_remove(
    ctx: typer.Context,
    name_or_id: Annotated[str, typer.Argument(metavar="NAME")],
    cascade: Annotated[bool, typer.Option("--cascade", help="Also remove its productions.")] = False,
    yes: Yes = False,
    as_json: AsJson = False,
) -> None:
    """Remove an Empire (asks first; refused while it has productions unless --cascade).

    Example: yp empire remove "Old Channel" --cascade
    """
    from ..skills.edits import productions_to_remove_with, remove_empire
    from ..skills.empires import find_empire

    store = _open(ctx)
    try:
        empire = find_empire(store, name_or_id)
        productions = productions_to_remove_with(store, empire, cascade=cascade)  # refused without --cascade
        extra = f" and its {len(productions)} production(s): {_listing(productions)}" if productions else ""
        _confirm(f"Remove the Empire {empire.name!r}{extra} from the {store.name} store?", yes)
        removed = remove_empire(store, empire, cascade=cascade)
    finally:
        store.close()
    _removed("record", [empire, *productions], removed, [], as_json)
