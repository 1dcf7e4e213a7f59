"""Third round of the tag rules: people named in passing, anecdote details, defined abbreviations."""

from __future__ import annotations

from young_production.text.keyphrases import niche_tags

from .texts import untimed


TUFT = (
    "In 2011, Michael Howitt became fascinated by tuft cells in the gut.",
    "Tuft cells carry taste receptors that sense parasites in the intestine.",
    "Howitt found that mice without tuft cells could not clear the parasite.",
    "The taste receptors of tuft cells respond to succinate from the parasite.",
    "Howitt says the tuft cells then call the immune system to the intestine.",
    "Other labs now study tuft cells and their taste receptors in the lung.",
    "Howitt thinks tuft cells watch over every lining of the body.",
)


def test_a_person_named_in_passing_is_no_tag_but_the_topic_is() -> None:
    tags = niche_tags(untimed(*TUFT), title="Cells that taste danger")

    assert "tuft cell" in tags and "taste receptor" in tags
    assert not any("howitt" in t or "michael" in t for t in tags)


def test_a_person_the_title_names_stays_a_tag() -> None:
    tags = niche_tags(untimed(*TUFT), title="Michael Howitt and the cells that taste danger")

    assert "howitt" in tags


def test_a_place_named_with_a_modifier_after_it_stood_alone_is_not_a_person() -> None:
    sentences = untimed(
        "Stories about Africa shape how readers see the continent.",
        "Many novels set in Africa tell a single story of poverty.",
        "Writers from Sub-Saharan Africa answer with stories of their own.",
        "Readers who visit Africa meet a continent of many stories.",
        "Africa is a continent, not a country, and its novels show it.",
    )

    tags = niche_tags(sentences)

    assert "africa" in tags


def test_an_abbreviation_the_text_defines_counts_as_what_it_stands_for() -> None:
    sentences = untimed(
        "The man had developed hypersensitivity pneumonitis, or HP, from his new duvet.",
        "HP is an allergic reaction of the lungs to something breathed in.",
        "Feathers in bedding are a known cause of HP in bird keepers.",
        "Doctors treated his HP with steroids and a new synthetic duvet.",
    )

    tags = niche_tags(sentences)

    assert "hypersensitivity pneumonitis" in tags
    assert "hp" not in tags


def test_the_terms_of_a_sum_are_no_tags_and_a_handle_with_a_dot_is_not_content() -> None:
    sentences = untimed(
        "What is Hitler plus Italy minus Germany?",
        "Each word becomes an embedding, a vector in a space of many dimensions.",
        "Adding and subtracting embedding vectors moves along directions of meaning.",
        "The embedding of Hitler plus Italy minus Germany lands near Mussolini.",
        "@vectors.playbook",
    )

    tags = niche_tags(sentences)

    assert "embedding" in tags
    assert not any(w in t for t in tags for w in ("hitler", "italy", "germany", "minus", "playbook"))


BRAIN = (
    "The brain has two hemispheres joined by a thick band of fibres.",
    "The left hemisphere thinks in language and in lists.",
    "The right hemisphere thinks in pictures and takes in the whole room at once.",
    "A stroke is a bleed or a clot that starves part of the brain of blood.",
    "When the left hemisphere goes quiet, the chatter of the mind stops.",
    "Neurons in each hemisphere pass signals along their axons.",
    "The brain uses a fifth of the energy the body burns at rest.",
    "Language lives mostly in the left hemisphere for right-handed people.",
    "The right hemisphere reads faces, music and the tone of a voice.",
    "Damage to one hemisphere can leave the other to take over some work.",
    "Doctors scan the brain to see where a stroke has hit.",
    "Recovery means teaching the brain to wire new paths around the damage.",
    "Each hemisphere controls the opposite side of the body.",
    "Sleep lets the brain clear out waste from a day of work.",
    "The corpus callosum lets the two hemispheres share what they know.",
)


