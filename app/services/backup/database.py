"""The database of a backup: PostgreSQL through pg_dump / pg_restore (custom format), SQLite through its backup API.

The connection settings go to pg_dump and pg_restore in PG* environment variables, never on the command line
(where ``ps`` would show the password).
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from app.services.backup.manifest import BackupRefused

POSTGRESQL, SQLITE = "postgresql", "sqlite"
FILES = {POSTGRESQL: "database.dump", SQLITE: "database.sqlite3"}


def engine_kind(engine: Engine) -> str:
    name = engine.url.get_backend_name()
    if name not in FILES:
        raise BackupRefused(_l("Backups know PostgreSQL and SQLite, not %(name)s", name=name))
    return name


def _pg_environment(engine: Engine) -> dict[str, str]:
    url = engine.url
    environment = dict(os.environ)
    for variable, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            environment[variable] = str(value)
    return environment


def _sqlite_path(engine: Engine) -> str:
    database = make_url(str(engine.url)).database
    if not database or database == ":memory:":
        raise BackupRefused(_l("An in-memory SQLite database cannot be backed up or restored"))
    return database


def _run(command: list[str], engine: Engine) -> None:
    try:
        result = subprocess.run(command, env=_pg_environment(engine), capture_output=True, text=True, check=False)
    except FileNotFoundError as missing:
        raise BackupRefused(_l("%(tool)s is not installed (PostgreSQL client tools)", tool=command[0])) from missing
    if result.returncode != 0:
        raise BackupRefused(
            _l("%(tool)s failed: %(error)s", tool=command[0], error=(result.stderr or result.stdout).strip()[-500:])
        )


def revision(engine: Engine) -> str | None:
    """The Alembic revision of the database, if it has one."""
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def dump(engine: Engine, folder: Path) -> str:
    """Write the database into ``folder``; the file's name."""
    kind = engine_kind(engine)
    target = folder / FILES[kind]
    if kind == POSTGRESQL:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)], engine)
    else:
        source = sqlite3.connect(_sqlite_path(engine))
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # a consistent copy even while the portal writes
        finally:
            copy.close()
            source.close()
    return target.name


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def restore(engine: Engine, folder: Path, name: str, *, replace: bool) -> None:
    """Load the dump ``name`` of ``folder`` into the database of ``engine`` (which the caller checked)."""
    kind = engine_kind(engine)
    if name != FILES[kind]:
        raise BackupRefused(_l("The backup is of another kind of database (%(name)s)", name=name))
    engine.dispose()
    if kind == POSTGRESQL:
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if replace:
            command += ["--clean", "--if-exists"]
        _run([*command, "--dbname", str(engine.url.database), str(folder / name)], engine)
    else:
        source = sqlite3.connect(folder / name)
        target = sqlite3.connect(_sqlite_path(engine))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    engine.dispose()
