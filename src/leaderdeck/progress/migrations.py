"""The store's schema as named migrations, applied in order inside one transaction.

`schema_migrations` records each applied migration by number and name. Opening a store runs the
ones it lacks, so a store written by an older leaderdeck upgrades itself; if any statement fails,
the transaction rolls back and the store stays exactly as it was.

A store is recognised by its header, never by its table names (Rails and golang-migrate keep a
`schema_migrations` table too): `PRAGMA application_id` is `APPLICATION_ID` ("LDPR", LeaderDeck
PRogress) and `PRAGMA user_version` is the schema version, both read without parsing any table.
Stores made before the mark carry our exact schema and are marked by migration 4.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

APPLICATION_ID = 0x4C445052  # b"LDPR" in the header at offset 68: this file is a leaderdeck progress store


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


# Review log: append-only, one row per answer, with the memory before and after so a review can
# be exported as an Anki revlog row (ease, ivl, lastIvl, factor, time, type) without replaying.
# A card cannot be reviewed twice in the same millisecond: (card, reviewed_at) is the dedupe key
# that makes recording idempotent and lets reviews imported from Anki (revlog id = epoch ms)
# meet their own exported copies. `origin` says where a review came from.
REVIEW_LOG = """
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    card TEXT NOT NULL,
    kind TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'leaderdeck',
    reviewed_at INTEGER NOT NULL,
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
    response TEXT NOT NULL DEFAULT '',
    state_before INTEGER,
    step_before INTEGER,
    stability_before REAL,
    difficulty_before REAL,
    due_before INTEGER,
    last_review_before INTEGER,
    state_after INTEGER NOT NULL,
    step_after INTEGER,
    stability_after REAL NOT NULL,
    difficulty_after REAL NOT NULL,
    due_after INTEGER NOT NULL,
    UNIQUE (card, reviewed_at)
)"""

# Per-card state: a cache of each card's latest review, rebuildable from the log.
CARD_STATE = """
CREATE TABLE cards (
    card TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state INTEGER NOT NULL,
    step INTEGER,
    stability REAL NOT NULL,
    difficulty REAL NOT NULL,
    due INTEGER NOT NULL,
    last_review INTEGER NOT NULL,
    first_review INTEGER NOT NULL,
    reps INTEGER NOT NULL,
    lapses INTEGER NOT NULL
) WITHOUT ROWID"""

# Anki's manual entries (revlog type 4/5, ease 0): "Forget" (ivl 0: the card is new again) and
# "Set due date" (ivl: the interval from the last review to the new due day), kept as Anki wrote them.
RESCHEDULES = """
CREATE TABLE reschedules (
    card TEXT NOT NULL,
    reviewed_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    anki_card INTEGER NOT NULL,
    anki_ivl INTEGER NOT NULL,
    anki_last_ivl INTEGER NOT NULL,
    anki_factor INTEGER NOT NULL,
    anki_type INTEGER NOT NULL,
    PRIMARY KEY (card, reviewed_at)
) WITHOUT ROWID"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "review log and card states", (
        REVIEW_LOG,
        CARD_STATE,
        "CREATE INDEX cards_by_due ON cards (due)",
        "CREATE INDEX cards_by_first_review ON cards (first_review)",
    )),
    Migration(2, "index reviews by time for the activity chart", (
        "CREATE INDEX reviews_by_time ON reviews (reviewed_at, card, correct)",
    )),
    # The dashboard groups cards by lesson and concept. Copying both (and whether the card is
    # still in the course) from the course's catalog into the cache turns that into one scan of
    # a covering index instead of a 100,000-row join; `catalog_sync` says which catalog it was.
    Migration(3, "lesson, concept and presence on cards for the dashboard", (
        "ALTER TABLE cards ADD COLUMN lesson TEXT",
        "ALTER TABLE cards ADD COLUMN concept TEXT",
        "ALTER TABLE cards ADD COLUMN present INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX cards_by_standing ON cards "
        "(present, lesson, concept, state, last_review, stability, lapses)",
        "CREATE TABLE catalog_sync (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint TEXT NOT NULL)",
    )),
    Migration(4, "mark the file as a leaderdeck progress store", (
        f"PRAGMA application_id = {APPLICATION_ID}",
    )),
    # What Anki logged for a review that came from Anki (its card id, `ivl`, `lastIvl`, `factor`,
    # `type`), written back unchanged on export; Anki's "Forget" and "Set due date" entries, which
    # are not answers, applied in the replay; and the scheduling settings read from the learner's
    # collection (rollover hour, FSRS parameters, desired retention), used for notebook reviews.
    Migration(5, "Anki's own review-log values, forget and set-due-date entries, scheduling settings", (
        "ALTER TABLE reviews ADD COLUMN anki_card INTEGER",
        "ALTER TABLE reviews ADD COLUMN anki_ivl INTEGER",
        "ALTER TABLE reviews ADD COLUMN anki_last_ivl INTEGER",
        "ALTER TABLE reviews ADD COLUMN anki_factor INTEGER",
        "ALTER TABLE reviews ADD COLUMN anki_type INTEGER",
        RESCHEDULES,
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    )),
    # "I was right" after a missed answer: the log stays append-only, so the correction is a new
    # row naming the row it replaces (`amends`); replays, rebuilds, exports and counts skip the
    # replaced row. The miss was stored at once, so a kernel killed before the override loses nothing.
    Migration(6, "corrections that replace a just-given answer", (
        "ALTER TABLE reviews ADD COLUMN amends INTEGER",
        "CREATE INDEX reviews_amended ON reviews (amends) WHERE amends IS NOT NULL",
    )),
)

LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
)"""


def schema_version(connection: sqlite3.Connection) -> int:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").fetchone()
    if not exists:
        return 0
    return int(connection.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0])


def pending(connection: sqlite3.Connection,
            migrations: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    current = schema_version(connection)
    return [m for m in migrations if m.version > current]


def migrate(connection: sqlite3.Connection, now_ms: int,
            migrations: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    """Apply every pending migration in one transaction; return those applied.

    The connection must be in autocommit mode (isolation_level=None) so BEGIN/COMMIT are ours.
    """
    if not pending(connection, migrations):
        return []
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute(LEDGER)
        todo = pending(connection, migrations)  # again, under the write lock: another process may have migrated
        for migration in todo:
            for statement in migration.statements:
                connection.execute(statement)
            connection.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                               (migration.version, migration.name, now_ms))
        if todo:
            connection.execute(f"PRAGMA user_version = {int(todo[-1].version)}")  # in the transaction
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return todo


def unmarked_version(connection: sqlite3.Connection,
                     migrations: Sequence[Migration] = MIGRATIONS) -> int | None:
    """For a file without our mark: the schema version if its schema is exactly what our
    migrations up to that version create (a store from before the mark), else None."""
    found = schema_of(connection)
    for migration in migrations:
        if reference_schema(migration.version, migrations) == found:
            versions = [v for (v,) in connection.execute("SELECT version FROM schema_migrations")]
            if sorted(versions) == [m.version for m in migrations if m.version <= migration.version]:
                return migration.version
    return None


# (type, name, table, sql) of one table or index, as sqlite_master lists it
SchemaRow = tuple[str, str, str, str | None]


def reference_schema(version: int, migrations: Sequence[Migration] = MIGRATIONS) -> set[SchemaRow]:
    """The tables and indexes our migrations up to `version` create, as `schema_of` lists them."""
    reference = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(reference, 0, [m for m in migrations if m.version <= version])
        return schema_of(reference)
    finally:
        reference.close()


def schema_of(connection: sqlite3.Connection) -> set[SchemaRow]:
    return set(connection.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))
