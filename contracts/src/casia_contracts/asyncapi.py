"""The AsyncAPI 3.0 document of the public topic ``casia.cases.events.v1``, built from the models.

It describes the workflow as the application that sends case events: one channel (the topic, keyed
by case number, with its partition count), one message per case event type with the full
CloudEvent as payload, and the schemas under ``components``. Committed as
``contracts/asyncapi.json`` and regenerated with ``uv run python -m casia_contracts.schemas export``.
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from casia_contracts import topics
from casia_contracts._schema_tools import CONTRACTS_DIR, JsonObject, pin_type
from casia_contracts.case_events import CASE_EVENT_MODELS, CaseEvent
from casia_contracts.envelope import CLOUDEVENTS_CONTENT_TYPE, envelope_model

ASYNCAPI_FILE: Final = CONTRACTS_DIR / "asyncapi.json"
ASYNCAPI_VERSION: Final = "3.0.0"
KAFKA_BINDING_VERSION: Final = "0.4.0"
CHANNEL_ID: Final = "caseEvents"
_SCHEMA_REF: Final = "#/components/schemas/{model}"

_DESCRIPTION: Final = """\
Every change to a CASIA case is published once on `casia.cases.events.v1` as a CloudEvents 1.0
event in structured JSON mode (Kafka header `content-type: application/cloudevents+json`).

- The Kafka key and the CloudEvents `subject` are the case number: the events of one case are
  ordered; `data.version` counts the case's changes (1 for `es.casia.case.opened`).
- `id` is unique and stable across redeliveries: deduplicate by it. Delivery is at least once.
- `correlationid` follows one case journey across services; `causationid` is the message that
  caused this one.
- Compatibility: within `.v1` fields are only ever added, and only as optional fields. Ignore
  fields you do not know. Any other change is published on a new topic version.
"""


def message_id(model: type[CaseEvent]) -> str:
    """The AsyncAPI message id of a case event: its class name in lower camel case."""
    name = model.__name__
    return name[0].lower() + name[1:]


def _schemas() -> tuple[dict[str, str], JsonObject]:
    """Type -> payload ``$ref``, and every schema of the document (envelopes and their parts)."""
    keys: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (envelope_model(model), "validation") for model in CASE_EVENT_MODELS
    ]
    refs, definitions = models_json_schema(keys, ref_template=_SCHEMA_REF)
    schemas: JsonObject = definitions["$defs"]
    payloads: dict[str, str] = {}
    for model in CASE_EVENT_MODELS:
        ref = refs[(envelope_model(model), "validation")]["$ref"]
        pin_type(schemas[ref.rsplit("/", 1)[1]], model.message_type)
        payloads[model.message_type] = ref
    return payloads, schemas


def _message(model: type[CaseEvent], payload_ref: str) -> JsonObject:
    doc = (model.__doc__ or model.__name__).strip()
    return {
        "name": model.message_type,
        "title": model.__name__,
        "summary": doc.splitlines()[0],
        "description": doc,
        "contentType": CLOUDEVENTS_CONTENT_TYPE.split(";", 1)[0],
        "payload": {"$ref": payload_ref},
        "correlationId": {"$ref": "#/components/correlationIds/correlationid"},
        "bindings": {"$ref": "#/components/messageBindings/caseKey"},
    }


def build_asyncapi() -> JsonObject:
    """The whole AsyncAPI 3.0 document as a JSON-ready dict."""
    payloads, schemas = _schemas()
    messages = {
        message_id(model): _message(model, payloads[model.message_type]) for model in CASE_EVENT_MODELS
    }
    channel_messages = {name: {"$ref": f"#/components/messages/{name}"} for name in messages}
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "CASIA public case events",
            "version": "1.0.0",
            "description": _DESCRIPTION,
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": {
            CHANNEL_ID: {
                "address": topics.CASE_EVENTS,
                "title": "Case events",
                "description": "What happened to each case, in order per case (key: case number).",
                "messages": channel_messages,
                "bindings": {
                    "kafka": {
                        "topic": topics.CASE_EVENTS,
                        "partitions": topics.TOPIC_PARTITIONS[topics.CASE_EVENTS],
                        "bindingVersion": KAFKA_BINDING_VERSION,
                    }
                },
            }
        },
        "operations": {
            "publishCaseEvents": {
                "action": "send",
                "title": "Publish case events",
                "summary": "The workflow publishes one event per change of a case, through its outbox.",
                "channel": {"$ref": f"#/channels/{CHANNEL_ID}"},
                "messages": [{"$ref": f"#/channels/{CHANNEL_ID}/messages/{name}"} for name in messages],
            }
        },
        "components": {
            "schemas": schemas,
            "messages": messages,
            "correlationIds": {
                "correlationid": {
                    "description": "The CloudEvents extension attribute that follows a case journey.",
                    "location": "$message.payload#/correlationid",
                }
            },
            "messageBindings": {
                "caseKey": {
                    "kafka": {
                        "key": {"type": "string", "description": "The case number (equals the subject)."},
                        "bindingVersion": KAFKA_BINDING_VERSION,
                    }
                }
            },
        },
    }
