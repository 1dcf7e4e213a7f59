"""The rules behind S05-S07 and S09 on realistic transcripts: hooks, open loops, perspective, tags."""

from __future__ import annotations

from functools import partial

import pytest

from tests import speech
from young_production.text.hooks import CUES, FALLBACK, PRIORITY, find_hook
from young_production.text.keyphrases import niche_tags
from young_production.text.loops import best_loop, find_loops
from young_production.text.perspective import find_perspective
from young_production.text.sentences import STOP_WORDS, Sentence, split_sentences
from young_production.skills.dna.decode import HookPattern
from young_production.transcript import Segment

timed = partial(speech.timed, words_per_segment=8)


def spoken_at(text: str, phrase: str) -> float:
    """When `phrase` starts in `text` read by `timed`."""
    return len(text[: text.index(phrase)].split()) / speech.WORDS_PER_SECOND


def sentences_of(text: str, *, timed_text: bool = True) -> tuple[Sentence, ...]:
    if timed_text:
        return split_sentences(timed(text))
    return split_sentences([Segment(paragraph) for paragraph in text.split("\n") if paragraph.strip()])


# --- S06 hooks ------------------------------------------------------------------------------

CONTINUATION = (
    " Let me walk you through it from the start. We will go through the background first and then the details,"
    " and I will keep it short so you can follow along at home."
)
HOOKS = {
    HookPattern.QUESTION: "Have you ever wondered why some people never seem to get sick? I asked ten doctors.",
    HookPattern.BOLD_CLAIM: "This one habit will change your life more than any diet ever could. I am serious.",
    HookPattern.NUMBER_LIST: "Here are 7 habits that made me a better programmer. Number four took me years.",
    HookPattern.STORY: "Three years ago I was sleeping on my brother's couch with forty dollars in my bank account.",
    HookPattern.RESULT_FIRST: "I made $12,000 in 30 days selling digital planners on Etsy. And I had zero followers.",
    HookPattern.HOW_TO: "In this video I'll show you how to edit a YouTube video on your phone in under ten minutes.",
    HookPattern.CONTRARIAN: "Everything you've been told about breakfast is wrong. It is not the most important meal.",
    HookPattern.STATISTIC: "Eighty percent of new restaurants close within five years. Eight out of ten never profit.",
    HookPattern.DIRECT_ADDRESS: "If you're always tired after lunch, this video is for you. The cause is simple.",
    HookPattern.STATEMENT: "Okay so this is my kitchen. We painted it over the holidays and put in a new sink.",
}


@pytest.mark.parametrize("pattern", list(HOOKS), ids=[p.value for p in HOOKS])
def test_timed_hook_is_the_opening_seconds_with_its_pattern(pattern: HookPattern) -> None:
    text = HOOKS[pattern] + CONTINUATION

    hook = find_hook(split_sentences(timed(text)))

    assert hook is not None
    assert hook.pattern == pattern.value
    assert hook.start == 0.0
    assert 8.0 <= hook.end <= 16.0  # the first ~8-15 seconds, cut at a sentence end
    assert text.startswith(hook.text)
    assert 0.3 <= hook.confidence <= 0.95
    if pattern is not HookPattern.STATEMENT:
        assert hook.confidence >= 0.5


@pytest.mark.parametrize("pattern", list(HOOKS), ids=[p.value for p in HOOKS])
def test_untimed_hook_is_the_opening_lines_with_its_pattern(pattern: HookPattern) -> None:
    article = [Segment(HOOKS[pattern]), Segment(CONTINUATION.strip())]

    hook = find_hook(split_sentences(article))

    assert hook is not None
    assert hook.pattern == pattern.value
    assert hook.start is None and hook.end is None
    assert HOOKS[pattern].startswith(hook.text.split(". ")[0])


def test_article_hook_skips_the_repeated_title_and_the_byline() -> None:
    article = [
        Segment("Why Remote Teams Burn Out"),
        Segment("By Dana Whitfield"),
        Segment("Published March 3, 2025"),
        Segment("Three out of four remote employees say they work longer hours than they did in the office."),
        Segment("Managers blame discipline. They are wrong."),
    ]

    hook = find_hook(split_sentences(article), title="Why remote teams burn out")

    assert hook is not None
    assert hook.text.startswith("Three out of four remote employees")
    assert hook.pattern == HookPattern.STATISTIC.value


def test_a_greeting_is_not_the_hook_the_window_starts_after_it() -> None:
    text = (
        "Hey guys, welcome back to the channel. Today I'm going to show you how to fix a leaking tap in five minutes."
        + CONTINUATION
    )

    hook = find_hook(split_sentences(timed(text)))

    assert hook is not None and hook.pattern == HookPattern.HOW_TO.value
    assert hook.text.startswith("Today I'm going to show you how to fix a leaking tap")
    assert hook.start is not None and hook.start > 1.0  # the greeting's seconds are not part of it


