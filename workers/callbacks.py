"""The shared start of every RQ failure callback: the failed job's payload, read back as its contract model."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from rq.job import Job

__all__ = ["failed_payload"]

PayloadT = TypeVar("PayloadT", bound=BaseModel)


def failed_payload(job: Job, model: type[PayloadT]) -> PayloadT | None:
    """The payload of a failed job, or None when it carries none of ours (then nobody can be told anything)."""
    payload = job.args[0] if job.args else None
    if not isinstance(payload, dict):
        return None
    try:
        return model.model_validate(payload)
    except ValidationError:
        return None
