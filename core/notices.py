"""What the bot tells a person when it will not or cannot take their question (one wording for both processes)."""

__all__ = [
    "NOTICE_EMPTY",
    "NOTICE_EXTERNAL",
    "NOTICE_MEMBER_UNKNOWN",
    "NOTICE_NO_EMAIL",
    "NOTICE_OFF",
    "NOTICE_QUEUE_DOWN",
    "NOTICE_STRANGER",
]

NOTICE_EXTERNAL = (
    "I don't answer in channels shared with other organizations (Slack Connect): the answer could show "
    "internal documents to people outside the company. Ask me in a DM or an internal channel instead."
)
NOTICE_NO_EMAIL = (
    "I couldn't find an email address for your Slack account, so I can't ask Glean as you. "
    "An admin may need to grant the users:read.email scope."
)
NOTICE_OFF = "I'm switched off in this channel. Ask me in a DM, or ask an admin to enable me here."
NOTICE_EMPTY = "Ask me a question after the mention, like: @Glean what is our holiday policy?"
NOTICE_QUEUE_DOWN = (
    "I can't take questions right now: my job queue is unreachable. An admin has been alerted; "
    "please try again in a few minutes."
)
NOTICE_STRANGER = (
    "I only answer people of the organization that installed me: answers can come from its internal "
    "documents. Ask someone there to look it up for you."
)
NOTICE_MEMBER_UNKNOWN = (
    "I couldn't check with Slack that you're a member of this workspace, so I won't answer yet. "
    "Please try again in a minute."
)
