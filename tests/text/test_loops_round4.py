"""Fourth round of the loop rules: questions stated rather than asked, "I am talking about" answers,
and a teaser revealed in the sentence that says it again."""

from __future__ import annotations

from young_production.text.loops import best_loop, find_loops

from .texts import untimed


def test_a_question_stated_not_asked_opens_a_loop() -> None:
    sentences = untimed(
        "The formation of galaxies is a complex dance between matter and energy.",
        "How spiral galaxies got their arms remains one of the most difficult puzzles of cosmology.",
        "Astronomers have measured thousands of them.",
    )

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.opener.index == 1


def test_a_plain_statement_about_a_question_is_no_loop() -> None:
    sentences = untimed(
        "The question of taxes came up at the meeting.",
        "Members voted on the budget.",
        "The meeting ended at nine.",
    )

    assert find_loops(sentences) == []


def test_what_do_i_mean_is_answered_by_i_am_talking_about() -> None:
    sentences = untimed(
        "Peace has been the goal of every generation before ours.",
        "Peace matters to every family and every nation on earth.",
        "Leaders speak of peace at every summit, year after year.",
        "What kind of peace do I mean?",
        "What kind of peace do we seek?",
        "Not a peace enforced on the world by weapons of war.",
        "I am talking about genuine peace, the kind that makes life worth living.",
        "Peace is the necessary end of rational men.",
    )

    loops = [loop for loop in find_loops(sentences) if loop.opener.index == 3]

    assert loops and loops[0].resolution is not None and loops[0].resolution.index == 6


def test_a_teaser_said_again_pays_off_on_the_reveal_after_it() -> None:
    sentences = untimed(
        "Here's an art puzzle that feels impossible but is secretly related to some deep math.",
        "Try drawing a picture with three colors where every boundary point touches all of them.",
        "Every attempt leaves a line of points that touches only two colors.",
        "This might feel impossible, and with smooth shapes it is, but there are actually infinitely many solutions.",
        "One example is a family of figures known as Newton fractals.",
    )

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.opener.index == 0
    assert loop.resolution is not None and loop.resolution.index == 3
    assert loop.payoff is not None and loop.resolution.text[loop.payoff.position :].startswith("there are actually")


def test_the_search_for_answers_pays_off_a_question_stated_in_an_article() -> None:
    sentences = untimed(
        "The formation of galaxies is a complex dance between matter and energy.",
        "How the variety of galaxies arose from the chaos of the Big Bang remains one of the hardest puzzles of cosmology.",
        "In search of answers, a team of scientists has built the most detailed simulation of the universe to date.",
        "Their virtual universe holds thousands of evolving galaxies.",
    )

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.opener.index == 1
    assert loop.resolution is not None and loop.resolution.index == 2


def test_a_few_concerns_announced_pay_off_at_my_first_piece_of_advice_after_a_story() -> None:
    story = [f"In my {n}th summer I interned at another software startup and missed math." for n in range(4, 16)]
    sentences = untimed(
        "Graduates are told to follow their dreams.",
        "I think there are a few pragmatic concerns that don't fit neatly into an inspirational speech.",
        "Maybe it's better if I just start with a story.",
        *story,
        "My first piece of advice is to notice how much power you have to help others.",
    )

    loops = [loop for loop in find_loops(sentences) if loop.kind == "list"]

    assert loops and loops[0].opener.index == 1
    assert loops[0].resolution is not None and loops[0].resolution.text.startswith("My first piece of advice")


def test_a_few_things_never_itemised_are_a_remark() -> None:
    sentences = untimed(
        "There are a few things I love about this city.",
        "The river is wide and slow.",
        "People walk everywhere in the evening.",
    )

    assert all(loop.kind != "list" for loop in find_loops(sentences))


def test_an_intention_to_find_out_opens_a_loop_paid_off_where_the_result_is_shown() -> None:
    sentences = untimed(
        "So I have here a 48 MHz crystal oscillator from the late nineties in a small ceramic package.",
        "I'm quite interested to know what's actually inside one of these.",
        "Some say these are really MEMS devices in disguise.",
        "I'll use a pair of side cutters to take the lid off.",
        "The lid is welded on quite firmly so this takes a while.",
        "So I've got the lid off and surprise surprise there's a crystal inside.",
        "And there's the die, bonded with gold wires.",
    )

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.kind == "explore" and loop.opener.index == 1
    assert loop.resolution is not None and loop.resolution.index == 5


def test_a_topic_kept_for_an_upcoming_episode_is_a_loop_left_open() -> None:
    sentences = untimed(
        "Drugs change how neurons talk to each other.",
        "We'll be delving more deeply into the science of addiction in an upcoming episode.",
        "For now, let's sort these drugs into three families.",
    )

    loops = [loop for loop in find_loops(sentences) if loop.kind == "withheld"]

    assert loops and loops[0].opener.index == 1 and loops[0].payoff is None


def test_next_time_you_shop_is_no_withheld_loop() -> None:
    sentences = untimed(
        "Next time you shop, look at the labels.",
        "Most of the sugar hides under other names.",
        "Dextrose and maltose are both sugar.",
    )

    assert all(loop.kind != "withheld" for loop in find_loops(sentences))


def test_a_repair_pays_off_on_its_verdict_far_from_the_intention() -> None:
    steps = [f"Step {n}: I desoldered part number {n} and measured it on the bench." for n in range(1, 14)]
    sentences = untimed(
        "This LED bulb stopped lighting up after two years in the hallway.",
        "So I thought I'd try and fix it.",
        *steps,
        "I put it back in the fixture, turned it on, and it works perfectly now.",
    )

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.kind == "explore" and loop.opener.index == 1
    assert loop.resolution is not None and "works perfectly" in loop.resolution.text


def test_how_it_works_is_no_verdict() -> None:
    sentences = untimed(
        "So I thought I'd take a look inside this dust sensor.",
        "This is how it works: a laser crosses the air stream.",
        "Dust scatters the light onto a photodiode.",
    )

    loops = [loop for loop in find_loops(sentences) if loop.kind == "explore"]

    assert loops and (loops[0].resolution is None or "how it works" not in loops[0].resolution.text)
