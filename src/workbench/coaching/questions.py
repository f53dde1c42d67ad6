"""Finding the questions in what someone said, with or without a question mark.

Speech recognition often drops the "?" (and Zoom's puts one after "Okay"), so a
sentence counts as a question when any of these holds (docs/coaching.md):

1. it ends with "?" - unless it is one filler word ("Okay?", "Hello?", "Hmm?");
2. it opens, after fillers such as "so", "and", "okay", with a question word and a
   verb ("what is", "how do", "what's", "how many", "what about", "why not");
3. it opens with an auxiliary verb and a subject ("do you", "is it", "can we",
   "have they", "would anyone");
4. it ends with a tag ("..., right", "..., isn't it", "..., correct", "..., or not",
   "does that make sense");
5. it is an open request for an answer ("tell me about", "walk me through", "help me
   understand", "I'm curious", "any questions").
"""

from __future__ import annotations

import re

_FILLERS = frozenset(
    "so and but okay ok well now hey um uh um, then also oh alright right great cool yeah yes "
    "just actually and, like hmm mm".split()
)
_WH = frozenset("what why how when where who whom which whose".split())
_AUX = frozenset(
    "do does did is are was were can could would will should shall have has had may might am "
    "don't doesn't didn't isn't aren't wasn't weren't can't couldn't wouldn't won't shouldn't "
    "haven't hasn't".split()
)
_SUBJECTS = frozenset(
    "you we i they he she it there this that these those the your our their my his her anyone "
    "anybody someone somebody everyone everybody any all y'all".split()
)
_WH_CONTRACTIONS = re.compile(r"^(?:what|how|where|who|why|when)(?:'s|'re|'d|'ll)$")
_HOW_ADJ = frozenset("much many long often soon far big old".split())
_SHORT_NOT_QUESTIONS = frozenset("okay ok hello hi hmm huh yeah yes right so alright".split())
_TAG = re.compile(
    r"(?:,\s*(?:right|correct|true|agreed|fair|or not"
    r"|(?:is|are|was|were|do|does|did|can|could|would|will|wo|have|has|should)n't\s+"
    r"(?:it|you|they|we|he|she|there|that|i)"
    r"|(?:is|are|was|do|does|did|has|have|can|will|would)\s+(?:it|you|they|we|he|she|there)"
    r"|is that right|is that correct|yes or no)"
    r"|does that make sense|make sense|sound good|sounds good to you)\s*[.!]*$",
    re.IGNORECASE,
)
_REQUESTS = (
    "tell me about",
    "tell me more",
    "walk me through",
    "talk me through",
    "help me understand",
    "i'm curious",
    "i am curious",
    "i'd love to hear",
    "i wonder",
    "any questions",
    "anything else",
    "any thoughts",
)
_REQUEST_WORDS = max(len(r.split()) for r in _REQUESTS)
_CLAUSE = re.compile(r"[,:;]")
_NOISE = re.compile(r"\{[a-z_]+\}")
_SENTENCE = re.compile(r"[^.?!]+(?:[.?!]+|$)")
_WORD = re.compile(r"[a-z']+")


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (split after ., ? and !)."""
    text = _NOISE.sub(" ", text) if text and "{" in text else (text or "")
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip(" .?!,")]


def is_question(sentence: str) -> bool:
    """True when ``sentence`` asks something (see the module's rules)."""
    text = sentence.strip()
    lowered = text.lower().replace("\u2019", "'")
    words = _WORD.findall(lowered)
    if not words:
        return False
    if text.endswith("?"):
        return not (len(words) == 1 and words[0] in _SHORT_NOT_QUESTIONS)
    if _TAG.search(lowered):  # (case is ignored by the pattern)
        return True
    # Rules 2, 3 and 5 on each clause: "Yes or no: did the agency...", "Chair, can the..."
    # (a later clause starting "which is", "who will" is a relative clause, not a question).
    if not _CLAUSE.search(lowered):
        return _asks(words)
    clauses = _CLAUSE.split(lowered)
    return any(_asks(_WORD.findall(c), first=i == 0) for i, c in enumerate(clauses))


def _asks(words: list[str], *, first: bool = True) -> bool:
    i = 0
    while i < len(words) - 1 and words[i] in _FILLERS:
        i += 1
    rest = words[i:]
    if not rest:
        return False
    word, second = rest[0], rest[1] if len(rest) > 1 else ""
    if _WH_CONTRACTIONS.match(word):
        return True
    relative = not first and word in ("which", "who", "whom", "whose", "when", "where")
    if word in _WH and not relative and (second in _AUX or second in ("about", "not", "else")):
        return True
    if word == "how" and second in _HOW_ADJ:
        return True
    if word in _AUX and second in _SUBJECTS and len(rest) >= 3:
        return True
    joined = " ".join(rest[:_REQUEST_WORDS])  # (no request is longer)
    return any(joined.startswith(r) for r in _REQUESTS)


def count_questions(text: str) -> int:
    """How many of the sentences of ``text`` are questions."""
    return sum(1 for s in sentences(text) if is_question(s))
