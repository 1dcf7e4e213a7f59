"""The rules that make decoding hold up on real content: intros, sentence shapes, answered questions, clean tags."""

from __future__ import annotations

from young_production.text.answers import find_answer, is_rhetorical, rarity
from young_production.text.grammar import is_past_verb, names_person, past_tense_verbs
from young_production.text.hooks import find_hook, intro_length
from young_production.text.keyphrases import niche_tags
from young_production.text.loops import best_loop, find_loops
from young_production.text.perspective import find_perspective
from young_production.text.sentences import split_sentences, stem
from young_production.transcript import Segment

from .texts import untimed


def timed(text: str, seconds_per_word: float = 0.4):
    segments, t = [], 0.0
    for sentence in text.split(". "):
        words = sentence.split()
        segments.append(Segment(sentence.rstrip(".") + ".", t, t + seconds_per_word * len(words)))
        t += seconds_per_word * len(words) + 0.3
    return split_sentences(segments)


# --- hooks -----------------------------------------------------------------------------------


def test_a_salutation_list_and_thanks_are_not_the_hook() -> None:
    sentences = untimed(
        "Vice President Johnson, Mr. Speaker, Mr. Chief Justice, President Eisenhower, fellow citizens:",
        "Thank you very much.",
        "Twenty-four years ago, the president visited this city and spoke to its people.",
        "Today I return to speak about freedom.",
    )

    hook = find_hook(sentences)

    assert hook is not None and hook.text.startswith("Twenty-four years ago")
    assert hook.pattern == "story"


def test_a_greeting_after_a_speaker_label_is_not_the_hook() -> None:
    sentences = untimed(
        "THE PRESIDENT: Giving all praise and honor to God.",
        "The Bible calls us to hope.",
        "To persevere, and have faith in things not seen.",
    )

    hook = find_hook(sentences)

    assert hook is not None and hook.text.startswith("The Bible calls us to hope")


def test_a_speaker_label_before_a_statement_keeps_the_statement() -> None:
    hook = find_hook(untimed("NARRATOR: The river froze solid in a single night.", "Nobody saw it coming."))

    assert hook is not None and "river froze" in hook.text


def test_a_salutation_glued_to_the_first_sentence_is_cut_from_the_hook() -> None:
    sentences = untimed(
        "Chancellor Kohl, Governing Mayor Diepgen, ladies and gentlemen: Twenty-four years ago, "
        "President John F. Kennedy visited Berlin, speaking to the people of this city.",
        "Today I myself make my second visit to your city.",
    )

    hook = find_hook(sentences)

    assert hook is not None and hook.text.startswith("Twenty-four years ago, President")


def test_a_colon_inside_an_opening_line_that_is_no_salutation_stays() -> None:
    hook = find_hook(untimed("The rule is simple: Never post the same clip twice.", "Here is why it works."))

    assert hook is not None and hook.text.startswith("The rule is simple")


def test_a_host_introduction_ends_at_please_join_me_in_welcoming() -> None:
    text = (
        "Last year our guest gave a lecture on physics. Our students loved it and voted to invite him back. "
        "Please join me in welcoming Grant. Thank you for that warm introduction. "
        "Most advice for graduates is wrong, and today I want to explain why"
    )
    sentences = timed(text)

    assert intro_length(sentences) == 4
    hook = find_hook(sentences)
    assert hook is not None and hook.text.startswith("Most advice for graduates is wrong")


def test_third_person_past_tense_opening_is_a_story() -> None:
    hook = find_hook(untimed(
        "When the immunologist at the university looked inside the lungs of infected mice, he thought he was seeing things.",
        "The cells were covered in taste receptors.",
    ))

    assert hook is not None and hook.pattern == "story"


def test_a_result_followed_by_but_why_is_result_first() -> None:
    hook = find_hook(timed("The surface area of a sphere is exactly four times the area of its circle. But why? "
                           "Archimedes had a beautiful proof of it"))

    assert hook is not None and hook.pattern == "result_first"


def test_a_second_person_scenario_is_direct_address_and_a_puzzle_is_a_question() -> None:
    scenario = find_hook(untimed("Imagine you wake up tomorrow with no phone and no internet.",
                                 "The first hour would feel strange."))
    puzzle = find_hook(untimed("Here's a really nice puzzle.", "Suppose you toss a cube.",
                               "What is the expected area of its shadow?"))

    assert scenario is not None and scenario.pattern == "direct_address"
    assert puzzle is not None and puzzle.pattern == "question"


def test_a_contrast_opening_is_contrarian_and_a_news_lede_stays_a_statement() -> None:
    contrast = find_hook(untimed("Here's an art puzzle that feels impossible but is secretly related to deep math."))
    lede = find_hook(untimed("Three cases of plague have been diagnosed in China, though officials say the risk is low."))

    assert contrast is not None and contrast.pattern == "contrarian"
    assert lede is not None and lede.pattern == "statement"


