"""What a question is about: its content words, without Slack small talk, politeness and filler."""

from __future__ import annotations

import re

# Words that say nothing about what a question is about, question words included: "how do I connect to
# the VPN?" is searched as "connect vpn".
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been before being
    below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down
    during each else ever few for from further get gets getting got had hadn't has hasn't have haven't having
    he her here hers herself him himself his how however i i'd i'll i'm i've if in into is isn't it it's its
    itself just know let many let's like me more most much must my myself need needs no nor not now of off on
    once only or other ought our ours ourselves out over own per please same shall she should shouldn't so
    some such tell than thank thanks that that's the their theirs them themselves then there there's these
    they they're this those through to too under until up upon us use very via want was wasn't we we're
    were weren't what what's whats when where which while who whom whose why will with within without won't
    would wouldn't yes yet you you'd you'll you're your yours yourself anyone anybody someone something
    hi hello hey folks team guys everyone anything okay ok regarding re say says said give explain
    """.split()  # noqa: SIM905 (a word list reads better as text)
)

# Words people wrap a question in that are not what they ask about: "quick question - where do I find the
# vpn setup guide" is about "vpn setup guide", "who do I talk to about expenses" about "expenses".
FILLER = frozenset(
    """
    find found finding talk talking speak ask asking asked know knows knew tell telling remind wondering
    wonder looking look question questions quick sorry bother bothering bug bugging thx ty tia pls plz
    cheers appreciate appreciated advance morning afternoon evening yo howdy ugh hmm hm lol fyi btw asap
    sure idea ideas folks y'all yall all everybody somebody someone person people's dumb silly stupid random
    kindly possible basically actually really quickly real thing things stuff hope well doing great happy
    apologies apologize mind wanted wants trying try point direction right
    """.split()  # noqa: SIM905
)

# Phrases removed before the words are read, so their words cannot leak into the search.
_SMALL_TALK = re.compile(
    r"\b(?:"
    r"sorry (?:to (?:bother|bug|ask|interrupt)(?: you| y'all| everyone)?|if this (?:was|has been) asked"
    r"(?: before| already)?|for the (?:dumb|silly|basic) question)"
    r"|hope (?:you(?:'re| are)|everyone(?:'s| is)|all is) (?:well|doing well|good)"
    r"|(?:thanks|thank you|thx|ty)(?: so much| a lot| in advance| all)?"
    r"|not sure (?:who|where|if|whether) (?:to ask|this goes|i should ask)(?: but)?"
    r"|(?:does|do) (?:anyone|anybody|someone|you|y'all) (?:know|remember)(?: if| whether| how| where)?"
    r"|(?:can|could|would) (?:someone|anyone|somebody|you) (?:please )?(?:tell|remind|show|help) me(?: with)?"
    r"|i (?:was|am|'m) wondering(?: if| whether)?"
    r"|i have a (?:quick )?question(?: about)?|quick (?:question|one|q)|any (?:ideas|idea|pointers)"
    r")\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
# Two-word spellings that documents often write as one word (retrieve.py searches the pair when not).
COMPOUNDS = {"set up": "setup", "log in": "login", "sign up": "signup", "on call": "oncall"}
_COMPOUNDS = COMPOUNDS


# Capitalised, these are topics rather than pronouns: "how do I reach IT", "holidays in the US".
_ACRONYMS = frozenset({"IT", "US"})


def _join_compounds(text: str) -> str:
    for pair, joined in _COMPOUNDS.items():
        text = re.sub(rf"\b{pair.replace(' ', '[ -]')}\b", joined, text, flags=re.IGNORECASE)
    return text


def normalise(text: str) -> str:
    """Lower-cased `text` with compounds joined ("set up" -> "setup")."""
    return _join_compounds(text.lower())


def words_of(text: str) -> list[str]:
    """Every word of `text`, normalised, in order, apostrophes dropped ("doctor's" -> "doctors")."""
    return [w.replace("'", "") for w in _WORD.findall(normalise(text))]


def is_noise(word: str) -> bool:
    """A word that says nothing about the topic of a question."""
    return word in STOPWORDS or word in FILLER or len(word) < 2


def question_words(question: str) -> list[str]:
    """The content words of a question, in order, without repeats, small talk and filler removed."""
    seen: list[str] = []
    for cased in _WORD.findall(_SMALL_TALK.sub(" ", _join_compounds(question))):
        raw = cased.lower()
        word = raw.replace("'", "")
        if word in seen or ((raw in STOPWORDS or is_noise(word)) and cased not in _ACRONYMS):
            continue
        seen.append(word)
    return seen


def terms_of(text: str) -> list[str]:
    """The content words of `text` (any text, not only a question), in order, without repeats."""
    return question_words(text)
