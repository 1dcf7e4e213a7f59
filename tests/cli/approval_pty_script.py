"""Runs the WF2 approval prompt on a real terminal for tests/cli/test_approval_pty.py.

Four productions, three suggestions each, read with the built-in `input`. Each
decision is printed as `DECISION {json}`; on Ctrl-C the script prints
`INTERRUPTED {json}` with the decisions kept so far and exits 130, as a caller
that keeps what was approved would.
"""

from __future__ import annotations

import json
import sys

from rich.console import Console

from young_production.cli.approval import ask_link_approval
from young_production.skills.linking.rank import LinkSuggestion

PRODUCTIONS = ["Why we sleep", "[bold]Markup[/bold] in a title", "Grit beats talent", "Mars or bust"]


def suggestions(production: int) -> list[LinkSuggestion]:
    return [
        LinkSuggestion(
            dna_id=f"p{production}-dna{n}",
            dna_title=f"Reference {n} [red]not markup[/red]" if n == 2 else f"Reference {n}",
            relevance_score=round(0.9 - 0.2 * n, 2),
            parts={"lexical": 0.5, "semantic": 0.6},
            reasoning=f"Words 'sleep' ({n}0%); meaning close (50%)",
            matching_tags=["health", "sleep"],
        )
        for n in (1, 2, 3)
    ]


def main() -> int:
    console = Console()
    kept = []
    try:
        for number, title in enumerate(PRODUCTIONS):
            decision = ask_link_approval(console, title, suggestions(number), input)
            record = {"production": title, "action": decision.action, "selected_ids": decision.selected_ids}
            print("DECISION " + json.dumps(record), flush=True)
            if decision.action == "quit":
                break
            kept.append(record)
    except KeyboardInterrupt:
        print("\nINTERRUPTED " + json.dumps(kept), flush=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