def test_the_hook_window_starts_when_speech_starts() -> None:
    intro = [Segment("[Music]", 0.0, 20.0)]
    speech = [Segment(s.text, s.start + 20.0, s.end + 20.0) for s in timed(HOOKS[HookPattern.STORY] + CONTINUATION)]

    hook = find_hook(split_sentences(intro + speech))

    assert hook is not None and hook.pattern == HookPattern.STORY.value
    assert hook.text.startswith("Three years ago")
    assert hook.start == 20.0 and 28.0 <= hook.end <= 36.0


def test_every_rule_pattern_is_a_hook_pattern_value() -> None:
    assert set(CUES) | {FALLBACK} == {p.value for p in HookPattern}
    assert set(PRIORITY) == set(CUES)


# --- S07 open loops -------------------------------------------------------------------------

SLEEP = (
    "I slept four hours a night for ten years and I thought it made me productive. "
    "Stay until the end, because the third mistake is the one that almost cost me my health. "
    "Hey, I'm Sam, and on this channel we talk about sleep science and performance. "
    "Most people think sleep is wasted time. But the truth is that deep sleep is when your brain files away "
    "everything you learned during the day. So let's get into the three sleep mistakes I made. "
    "The first mistake was caffeine after lunch. Caffeine has a half-life of about six hours, so your afternoon "
    "coffee is still in your blood at midnight. When I cut caffeine after noon, my deep sleep went up within a week. "
    "The second mistake was my bedroom. It was warm, it was bright, and my phone was on the pillow. "
    "A cool, dark bedroom is one of the cheapest sleep upgrades you can make. "
    "Now the third mistake, the one I promised you. I treated sleep as the first thing to cut when life got busy. "
    "And after ten years my body sent the bill: high blood pressure at thirty-four. "
    "My doctor told me that chronic sleep debt raises blood pressure, and that deep sleep is when it drops. "
    "So here is what I do now. Caffeine stops at noon, the bedroom is cool and dark, and sleep is never the first "
    "thing I cut. If this helped, subscribe, and I will see you in the next one."
)


def test_stay_until_the_end_resolves_where_the_named_item_comes() -> None:
    sentences = sentences_of(SLEEP)

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None
    assert loop.text == "Stay until the end, because the third mistake is the one that almost cost me my health."
    assert loop.resolution_text == "Now the third mistake, the one I promised you."
    assert loop.opened_at == pytest.approx(spoken_at(SLEEP, "Stay until"), abs=1.0)
    assert loop.resolved_at == pytest.approx(spoken_at(SLEEP, "the third mistake, the one"), abs=1.0)


def test_loop_cues_survive_unpunctuated_captions() -> None:
    captions = SLEEP.lower().replace(".", "").replace(",", "").replace(":", "")
    sentences = sentences_of(captions)

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None
    assert "stay until the end" in loop.text
    assert loop.resolution_text is not None and "the third mistake the one i promised you" in loop.resolution_text
    assert loop.resolved_at == pytest.approx(spoken_at(captions, "the third mistake the one"), abs=1.5)


LOOPS = {
    "promise": (
        "This is the desk setup that doubled my output. In a minute I'll show you the exact morning routine I use "
        "before I sit down. First, some context. I work from home and I used to start the day on my phone. "
        "That habit ate two hours every morning. So here is the exact morning routine: water, a ten minute walk, "
        "and one page of planning before any screen.",
        "In a minute I'll show you the exact morning routine",
        "So here is the exact morning routine",
    ),
    "later": (
        "Cold showers are everywhere right now. There is one study that changed my mind about them, and I'll come "
        "back to that later in this video. First the basics. Cold water raises your heart rate and wakes you up. "
        "Many people use it instead of coffee. Remember the study I mentioned? It found that people who took cold "
        "showers called in sick less often.",
        "There is one study",
        "Remember the study I mentioned?",
    ),
    "first": (
        "Today we are building a birdhouse from one plank of pine. But first, a quick word about safety glasses. "
        "Wood chips fly further than you think. Always wear them when you cut. Okay, back to the birdhouse. "
        "Mark the plank into six pieces.",
        "But first, a quick word",
        "Okay, back to the birdhouse.",
    ),
    "catch": (
        "This credit card pays five percent cash back on everything. Here's the catch. The annual fee is four "
        "hundred dollars, so you need to spend eight thousand a year to break even.",
        "Here's the catch.",
        "The annual fee is four hundred dollars",
    ),
    "next": (
        "I walked into the interview twenty minutes late. The manager looked at me and put down her pen. "
        "You won't believe what happened next. She laughed. Turns out she was late to her own interview here too.",
        "You won't believe what happened next.",
        "Turns out she was late",
    ),
    "question": (
        "Why do cats knock things off tables? Cats are hunters. They test objects with their paws. "
        "The answer is that they are checking if the object is prey. Batting things over is a hunting reflex.",
        "Why do cats knock things off tables?",
        "The answer is that they are checking",
    ),
}


