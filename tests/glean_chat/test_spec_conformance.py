"""Our request bodies are what Glean's published spec describes.

Each body our client puts on the wire is parsed by the official SDK's request model (`glean-api-client`,
generated from Glean's OpenAPI spec) and serialised back: nothing we sent may be lost or renamed on the
way (the SDK only adds its own defaults). `ask` is gone from the SDK, so its body is checked against the
April 2025 spec's AskRequest schema instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from glean.api_client import models as sdk_models
from glean.api_client import utils as sdk_utils

from glean_chat import Glean
from tests.glean_chat.scripted import Reply, ScriptedServer

ASK_SPEC = (
    Path(__file__).resolve().parents[3]
    / "shared/glean/api-client-python.speakeasy.glean-merged-spec.2025-04-24.yaml"
)


def is_contained(ours: Any, theirs: Any) -> bool:
    """Every key and value of `ours` is in `theirs` (which may hold extra defaults)."""
    if isinstance(ours, dict):
        return isinstance(theirs, dict) and all(
            k in theirs and is_contained(v, theirs[k]) for k, v in ours.items()
        )
    if isinstance(ours, list):
        return isinstance(theirs, list) and len(ours) == len(theirs) and all(map(is_contained, ours, theirs))
    return bool(ours == theirs)


def roundtrip(model: Any, body: dict[str, Any]) -> Any:
    parsed = model.model_validate(body)
    return json.loads(sdk_utils.marshal_json(parsed, model))


def test_every_json_request_body_survives_the_official_sdk_models(
    server: ScriptedServer, glean: Glean
) -> None:
    server.default = Reply(body=b"{}")
    chat = glean.client.chat
    chat.start(
        messages=[
            {
                "author": "USER",
                "fragments": [{"text": "What about contractors?"}],
                "uploaded_file_ids": ["f1"],
            },
            {"author": "GLEAN_AI", "message_type": "CONTENT", "fragments": [{"text": "Dec 25."}]},
        ],
        save_chat=True,
        chat_id="c1",
        agent_config={"agent": "DEFAULT", "mode": "DEFAULT", "tool_sets": {"enable_web_search": False}},
        inclusions={"datasource_instances": ["wiki"], "document_specs": [{"id": "d1"}]},
        exclusions={"container_specs": [{"url": "https://drive/x"}]},
        timeout_millis=30000,
        application_id="app",
        agent_id="agent-1",
        stream=False,
    )
    chat.delete(ids=["c1"])
    chat.get(id="c1")
    chat.get_application(id="app")
    chat.get_files(file_ids=["f1", "f2"])
    chat.delete_files(file_ids=["f1"])
    expected_models = {
        "/rest/api/v1/chat": sdk_models.ChatRequest,
        "/rest/api/v1/deletechats": sdk_models.DeleteChatsRequest,
        "/rest/api/v1/getchat": sdk_models.GetChatRequest,
        "/rest/api/v1/getchatapplication": sdk_models.GetChatApplicationRequest,
        "/rest/api/v1/getchatfiles": sdk_models.GetChatFilesRequest,
        "/rest/api/v1/deletechatfiles": sdk_models.DeleteChatFilesRequest,
    }
    assert [r.path for r in server.requests] == list(expected_models)
    for request in server.requests:
        ours = request.json()
        theirs = roundtrip(expected_models[request.path], ours)  # type: ignore[arg-type]
        assert is_contained(ours, theirs), (request.path, ours, theirs)


@pytest.mark.skipif(not ASK_SPEC.exists(), reason="needs the shared/ spec copies beside the checkout")
def test_ask_body_uses_only_the_april_2025_spec_names(server: ScriptedServer, glean: Glean) -> None:
    spec = yaml.safe_load(ASK_SPEC.read_text())
    schemas = spec["components"]["schemas"]
    server.default = Reply(body=b'{"isQuestion": false}')
    glean.client.chat.ask(
        ask_request={
            "search_request": {"query": "q", "page_size": 5},
            "detect_only": True,
            "ask_experimental_metadata": {"query_is_answerable": True},
            "chat_application_id": "app",
        }
    )
    body = server.requests[0].json()
    ask_props = schemas["AskRequest"]["properties"]
    assert set(body) <= set(ask_props)
    assert set(body["AskExperimentalMetadata"]) <= set(schemas["AskExperimentalMetadata"]["properties"])
    search_props: set[str] = set()
    for part in schemas["SearchRequest"]["allOf"]:
        ref = part.get("$ref")
        search_props |= set((schemas[ref.rsplit("/", 1)[1]] if ref else part).get("properties", {}))
    assert set(body["searchRequest"]) <= search_props