def test_tense_and_person_from_word_lists() -> None:
    assert is_past_verb("looked") and is_past_verb("went")
    assert not is_past_verb("interested", "very") and not is_past_verb("noted", "college", "for")
    assert not is_past_verb("pursued", "has")  # a perfect tense is not narration
    assert past_tense_verbs(("i", "grew", "up", "in", "ohio")) == 1
    assert names_person(("my", "husband", "bought", "tickets"), "My husband bought tickets")
    assert names_person(("matt", "parker", "showed", "me"), "Yesterday Matt Parker showed me a fact")
    assert not names_person(("instagram", "began", "testing"), "Instagram began testing")


# --- loops -----------------------------------------------------------------------------------


def test_a_question_is_matched_to_the_sentence_that_answers_it_later() -> None:
    sentences = untimed(
        "What keeps people in this city?",
        "It has seen hard times.",
        "Walls went up and armies came and went.",
        "What keeps them in this city is love for the place and for each other.",
    )

    loop = best_loop(find_loops(sentences), len(sentences))

    assert loop is not None and loop.kind == "question"
    assert loop.resolution is not None and loop.resolution.text.startswith("What keeps them in this city is love")


def test_rhetorical_questions_and_calls_to_action_are_not_loops() -> None:
    sentences = untimed(
        "Our rates went up again this quarter and customers noticed it.",
        "Prices in the region rose for the third time in a row.",
        "Wages in the region did not keep up with them.",
        "Rents rose faster than both.",
        "And what better way to show it than with a chart?",
        "Need help choosing a plan?",
        "Visit our website for a free quote.",
    )

    assert is_rhetorical(sentences, 4) and is_rhetorical(sentences, 5)
    assert find_loops(sentences) == []


def test_an_unanswered_opening_question_is_an_open_loop_and_a_late_one_is_not() -> None:
    opening = untimed("Here is a puzzle.", "What is the expected area of a random cube's shadow?",
                      "The full video works it out.")
    late = untimed("Cubes are nice.", "Shadows are nice.", "Light is nice.", "Squares are nice.",
                   "What would a tetrahedron cast?")

    loop = best_loop(find_loops(opening), len(opening))
    assert loop is not None and loop.payoff is None
    assert find_loops(late) == []


def test_withheld_answers_and_promises_for_later_open_loops() -> None:
    sentences = untimed(
        "Why does pi show up in this count of collisions?",
        "Delaying gratification, I will make you wait until the next video to see what is going on.",
        "Thanks for watching.",
    )

    kinds = {loop.kind for loop in find_loops(sentences)}

    assert "withheld" in kinds


def test_a_strong_answer_cue_answers_without_sharing_a_word() -> None:
    sentences = untimed("Why do cats knock cups off tables?", "Cats are hunters.",
                        "The answer is that they test whether it is prey.")

    answer = find_answer(sentences, 0, rarity(sentences))

    assert answer is not None and answer.sentence.index == 2


# --- perspective and tags --------------------------------------------------------------------


def test_a_quotation_is_not_the_pieces_claim() -> None:
    sentences = untimed(
        "Tariffs are paid by importers, and the importers pass the cost of tariffs on to consumers.",
        "Consumers pay most of the cost of tariffs on imported goods, economists agree.",
        "“Tariffs are a tax on consumers,” said one professor.",
        "Tariffs on goods raise prices for consumers and slow the economy.",
    )

    perspective = find_perspective(sentences)

    assert perspective is not None and "said one professor" not in perspective


def test_tags_come_from_content_only_and_are_lemmatised() -> None:
    sentences = untimed(
        "By Dana Whitfield",
        "Photo: Jane Doe/Getty Images",
        "Feather pillows gave one man feather duvet lung, a rare allergy to feathers.",
        "Dempsey said feather bedding causes the allergy in a few people.",
        "The feather duvet lung allergy went away when the bedding was removed, Dempsey told reporters.",
        "Feather bedding and feather pillows are safe for most people, Dempsey said.",
        "See www.example.com/feather-lung.html for the case report.",
    )

    tags = niche_tags(sentences, title="IMG_2041.jpg")

    assert "feather duvet lung" in tags or "feather" in tags
    assert "allergy" in tags
    assert not any(t in ("dempsey", "jpg", "img", "html", "example", "getty", "dana whitfield") for t in tags)
    assert "pillows" not in tags  # plural folded: one tag, in its singular form
    assert not any(t.endswith("ly") and " " not in t for t in tags)


def test_plural_fold_handles_ies_ches_and_words_that_only_look_plural() -> None:
    assert [stem(w) for w in ("stories", "boxes", "churches", "habits", "news", "physics", "bus", "states")] == [
        "story", "box", "church", "habit", "news", "physics", "bus", "states"]
