"""Word lists and patterns the question classifier matches against a normalised, lower-cased clause."""

from __future__ import annotations

import re
from typing import Final

# Chat spellings and contractions rewritten before matching, so one pattern covers "whats", "what's" and
# "wat is". Contractions of wh-words are expanded because the patterns below look for "what is".
SPELLINGS: Final[dict[str, str]] = {
    "wat": "what",
    "wut": "what",
    "whats": "what is",
    "what's": "what is",
    "wheres": "where is",
    "where's": "where is",
    "whre": "where",
    "wher": "where",
    "hw": "how",
    "hows": "how is",
    "how's": "how is",
    "whos": "who is",
    "who's": "who is",
    "whens": "when is",
    "when's": "when is",
    "why's": "why is",
    "theres": "there is",
    "there's": "there is",
    "it's": "it is",
    "i'm": "i am",
    "i'll": "i will",
    "we'll": "we will",
    "i've": "i have",
    "im": "i am",
    "you're": "you are",
    "youre": "you are",
    "we're": "we are",
    "anyone's": "anyone is",
    "someone's": "someone is",
    "everyone's": "everyone is",
    "let's": "let us",
    "r": "are",
    "u": "you",
    "ur": "your",
    "ya": "you",
    "y'all": "you all",
    "yall": "you all",
    "kno": "know",
    "knw": "know",
    "abt": "about",
    "pls": "please",
    "plz": "please",
    "sb": "somebody",
    "smb": "somebody",
    "cant": "cannot",
    "can't": "cannot",
    "dont": "don't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "arent": "aren't",
    "didnt": "didn't",
    "idk": "i don't know",
    "dunno": "don't know",
    "wanna": "want to",
    "gimme": "give me",
    "ppl": "people",
    "thnx": "thanks",
    "thanx": "thanks",
}

# "how 2 get", "need 2 know": a lone "2" after these words is "to", not a number.
TWO_MEANS_TO_AFTER: Final[frozenset[str]] = frozenset(
    {"how", "need", "want", "where", "what", "going", "have", "got", "who"}
)

# Leading words that carry no request ("hey team so quick question: where ..."); stripped before the
# start-of-clause patterns run. "please" is here so "please explain ..." reads as the imperative it is.
FILLER: Final = re.compile(
    r"^(?:(?:so|ok|okay|also|btw|hey|hi|hello|hiya|heya|yo|um+|hm+|oh|and|but|anyway|anyways|sorry|yes|yeah|"
    r"good morning|good afternoon|good evening|morning|gm|howdy|hola|greetings|"
    r"quick one|quick question|quick q|real quick|random question|dumb question|silly question|"
    r"question|quick|team|all|folks|guys|friends|just|please|kindly|#[\w-]+)\s+)+"
)

# Discourse markers trimmed from the start of the extracted question ("ok so where is ..."). Smaller than
# FILLER: the extracted text is shown and searched, so only words that never carry meaning go.
QUESTION_LEAD: Final = re.compile(
    r"^(?:(?:so|ok|okay|also|btw|hey|hi|hello|hiya|heya|yo|um+|hm+|oh|anyway|anyways|yes|yeah|gm|morning|"
    r"good (?:morning|afternoon|evening)|thanks|thank you|thx|ty)"
    # An audience word only right after a greeting: "hey team, where ..." but not "all hands recording?".
    r"(?:\s+(?:all|team|folks|everyone|everybody|guys|y'all|you all))?\b[\s,!.:;-]*)+",
    re.IGNORECASE,
)

GREETING: Final = re.compile(
    r"(?:hi|hey|hello|hiya|heya|howdy|yo|hola|greetings|morning|mornin|afternoon|evening|gm|"
    r"good (?:morning|afternoon|evening|day)|"
    r"happy (?:monday|tuesday|wednesday|thursday|friday|weekend|holidays|new year|birthday)|"
    # Not plain "welcome <name>": welcoming a new hire announces them, and the ", who joins us as ..."
    # that often follows must read as a relative clause, not as a question after a greeting.
    r"welcome back)"
    r"(?: (?:all|team|everyone|everybody|folks|guys|you all|there|people|friends|fam|again|back))*"
    r"(?: [a-z]+)?"
)

# The thanks phrase is matched with its usual tails, so that the rest of the clause can be judged on its
# own: "thanks where is the doc" (no comma, lower case) still asks.
THANKS: Final = re.compile(
    r"^(?:thanks|thank you|thank u|thx|ty|tysm|tyvm|many thanks|much appreciated|appreciate it|"
    r"appreciated|cheers|kudos)\b(?: (?:so much|a lot|a ton|again|in advance|all|everyone|team|folks))*"
)

