"""Article pages: the body kept apart from the headline, standfirst, byline, date, credits and footer.

trafilatura finds the main text of a page; what it keeps can still start with a
second headline or a standfirst and carry the page's furniture: a date line, a
byline, photo credits ("Photo: Jane Doe/Getty Images"), "Explore further",
"Follow us on Instagram". Decoding reads the body only, so each of these is
recognised line by line and returned in its own field:

- headline: a first line that is the title again, or a short unpunctuated line
  sharing most of its words with the title or the description;
- standfirst: a first line (after any headline) without a sentence end, of at
  most `STANDFIRST_MAX_WORDS` words ("Taylor Swift is allowed to play ... after all");
- date: a short line that is a date, or "Published / Updated ..." with one;
- byline: "By ...", "Written by ...", "Words by ..." on a short line;
- credits: a line that credits a picture ("Photo: ...", "Image credit ...",
  "(Getty Images)", "AP Photo/...") and credits in brackets inside a paragraph;
- footer: "Explore further", "Read more", "This article was originally
  published ...", "Follow ... on Twitter", "Listen to ... live", "Provided by".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import SourceError

STANDFIRST_MAX_WORDS = 30
SHORT_LINE_WORDS = 14
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|"
    r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|(?:yesterday|today)\s+at\s+\d)",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(r"^(?:published|updated|posted|last (?:updated|modified)|first published|date)\b", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:by|written by|words by|story by|reporting by|text by)\s+\S", re.IGNORECASE)
_BYLINE_PREFIX = re.compile(r"^(?:by|written by|words by|story by|reporting by|text by)\s+", re.IGNORECASE)
_CREDIT_START = re.compile(
    r"^(?:photo(?:graph)?s?|image|picture|illustration|video|credit|source|caption)s?\b\s*(?:credit)?\s*[:\-–—|]",
    re.IGNORECASE,
)
_CREDIT_ANYWHERE = re.compile(  # only on a short line: a paragraph may mention Getty Images
    r"\b(?:getty images|shutterstock|ap photo|afp photo|afp via getty|reuters/|/reuters|/ap\b|/afp\b|"
    r"photo credit|image credit|photograph:|photo by)\b",
    re.IGNORECASE,
)
_CAPTION_END = re.compile(r"\b(?:photo|image|picture)s?:\s*\S+(?:\s+\S+){0,4}$", re.IGNORECASE)  # "... Photo: AP"
_INLINE_CREDIT = re.compile(
    r"\s*[(\[](?:photo|image|picture|credit|illustration)s?(?: by| credit)?\s*[:\-]?[^()\[\]]{1,80}[)\]]",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^(?:explore further|read more|read the original|related(?: articles| stories)?:?$|more information:|"
    r"provided by\b|this (?:article|story) (?:was|is) (?:originally )?(?:published|republished|reprinted)|"
    r"originally published|(?:follow|like) (?:\w+ ){1,4}on (?:instagram|facebook|twitter|x|youtube|tiktok)|"
    r"listen to \w+ .{0,40}\blive\b|sign up for|subscribe to (?:our|the)\b|visit \S+ homepage|advertisement$|"
    r"share (?:this|on)\b|copyright\b|©)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class ArticleParts:
    """An article's body and, apart from it, everything around it on the page."""

    body: str
    title: str | None = None
    standfirst: str | None = None
    byline: str | None = None
    date: str | None = None
    description: str | None = None
    sitename: str | None = None
    credits: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # repeated headlines and footer lines


def extract_parts(html: str, url: str | None = None) -> ArticleParts:
    """The parts of an article page (trafilatura for the main text, then `split_parts`)."""
    import trafilatura  # heavy import, only when an article is scraped

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not text:
        raise SourceError(f"no article text found on {url or 'the page'}")
    parts = split_parts(text, title=getattr(doc, "title", None), description=getattr(doc, "description", None))
    parts.byline = parts.byline or getattr(doc, "author", None)
    parts.date = getattr(doc, "date", None) or parts.date
    parts.sitename = getattr(doc, "sitename", None)
    if not parts.body:
        raise SourceError(f"no article text found on {url or 'the page'} (only headlines, credits and links)")
    return parts


def split_parts(text: str, *, title: str | None = None, description: str | None = None) -> ArticleParts:
    """Sort the lines of extracted article text into body, headline, standfirst, byline, date, credits."""
    parts = ArticleParts(body="", title=title, description=description)
    body: list[str] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        short = len(line.split()) <= SHORT_LINE_WORDS
        if not body and _is_headline(line, title, description):
            parts.dropped.append(line)
        elif short and _BYLINE.match(line) and not parts.byline:
            parts.byline = _BYLINE_PREFIX.sub("", line)
        elif short and (_DATE_LINE.match(line) or _is_date(line)):
            parts.date = parts.date or line
        elif _is_credit(line):
            parts.credits.append(line)
        elif _FOOTER.match(line):
            parts.dropped.append(line)
        elif not body and parts.standfirst is None and _is_standfirst(line):
            parts.standfirst = line
        else:
            cleaned = _INLINE_CREDIT.sub("", line).strip()
            if cleaned != line:
                parts.credits.extend(m.group(0).strip() for m in _INLINE_CREDIT.finditer(line))
            if cleaned:
                body.append(cleaned)
    parts.body = "\n".join(body).strip()
    return parts


def _words(text: str | None) -> set[str]:
    return set(_WORD.findall((text or "").lower()))


def _is_headline(line: str, title: str | None, description: str | None) -> bool:
    """The title again, or a short unpunctuated line made mostly of the title's or description's words."""
    if title and line.strip().lower() == title.strip().lower():
        return True
    if line[-1:] in ".!?…\"'”’" or len(line.split()) > SHORT_LINE_WORDS:
        return False
    words = _words(line)
    known = _words(title) | _words(description)
    return bool(words) and len(words & known) >= 0.6 * len(words)


def _is_standfirst(line: str) -> bool:
    return line[-1:] not in ".!?…\"'”’:" and 4 <= len(line.split()) <= STANDFIRST_MAX_WORDS


def _is_credit(line: str) -> bool:
    """A picture credit or a captioned credit, not a paragraph that mentions one in brackets."""
    size = len(line.split())
    if size <= 25 and _CREDIT_START.match(line):
        return True
    if size <= SHORT_LINE_WORDS and _CREDIT_ANYWHERE.search(line) and not _INLINE_CREDIT.search(line):
        return True
    return size <= 40 and bool(_CAPTION_END.search(line))


def _is_date(line: str) -> bool:
    """A line that is mostly a date ("November 18, 2019 at 3:45 PM")."""
    match = _DATE.search(line)
    return bool(match) and len(line) - len(match.group(0)) <= 24
