"""The approval prompt as a library call: parsing picks, each answer's decision, escaping, --yes mode."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator

import pytest
from rich.console import Console

from young_production.cli.approval import ask_link_approval
from young_production.skills.linking.decisions import (
    LinkDecision,
    SelectionError,
    non_interactive_decision,
    parse_selection,
)
from young_production.errors import YPError
from young_production.skills.linking.rank import LinkSuggestion


def suggestion(n: int, score: float, title: str | None = None) -> LinkSuggestion:
    return LinkSuggestion(dna_id=f"d{n}", dna_title=title or f"Reference {n}", relevance_score=score,
                          parts={"lexical": score, "semantic": 0.5}, reasoning=f"Reason {n}", matching_tags=["tag"])


SUGGESTIONS = [suggestion(1, 0.9), suggestion(2, 0.6), suggestion(3, 0.4), suggestion(4, 0.2)]


class Keyboard:
    """Answers read_line with the given lines, then end of input (or a raised exception)."""

    def __init__(self, *lines: str | type[BaseException]):
        self._lines: Iterator[str | type[BaseException]] = iter(lines)
        self.prompts = 0

    def __call__(self, prompt: str) -> str:
        self.prompts += 1
        line = next(self._lines, EOFError)
        if isinstance(line, type):
            raise line()
        return line


def ask(*lines: str | type[BaseException], suggestions: list[LinkSuggestion] = SUGGESTIONS,
        title: str = "Why we sleep") -> tuple[LinkDecision, str, Keyboard]:
    console = Console(record=True, width=140, force_terminal=False)
    keyboard = Keyboard(*lines)
    decision = ask_link_approval(console, title, suggestions, keyboard)
    return decision, console.export_text(), keyboard


@pytest.mark.parametrize("text, expected", [
    ("1 3 4", [1, 3, 4]), ("1,3", [1, 3]), ("2-4", [2, 3, 4]), (" 4, 1-2 ;2 ", [4, 1, 2]), ("3 3 1-3", [3, 1, 2]),
    ("2 – 3", [2, 3]),
])
def test_picks_parse_in_the_order_given_without_repeats(text: str, expected: list[int]) -> None:
    assert parse_selection(text, 4) == expected


@pytest.mark.parametrize("text, message", [
    ("", "at least one"), ("0", "0 is not on the list: pick 1 to 4"), ("5", "5 is not on the list"),
    ("2-9", "9 is not on the list"), ("x", "'x' is not a number"), ("1-", "'1-' is not a number"),
    ("4-2", "runs backwards: write 2-4"), ("1.5", "'1.5' is not a number"),
])
def test_bad_picks_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(SelectionError, match=message) as caught:
        parse_selection(text, 4)
    assert isinstance(caught.value, YPError)
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)


def test_approve_links_every_shown_suggestion() -> None:
    decision, out, _ = ask("A")
    assert decision.action == "approve" and decision.selected_ids == ["d1", "d2", "d3", "d4"]
    assert decision.shown == SUGGESTIONS
    assert "90%" in out and "Reason 1" in out and "Linking all 4" in out


def test_modify_asks_again_after_bad_or_empty_picks() -> None:
    decision, out, keyboard = ask("m", "", "7", "one", "2-3")
    assert decision.action == "modify" and decision.selected_ids == ["d2", "d3"]
    assert keyboard.prompts == 5
    assert "Pick at least one number" in out and "7 is not on the list: pick 1 to 4" in out
    assert "Linking 2: Reference 2; Reference 3" in out


def test_numbers_at_the_first_question_pick_directly_and_unknown_keys_are_asked_again() -> None:
    decision, out, _ = ask("x", "yes", "3 1")
    assert (decision.action, decision.selected_ids) == ("modify", ["d3", "d1"])
    assert out.count("Please answer A, M, S or Q") == 2


def test_a_letter_at_the_pick_question_answers_the_main_one() -> None:
    assert ask("m", "a")[0].selected_ids == ["d1", "d2", "d3", "d4"]
    assert ask("m", "s")[0].action == "skip"
    assert ask("modify", "Q")[0].action == "quit"


def test_skip_and_quit_select_nothing_but_keep_what_was_shown() -> None:
    for key, action in (("s", "skip"), ("skip", "skip"), ("q", "quit"), ("QUIT", "quit")):
        decision = ask(key)[0]
        assert (decision.action, decision.selected_ids, decision.shown) == (action, [], SUGGESTIONS)


def test_end_of_input_quits_and_ctrl_c_is_left_to_the_caller() -> None:
    assert ask()[0].action == "quit"
    assert ask("m")[0].action == "quit"
    with pytest.raises(KeyboardInterrupt):
        ask("m", KeyboardInterrupt)


def test_no_suggestions_is_a_skip_without_a_question() -> None:
    decision, out, keyboard = ask(suggestions=[])
    assert decision.action == "skip" and keyboard.prompts == 0 and "No Viral DNA to suggest" in out


def test_untrusted_text_is_shown_literally_never_as_markup() -> None:
    hostile = [LinkSuggestion("d1", "[bold red]Loud[/] title", 0.5, {"lexical": 0.5}, "Because [link=x]y[/link]",
                              ["[blink]tag"], ai_reason="[i]model[/i] says so")]
    decision, out, _ = ask("1", suggestions=hostile, title="[green]My[/green] production")
    assert decision.selected_ids == ["d1"]
    for literal in ("[green]My[/green] production", "[bold red]Loud[/] title", "Because [link=x]y[/link]",
                    "[blink]tag", "[i]model[/i] says so"):
        assert literal in out


def test_non_interactive_takes_the_best_k_at_or_above_the_minimum() -> None:
    decision = non_interactive_decision(SUGGESTIONS, min_score=0.5, top_k=5)
    assert (decision.action, decision.selected_ids) == ("approve", ["d1", "d2"])
    assert non_interactive_decision(SUGGESTIONS, min_score=0.0, top_k=3).selected_ids == ["d1", "d2", "d3"]
    assert non_interactive_decision(list(reversed(SUGGESTIONS)), 0.0, 1).selected_ids == ["d1"]
    none = non_interactive_decision(SUGGESTIONS, min_score=0.95, top_k=3)
    assert (none.action, none.selected_ids, len(none.shown)) == ("skip", [], 4)
    with pytest.raises(SelectionError, match="between 0 and 1"):
        non_interactive_decision(SUGGESTIONS, min_score=60, top_k=3)
    with pytest.raises(SelectionError, match="at least 1"):
        non_interactive_decision(SUGGESTIONS, min_score=0.5, top_k=0)


def test_the_decision_record_holds_every_shown_score_and_what_was_picked() -> None:
    decision = ask("1 3")[0]
    record = json.loads(json.dumps(decision.to_record()))
    assert record["action"] == "modify" and record["selected_ids"] == ["d1", "d3"]
    assert [(s["dna_id"], s["relevance_score"], s["selected"]) for s in record["shown"]] == [
        ("d1", 0.9, True), ("d2", 0.6, False), ("d3", 0.4, True), ("d4", 0.2, False)]
    assert record["shown"][0]["parts"] == {"lexical": 0.9, "semantic": 0.5}


def test_the_wf2_prompt_stops_on_ctrl_c_whichever_thread_the_signal_reaches(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel may give SIGINT to any of the engine's threads; the prompt must still stop."""
    import os
    import signal
    import sys
    import threading
    import time

    from young_production.cli.run import read_terminal_line

    master, slave = os.openpty()
    stdin = os.fdopen(slave, "r")
    monkeypatch.setattr(sys, "stdin", stdin)

    def interrupt_from_this_thread() -> None:
        time.sleep(0.3)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)

    other = threading.Thread(target=interrupt_from_this_thread)
    try:
        other.start()
        with pytest.raises(KeyboardInterrupt):
            read_terminal_line()
        os.write(master, "1 3\n".encode())
        assert read_terminal_line() == "1 3"  # a line typed at the terminal, as input() returns it
        os.write(master, b"\x04")  # Ctrl-D: end of input
        with pytest.raises(EOFError):
            read_terminal_line()
    finally:
        other.join()
        stdin.close()
        os.close(master)