# A clause made only of acknowledgement words ("yep that works for me"); anything else in it is judged.
_ACK_WORDS = (
    r"(?:ok|okay|k|kk|sure|sure thing|yep|yup|yes|yeah|no|nope|np|no problem|no worries|got it|gotcha|"
    r"ack|noted|agreed|agree|sounds good|sgtm|lgtm|\+1|makes sense|will do|done|cool|nice|great|perfect|"
    r"awesome|roger|on it|understood|fair enough|true|same|lol|lmao|ha(?:ha)*h?|brb|omw|then|thanks|"
    r"that works|works|for me|here|too|with me)"
)
ACK: Final = re.compile(rf"{_ACK_WORDS}(?: {_ACK_WORDS})*")

# "give me a sec" starts like an imperative request but only asks for patience.
GIVE_ME_TIME: Final = re.compile(
    r"^give (?:me|us) (?:a|an|\d+|one|two|five|ten)? ?(?:sec|second|min|minute|moment|bit|hour)s?\b"
)

# Questions nobody expects an answer to. Matched anywhere in the sentence.
RHETORICAL: Final = re.compile(
    r"\bwho (?:even|knew|cares)\b|^who knows$|\bwhat could (?:possibly )?go wrong\b|\bis it just me\b|"
    r"\bam i the only one\b|\banyone else (?:feel|feels|think|love|hate|notice|find)\b|\bcan you believe\b|"
    r"\bguess what\b|\bhow hard can it be\b|\bwhat else is new\b|^why not(?: both)?$|^what (?:a|an)\b|"
    r"\bhow (?:cool|awesome|great|amazing|cute|fun|crazy|wild|sad|funny|nice) (?:is|was) (?:that|this)\b|"
    r"\bhow is it (?:already|still|only)\b|\bbe over (?:already|yet)\b|\bis it (?:friday|the weekend) yet\b|"
    r"\bwhy (?:is|does|do|did|must) (?:it|this|that|everything|everyone|nothing) always\b|\bwhy me\b|"
    r"\bhappens? to me\b|"
    r"^(?:isn't|aren't|wasn't) (?:it|that|this) (?:great|nice|fun|lovely|funny|amazing|wonderful|just)\b|"
    r"^don't you (?:just )?(?:love|hate)\b|\bwho is (?:excited|ready|pumped|hyped)\b|"
    # "even" inside a question ("who even does that", "why do I even bother") marks exasperation.
    # Windows are bounded (a few words) so a hostile message cannot make the search quadratic.
    r"^(?:what|where|when|who|why|how|is|are|do|does|did|can|could)(?: \S+){0,8}? (?:even|possibly)\b|"
    r"\bwhy(?: \S+){0,8}? ever\b"
)

# Topics of social chat and coordination; a question about them is not for a knowledge base...
SOCIAL_TOPIC: Final = re.compile(
    r"\b(?:lunch|coffee|tea|dinner|breakfast|brunch|drinks|beers?|happy hour|bubble tea|boba|cake|pizza|"
    r"tacos|donuts|snacks|board games?|game night|the game|karaoke|trivia|party|bbq|photo|picnic|movie|"
    r"(?:coffee|donut|bagel|snack|food|boba|beer) run|bagels?|donut|ramen|sushi|dumplings|burritos?|dessert|potluck|treats|cookies|ice cream|foosball|ping pong|"
    r"pickleball|darts|poker|charity run|meetup|concert|hike|weather)\b"
)
# ...unless it also asks about a rule or a document ("what can I expense for a team dinner?").
INFO_ANCHOR: Final = re.compile(
    r"\b(?:policy|policies|process|procedure|docs?|documentation|guide|guidelines|handbook|wiki|runbook|"
    r"link|template|expense[sd]?|reimburs\w*|budget|per diem|allowance|stipend|approval|allowed|rules|"
    r"benefits?|pto|deadline|password|access|limit)\b|"
    # "can we bring guests to the holiday party?" asks what is allowed.
    r"\b(?:can|may) (?:i|we) (?:bring|invite|expense|attend)\b|\bare (?:we|guests) allowed\b"
)

