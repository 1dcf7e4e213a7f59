"""Second round of decoding rules: claims without a title, promises paid off in other words, cleaner tags."""

from __future__ import annotations

import inspect

from young_production.text.answers import find_answer, rarity
from young_production.text.keyphrases import niche_tags
from young_production.text.loops import best_loop, find_loops
from young_production.text.perspective import find_perspective, score_sentences

from .texts import untimed


# --- perspective -----------------------------------------------------------------------------

FILLER = (
    "The factory opened in the spring and hired forty people from the valley.",
    "Trucks arrived every morning with parts from the coast and left with boxes for the city.",
    "The canteen served soup on Mondays and fish on Fridays, and nobody complained much.",
    "A new road was built along the river, and the old bridge was painted green.",
    "Some workers cycled in from the villages while others took the early bus.",
    "The manager kept a notebook of every delay, every broken belt and every late delivery.",
)


def test_the_perspective_never_reads_the_title() -> None:
    assert "title" not in inspect.signature(find_perspective).parameters
    assert "title" not in inspect.signature(score_sentences).parameters


def test_an_antithesis_beats_long_sentences_of_frequent_words() -> None:
    claim = "People don't buy what you make; they buy why you make it."
    sentences = untimed(*FILLER[:3], claim, *FILLER[3:])

    perspective = find_perspective(sentences)

    assert perspective is not None and claim in perspective


def test_what_matters_and_a_closing_ultimately_are_claims_but_signposting_is_not() -> None:
    signpost = "In this video I want to show you what really happened at the factory, not as a legend but as history."
    claim = "Ultimately, what matters is whether the people who build things can trust each other."
    sentences = untimed(signpost, *FILLER, claim)
    scores = score_sentences(sentences)

    perspective = find_perspective(sentences)

    assert perspective == claim
    assert scores[0] < scores[-1]


def test_centrality_does_not_reward_length_alone() -> None:
    long_detail = ("The sourdough starter sat next to the flour, the scale, the jars, the towels, the spoons, the "
                   "timer, the thermometer, the bowls and the bench scraper on the crowded counter all week.")
    sentences = untimed(
        "A sourdough starter is flour and water that wild yeast has colonised.",
        long_detail,
        "Feed the sourdough starter flour and water every day.",
        "A healthy sourdough starter doubles within six hours of a feeding.",
        "Wild yeast in the sourdough starter makes the bread rise.",
    )
    scores = score_sentences(sentences)

    assert max(range(len(sentences)), key=scores.__getitem__) != 1


# --- loops and pay-offs ----------------------------------------------------------------------


def test_a_promise_pays_off_where_its_rarest_words_come_back() -> None:
    sentences = untimed(
        "Later I'm going to show you a diagram that helps you rediscover this formula when needed.",
        "First, the formula itself, which has four terms.",
        "Each term of the formula is a probability.",
        "People often memorise the formula and forget it a week later.",
        "The formula is easier to use than it looks.",
        "Instead of memorising, draw this diagram whenever it is needed.",
        "Thanks for watching.",
    )

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.kind == "promise"
    assert loop.resolution is not None and loop.resolution.text.startswith("Instead of memorising, draw this diagram")


def test_a_what_is_promise_pays_off_on_its_reveal() -> None:
    sentences = untimed(
        "What I want to do here is show you what a neural network actually is.",
        "As the name says, neural networks are inspired by the brain.",
        "Each neuron holds a number between zero and one.",
        "The neurons are arranged in layers, and each layer feeds the next.",
        "Really, the entire network is just a function that turns pixels into ten numbers.",
        "Next time we will see how it learns.",
    )

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.kind == "promise"
    assert loop.resolution is not None and loop.resolution.index == 4


def test_a_count_of_problems_opens_a_loop_that_pays_off_at_the_first_one() -> None:
    counted = untimed(
        "Neo-banks promise to fix banking for people who are broke.",
        "But there are two problems with this potential disruption.",
        "One, it might not stay consumer-friendly in the long run.",
        "A second problem is more serious.",
    )
    remark = untimed("There are two things you need to know before you start.", "Saving is hard.", "Time helps.")

    loop = best_loop(find_loops(counted), len(counted))

    assert loop is not None and loop.kind == "list"
    assert loop.resolution is not None and loop.resolution.index == 2
    assert find_loops(remark) == []  # the count never followed by its items is a remark


def test_a_teaser_never_revealed_is_not_a_loop() -> None:
    sentences = untimed(
        "Sometimes math and physics conspire in ways that feel too good to be true.",
        "Two blocks slide on a frictionless floor toward a wall.",
        "Count the collisions between them.",
    )

    assert all(loop.kind != "catch" for loop in find_loops(sentences))


def test_a_posed_puzzle_is_a_question_left_open() -> None:
    sentences = untimed(
        "Problem number ten asks this seemingly innocent question.",
        "Find the number of subsets of the set 1 up to 2000 whose sum is divisible by 5.",
        "Take the small set 1, 2, 3, 4, 5 to see what it means.",
        "It has 32 subsets, which look like this.",
        "Sort them by their sums, and 8 of them have a sum divisible by 5.",
        "The answer here would be 8.",
    )

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.opener.index == 1 and loop.payoff is None


def test_a_year_asked_about_is_answered_where_it_comes_back() -> None:
    sentences = untimed(
        "It all started in 2010.",
        "The question is what happened in 2009?",
        "The province upwind of the city grows most of the country's rice.",
        "Its farmers pumped so much groundwater that the wells ran low.",
        "To fix that, the government in 2009 passed a law to delay planting.",
    )

    answer = find_answer(sentences, 1, rarity(sentences))

    assert answer is not None and answer.sentence.index == 4


def test_an_answer_cue_far_from_the_question_needs_a_shared_word() -> None:
    sentences = untimed(
        "What is the expected value of the shadow's area?",
        "Picture a cube tumbling in the sun.",
        "Its shadow changes with every turn.",
        "Some turns make a square, others a hexagon.",
        "Mathematicians love this kind of problem.",
        "It turns out to be a perfect setting for a story about problem solving.",
    )

    assert find_answer(sentences, 0, rarity(sentences)) is None


# --- tags ------------------------------------------------------------------------------------


def test_evaluative_adjectives_generic_nouns_and_repeats_are_no_tags() -> None:
    sentences = untimed(
        "Woo woo woo, said the crowd as the balloon rose over the city.",
        "The hot air balloon rose over the city with a beautiful view.",
        "A hot air balloon needs a burner, an envelope and a basket.",
        "The beautiful view from the basket is why people ride a hot air balloon.",
        "The burner heats the air inside the envelope of the balloon.",
        "Woo woo woo, said the crowd again when the balloon came down in the city.",
    )

    tags = niche_tags(sentences)

    assert "hot air balloon" in tags or "balloon" in tags
    assert not any(t.startswith("beautiful") or t == "city" or t.startswith("woo") for t in tags)
    assert "balloon rose" not in tags  # a subject and its verb are no noun phrase
