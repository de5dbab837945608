"""The layout's promises: one core under two processes, imports one way, the worker without Bolt, short modules."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from core.contract import JOB_PATHS

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("glean_chat", "questions", "core", "bot", "workers", "gleanbot", "local_glean", "local_stack")
MORE = ("slack_sandbox", "demo", "bench")
MODULE_MAX_LINES = 300
# What each package may import of ours. The CLI sits above everything it launches; nothing imports it.
ALLOWED = {
    "glean_chat": set(),
    "questions": set(),
    "core": {"glean_chat", "questions"},
    "bot": {"core", "glean_chat", "questions"},
    "workers": {"core", "glean_chat"},
    "local_glean": {"glean_chat", "questions"},
    "slack_sandbox": set(),
    "local_stack": {"bot", "core", "local_glean", "slack_sandbox"},
    "demo": {"core", "local_glean", "local_stack", "slack_sandbox"},
}
OURS = {*PRODUCT, *MORE}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_lies_beneath_it(package: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / package).rglob("*.py")
        for name in _imports(path) - ALLOWED[package] - {package}
    }
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("path", JOB_PATHS)
def test_every_job_and_callback_path_resolves_to_a_callable(path: str) -> None:
    module, _, name = path.rpartition(".")
    assert module.startswith("workers."), "RQ resolves these in the worker process"
    assert callable(getattr(importlib.import_module(module), name))


def _loaded_after(imports: str) -> set[str]:
    code = f"import sys\n{imports}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_the_worker_process_never_loads_bolt_or_the_listener() -> None:
    jobs = sorted({path.rpartition(".")[0] for path in JOB_PATHS})
    loaded = _loaded_after("\n".join(f"import {m}" for m in [*jobs, "workers.worker"]))
    assert "slack_bolt" not in loaded and "bot" not in loaded
    assert "workers" in loaded  # the check ran the worker's own imports


def test_the_listener_never_loads_the_worker_side() -> None:
    loaded = _loaded_after("import bot.app, bot.socket_mode, bot.http")
    assert "workers" not in loaded and "slack_bolt" in loaded


def test_no_product_module_is_longer_than_the_limit() -> None:
    long = {
        f"{path.relative_to(ROOT)}: {n} lines"
        for package in (*PRODUCT, *MORE)
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text().splitlines())) > MODULE_MAX_LINES
    }
    assert not long, sorted(long)
