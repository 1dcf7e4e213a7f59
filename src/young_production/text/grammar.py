"""Just enough English grammar for the rules, by word lists: no tagger, no model.

- tense: a past-tense verb is an irregular past form ("went", "thought") or a
  regular "-ed" form after a subject or at the head of a clause; either form after
  "is", "are", "was", "be", "get", "has" or "very", or before "by", "with", "against",
  is an adjective or a participle ("interested", "are left", "made against"), not narration;
- person: a word that names a person (pronouns, "man", "doctor", "immunologist"),
  or a capitalised name of two or more words ("Matt Parker");
- verbs: common verbs in every form, for telling a topic ("sleep") from an action
  ("sleeps", "reduced", "going") when picking tags;
- adverbs: "-ly" words other than a short list of nouns and adjectives that end so, and
  particles such as "round", "ahead", "apart" ("turns round").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

IRREGULAR_PAST = frozenset(
    """
    was were had did made said went came saw took got gave found thought told knew became began felt left
    kept brought heard held stood understood met ran sat lost paid sent built spent fell grew drew threw
    wrote rode spoke broke chose woke wore forgot forgave hid bit caught taught bought fought sought sold
    led fed fled slept swept wept dealt meant read won shot lit hung struck stuck sang rang drank swam
    shook rose drove ate flew blew knew overcame undertook withdrew
    """.split()
)
# -ed words that are usually adjectives or nouns, never narration
_ED_NOT_PAST = frozenset(
    """
    red bed need seed speed feed breed weed indeed shed hundred kindred sacred naked wicked wretched
    beloved learned aged rugged ragged crooked dogged blessed cursed alleged supposed so-called
    interested based related advanced detailed limited united married tired excited concerned
    """.split()
)
# after these an -ed word is an adjective or a perfect tense, not narration ("is related", "has pursued")
_ADJECTIVE_AFTER = frozenset("is are was were be been being am get gets got very so too more most has have 's 've".split())
_PARTICIPLE_BEFORE = frozenset("by for with as against".split())  # "a college noted for", "mice infected with"
_POSSESSIVES = frozenset("my our his her their".split())

PERSON_WORDS = frozenset(
    """
    i me my we us our he him his she her they them their
    man men woman women boy girl kid kids child children baby mother father fathers mom dad mum son daughter
    brother sister husband wife friend friends grandfather grandmother grandma grandpa uncle aunt cousin
    neighbor neighbour boss teacher student students doctor doctors nurse patient scientist scientists
    researcher researchers professor engineer immunologist biologist physicist mathematician psychologist
    economist chemist officer soldier president senator governor mayor king queen prince princess
    farmer farmers worker workers driver pilot astronaut astronauts author writer founder ceo
    customer customers people person guy guys family players player coach athlete victim victims
    """.split()
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z’']+(?:\s+(?:[A-Z]\.\s*)?[A-Z][a-z’'\-]+)+")

COMMON_VERBS = frozenset(
    """
    be am is are was were been being have has had having do does did done doing go goes went gone going
    get gets got getting make makes made making take takes took taken taking come comes came coming see
    sees saw seen seeing know knows knew known knowing think thinks thought thinking say says said saying
    tell tells told telling give gives gave given giving find finds found finding use uses used using
    want wants wanted wanting need needs needed needing try tries tried trying call calls called calling
    ask asks asked asking work works worked working seem seems seemed seeming feel feels felt feeling
    leave leaves left leaving put puts putting keep keeps kept keeping let lets letting begin begins began
    begun beginning show shows showed shown showing hear hears heard hearing play plays played playing
    run runs ran running move moves moved moving live lives lived living believe believes believed
    believing bring brings brought bringing happen happens happened happening write writes wrote written
    writing sit sits sat sitting stand stands stood standing lose loses lost losing pay pays paid paying
    meet meets met meeting include includes included including continue continues continued continuing
    set sets setting learn learns learned learning change changes changed changing lead leads led leading
    understand understands understanding watch watches watched watching follow follows followed following
    stop stops stopped stopping create creates created creating speak speaks spoke spoken speaking read
    reads reading allow allows allowed allowing add adds added adding spend spends spent spending grow
    grows grew grown growing open opens opened opening walk walks walked walking win wins won winning
    offer offers offered offering remember remembers remembered remembering consider considers considered
    considering appear appears appeared appearing buy buys bought buying wait waits waited waiting serve
    serves served serving die dies died dying send sends sent sending expect expects expected expecting
    build builds built building stay stays stayed staying fall falls fell fallen falling cut cuts cutting
    reach reaches reached reaching kill kills killed killing remain remains remained remaining suggest
    suggests suggested suggesting raise raises raised raising pass passes passed passing sell sells sold
    selling require requires required requiring report reports reported reporting decide decides decided
    deciding pull pulls pulled pulling explain explains explained explaining hope hopes hoped hoping
    develop develops developed developing carry carries carried carrying break breaks broke broken
    breaking receive receives received receiving agree agrees agreed agreeing support supports supported
    supporting hit hits hitting produce produces produced producing eat eats ate eaten eating cover covers
    covered covering catch catches caught catching draw draws drew drawn drawing choose chooses chose
    chosen choosing cause causes caused causing point points pointed pointing reduce reduces reduced
    reducing increase increases increased increasing help helps helped helping start starts started
    starting look looks looked looking turn turns turned turning mean means meant meaning prove proves
    proved proven proving treat treats treated treating imagine imagines imagined imagining recognize
    recognizes recognized recognizing realize realizes realized realizing notice notices noticed noticing
    engage engages engaged engaging deserve deserves deserved compute computes computed computing
    diagnose diagnosed diagnosing sample samples sampled sampling tweak tweaked tweaking post posted
    posting describe describes described describing announce announced announcing claim claimed beat beats
    sound sounds sounded communicate communicates communicated communicating repeat repeats repeated
    repeating behave behaves behaved
    """.split()
)
# everyday adjectives that are (almost) never nouns: alone, they describe a topic rather than name it
COMMON_ADJECTIVES = frozenset(
    """
    able afraid angry anxious aware bad beautiful better big bright broad busy careful certain cheap clean
    clear close cold complex correct crazy cute dangerous dark deep different difficult dirty dry early easy
    empty enormous entire equal exact excellent expensive extreme fair false familiar famous fancy fast fine
    flat foreign fresh friendly full funny glad great happy hard healthy heavy helpful high honest hot huge
    iconic important impossible incredible independent interesting large late lazy likely little lonely
    long loud lovely low lucky mad major massive mere modern narrow nasty natural nearby necessary negative
    nervous new nice normal obvious odd old ordinary perfect plain pleasant polite poor popular positive
    possible powerful pretty proud pure quick quiet rare ready real recent rich rough sad safe scary serious
    sharp short shy sick silent silly similar simple slight slow small smart soft solid sorry special
    specific stable strange strict strong stupid successful sudden sure sweet tall terrible thick thin tidy
    tiny tired tough true typical ugly unable unclear unhappy unique unknown unlikely unusual upset useful
    usual vague various vast visible warm weak weird wet whole wide wild wise wonderful worse worth wrong
    young
    """.split()
)
_NOT_ADVERB = frozenset(
    "family italy july only early daily weekly monthly yearly holy ugly silly jelly belly reply supply apply "
    "rally ally tally assembly anomaly butterfly bully lily fly".split()
)


# adverbs without "-ly", mostly particles of a phrasal verb ("turn round", "push ahead")
_PARTICLES = frozenset(
    "round ahead apart aside forth along upward upwards downward downwards forward forwards backward "
    "backwards halfway sideways overseas indoors outdoors abroad afterwards meanwhile".split()
)


def is_past_verb(word: str, previous: str = "", following: str = "") -> bool:
    """Whether a lower-case word reads as a past-tense verb where it stands."""
    irregular = word in IRREGULAR_PAST  # "are left", "has gone", "an allegation made against": not narration
    if not irregular and (len(word) < 5 or not word.endswith("ed") or word in _ED_NOT_PAST or word.endswith("eed")):
        return False
    return previous not in _ADJECTIVE_AFTER and previous not in ("the", "a", "an") and following not in _PARTICIPLE_BEFORE


def past_tense_verbs(tokens: Sequence[str]) -> int:
    """How many past-tense verbs a sentence's tokens hold."""
    return sum(
        is_past_verb(word, tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else "")
        for i, word in enumerate(tokens)
    )


def names_person(tokens: Sequence[str], text: str) -> bool:
    """Whether a sentence speaks of a person: a person word (possessives aside), or a capitalised name."""
    return any(t in PERSON_WORDS and t not in _POSSESSIVES for t in map(_singular, tokens)) or bool(_NAME.search(text))


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in PERSON_WORDS else word


def is_verb(word: str) -> bool:
    return word in COMMON_VERBS or word.endswith("ing") and word[:-3] in COMMON_VERBS


def is_adverb(word: str) -> bool:
    return word in _PARTICLES or len(word) > 4 and word.endswith("ly") and word not in _NOT_ADVERB
