"""Decides whether a Slack message seeks information, and extracts the sentence(s) that ask.

Deterministic and dependency-free: Slack markup is cleaned (``questions.markup``), the text is split into
sentences and clauses, and each clause is matched against the patterns in ``questions.lexicon``. Rejections
(rhetorical, social, personal availability, favours) are checked before the request shapes, because those
messages are grammatically questions too; a message is a question when any sentence carries a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from questions import lexicon as lx
from questions import signals as sg
from questions import topics
from questions.markup import clean
from questions.typos import correct

# Slack allows 40,000 characters; a question worth answering is near the start, and bounding the input
# keeps the cost of a pathological message predictable.
MAX_INPUT_CHARS = 8_000
# "lunch?" or "why?" is too short to send anywhere; a real question names at least two things.
MIN_QUESTION_WORDS = 2

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Clause boundaries inside a sentence: dashes, colons, semicolons, commas, brackets.
_CLAUSE_SEP = re.compile(r"\s+[-–—]+\s+|[;:,]\s+|\s*\(\s*|\)\s*")
_TOKEN = re.compile(r"[#\w$+][\w'#$+./-]*")
# "#it-help how do I ..." names the channel it is posted to; it is not part of the question.
_LEADING_CHANNELS = re.compile(r"^(?:#[\w-]+\s+)+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})

Verdict = Literal["request", "reject", "skip", "neutral"]


@dataclass(frozen=True)
class Detection:
    """The answer to "is this an information-seeking question?".

    ``question`` is the cleaned text of the sentence(s) that carry the request (markup removed, greetings
    and mentions dropped); it is empty when ``is_question`` is false. ``reason`` is a short machine-readable
    label saying which rule decided, for logs and evaluation (never the message text).
    """

    is_question: bool
    question: str
    reason: str


@dataclass(frozen=True)
class _Clause:
    start: int  # offset of the clause in its sentence, to cut greetings off the extracted question
    words: str  # normalised: lower-case tokens, fillers stripped
    raw_words: str  # normalised but with fillers kept ("hey team" is a greeting, not an empty clause)
    is_last: bool
    after_comma: bool


def detect(text: str) -> Detection:
    """Classify one Slack message (raw ``text`` as delivered by the Events API)."""
    if not isinstance(text, str):
        raise TypeError(f"detect() needs the message text as str, got {type(text).__name__}")
    cleaned = clean(text[:MAX_INPUT_CHARS])
    if not cleaned.has_words:
        return Detection(False, "", cleaned.empty_reason)
    body = cleaned.text
    help_lead = sg.HELP_LEAD.match(body)
    if help_lead:
        body = body[help_lead.end() :]

    asked: list[tuple[str, str]] = []  # (question text, reason) per requesting sentence
    rejected: list[str] = []
    skipped: list[str] = []
    for sentence in _sentences(body):
        verdict, reason, offset = _judge_sentence(sentence)
        if verdict == "request":
            asked.append((_trim_question(sentence[offset:]), reason))
        elif verdict == "reject":
            rejected.append(reason)
        elif verdict == "skip":
            skipped.append(reason)

    shapes = {reason for _, reason in asked}
    # A laugh or an eye-roll, or a lone "really?", makes a bare question a joke; a request still asks.
    jesting = cleaned.jest > 0 or "rhetorical" in rejected
    if asked and jesting and shapes <= (_QUESTION_SHAPES if cleaned.jest else {"question_mark"}):
        return Detection(False, "", "rhetorical")
    if asked:
        return Detection(True, " ".join(q for q, _ in asked), asked[0][1])
    if help_lead and _reports_problem(body, rejected):
        return Detection(True, _trim_question(body), "urgent_request")
    reason = rejected[0] if rejected else skipped[0] if skipped else "no_request"
    return Detection(False, "", reason)


_RHETORIC = (lx.RHETORICAL, sg.EXASPERATED)
# Request shapes that are only grammatical questions, which a joke or an eye-roll can also take.
_QUESTION_SHAPES = frozenset({"wh_question", "yes_no_question", "question_mark"})


def _reports_problem(body: str, rejected: list[str]) -> bool:
    """After "Help!" or "urgent:", whether the rest states a problem someone could help with."""
    if rejected or len(body.split()) < MIN_QUESTION_WORDS:
        return False
    return sg.PROBLEM.search(_normalise(body)) is not None


def _trim_question(text: str) -> str:
    text = _LEADING_CHANNELS.sub("", text.strip())
    trimmed = lx.QUESTION_LEAD.sub("", text)
    return trimmed if trimmed.strip() else text


def _is_exclaimed_question(sentence: str) -> bool:
    """'?!' or '!?' at the end ("who even does that?!") marks exasperation, not a request."""
    stripped = sentence.rstrip()
    tail = stripped[len(stripped.rstrip("?!")) :]
    return "?" in tail and "!" in tail


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for line in text.split("\n"):
        out.extend(s for s in _SENTENCE_END.split(line) if s.strip())
    return out


def _normalise(fragment: str) -> str:
    """Lower-case, tokenise and expand chat spellings."""
    tokens = [raw.rstrip(".'/-") for raw in _TOKEN.findall(fragment.translate(_APOSTROPHES).lower())]
    words: list[str] = []
    for i, token in enumerate(tokens):
        if token == "2" and words and words[-1] in lx.TWO_MEANS_TO_AFTER:
            token = "to"
        elif token not in lx.SPELLINGS:
            token = correct(token, tokens[i + 1] if i + 1 < len(tokens) else "")
        words.append(lx.SPELLINGS.get(token, token))
    return " ".join(words)


def _clauses(sentence: str) -> list[_Clause]:
    spans: list[tuple[int, int, bool]] = []
    start, after_comma = 0, False
    for sep in _CLAUSE_SEP.finditer(sentence):
        spans.append((start, sep.start(), after_comma))
        start, after_comma = sep.end(), sep.group().startswith(",")
    spans.append((start, len(sentence), after_comma))
    spans = [span for span in spans if sentence[span[0] : span[1]].strip()]
    return [
        _Clause(
            start=a,
            words=lx.FILLER.sub("", raw + " ").strip(),
            raw_words=raw,
            is_last=i == len(spans) - 1,
            after_comma=comma,
        )
        for i, (a, b, comma) in enumerate(spans)
        for raw in (_normalise(sentence[a:b]),)
    ]


def _judge_sentence(sentence: str) -> tuple[Verdict, str, int]:
    """Return the verdict, the rule that decided, and where the asking part starts in ``sentence``."""
    ends_with_question_mark = sentence.rstrip().endswith("?")
    if _is_exclaimed_question(sentence):
        return "reject", "rhetorical", 0
    clauses = _clauses(sentence)
    whole = " ".join(c.words for c in clauses)
    # A set: a one-clause sentence is its whole, and searching 8,000 characters twice doubled the cost.
    if any(p.search(text) for p in _RHETORIC for text in {whole, *(c.words for c in clauses)}):
        return "reject", "rhetorical", 0
    if lx.SOCIAL_TOPIC.search(whole) and not lx.INFO_ANCHOR.search(whole):
        return "reject", "social", 0

    first_reject: str | None = None
    first_skip: str | None = None
    lead = 0  # greetings and thanks before the request are cut from the extracted question
    only_skips_so_far = True
    for index, clause in enumerate(clauses):
        question_marked = ends_with_question_mark and clause.is_last
        # ", who joins us" after a statement is a relative clause; after "hey team," it is the question.
        maybe_relative = clause.after_comma and not only_skips_so_far
        verdict, reason = _judge_clause(clause, question_marked, maybe_relative)
        if verdict == "request" and reason in _QUESTION_SHAPES and sg.JEST.search(whole):
            return "reject", "rhetorical", 0  # "who designed this form lol"
        if verdict == "request" and reason == "question_mark" and first_reject:
            return "reject", first_reject, 0  # "quick poll: tabs or spaces?"
        if verdict == "request":
            return "request", reason, lead
        if verdict == "skip":
            first_skip = first_skip or reason
        elif verdict == "reject":
            first_reject = first_reject or reason
        only_skips_so_far = only_skips_so_far and verdict == "skip"
        if only_skips_so_far:
            # The next clause's start (starts only grow); a scan of all clauses per clause was quadratic.
            lead = clauses[index + 1].start if index + 1 < len(clauses) else clause.start
    if first_reject:
        return "reject", first_reject, 0
    if first_skip:
        return "skip", first_skip, 0
    return "neutral", "no_request", 0


def _judge_clause(clause: _Clause, question_marked: bool, maybe_relative: bool) -> tuple[Verdict, str]:
    verdict, reason = _clause_shape(clause, question_marked, maybe_relative)
    # A bare question ("where has the week gone", "who's hungry?") asks Glean only about work.
    if reason in _QUESTION_SHAPES and not (
        any(p.search(clause.words) for p in (topics.FRAME, topics.TOPIC))
        or topics.REFERS_BACK.search(clause.raw_words)
    ):
        return "reject", "off_topic"
    return verdict, reason


def _clause_shape(clause: _Clause, question_marked: bool, maybe_relative: bool) -> tuple[Verdict, str]:
    words = clause.words
    thanked = lx.THANKS.search(words)
    if thanked:
        words = lx.FILLER.sub("", words[thanked.end() :].strip() + " ").strip()
        if not _opens_request(words):
            return "skip", "thanks"
    if lx.GREETING.fullmatch(clause.raw_words):
        return "skip", "greeting"
    if lx.ACK.fullmatch(clause.raw_words) or lx.GIVE_ME_TIME.search(words):
        return "skip", "acknowledgement"
    if not words:
        return "skip", "filler"
    if lx.PERSONAL.search(words):
        return "reject", "personal"
    if lx.INVITATION.search(words):
        return "reject", "social"
    if lx.OPINION.search(words):
        return "reject", "opinion"
    if len(words.split()) < MIN_QUESTION_WORDS:
        return "neutral", "too_short"

    favour = lx.ASK_PERSON.search(words)
    if favour:
        return _judge_favour(words, favour.group(1), favour.group(2) or "")
    shared = sg.SHARE_REQUEST.match(words)
    if shared:
        if sg.PERSONAL_ARTIFACT.search(words, shared.start("object")):
            return "reject", "action_request"
        if sg.DOC_NOUN.search(words) or sg.SHARE_WH.search(shared.group()):
            return "request", "imperative_request"
    if lx.IMPLICIT.search(words) or sg.NEED_SOMEONE.search(words):
        return "request", "implicit_request"
    if lx.IMPERATIVE.search(words):
        return "request", "imperative_request"
    if lx.WH.search(words) and (
        question_marked or (lx.WH_INTERROGATIVE.search(words) and not maybe_relative)
    ):
        if words.startswith("why ") and not sg.WHY_GENUINE.search(words):
            return "reject", "rhetorical"
        return "request", "wh_question"
    if lx.AUX.search(words) and (question_marked or lx.AUX_SUBJECT.search(words)):
        return "request", "yes_no_question"
    if question_marked:
        return "request", "question_mark"
    return "neutral", "no_request"


def _opens_request(words: str) -> bool:
    """Whether what follows a "thanks" reads as a request of its own, rather than what was thanked for."""
    return any(p.search(words) for p in (lx.WH, lx.AUX, lx.IMPLICIT, lx.IMPERATIVE))


def _judge_favour(words: str, verb: str, next_word: str) -> tuple[Verdict, str]:
    """'can you/someone <verb> ...': information when the verb asks to be told, a favour otherwise."""
    if verb == "mind":  # "would you mind sharing the link ..."
        verb = next_word
    if verb == "help":
        helped = re.search(r"\bhelp (?:me|us) (?:understand|find|figure|locate|learn)\b", words)
        return ("request", "imperative_request") if helped else ("reject", "action_request")
    if verb in lx.INFO_VERBS:
        return "request", "imperative_request"
    if (
        verb in lx.SHARE_VERBS
        and sg.DOC_NOUN.search(words)
        and not sg.PERSONAL_ARTIFACT.search(words, words.find(verb) + len(verb))
    ):
        return "request", "imperative_request"
    return "reject", "action_request"