@pytest.mark.parametrize("kind", list(LOOPS))
def test_each_kind_of_loop_and_its_payoff_with_timestamps(kind: str) -> None:
    text, opener, payoff = LOOPS[kind]
    sentences = sentences_of(text)

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.kind == kind
    assert opener in loop.text
    assert loop.resolution_text is not None and loop.resolution_text.startswith(payoff)
    assert loop.opened_at is not None and loop.resolved_at is not None
    assert loop.opened_at < loop.resolved_at
    assert loop.resolved_at == pytest.approx(spoken_at(text, payoff), abs=1.0)


@pytest.mark.parametrize("kind", list(LOOPS))
def test_untimed_loops_have_no_timestamps(kind: str) -> None:
    text, opener, payoff = LOOPS[kind]
    sentences = split_sentences([Segment(text)])

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and opener in loop.text
    assert loop.resolution_text is not None and loop.resolution_text.startswith(payoff)
    assert loop.opened_at is None and loop.resolved_at is None


@pytest.mark.parametrize(
    ("text", "opener", "payoff"),
    [
        (
            "Three habits made me more money than my degree ever did. Stay until the end, because the third one "
            "sounds crazy. Habit one: I write down every idea. Habit two: I publish every day. And habit three, "
            "the crazy one: I pay myself first. Compound habits beat talent.",
            "Stay until the end, because the third one sounds crazy.",
            "And habit three, the crazy one",
        ),
        (
            "Last year I almost quit my channel. But that's not the surprising part. I stopped chasing trends. "
            "Here is the surprising part: it was the shortest video I had ever made.",
            "But that's not the surprising part.",
            "Here is the surprising part",
        ),
        (
            "Most creators will tell you the answer is the thumbnail. But the thumbnail is not the real reason, and "
            "by the end of this article you will see what is. Raw view counts lie. Packaging sets the ceiling. "
            "Here is the real reason outliers happen. The first thirty seconds keep the promise.",
            "by the end of this article",
            "Here is the real reason outliers happen.",
        ),
    ],
    ids=["item named by number", "not the surprising part", "the real reason"],
)
def test_loops_phrased_like_the_bundled_samples(text: str, opener: str, payoff: str) -> None:
    sentences = split_sentences([Segment(text)])

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and opener in loop.text
    assert loop.resolution_text is not None and loop.resolution_text.startswith(payoff)


def test_no_loop_phrasing_means_no_loop() -> None:
    text = (
        "Here is my kitchen after the renovation. We painted the cabinets white. The counter is oak. "
        "Why did we keep the old floor? It was in good shape and we liked the colour."
    )

    assert find_loops(sentences_of(text)) == []
    assert best_loop([], 0) is None


def test_a_promise_that_is_never_paid_off_is_reported_without_a_resolution() -> None:
    text = (
        "Stay until the end, because I will reveal the one supplement that fixed my knees. "
        "Knee pain is common in runners. Stretching helps a little. Strength work helps more. Thanks for watching."
    )
    sentences = sentences_of(text)

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.text.startswith("Stay until the end")
    assert loop.resolution_text is None and loop.resolved_at is None


# --- S05 perspective ------------------------------------------------------------------------

HABITS = (
    "Hey everyone, welcome back to the channel. Today we are talking about habits and why most of them fail. "
    "I tracked my own habits for two years in a spreadsheet, every morning and every evening. "
    "I tried reading every night, running before work, and meditating after lunch. "
    "Reading stuck, running stuck for a while, and meditation never stuck at all. "
    "Most people think habits fail because of weak willpower. "
    "But the real reason habits stick is that your environment makes them easy, not that you try harder. "
    "The book was on my pillow, so reading was the easiest thing to do at night. "
    "My running shoes were in the garage, behind the bikes, so every run started with a search. "
    "The meditation app was buried on the third screen of my phone. "
    "When I moved the shoes next to the door, running came back within a week. "
    "When I put the meditation app on the home screen, I meditated three times in the first week. "
    "Willpower matters on day one, but the environment decides what happens on day one hundred. "
    "So look at your home and your phone, and move the good habits closer and the bad ones further away. "
    "If you liked this video, subscribe and hit the bell so you don't miss the next one."
)
CLAIM = "But the real reason habits stick is that your environment makes them easy, not that you try harder."


def test_perspective_is_the_planted_claim() -> None:
    perspective = find_perspective(sentences_of(HABITS))

    assert perspective is not None
    assert CLAIM in perspective
    # the claim leans on the sentence before it ("But ..."), so that one comes along: two sentences at most
    assert perspective == "Most people think habits fail because of weak willpower. " + CLAIM


