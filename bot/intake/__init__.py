"""What to answer: a Slack message event, through the housekeeping filter and the gates, to an enqueued job."""

from bot.intake.gates import GATES, Asking, Gate, IntakeDeps
from bot.intake.incoming import Incoming
from bot.intake.pipeline import Intake

__all__ = ["GATES", "Asking", "Gate", "Incoming", "Intake", "IntakeDeps"]
