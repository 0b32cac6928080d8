"""Schemas every router shares: strict request bodies and Codat's error shape."""

from __future__ import annotations

import json

from ninja import Schema
from ninja.responses import NinjaJSONEncoder
from pydantic import ConfigDict


class StrictSchema(Schema):
    """A request body: a field the schema does not know is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ValidationItem(Schema):
    itemId: str
    message: str


class ValidationDetails(Schema):
    errors: list[ValidationItem]


class ErrorOut(Schema):
    statusCode: int
    error: str
    validation: ValidationDetails | None = None


# The errors any authenticated call by id can answer; 429 is the rate limit per API key.
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut}


def api_json(schema: type[Schema], data: dict) -> dict:
    """`data` as the API answers it with `schema`: validated, dumped and encoded the way a
    response is, then decoded, for a webhook event to carry exactly what a GET shows."""
    dumped = schema.model_validate(data).model_dump()
    return json.loads(json.dumps(dumped, cls=NinjaJSONEncoder))
