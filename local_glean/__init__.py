"""local_glean: a wire-compatible local stand-in for Glean's Chat API (real HTTP, storage and retrieval)."""

from .config import Application, LocalGleanConfig
from .pacing import OFF, REALISTIC, Pace
from .server import LocalGlean

__all__ = ["OFF", "REALISTIC", "Application", "LocalGlean", "LocalGleanConfig", "Pace"]
