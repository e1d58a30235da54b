"""
Reading one field of a platform's payload, by its type, with the field's path in
every refusal: a value of the wrong type, an id longer than our columns, a flag that
is not `true` or `false`, a time that cannot be a post's, each raise PayloadError
naming where (`entry[0].changes[1].value.from.id: ...`), never a TypeError.

Names and texts are never refused for their length: they are cut to what we keep,
with a mark at the cut, and the whole value stays in the delivery as received.
"""

from datetime import UTC, datetime

from .base import PayloadError

# The columns' sizes (inbox.models.posts): an id longer than this is not a platform's.
MAX_ID_LENGTH = 128
MAX_NAME_LENGTH = 200
MAX_LANGUAGE_LENGTH = 12
MAX_URL_LENGTH = 500
# No platform takes a post this long (Facebook 63,206 characters, X 25,000, YouTube
# 10,000): what is past it is kept in the delivery, not in the post.
MAX_TEXT_LENGTH = 65_536
TRUNCATION_MARK = "\u2026"  # …

# A post's time lies between these: `0`, `true` or a year 30000 are not times.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def at(where: str, key: str | int) -> str:
    """The path of a field below `where`: `a.b`, `a[3]`."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


# A field that is not there at all (`null` is there, and says nothing).
MISSING = object()


def kind_of(value) -> str:
    """What a JSON value is, in the words of a refusal."""
    if value is MISSING:
        return "missing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def refuse(where: str, expected: str, value) -> PayloadError:
    if value is MISSING:
        return PayloadError(f"{where}: missing; expected {expected}", code="missing", field=where)
    return PayloadError(
        f"{where}: expected {expected}, not {kind_of(value)}",
        code="wrong_type",
        field=where,
        params={"expected": expected, "given": kind_of(value)},
    )


def too_long(where: str, limit: int, length: int, *, what: str = "") -> PayloadError:
    """`where: at most 128 characters, not 300`; `what` names the thing (`an id of`)."""
    return PayloadError(
        f"{where}: {what + ' ' if what else ''}at most {limit} characters, not {length}",
        code="too_long",
        field=where,
        params={"limit": limit, "length": length},
    )


def get_object(container: dict, key: str, where: str, *, required: bool = False) -> dict:
    """An object, {} when absent (or null), PayloadError when it is something else."""
    value = container.get(key, MISSING if required else None)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise refuse(at(where, key), "an object", value)
    return value


def get_list(container: dict, key: str, where: str) -> list:
    """A list, [] when absent (or null), PayloadError when it is something else."""
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise refuse(at(where, key), "a list", value)
    return value


def get_text(container: dict, key: str, where: str, *, limit: int = MAX_TEXT_LENGTH) -> str:
    """A string, "" when absent (or null), cut at `limit` with a mark; PayloadError for another type."""
    value = container.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise refuse(at(where, key), "text", value)
    return cut(value, limit)


def get_name(container: dict, key: str, where: str) -> str:
    """A name or handle: text, stripped, cut to the column with a mark."""
    return cut(get_text(container, key, where, limit=MAX_TEXT_LENGTH).strip(), MAX_NAME_LENGTH)


def get_id(container: dict, key: str, where: str, *, required: bool = False) -> str:
    """
    A platform id as a string: a string or a whole number (never a flag, a fraction or
    an object), at most MAX_ID_LENGTH characters. "" when absent and not required.
    """
    value = container.get(key)
    path = at(where, key)
    if value is None or value == "":
        if required:
            raise refuse(path, "an id", MISSING if key not in container else value)
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise refuse(path, "an id (a string)", value)
    if len(value) > MAX_ID_LENGTH:
        raise too_long(path, MAX_ID_LENGTH, len(value), what="an id of")
    # No platform's id holds a space or a control character: " " would make a post and a
    # link (`...?comment_id= `) of nothing.
    if any(character.isspace() or not character.isprintable() for character in value):
        raise refuse(path, "an id without spaces or control characters", value)
    return value


def get_flag(container: dict, key: str, where: str) -> bool:
    """`true` or `false` (False when absent or null); a string such as "false" is refused, not read as true."""
    value = container.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise refuse(at(where, key), "true or false", value)
    return value


def get_unix_time(container: dict, key: str, where: str, *, milliseconds: bool = False) -> datetime | None:
    """
    A unix time in seconds (or milliseconds), as a number or a string of digits;
    None when absent. PayloadError for a flag, a text, or a time outside 2000-2100.
    """
    value = container.get(key)
    path = at(where, key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise refuse(path, "a unix time (a number)", value)
    try:
        seconds = float(value) / (1000 if milliseconds else 1)
    except ValueError as exc:
        raise PayloadError(
            f"{path}: {value!r} is not a unix time", code="not_a_time", field=path, params={"value": str(value)}
        ) from exc
    if seconds != seconds or not EARLIEST.timestamp() <= seconds < LATEST.timestamp():  # NaN or out of range
        unit = "milliseconds" if milliseconds else "seconds"
        raise PayloadError(
            f"{path}: {value!r} is not a time between 2000 and 2100 (unix {unit})",
            code="out_of_range",
            field=path,
            params={"value": str(value)},
        )
    return datetime.fromtimestamp(seconds, tz=UTC)


def sane_time(moment: datetime | None, where: str) -> datetime | None:
    """A parsed time, refused when it lies outside 2000-2100."""
    if moment is not None and not EARLIEST <= moment < LATEST:
        raise PayloadError(
            f"{where}: {moment.isoformat()} is not a time between 2000 and 2100",
            code="out_of_range",
            field=where,
            params={"value": moment.isoformat()},
        )
    return moment


def cut(value: str, limit: int) -> str:
    """`value` when it fits in `limit` characters; else its start and the mark, `limit` characters in all."""
    if len(value) <= limit:
        return value
    return value[: limit - len(TRUNCATION_MARK)] + TRUNCATION_MARK