def test_perspective_of_an_untimed_article_is_the_planted_claim() -> None:
    article = HABITS.replace(". ", ".\n")

    perspective = find_perspective(sentences_of(article, timed_text=False))

    assert perspective is not None and CLAIM in perspective


def test_without_claim_cues_the_most_central_sentence_wins_and_calls_to_action_lose() -> None:
    text = (
        "Subscribe and hit the bell for more sourdough videos every week. "
        "A sourdough starter is flour and water that wild yeast has colonised. "
        "Feed the sourdough starter with equal weights of flour and water every day. "
        "A healthy sourdough starter doubles in size within six hours of a feeding. "
        "My cat likes to sit on the kitchen counter."
    )

    perspective = find_perspective(sentences_of(text))

    assert perspective is not None
    assert "sourdough starter" in perspective
    assert "Subscribe" not in perspective and "cat" not in perspective


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        (
            "Last year I almost quit my channel with forty seven subscribers. But that's not the surprising part. "
            "I stopped chasing trends and answered the question my viewers kept asking in the comments. "
            "Within ninety days, one video reached a million views. Here is the surprising part: it was the "
            "shortest video I had ever made. Small creators win by solving one specific problem for one viewer.",
            "Small creators win by solving one specific problem for one viewer.",
        ),
        (
            "STOP POSTING DAILY.\nPost better, not more.\nOne great video beats\nthirty average ones.\n@creator",
            "One great video beats thirty average ones.",
        ),
    ],
    ids=["story with a moral", "quote card"],
)
def test_in_a_short_text_the_generalisation_beats_the_narration(text: str, claim: str) -> None:
    perspective = find_perspective(split_sentences([Segment(line) for line in text.split("\n")]))

    assert perspective == claim


# --- S09 niche tags -------------------------------------------------------------------------

SOURDOUGH = (
    "Today I'm going to show you how I bake sourdough bread at home with just three ingredients. "
    "Everything starts with the sourdough starter. My sourdough starter is eight years old and lives in the fridge. "
    "The night before baking I feed the sourdough starter with bread flour and water. "
    "Bread flour has more protein than all purpose flour, and that protein builds the gluten. "
    "Next comes hydration. Hydration is the weight of water divided by the weight of flour. "
    "I bake at seventy five percent hydration, which gives an open crumb without a sticky dough. "
    "If you are a beginner, start at sixty five percent hydration and work your way up. "
    "After mixing, the dough rests for the bulk fermentation. Bulk fermentation takes about five hours at room "
    "temperature, and I do four sets of stretch and folds in the first two hours. "
    "Then I shape the loaf, put it in a banneton and let it proof in the fridge overnight. "
    "In the morning the loaf goes into a Dutch oven at two hundred and fifty degrees. "
    "Twenty minutes with the lid on, twenty minutes with the lid off, and you get a crackling crust. "
    "Let the sourdough bread cool for an hour before you cut it, or the crumb turns gummy."
)


def test_tags_contain_the_planted_key_phrases_and_no_stop_words() -> None:
    tags = niche_tags(sentences_of(SOURDOUGH), title="My Sourdough Bread Routine")

    assert 3 <= len(tags) <= 6
    assert "sourdough starter" in tags and "hydration" in tags and "bread flour" in tags
    assert "bulk fermentation" in tags
    assert len(set(tags)) == len(tags)
    for tag in tags:
        assert tag == tag.lower() and 1 <= len(tag.split()) <= 3
        assert not set(tag.split()) & STOP_WORDS


def test_verbs_and_generic_words_are_not_tags_on_their_own() -> None:
    text = (
        "I quit my job to travel. I quit because the commute was long. You quit when it hurts more to stay. "
        "Remote work lets me travel. Remote work pays less but remote work is freedom. "
        "People ask me every time whether travel is lonely. People are kind on the road. "
        "I saved money for two years before I quit. Saving money was the hard part."
    )

    tags = niche_tags(sentences_of(text), title="I quit my job to travel")

    assert "remote work" in tags and "travel" in tags and "money" in tags
    assert "quit" not in tags  # said after "I" / "you": a verb
    assert "people" not in tags and "time" not in tags


def test_short_ocr_text_still_gives_tags_from_what_is_there() -> None:
    lines = ["5 HABITS THAT", "CHANGED MY LIFE", "1. WAKE UP AT 5AM", "2. NO PHONE BEFORE 9", "3. JOURNAL EVERY NIGHT"]

    tags = niche_tags(split_sentences([Segment(line) for line in lines]))

    assert 1 <= len(tags) <= 6
    assert "habit" in tags  # lemmatised: one tag for "habit" and "habits"
    assert all(tag == tag.lower() for tag in tags)
