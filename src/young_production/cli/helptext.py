"""Help written for people: words for values, commands in groups, an example for every command.

Typer prints a type tag beside every parameter (`<bool>` on each flag, `<list[str]>`,
`<int range> [x>=1]`). `for_people` walks the built command tree once per process and
makes each parameter show a word instead: nothing for a flag, `N` for a count, `FILE`
for a path, the parameter's own name (`STATUS`, `TAG`) otherwise, unless the command
gave a metavar. Typer has no setting for this, so its two parameter classes are
swapped for subclasses that only change what help displays; parsing and checking are
untouched. It also adds each command's example line from `EXAMPLES` (unless its
docstring gives one); a test holds every command of the tree to exactly one example.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

from typer.core import TyperArgument, TyperOption

START, LISTS, WORKFLOWS, ANALYTICS, ADMIN = "Start here", "Your lists", "Workflows", "Analytics", "Admin"
PANELS = (START, LISTS, WORKFLOWS, ANALYTICS, ADMIN)  # the order `yp --help` shows them in

EXAMPLES: dict[str, str] = {
    "init": "yp init ~/young",
    "demo": "yp demo --dir ~/young-demo",
    "doctor": "yp doctor",
    "empire add": 'yp empire add "Money Moves" --channel https://www.youtube.com/@moneymoves --niche finance',
    "empire list": "yp empire list --wide",
    "empire show": 'yp empire show "Money Moves"',
    "empire style": 'yp empire style "Money Moves" --edit',
    "dna add": 'yp dna add "https://www.youtube.com/watch?v=..." --tag finance',
    "dna list": "yp dna list --status Failed --limit 20",
    "dna show": "yp dna show 6dec489f --transcript",
    "production add": 'yp production add "How I saved 10k" --empire "Money Moves" --format short --status Researching',
    "production list": "yp production list --status Researching",
    "production show": "yp production show d99845ee",
    "run wf1": "yp run wf1 --dry-run",
    "run wf2": "yp run wf2 --yes --min-score 0.5 --top 3",
    "run wf3": "yp run wf3 --production d99845ee",
    "run wf4": 'yp run wf4 --empire "Money Moves"',
    "run wf5": "yp run wf5 --dry-run",
    "runs": "yp runs --workflow wf1 --limit 5",
    "runs show": "yp runs show daf39468",
    "worker": "yp worker --concurrency 2",
    "costs": "yp costs --json",
    "analytics import": 'yp analytics import "Table data.csv" --empire "Money Moves"',
    "db inspect": "yp db inspect",
    "db sample": "yp db sample",
    "db clear": "yp db clear --yes",
    "notion init": "yp notion init --parent 1a2b3c4d5e6f...",
    "notion check": "yp notion check",
    "notion emulate": "yp notion emulate --port 8765",
    "backup": "yp backup ~/young-backup-$(date +%F)",
}


class _OptionForPeople(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:  # noqa: ANN401
        return None if self.is_flag else self.metavar or _word(self)

    def _get_number_range_help_str(self) -> str | None:
        return None


class _ArgumentForPeople(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:  # noqa: ANN401 - the name column already says it
        return None

    def _get_number_range_help_str(self) -> str | None:
        return None


def for_people(command: Any, path: str = "") -> Any:  # noqa: ANN401 - Typer's click command tree
    """`command` and every subcommand with help for people (see the module's docstring)."""
    for param in command.params:
        if isinstance(param, TyperOption) and not param.hidden:
            param.__class__ = _OptionForPeople
        elif isinstance(param, TyperArgument):
            if param.metavar is None:
                param.metavar = _word(param)
            param.__class__ = _ArgumentForPeople
    help_option = command.get_help_option

    def get_help_option(ctx: Any) -> Any:  # noqa: ANN401 - `--help` is made per context, not a param
        option = help_option(ctx)
        if isinstance(option, TyperOption):
            option.__class__ = _OptionForPeople
        return option

    command.get_help_option = get_help_option
    commands = getattr(command, "commands", None)
    if commands:  # panels in PANELS order; commands keep their order within a panel
        rank = {panel: i for i, panel in enumerate(PANELS)}
        command.commands = dict(sorted(commands.items(), key=lambda kv: rank.get(kv[1].rich_help_panel, -1)))
    example = EXAMPLES.get(path)
    if command.help and "Example:" in command.help:  # its own paragraph, out of the one-line summary
        command.help = re.sub(r"\s*Example:\s*", "\n\nExample: ", command.help.rstrip(), count=1)
    elif example and command.help:
        command.help = f"{command.help.rstrip()}\n\nExample: {example}"
    for name, sub in getattr(command, "commands", {}).items():
        for_people(sub, f"{path} {name}".strip())
    return command


def _word(param: Any) -> str:  # noqa: ANN401
    """The word a value is shown as: N, NUMBER, FILE, DIR, or the parameter's name in capitals."""
    annotation = param.type_descriptor.annotation
    inner = get_args(annotation)[0] if get_args(annotation) else annotation
    name = (param.name or "value").upper()
    if inner is int:
        return "N"
    if inner is float:
        return "NUMBER"
    if inner is Path:
        return "DIR" if any(w in name for w in ("DIR", "WORKSPACE")) else "FILE"
    return name
