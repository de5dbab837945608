"""What makes a bare question answerable from company knowledge: an asker's frame, or a workplace topic.

A message shaped like a question ("where has the week gone", "who's hungry?", "fancy a pint after work?")
is only worth sending to Glean when it asks the way people ask for information ("how do I ...",
"where is the ...", "who owns ...", "is there ...") or names something a company's documents cover
(a policy, a tool, a benefit, a system). The lists below are the workplace's vocabulary, not any one
company's: they run on a normalised, lower-cased clause like ``questions.lexicon``.
"""

from __future__ import annotations

import re
from typing import Final

_SUBJECTS = (
    r"(?:i|we|you|one|new hires|employees|contractors|interns|managers|the|our|a|an|my|people|someone|"
    r"anyone|it)"
)

# The ways people ask to be told something.
FRAME: Final = re.compile(
    rf"^(?:how|where|when|who|whom|what|which|why) (?:do|does|can|should|would|could|must|did|will|shall|"
    rf"may) {_SUBJECTS}\b|"
    r"^(?:how|where|when|who|what|which|why) (?:is|are|was|were|will) (?:the|our|a|an|my|there)\b|"
    r"^how (?:many|much|long|often|far|soon)\b|^what (?:time|day|date|year|kind|type|size|version)\b|"
    r"^(?:what|which|who) \w+ (?:do|does|should|can|is|are|owns|handles|runs)\b|"
    r"^(?:is|are|was|were) there\b|^(?:is|are|will) (?:the|our|my|a|an)\b|"
    rf"^(?:do|does|did|can|could|should|will|would|may|must|am|are|is) {_SUBJECTS}\b|"
    r"\b(?:anyone|anybody|someone|somebody|you|everyone) (?:know|knows|have|has|got)\b|"
    r"^who (?:owns|handles|manages|approves|runs|maintains|is responsible|is in charge|do|should|can|to|"
    r"is the|are the|is our|knows)\b|^(?:what|where|how|who|when|which) (?:to|about)\b|^has anyone\b|"
    r"\buse for\b|\bthe (?:difference|process|best way|right way|steps)\b|"
    # Definitions and how things work: "what does ARR stand for", "what is a sev1", "how does X work".
    r"\bstands? for\b|\bmeans?\b|^what (?:is|are) (?:a |an )?[\w-]+$|^how (?:does|do) (?:\S+ ){1,4}?work\b"
)

# Things a company's documents answer questions about.
TOPIC: Final = re.compile(
    r"\b(?:"
    # documents and rules
    r"polic(?:y|ies)|process|procedures?|docs?|documentation|guides?|guidelines|handbook|wiki|runbooks?|"
    r"playbooks?|links?|url|templates?|forms?|portal|checklist|faq|rules|allowed|deadlines?|approv\w*|"
    r"notes|files?|attach\w*|pdfs?|screenshots?|images?|spreadsheets?|sheets?|minutes|"
    # money
    r"expens\w*|reimburs\w*|budget|per diem|allowance|stipend|payroll|paycheck|payday|salar(?:y|ies)|"
    r"bonus(?:es)?|equity|stock|options|espp|401k|rsus?|vesting|invoices?|vendors?|procurement|purchase|"
    r"corporate card|discount|compensation|comp|raise|tax\w*|"
    # people matters
    r"benefits?|pto|leave|sick|vacation|holidays?|time off|insurance|dental|vision|medical|health|hsa|fsa|"
    r"onboarding|offboarding|training|courses?|reviews?|promotions?|hiring|interviews?|referrals?|"
    r"contractors?|interns?|managers?|enrol\w*|eligib\w*|sabbatical|bereavement|jury|remote|hybrid|wfh|"
    r"abroad|relocation|visa|hr|legal|finance|compliance|harassment|conduct|ladder|org chart|"
    # places
    r"office|offices|parking|garage|desks?|floor|building|cafeteria|rooms?|address|mailing|badges?|"
    r"keycard|travel|flights?|hotel|trips?|gym|wellness|"
    # tools and systems
    r"vpn|wifi|wi-fi|laptops?|monitors?|printers?|phones?|okta|sso|2fa|mfa|accounts?|login|log in|"
    r"passwords?|access|email|calendar|slack|channels?|jira|confluence|github|gitlab|repos?|aws|gcp|azure|"
    r"database|db|staging|prod|production|servers?|clusters?|apis?|services?|deploy\w*|releases?|builds?|"
    r"ci|pipelines?|kubectl|kubernetes|k8s|docker|terraform|postgres|testing|tests?|licen[cs]es?|"
    r"subscriptions?|software|tools?|dashboards?|reports?|metrics|data|retention|versions?|environments?|"
    r"setup|set up|install\w*|config\w*|settings|it|helpdesk|tickets?|security|incidents?|on-call|oncall|"
    r"escalat\w*|sla|soc2|gdpr|nda|contracts?|"
    # who does what
    r"teams?|owners?|owns|handles|manages|maintains|responsible|contacts?|dri|okrs?|roadmap|deck|slides|"
    r"company|org|department|schedule|limit|limits|quota"
    r")\b"
)

# A follow-up in a thread takes its topic from the messages before it: "Is Boxing Day one?", "is that the
# same for London?". Words that point back at them stand in for the topic.
REFERS_BACK: Final = re.compile(
    r"\b(?:that|it|one|ones|those|them|the same|also|too|instead|either|as well)\b|"
    r"^(?:and|also|plus|or|what about|how about)\b"  # "And from which launch pad?" (matched with fillers kept)
)
