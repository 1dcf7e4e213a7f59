"""WF2's approval prompt: a person approves, trims or skips the DNA suggested for each production.

One Rich table per production (number, DNA title, score, reason, matching tags),
then one key: A approves all, M picks by numbers ("1 3 5", "1,3", "2-4"), S skips,
Q quits. Typing numbers straight away picks them too. Bad input gets a one-line
message and the same question again; nothing is decided until the answer is valid.

Ctrl-C raises KeyboardInterrupt and end of input (Ctrl-D, a closed pipe) answers
"quit": either way the caller keeps the decisions already made and writes nothing
for this production. Titles, reasons and tags come from scraped pages and
collaborators, so every one of them goes through `output.safe` (markup escaped,
control characters shown) before Rich renders it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.table import Table

from ..skills.linking.decisions import Action, LinkDecision, SelectionError, parse_selection
from ..skills.linking.rank import LinkSuggestion
from .output import safe

ReadLine = Callable[[str], str]

_ACTIONS: dict[str, Action] = {
    "a": "approve", "approve": "approve", "m": "modify", "modify": "modify",
    "s": "skip", "skip": "skip", "q": "quit", "quit": "quit",
}
_SELECTION_START = re.compile(r"^\s*\d")
_MAIN_PROMPT = r"[bold]\[A][/]pprove all · [bold]\[M][/]odify · [bold]\[S][/]kip · [bold]\[Q][/]uit › "
_PICK_PROMPT = "Numbers to link (e.g. [bold]1 3[/], [bold]1,3[/], [bold]2-4[/]; [bold]A[/] all, [bold]S[/] skip, [bold]Q[/] quit) › "


def suggestions_table(production_title: str, suggestions: Sequence[LinkSuggestion]) -> Table:
    table = Table(title=f"[bold]{safe(production_title)}[/]", title_justify="left", expand=True, show_lines=False)
    table.add_column("#", justify="right", style="bold", no_wrap=True)
    table.add_column("Viral DNA", ratio=3)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Why", ratio=5)
    table.add_column("Tags", ratio=2)
    for number, s in enumerate(suggestions, 1):
        reason = safe(s.reasoning)
        if s.ai_reason:
            reason = f"{safe(s.ai_reason)}\n[dim]{reason}[/]"
        table.add_row(str(number), safe(s.dna_title), f"[{_score_style(s.relevance_score)}]{s.relevance_score:.0%}[/]",
                      reason, safe(", ".join(s.matching_tags)) or "[dim]-[/]")
    return table


def ask_link_approval(
    console: Console,
    production_title: str,
    suggestions: Sequence[LinkSuggestion],
    read_line: ReadLine,
    linked: Sequence[str] = (),
) -> LinkDecision:
    """Show the suggestions for one production and ask until there is a valid answer.

    `read_line(prompt)` returns one line of input (`input` does); it raises EOFError at
    the end of input, which answers "quit", and KeyboardInterrupt on Ctrl-C, which is
    left to the caller. `linked`: titles of the references the production links already (the
    suggestions never repeat them); shown under the table.
    """
    shown = list(suggestions)
    if not shown:
        console.print(f"[dim]No Viral DNA to suggest for[/] {safe(production_title)}")
        return LinkDecision("skip")
    console.print(suggestions_table(production_title, shown))
    if linked:  # what is linked already stays linked (`yp production unlink` removes a link)
        console.print(f"[dim]Linked now ({len(linked)}):[/] " + "; ".join(safe(t) for t in linked), highlight=False)
    while True:
        answer = _ask(console, _MAIN_PROMPT, read_line)
        if answer is None:
            return LinkDecision("quit", shown=shown)
        if _SELECTION_START.match(answer):
            decision = _picked(console, answer, shown)
            if decision is not None:
                return decision
            continue
        action = _ACTIONS.get(answer.strip().lower())
        if action is None:
            console.print("[yellow]Please answer A, M, S or Q (or type the numbers to link).[/]")
        elif action == "modify":
            return _modify(console, shown, read_line)
        else:
            return _decide(console, action, shown)


def _modify(console: Console, shown: list[LinkSuggestion], read_line: ReadLine) -> LinkDecision:
    """Ask for numbers until they are valid (a letter answers the main question instead)."""
    while True:
        answer = _ask(console, _PICK_PROMPT, read_line)
        if answer is None:
            return LinkDecision("quit", shown=shown)
        action = _ACTIONS.get(answer.strip().lower())
        if action is not None and action != "modify":
            return _decide(console, action, shown)
        if action is None:
            decision = _picked(console, answer, shown)
            if decision is not None:
                return decision


def _decide(console: Console, action: Action, shown: list[LinkSuggestion]) -> LinkDecision:
    if action == "approve":
        console.print(f"[green]Linking all {len(shown)}.[/]")
        return LinkDecision("approve", [s.dna_id for s in shown], shown)
    return LinkDecision(action, shown=shown)


def _picked(console: Console, answer: str, shown: list[LinkSuggestion]) -> LinkDecision | None:
    try:
        numbers = parse_selection(answer, len(shown))
    except SelectionError as exc:
        message = str(exc)
        console.print(f"[yellow]{safe(message[:1].upper() + message[1:])}.[/]")
        return None
    chosen = [shown[n - 1] for n in numbers]
    console.print(f"[green]Linking {len(chosen)}:[/] " + "; ".join(safe(s.dna_title) for s in chosen))
    return LinkDecision("modify", [s.dna_id for s in chosen], shown)


def _ask(console: Console, prompt: str, read_line: ReadLine) -> str | None:
    console.print(prompt, end="")
    try:
        return read_line("")
    except EOFError:
        console.print()
        return None


def _score_style(score: float) -> str:
    return "green" if score >= 0.6 else "yellow" if score >= 0.35 else "red"
