"""JSON Schemas for the content files, generated from the models.

Editors with the YAML language server read them (through the modeline at the
top of a file or .vscode/settings.json) to complete and check fields as a host
types.
"""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .errors import LOADER_FIELDS
from .models import Episode, Person, Sponsor, Submission

SCHEMAS: dict[str, type[BaseModel]] = {
    "episode": Episode, "person": Person, "sponsor": Sponsor, "submission": Submission,
}


def schema_for(name: str) -> dict:
    schema = SCHEMAS[name].model_json_schema(mode="validation")
    for field in LOADER_FIELDS:
        schema["properties"].pop(field, None)
    schema["additionalProperties"] = False
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{name}.schema.json", "title": f"shownotes {name} file", **schema}


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / f"{name}.schema.json"
        path.write_text(json.dumps(schema_for(name), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
