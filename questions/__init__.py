"""Deterministic "is this Slack message an information-seeking question?" classifier (no ML, no I/O)."""

from questions.classifier import Detection, detect

__all__ = ["Detection", "detect"]
