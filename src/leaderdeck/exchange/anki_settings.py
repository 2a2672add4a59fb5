"""The learner's scheduling settings in an Anki file: when their day starts, and the FSRS
parameters and desired retention of the preset our deck uses. A replay of their reviews with
these gives the memory Anki computed.

Collections since Anki 2.1.50 (schema 18) keep settings in tables of their own, the presets as
protocol-buffer messages; older ones (schema 11, legacy exports) keep JSON in the `col` row. Both
are read here with the standard library: the `anki` package is AGPL and only ever a test tool.
"""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LeaderdeckError
from ..progress.scheduler import (
    DEFAULT_RETENTION,
    MAX_RETENTION,
    MIN_RETENTION,
    ROLLOVER_HOUR,
    Scheduling,
    fsrs_parameters,
)
from .anki_read import AnkiCollection, open_collection

# Field numbers in Anki's protocol buffers (proto/anki/deck_config.proto, decks.proto)
_KIND_NORMAL, _NORMAL_CONFIG_ID = 1, 1
_PARAMS = (6, 5)  # fsrs_params_6, fsrs_params_5 (newest first)
_DESIRED_RETENTION = 37


@dataclass(frozen=True)
class AnkiSettings:
    rollover_hour: int = ROLLOVER_HOUR
    parameters: tuple[float, ...] | None = None  # FSRS-6's 21; None: the defaults
    desired_retention: float = DEFAULT_RETENTION
    rollover_given: bool = field(default=False, compare=False)  # the file says (a package does not)


def saved_settings(settings: AnkiSettings) -> dict[str, object]:
    """`settings` as the progress store keeps them (`ProgressStore.save_settings`)."""
    saved: dict[str, object] = {"desired_retention": settings.desired_retention,
                                "fsrs_parameters": list(settings.parameters) if settings.parameters else None}
    if settings.rollover_given:
        saved["rollover_hour"] = settings.rollover_hour
    return saved


def read_anki_settings(path: Path, deck_name: str) -> AnkiSettings:
    """The settings in the Anki file at `path` for the deck named `deck_name` (the course's
    top-level deck); Anki's defaults for whatever the file does not say."""
    with open_collection(path) as collection:
        return settings_of(collection, deck_name)


def settings_of(collection: AnkiCollection, deck_name: str) -> AnkiSettings:
    """`read_anki_settings` for a collection already opened (and checked) by `open_collection`."""
    connection = collection.database
    try:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
        read = _read_current if "deck_config" in tables else _read_legacy
        rollover, params, retention = read(connection, deck_name)
    except (sqlite3.Error, ValueError, LookupError, TypeError, AttributeError, struct.error, OverflowError,
            MemoryError, RecursionError):  # a truncated protocol buffer, JSON of other shapes or too deep
        return AnkiSettings()  # settings are a refinement: an odd file is read for its reviews
    # each value checked as for a file from anywhere: saved, an odd one would fail every later answer
    return AnkiSettings(_hour(rollover), _parameters(params), _retention(retention), _hour(rollover) == rollover)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _hour(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 23 else ROLLOVER_HOUR


def _retention(value: object) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and MIN_RETENTION <= value <= MAX_RETENTION:
        return float(value)
    return DEFAULT_RETENTION


def _parameters(values: object) -> tuple[float, ...] | None:
    """FSRS-6's parameters from the file's, or None (FSRS's defaults) for any FSRS cannot use."""
    if not isinstance(values, list) or not all(map(_number, values)):
        return None
    parameters = fsrs_parameters(values)
    try:
        Scheduling(parameters=parameters)  # FSRS checks each against its bounds (NaN among the refused)
    except LeaderdeckError:
        return None
    return parameters


def _read_current(db: sqlite3.Connection, deck_name: str) -> tuple[object, list[float], float | None]:
    row = db.execute("SELECT val FROM config WHERE key = 'rollover'").fetchone()
    rollover = json.loads(row[0]) if row else None
    deck = db.execute("SELECT kind FROM decks WHERE name = ?", (deck_name,)).fetchone()
    if deck is None:
        return rollover, [], None
    normal = _fields(_bytes_field(_fields(deck[0]), _KIND_NORMAL))
    config_id = _int_field(normal, _NORMAL_CONFIG_ID, 1)
    preset = db.execute("SELECT config FROM deck_config WHERE id = ?", (config_id,)).fetchone()
    if preset is None:
        return rollover, [], None
    config = _fields(preset[0])
    params = next((_floats(_bytes_field(config, n)) for n in _PARAMS if n in config), [])
    retention = _bytes_field(config, _DESIRED_RETENTION)
    # stored as a 32-bit float: 0.85 reads back as 0.8500000238
    return rollover, params, round(struct.unpack("<f", retention)[0], 4) if retention else None


def _read_legacy(db: sqlite3.Connection, deck_name: str) -> tuple[object, list[float], float | None]:
    conf, decks, dconf = (json.loads(text) for text in db.execute("SELECT conf, decks, dconf FROM col").fetchone())
    deck = next((d for d in decks.values() if d.get("name") == deck_name), None)
    preset = dconf.get(str(deck.get("conf", 1))) if deck else None
    if preset is None:
        return conf.get("rollover"), [], None
    params = preset.get("fsrsParams6") or preset.get("fsrsParams5") or preset.get("fsrsWeights") or []
    return conf.get("rollover"), params, preset.get("desiredRetention")


def _fields(message: bytes) -> dict[int, list[int | bytes]]:
    """A protocol-buffer message's fields: number → values (varints as ints, the rest as bytes)."""
    fields: dict[int, list[int | bytes]] = {}
    for number, value in _wire(message):
        fields.setdefault(number, []).append(value)
    return fields


def _bytes_field(fields: dict[int, list[int | bytes]], number: int) -> bytes:
    """The first value of field `number` (b"" when absent), which must be length-delimited."""
    value = fields.get(number, [b""])[0]
    if not isinstance(value, bytes):
        raise TypeError(f"protocol-buffer field {number} holds a number, not bytes")
    return value


def _int_field(fields: dict[int, list[int | bytes]], number: int, default: int) -> int:
    value = fields.get(number, [default])[0]
    if not isinstance(value, int):
        raise TypeError(f"protocol-buffer field {number} holds bytes, not a number")
    return value


def _wire(data: bytes) -> Iterator[tuple[int, int | bytes]]:
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, kind = key >> 3, key & 7
        value: int | bytes
        if kind == 0:
            value, at = _varint(data, at)
        elif kind in (1, 5):
            size = 8 if kind == 1 else 4
            value, at = data[at:at + size], at + size
        elif kind == 2:
            size, at = _varint(data, at)
            value, at = data[at:at + size], at + size
        else:
            raise ValueError(f"protocol-buffer wire type {kind} is not read here")
        yield number, value


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if byte < 0x80:
            return value, at


def _floats(packed: bytes) -> list[float]:
    return list(struct.unpack(f"<{len(packed) // 4}f", packed))
