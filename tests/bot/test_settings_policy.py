"""Settings from the environment and the channel policy file: good values load, bad ones name the culprit."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.dotenv import read_dotenv
from core.policy import PolicyError, parse_policy
from core.settings import Settings, SettingsError
from gleanbot.cli import main

BASE = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "GLEAN_SERVER_URL": "http://127.0.0.1:8731",
    "GLEAN_API_TOKEN": "dev-token",
}


def test_defaults_and_values() -> None:
    s = Settings.from_env(BASE)
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.redis_url == "redis://localhost:6379/0"
    assert s.port == 3000
    assert s.thread_ttl_s == 30 * 86_400
    assert s.glean_act_as is None
    assert "xoxb" not in repr(s) and "dev-token" not in repr(s)
    s2 = Settings.from_env(
        {
            **BASE,
            "GLEAN_ACT_AS": "asker",
            "PORT": "8080",
            "GLEANBOT_THREAD_TTL_DAYS": "7",
            "SLACK_API_URL": "http://127.0.0.1:9999/api",
        }
    )
    assert (s2.acts_as_asker, s2.port, s2.thread_ttl_s) == (True, 8080, 7 * 86_400)
    assert s2.slack_api_url == "http://127.0.0.1:9999/api/"


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        pytest.param({"GLEAN_ACT_AS": "everyone"}, "GLEAN_ACT_AS", id="act-as"),
        pytest.param({"PORT": "eighty"}, "PORT", id="port-text"),
        pytest.param({"PORT": "70000"}, "PORT", id="port-range"),
        pytest.param({"GLEAN_SERVER_URL": "", "GLEAN_INSTANCE": ""}, "GLEAN_SERVER_URL", id="no-glean"),
        pytest.param({"GLEAN_SERVER_URL": "", "GLEAN_INSTANCE": "acme.com"}, "GLEAN_INSTANCE", id="instance"),
        pytest.param(
            {"GLEAN_SERVER_URL": "", "GLEAN_INSTANCE": "acme#"}, "GLEAN_INSTANCE", id="instance-hash"
        ),
        pytest.param(
            {"GLEAN_SERVER_URL": "", "GLEAN_INSTANCE": "evil@x"}, "GLEAN_INSTANCE", id="instance-at"
        ),
        pytest.param(
            {"GLEAN_SERVER_URL": "", "GLEAN_INSTANCE": "-acme"}, "GLEAN_INSTANCE", id="instance-dash"
        ),
        pytest.param({"GLEAN_SERVER_URL": "http://glean.example"}, "GLEAN_SERVER_URL", id="glean-plain-http"),
        pytest.param({"GLEAN_SERVER_URL": "http://10.0.0.5:8731"}, "GLEAN_SERVER_URL", id="glean-http-lan"),
        pytest.param(
            {"GLEAN_SERVER_URL": "https://u:p@glean.example"}, "GLEAN_SERVER_URL", id="glean-userinfo"
        ),
        pytest.param({"GLEAN_SERVER_URL": "ftp://glean.example"}, "GLEAN_SERVER_URL", id="glean-scheme"),
        pytest.param(
            {"GLEAN_SERVER_URL": "https://glean.example/\x7f"}, "GLEAN_SERVER_URL", id="glean-control"
        ),
        pytest.param({"GLEAN_SERVER_URL": "https://xn--.glean.example"}, "GLEAN_SERVER_URL", id="glean-idna"),
        pytest.param(
            {"GLEAN_SERVER_URL": "https://" + "a" * 64 + ".example"},
            "GLEAN_SERVER_URL",
            id="glean-long-label",
        ),
        pytest.param({"GLEAN_API_TOKEN": ""}, "GLEAN_API_TOKEN", id="no-token"),
        pytest.param({"SLACK_API_URL": "https://evil.example/api/"}, "SLACK_API_URL", id="token-elsewhere"),
        pytest.param({"SLACK_API_URL": "http://slack.com/api/"}, "SLACK_API_URL", id="plain-http"),
        pytest.param({"SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN", id="user-token"),
        pytest.param({"REDIS_URL": "http://x"}, "REDIS_URL", id="redis"),
        pytest.param({"GLEANBOT_THREAD_TTL_DAYS": "0"}, "GLEANBOT_THREAD_TTL_DAYS", id="ttl"),
        pytest.param({"GLEANBOT_JOB_RETRY_DELAYS_S": "5,x"}, "GLEANBOT_JOB_RETRY_DELAYS_S", id="delays"),
    ],
)
def test_bad_values_name_the_variable(changes: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({**BASE, **changes})
    assert info.value.variable == variable
    assert str(info.value).startswith(variable)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"GLEAN_SERVER_URL": "https://acme-be.glean.com"}, ("https://acme-be.glean.com", None)),
        ({"GLEAN_SERVER_URL": "http://localhost:8731"}, ("http://localhost:8731", None)),
        ({"GLEAN_SERVER_URL": "http://[::1]:8731"}, ("http://[::1]:8731", None)),
        ({"GLEAN_SERVER_URL": "", "GLEAN_INSTANCE": "acme-corp"}, (None, "acme-corp")),
    ],
)
def test_glean_destinations_that_may_get_the_token(
    changes: dict[str, str], expected: tuple[str | None, str | None]
) -> None:
    s = Settings.from_env({**BASE, **changes})
    assert (s.glean_server_url, s.glean_instance) == expected


def test_each_process_requires_its_tokens() -> None:
    s = Settings.from_env({k: v for k, v in BASE.items() if k != "SLACK_SIGNING_SECRET"})
    s.require_for("worker")
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        s.require_for("http")
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
        s.require_for("socket")


def test_policy_file_loads_with_per_channel_overrides(tmp_path: Path) -> None:
    path = tmp_path / "channels.yml"
    path.write_text(
        "defaults:\n  mode: mention\n  agent: DEFAULT\n"
        "channels:\n  C_HELP:\n    mode: auto\n    visibility: private\n  C_BOTS:\n    allow_bots: true\n"
    )
    s = Settings.from_env({**BASE, "GLEANBOT_CHANNELS": str(path)})
    assert s.policy.for_channel("C_HELP").mode == "auto"
    assert s.policy.for_channel("C_HELP").visibility == "private"
    assert s.policy.for_channel("C_HELP").agent == "DEFAULT"  # inherited from defaults
    assert s.policy.for_channel("C_BOTS").allow_bots is True
    assert s.policy.for_channel("C_OTHER").mode == "mention"


@pytest.mark.parametrize("spelled", ["off", "Off", "'off'", '"off"'])
def test_mode_off_is_read_as_written_however_yaml_types_it(spelled: str) -> None:
    # Unquoted, YAML 1.1 reads `off` as the boolean false; people mean the mode the README lists.
    policy = parse_policy(f"channels:\n  C1:\n    mode: {spelled}\n", source="channels.yml")
    assert policy.for_channel("C1").mode == "off"


def test_mode_false_is_still_refused() -> None:
    with pytest.raises(PolicyError, match="mode must be"):
        parse_policy("channels:\n  C1:\n    mode: false\n", source="channels.yml")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("defaults:\n  mode: auto\n  visibility: secret\n", 3, "visibility must be"),
        ("channels:\n  C1:\n    mode: on\n", 3, "mode must be"),
        ("channels:\n  C1:\n    colour: red\n", 3, "unknown setting 'colour'"),
        ("channels:\n  '#general':\n    mode: auto\n", 2, "not a channel id"),
        ("defaults:\n  allow_bots: sometimes\n", 2, "allow_bots must be true or false"),
        ("defaults: [\n", 2, "not valid YAML"),
        ("channels:\n  C1: {}\n  C1: {}\n", 3, "listed twice"),
    ],
)
def test_invalid_policy_names_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(text, source="channels.yml")
    assert info.value.line == line
    assert f"channels.yml:{line}" in str(info.value)
    assert fragment in str(info.value)


def test_invalid_policy_stops_start_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "channels.yml"
    path.write_text("defaults:\n  mode: loud\n")
    for key, value in {**BASE, "GLEANBOT_CHANNELS": str(path)}.items():
        monkeypatch.setenv(key, value)
    assert main(["--env-file", str(tmp_path / "none.env"), "worker", "--burst"]) == 2
    assert f"{path}:2" in capsys.readouterr().err


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text('# comment\nexport GLEAN_API_TOKEN="from-file"\nPORT=4000  # inline\nEMPTY=\n')
    assert read_dotenv(env) == {"GLEAN_API_TOKEN": "from-file", "PORT": "4000", "EMPTY": ""}
    from gleanbot.cli import load_settings

    s = load_settings(env, {**BASE, "GLEAN_API_TOKEN": "from-env"}, "http")
    assert s.glean_api_token == "from-env" and s.port == 4000
