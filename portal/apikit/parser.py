"""Request bodies: JSON, refusing text that cannot be stored or sent on.

`json.loads` turns a lone surrogate escape (`"\\ud800"`) into a Python string that no UTF-8
encoder accepts: pydantic lets it through, and saving it failed with a 500. Refusing it here
covers every field of every body, however deeply nested."""

from __future__ import annotations

import json

from django.http import HttpRequest
from ninja.parser import Parser


class UnpairedSurrogate(ValueError):
    """A string of the body holds half of a UTF-16 surrogate pair. `path` locates it."""

    def __init__(self, path: tuple[str | int, ...], in_key: bool) -> None:
        super().__init__("The request body contains an unpaired UTF-16 surrogate.")
        self.path = path
        self.in_key = in_key


def _is_storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def find_unpaired_surrogate(data: object, path: tuple[str | int, ...] = ()) -> None:
    """Raise UnpairedSurrogate for the first string (value or key) that is not valid text."""
    if isinstance(data, str):
        if not _is_storable(data):
            raise UnpairedSurrogate(path, in_key=False)
    elif isinstance(data, dict):
        for key, value in data.items():
            if not _is_storable(key):
                raise UnpairedSurrogate(path, in_key=True)
            find_unpaired_surrogate(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            find_unpaired_surrogate(value, (*path, index))


class JsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict:
        # Ninja turns any error here into a 400 "Cannot parse request body", chained to
        # this one: the error handler reads the field's path back from it.
        data = json.loads(request.body)
        find_unpaired_surrogate(data)
        return data