def _long_talk(middle: list[str]) -> list[str]:
    """A talk of about 35 sentences about the brain, with `middle` said halfway through."""
    second = [s.replace("The ", "Then the ", 1) for s in BRAIN]
    return [*BRAIN, *middle, *second]


def test_a_detail_said_only_in_one_passage_of_a_long_talk_is_no_tag() -> None:
    detail = [
        "I looked at my business card and could not read it.",
        "The business card was just pixels to me, and the business card meant nothing.",
        "I held the business card and waited.",
    ]

    tags = niche_tags(untimed(*_long_talk(detail)))

    assert "hemisphere" in tags and "brain" in tags
    assert "business card" not in tags


def test_what_the_speaker_calls_my_x_is_their_story_not_the_topic() -> None:
    roommate = [f"My roommate asked me question {i} about home, and my roommate listened." for i in range(7)]
    talk = _long_talk([])
    sentences = [s for i, line in enumerate(talk) for s in (line, roommate[i // 5] if i % 5 == 0 else "") if s]

    tags = niche_tags(untimed(*sentences))

    assert "roommate" not in tags
    assert "hemisphere" in tags


def test_people_of_a_place_count_for_the_place() -> None:
    sentences = untimed(
        "Today our fellow Americans came under attack.",
        "America was targeted for attack because we are the brightest beacon for freedom.",
        "Americans from every walk of life unite in our resolve for justice and peace.",
        "America has stood down enemies before, and we will do so this time.",
        "None of us will ever forget this day, yet Americans go forward to defend freedom.",
        "America and our friends and allies join with all who want peace.",
    )

    tags = niche_tags(sentences)

    assert "america" in tags
    assert "american" not in tags


def test_a_verb_before_a_particle_and_an_adjective_alone_are_no_tags() -> None:
    sentences = untimed(
        "Take a complex number, square it and add the number again, over and over.",
        "For most numbers the values blow up, and the colour says how fast.",
        "Numbers whose values stay small belong to the Mandelbrot set.",
        "Near the edge of the Mandelbrot set, sums blow up only after many steps.",
        "Everything previous is forgotten: each step only needs the one before.",
        "Nothing previous matters once the sums blow up.",
    )

    tags = niche_tags(sentences)

    assert "mandelbrot set" in tags
    assert not any(w in t.split() for t in tags for w in ("blow", "previous"))


def test_a_name_and_its_relation_is_no_tag_but_a_name_and_its_thing_is() -> None:
    sentences = untimed(
        "Our house boy was Fide, and my mother said Fide's family had nothing.",
        "I felt pity for Fide's family, a single story of poverty.",
        "Then I visited Fide's family and saw a basket his brother had made.",
        "Newton's method starts from a guess and follows the tangent line.",
        "Newton's method then repeats the step from the new point.",
    )

    tags = niche_tags(sentences)

    assert "fide family" not in tags
    assert "newton method" in tags


def test_a_detail_of_one_passage_is_no_tag_from_25_sentences_on() -> None:
    body = [f"On day {n} the protesters of Hong Kong asked again for the new law to go." for n in range(24)]
    body[10:12] = ["A petrol bomb hit a police van near the campus.", "Another petrol bomb was thrown at the gate."]

    tags = niche_tags(untimed(*body, "Hong Kong protesters want the law withdrawn."))

    assert "hong kong" in tags
    assert "petrol bomb" not in tags


def test_an_everyday_adjective_alone_is_no_tag() -> None:
    sentences = untimed(
        "The Mandelbrot set is one of the most iconic images in math.",
        "Each new value is the square of the previous value plus c.",
        "Some values stay bounded and the iconic shape appears in black.",
        "A happy accident of iteration, the set looks the same at every zoom.",
        "Happy explorers zoom into the set for hours and find new spirals of iteration.",
    )

    tags = niche_tags(sentences)

    assert "iconic" not in tags and "happy" not in tags
    assert "iteration" in tags
