"""Patterns for the request shapes added for issue 12: urgent openers, asks to share a document, and jest.

Like ``questions.lexicon`` they run on a normalised, lower-cased clause, except ``HELP_LEAD``, which runs on
the cleaned message text (its case and punctuation are the signal).
"""

from __future__ import annotations

import re
from typing import Final

# "Help! my badge stopped working", "urgent: ...", "SOS can't get in", "ugh help, my monitor died": the
# opener says the rest of the message asks for help, even when the rest is only a statement of the
# problem. "help" needs punctuation after it (or to be shouted) so that "help yourselves to cake" and
# "help me find ..." are read as the sentences they are.
HELP_LEAD: Final = re.compile(
    r"^(?:(?:ugh+|omg|ahh*|oh no|oh god)[\s,!.]+)?"
    r"(?:(?:please |pls |plz )?(?:help|halp)(?: (?:needed|please|pls|plz))?\s*[!?.,:;–—-]+"
    r"|(?-i:HELP)\b[!?.,:;–—-]*|(?:urgent|sos|asap|emergency|mayday)\b\s*[!?.,:;–—-]*)\s*",
    re.IGNORECASE,
)
# After such an opener a statement asks only if it reports a problem ("my laptop won't boot"), not if it
# announces something ("urgent fix deployed, all good").
PROBLEM: Final = re.compile(
    r"\b(?:my|i|me|we|our|can't|cannot|won't|isn't|doesn't|didn't|not|no|stopped|broke|broken|died|dead|"
    r"down|fail\w*|locked|lost|deleted|wrong|stuck|missing|expired|crash\w*|deactivated|error\w*|leak\w*|"
    r"hacked|phish\w*|compromised|jammed|frozen|keeps)\b"
)

# Verbs asking someone to hand over a document or a piece of information.
SHARE_REQUEST: Final = re.compile(
    r"^(?:(?:someone|somebody|anyone|anybody) )?(?:please )?"
    r"(?:share|send|post|drop|paste|dm|forward|link|pass|shoot|pm)"
    r"(?: (?:me|us))?(?: (?:over|along|across|back))?"
    r"(?P<object> (?:the|a|an|our|any|all|whatever|this|that|me|where|how|what|who|which|when)\b)"
)
# What such a verb hands over when it is information: "send me the floor plan", "share the wifi details".
DOC_NOUN: Final = re.compile(
    r"\b(?:link|links|url|doc|docs|document|documentation|wiki|page|policy|policies|guide|guidelines|"
    r"runbook|playbook|handbook|template|spreadsheet|sheet|dashboard|form|portal|checklist|process|steps|"
    r"details|info|information|instructions|contact|contacts|number|password|recording|deck|slides|plan|"
    r"schedule|calendar|chart|org chart|map|list|email|faq|config|settings|address|agenda|report|"
    r"notes|summary|overview|timeline|roadmap|requirements|spec)\b"
)
# The sender's own things or a future favour: "send me the slides from your talk", "... after the meeting".
PERSONAL_ARTIFACT: Final = re.compile(
    r"\byour\b|\bafter (?:the|our|this|today|tomorrow)\b|\blater\b|"
    # Things only the asker's colleague can send: an invite, a message, a reminder.
    r"\b(?:invite|invites|invitation|dm|message|reminder|ping|text)\b"
)
# "share where the templates live": the question is the clause after the verb.
SHARE_WH: Final = re.compile(r" (?:where|how|what|who|which|when)\b")

# Someone in the channel is asked to point the way: "need someone to point me to the org chart".
NEED_SOMEONE: Final = re.compile(
    r"\bneed (?:someone|somebody|anyone|anybody) to (?:point|tell|share|send|explain|show|help|link)\b"
)

# Laughter makes a question a joke: "how do you people stay awake in these meetings lol".
JEST: Final = re.compile(r"\b(?:lol+|lmao+|lmfao|rofl|haha\w*|hehe\w*|jk)\b")

# Most "why ...?" openers in Slack are complaints ("why is it always DNS", "why does every meeting run
# over"); one that names a failure or asks about the team's own choices wants an answer.
WHY_GENUINE: Final = re.compile(
    r"\b(?:fail\w*|error\w*|denied|rejected|declined|blocked|crash\w*|times? out|timeout|missing|stuck|"
    r"returns?|throws?|shows?|n't|not|cannot|never \w+ed|my|we|our|i)\b"
)

# Exasperation, matched like ``lexicon.RHETORICAL``: "seriously, who schedules a demo at 8am?", "why would
# you put secrets in slack", "anyone else's zoom freezing?", "why is X so slow", a lone "really?".
EXASPERATED: Final = re.compile(
    r"\b(?:seriously|srsly|honestly) (?:who|why)\b|^(?:really|seriously|srsly|wow|ugh|smh|come on)$|"
    r"^why would (?:you|anyone|anybody|someone|somebody|people|they|we)\b|(?<!for )\banyone else\b|"
    r"^guess (?:who|what)\b|\bwhy i (?:didn't|never|ever|even|bother|chose)\b|^who decided\b|^who needs (?!to\b)|\bhates? me\b|"
    r"\bthe worst that (?:could|can) happen\b|^what is (?:even )?(?:happening|going on)\b|"
    r"^why (?:is|are|does|do) (?:\S+ ){0,4}?(?:so \w+|always|never)\b|\bhow many more\b|"
    r"\b(?:seriously|srsly)\b|\bhonestly$|^can (?:it|this week|today) be\b|\bwe all agree\b|\bcan we all\b|"
    r"\b(?:anyone|anybody|people|we) actually\b|\bwhat are the odds\b|^what is it with\b|"
    r"^(?:how|why) (?:do|does|did|can|would) (?:people|folks|humans|anyone) (?:survive|live|cope|function|"
    r"stand|tolerate|put up)\b"
)
