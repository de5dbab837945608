"""Tests of local_glean, the stand-in Glean Chat API server."""