# Questions about one person's own time, state or plans: only that person can answer them.
PERSONAL: Final = re.compile(
    r"^(?:are|r) you (?:around|there|free|busy|available|online|in|coming|back|going|joining|ok|okay|still|"
    r"done|here|awake|at|out|off)\b|"
    r"^you (?:around|there|free|busy|available|online|back|up)\b|"
    r"^(?:do|does|did) (?:you|anyone|anybody|someone|somebody) have (?:a |an |any |some |\d+ ?)?"
    r"(?:sec|second|min|minute|moment|time|bandwidth|capacity|cycles)s?\b|"
    r"^(?:when|where|what time) (?:are|will|were) you\b|"
    r"^what (?:are|were) you (?:up to|doing|working on)\b|"
    r"^did (?:you|everyone|everybody|anyone|anybody)\b|"
    r"^have you (?:seen|had|got|gotten|finished|tried|heard|been|started|watched)\b|"
    r"^(?:will|were) you\b|"
    r"^how (?:is|was|are|were) (?:it going|you|your|things|everyone|everybody|life|the weekend|the trip)\b|"
    r"^what is (?:up|new|good)\b|^(?:any|got) (?:\w+ )?plans\b|^plans (?:for|this|tonight)\b|^\w+ plans$|"
    # "how was the offsite", "how is the new job": asks for someone's experience. A longer clause ("how was
    # the outage resolved") asks how something works and falls through to the wh rules.
    r"^how (?:was|were|is|are) (?:the|your) \w+(?: \w+)?$|"
    # First-person plans and doubts ("not sure if I'll make it") report on the writer, they do not ask.
    r"\b(?:not sure|unsure|wondering) (?:if|whether) i (?:will|am|can make|might|should go)\b"
)

# Invitations and scheduling: they ask people to do something together, not for information.
INVITATION: Final = re.compile(
    r"\b(?:anyone|anybody|who|everyone|somebody|someone) (?:is |else )?(?:up for|down for|keen|"
    r"interested in|want to|wants to|coming|joining|in for|free for|watching|going to the|heading to|"
    r"driving|carpooling|bringing|willing to|able to take|able to cover|signing up|attending|free to)\b|"
    r"\blooking for (?:volunteers|helpers|players)\b|"
    r"\bany (?:volunteers|takers)\b|\bwho (?:else )?wants\b|\banyone (?:want|need)s? (?:anything|something)\b|\bwho is in$|"
    # "Dumplings at 1?", "foosball at 4?": one word and a time is an invitation.
    r"^\w+ at \d{1,2}(?::\d\d)?(?: ?[ap]m)?$|"
    r"^want to (?:grab|get|go|join|come|do|meet|chat|hop|sync|pair|catch up|play|watch)\b|^want me to\b|"
    r"^shall (?:i|we)\b|^let us\b|^lets\b|"
    # Offers of help are questions about the helper, not requests for information.
    r"\b(?:anything|something) (?:i|we) can (?:help|do)\b|^(?:can|may) i help\b|^need (?:any|a) hand\b|"
    r"^(?:do you|does anyone) need (?:any )?help\b|^need any help\b|"
    r"^(?:can|could) we (?:move|reschedule|push|sync|meet|chat|talk|catch up|hop|jump|grab|get together|"
    r"postpone|cancel|skip)\b"
)

# Asking people for their opinion or a review: people answer those, a knowledge base does not.
OPINION: Final = re.compile(
    r"\b(?:look|looks|seem|seems|sound|sounds) (?:right|good|ok|okay|correct|fine|reasonable|sane) to "
    r"(?:you|everyone|you all|anyone|people)\b|^(?:any )?thoughts\b|^wdyt\b|\bwhat do (?:you|we) (?:all )?"
    r"think\b|\bwhat is (?:your|everyone's) (?:take|opinion)\b|^(?:any )?(?:feedback|opinions)\b|"
    r"^(?:quick |a )?(?:poll|survey|vote)\b"
)

# "can you/someone <verb> ...": the verb decides between asking for information and asking for a favour.
ASK_PERSON: Final = re.compile(
    r"^(?:can|could|would|will) (?:you|someone|somebody|anyone|anybody|one of you|you all|you guys)"
    r"(?: please| kindly| maybe)? (\w+)(?: (\w+))?"
)
INFO_VERBS: Final[frozenset[str]] = frozenset(
    {
        "tell",
        "explain",
        "point",
        "show",
        "clarify",
        "describe",
        "summarize",
        "summarise",
        "remind",
        "confirm",
        "recommend",
        "suggest",
        "link",
        "direct",
        "advise",
        "list",
        "walk",
        "help",
    }
)
# Words naming something a knowledge base holds; "send me the link" asks for information while
# "send me the slides after the meeting" asks a person for a favour.
INFO_OBJECT: Final = re.compile(
    r"\b(?:link|links|url|doc|docs|document|documentation|wiki|page|policy|guide|runbook|template|"
    r"spreadsheet|dashboard|form|portal|checklist|process|steps|details|info|information|contact|playbook|"
    r"recording)\b"
)
SHARE_VERBS: Final[frozenset[str]] = frozenset(
    {"share", "send", "post", "drop", "paste", "sharing", "sending"}
)

