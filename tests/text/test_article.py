"""Article pages: the body comes out without headlines, standfirst, bylines, dates, credits or footers."""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path

import pytest

from young_production.errors import SourceError
from young_production.media.article import extract_parts, split_parts
from young_production.media.web import extract_article

PAGES = Path(__file__).parent / "articles"


def page(name: str) -> str:
    return gzip.decompress((PAGES / name).read_bytes()).decode("utf-8", errors="replace")


def test_a_bbc_page_keeps_its_standfirst_and_its_follow_us_lines_out_of_the_body() -> None:
    parts = extract_parts(page("bbc-newsbeat-taylor-swift.html.gz"), "https://www.bbc.com/news/newsbeat-50470672")

    assert parts.standfirst == "Taylor Swift is allowed to play her music at the AMAs after all"
    assert parts.body.startswith("A row involving Taylor Swift, her former record label")
    assert "Follow Newsbeat on Instagram" not in parts.body
    assert "Listen to Newsbeat live" not in parts.body
    assert parts.date == "2019-11-19"
    assert len(parts.body.split()) > 300  # the article itself is all there


def test_a_repeated_headline_and_explore_further_are_not_body_text() -> None:
    parts = extract_parts(page("physorg-hibernating-astronauts.html.gz"), "https://phys.org/news/2019-11-x.html")

    first_line = parts.body.splitlines()[0]
    assert first_line.startswith("If a sci-fi spaceship does not come with hyperdrive")
    assert "Explore further" not in parts.body.splitlines()
    assert parts.byline == "Science X staff"
    assert "Hibernating astronauts would need smaller spacecraft" in parts.dropped


def test_photo_credits_inside_the_text_are_moved_to_credits() -> None:
    parts = extract_parts(page("salon-emissions.html.gz"), "https://www.salon.com/2020/01/10/emissions/")

    assert "Credit:" not in parts.body
    assert parts.credits and all("Clayton Aldern" in c for c in parts.credits)
    assert parts.byline == "Nathanael Johnson"
    assert parts.body.startswith("Just a week into the new year")


def test_date_byline_credit_and_footer_lines_are_sorted_out_of_plain_text() -> None:
    text = "\n".join([
        "Why Remote Teams Burn Out",
        "Three ways managers get it wrong",
        "By Dana Whitfield",
        "Published March 3, 2025",
        "Three out of four remote employees say they work longer hours than they did in the office.",
        "Photo: Jane Doe/Getty Images",
        "Managers blame discipline (Photo by Sam Lee). They are wrong.",
        "Explore further",
    ])

    parts = split_parts(text, title="Why Remote Teams Burn Out")

    assert parts.body.splitlines() == [
        "Three out of four remote employees say they work longer hours than they did in the office.",
        "Managers blame discipline. They are wrong.",
    ]
    assert parts.standfirst == "Three ways managers get it wrong"
    assert parts.byline == "Dana Whitfield"
    assert parts.date == "Published March 3, 2025"
    assert parts.credits == ["Photo: Jane Doe/Getty Images", "(Photo by Sam Lee)"]


def test_extract_article_returns_the_clean_body_and_the_standfirst_as_description() -> None:
    article = extract_article(page("bbc-newsbeat-taylor-swift.html.gz"), "https://www.bbc.com/news/newsbeat-50470672")

    assert article.text.startswith("A row involving Taylor Swift")
    assert article.description == "Taylor Swift is allowed to play her music at the AMAs after all"


def test_a_page_of_only_credits_and_links_is_a_clear_error_that_survives_pickling() -> None:
    html = "<html><body><article><p>Photo: Jane Doe/Getty Images</p><p>Explore further</p></article></body></html>"

    with pytest.raises(SourceError) as caught:
        extract_parts(html, "http://example.org/a")

    restored = pickle.loads(pickle.dumps(caught.value))
    assert "no article text" in str(restored)
