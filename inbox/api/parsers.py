"""The API's JSON parser: the connectors' safe reading (a depth limit, no NUL), a 400 with the reason."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from ..connectors.base import PayloadError, load_json


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return load_json(stream.read())
        except PayloadError as exc:
            raise ParseError(str(exc)) from exc