# Requests phrased as statements: "looking for the VPN doc", "anyone have the link", "not sure where ...".
# A wh-word must be followed by more words: "I have no idea why" ends a joke, it does not ask.
IMPLICIT: Final = re.compile(
    r"\b(?:looking|searching|hunting) for\b|"
    r"\btrying to (?:find|locate|figure out|understand|work out|track down)\b|"
    r"^(?:i )?(?:really |just |urgently )?need (?:the|a|an) \w+|"
    r"\bneeds? (?:to know|to find|to understand|to figure out|help|some help|info|information|details|"
    r"a pointer|pointers|access to)\b|"
    r"\b(?:someone|somebody|anyone|anybody) (?:can|could|would) (?:tell|explain|point|share|show|clarify|"
    r"help me)\b|"
    r"\b(?:anyone|anybody|someone|somebody|do you|any of you|you all) (?:have|has|got|know|knows)\b|"
    r"\bany (?:idea|ideas|clue|pointers|tips|advice|docs|documentation|guide|guidance|recommendations|"
    r"suggestions|info|recommended)\b|"
    r"\b(?:wondering|wonder|curious|not sure|unsure|confused|cannot figure out|cannot find|"
    r"couldn't find|struggling to find|don't know|do not know) (?:about )?"
    r"(?:if|whether|how|where|what|who|when|why|which) \w+|"
    r"\b(?:would love|would appreciate|could use|i'd love|i'd appreciate)(?: a| any| some| the)? "
    r"(?:link|pointer|pointers|help|info|doc|docs|guidance|tips|context|explanation)\b|"
    r"\b(?:sharing|share|send|sending)(?: me| us)? (?:the|a) (?:link|url|doc|docs|wiki)\b|"
    r"\b(?:docs?|link|wiki|policy|guide|runbook) please$"
)

IMPERATIVE: Final = re.compile(
    r"^(?:explain|summarize|summarise|describe|outline|clarify|define|tldr|elaborate on)\b|"
    r"^(?:(?:someone|somebody|anyone|anybody) )?(?:tell|show|remind|teach|give|point|find|get|fetch) (?:me|us)\b|"
    r"^walk (?:me|us) through\b|"
    r"^help (?:me|us) (?:understand|find|figure|locate|learn|get|with)\b|"
    r"^list (?:the|all|our|every|any|each|which|what|who)\b|"
    r"^(?:share|send|post|drop|paste) (?:me |us )?(?:the|a|your|any) (?:link|url|doc|docs|wiki|policy|guide|"
    r"runbook|template)\b|"
    # Not "let me know when the build is green": that asks to be notified later.
    r"^let (?:me|us) know (?:where|how|what|who|which|whether)\b"
)

WH: Final = re.compile(r"^(?:what|where|when|who|whom|whose|which|why|how)\b")
# Without a "?", a wh-word opens a question only when the clause is shaped like one: "how do I ...",
# "where is ...", "who owns ...". "When the build finishes I'll deploy" is shaped like a statement.
WH_INTERROGATIVE: Final = re.compile(
    r"^(?:what|where|when|who|whom|whose|why|how) (?:is|are|was|were|do|does|did|can|could|should|would|"
    r"will|has|have|to|much|many|long|often|far|come|about)\b|^which \w+|^who \w+s\b|"
    # "what timezone are the deadlines in", "what day does payroll run"
    r"^what \w+ (?:is|are|was|were|do|does|did|can|should|will|would)\b"
)
AUX: Final = re.compile(
    r"^(?:is|are|was|were|am|do|does|did|can|could|should|would|will|has|have|may|might|must|shall|"
    r"isn't|aren't|doesn't|don't|didn't|cannot|won't|wouldn't|shouldn't|hasn't|haven't)\b"
)
# Without a "?", an auxiliary opens a question only when a subject follows ("is there", "does the
# company"), not in "will do", "should be fixed now" or "don't push to main".
AUX_SUBJECT: Final = re.compile(
    r"^(?:is|are|was|were|am|do|does|did|can|could|should|would|will|has|have|may|might|must) "
    r"(?:there|we|i|you|anyone|anybody|someone|somebody|everyone|the|our|this|that|these|those|it|my|a|an|"
    r"any|us|they|people|employees|contractors|interns|he|she|one|new)\b"
)
