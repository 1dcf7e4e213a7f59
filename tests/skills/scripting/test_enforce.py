"""Style enforcement on any text: avoided words, sentence length, joining toward a target."""

from __future__ import annotations

from young_production.skills.scripting.enforce import (
    apply_style,
    find_avoided,
    long_sentences,
    sentences_of,
    word_count,
)
from young_production.skills.scripting.style import StyleRules

LONG = ("Most people think saving money is about cutting coffee, but the truth is that your income matters far "
        "more than your expenses because income has no ceiling and expenses do.")


def test_long_sentences_are_cut_at_natural_breaks() -> None:
    out = apply_style(LONG, StyleRules(max_sentence_words=12))
    pieces = sentences_of(out)
    assert pieces == [
        "Most people think saving money is about cutting coffee.",
        "But the truth is that your income matters far more than your expenses.",  # 13 words, no clean break
        "Because income has no ceiling.",
        "And expenses do.",
    ]
    assert word_count(out) == word_count(LONG)  # nothing lost
    assert long_sentences(out, 12) == [pieces[1]] and long_sentences(LONG, 12) == [LONG]


def test_a_sentence_without_a_clause_break_is_left_whole_and_reported() -> None:
    text = "I will show you the exact routine I use every single night before bed"
    out = apply_style(text, StyleRules(max_sentence_words=8))
    assert sentences_of(out) == [text + "."]  # never "... the exact. Routine I use ..."
    assert long_sentences(out, 8) == [text + "."]


def test_avoided_words_and_their_forms_go_swaps_first() -> None:
    rules = StyleRules(avoid=["basically", "hack", "guru", "passive income"], replacements={"guru": "teacher"})
    text = ("Basically, this hack beats every guru. Two hacks, one rule. "
            "Passive income is a myth, literally basically.")
    out = apply_style(text, rules)
    assert find_avoided(out, rules) == []
    assert out.startswith("This trick beats every teacher.")  # neutral swap for 'hack', the style's for 'guru'
    assert "Two tricks, one rule." in out
    assert out.endswith("Is a myth, literally.")  # the sentence still starts with a capital


def test_a_swap_that_is_itself_avoided_is_dropped_instead() -> None:
    rules = StyleRules(avoid=["hack", "trick"])
    out = apply_style("This hack works.", rules)
    assert find_avoided(out, rules) == [] and out == "This works."


def test_short_statements_join_toward_a_long_target() -> None:
    text = "Sleep matters. It repairs the body. But most of us skip it. I did too, for years."
    out = apply_style(text, StyleRules(target_sentence_words=24))
    assert sentences_of(out) == ["Sleep matters, and it repairs the body, but most of us skip it, and I did too, for years."]
    # a question stays its own sentence, and a maximum caps what joining may build
    capped = apply_style("Why sleep? It repairs the body. Most of us skip it.", StyleRules(target_sentence_words=24,
                                                                                       max_sentence_words=8))
    assert sentences_of(capped)[0] == "Why sleep?"
    assert all(word_count(s) <= 8 for s in sentences_of(capped))
