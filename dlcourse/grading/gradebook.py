"""The gradebook: the database where nbgrader keeps a course's assignments, students and grades.

A gradebook is named by a database URL, as nbgrader's ``CourseDirectory.db_url`` is:

- **SQLite**, the default: ``<course>/gradebook.db``, a file beside the course (or the ``db_url`` that
  the course's nbgrader_config.py sets, which the formgrader uses too). One machine, one
  instructor at a time.
- **PostgreSQL**: ``--db postgresql://USER@HOST:5432/DATABASE`` (a password in the URL, or better in
  ``~/.pgpass`` or ``PGPASSWORD``). Several machines, or several instructors, write one gradebook.
  ``postgresql://`` is read with the psycopg 3 driver (``postgresql+psycopg://``).

Writers take ``writer_lock(url)`` around every change: a PostgreSQL advisory lock, or a file lock beside
the SQLite file. Two instructors grading at once then take turns for each student's write (and for
creating the tables), so neither run fails on the other's rows and no grade is stored twice; the
execution, which takes the time, is never under the lock.

Passwords are never printed: every message names the gradebook with ``shown(url)``.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
from contextlib import contextmanager
from pathlib import Path

DEFAULT_FILE = "gradebook.db"
# the tables that describe assignments (what a worker's private gradebook needs); not students or grades
DEFINITIONS = ("course", "assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "task_cells",
               "source_cell")


class GradebookUnavailable(RuntimeError):
    """The gradebook cannot be reached or opened (a server that is down, a wrong password, a bad URL)."""


def url(course: Path, db: str | None = None) -> str:
    """The gradebook's SQLAlchemy URL: ``db`` (``sqlite:///...`` or ``postgresql://...``) or the course's
    SQLite file. Raise ``ValueError`` for a URL that names another database."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    db = db or configured(course)
    if not db:
        return f"sqlite:///{Path(course).resolve() / DEFAULT_FILE}"
    try:
        parsed = make_url(db)
    except ArgumentError:
        raise ValueError(f"--db {db!r} is not a database URL; expected postgresql://USER@HOST:PORT/DATABASE "
                         f"or sqlite:///PATH") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend == "sqlite":
        return db
    raise ValueError(f"--db {shown(db)}: dlcourse grades into SQLite or PostgreSQL, not {backend}")


def configured(course: Path) -> str:
    """``c.CourseDirectory.db_url`` of the course's nbgrader_config.py (what nbgrader's own commands and the
    formgrader use), or ""."""
    path = Path(course) / "nbgrader_config.py"
    if not path.exists():
        return ""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    return str(config.CourseDirectory.get("db_url", "") or "")


def shown(db_url: str) -> str:
    """The URL as messages show it: the password replaced by ``***``."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(db_url)
        if parsed.drivername == "postgresql+psycopg":     # as the instructor wrote it
            parsed = parsed.set(drivername="postgresql")
        return parsed.render_as_string(hide_password=True)
    except Exception:   # noqa: BLE001  (not a URL: show nothing of it that could be a secret)
        return "<a database URL that cannot be read>"


def is_sqlite(db_url: str) -> bool:
    return db_url.startswith("sqlite")


def sqlite_path(db_url: str) -> Path:
    """The file of a ``sqlite:///`` URL."""
    from sqlalchemy.engine import make_url

    return Path(make_url(db_url).database or "")


def check(db_url: str, timeout: int = 10) -> None:
    """Raise ``GradebookUnavailable`` unless the gradebook can be opened now; write nothing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    if is_sqlite(db_url):
        folder = sqlite_path(db_url).parent
        if not folder.is_dir():
            raise GradebookUnavailable(f"cannot open the gradebook {shown(db_url)}: no folder {folder}")
        return
    engine = create_engine(db_url, connect_args={"connect_timeout": timeout}, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:   # noqa: BLE001  (every way of not reaching it: refused, unknown host, auth)
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        raise GradebookUnavailable(f"cannot reach the gradebook {shown(db_url)}: "
                                   f"{reason[0] if reason else type(exc).__name__}") from None
    finally:
        engine.dispose()


def require(db_url: str) -> None:
    """Raise ``FileNotFoundError`` for a SQLite gradebook that does not exist (opening it would create it)."""
    if is_sqlite(db_url) and not sqlite_path(db_url).is_file():
        raise FileNotFoundError(f"no gradebook at {sqlite_path(db_url)}: run dlcourse autograde first")


@contextmanager
def writer_lock(db_url: str):
    """Hold the gradebook's one writer lock while in the block (see the module docstring)."""
    if is_sqlite(db_url):
        path = sqlite_path(db_url)
        with open(path.with_name(path.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    key = int.from_bytes(hashlib.sha256(b"dlcourse gradebook writer").digest()[:8], "big", signed=True)
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
    finally:
        engine.dispose()


def _alembic_on_path() -> None:
    """nbgrader stamps a new gradebook by running ``alembic``, which lives beside this Python."""
    here = os.path.dirname(sys.executable)
    if here not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = here + os.pathsep + os.environ.get("PATH", "")


def open_gradebook(db_url: str):
    """nbgrader's ``Gradebook`` on ``db_url``; its tables are created, under the writer lock, if missing."""
    from nbgrader.api import Gradebook

    _alembic_on_path()
    with writer_lock(db_url):
        return Gradebook(db_url)


def copy_definitions(db_url: str, dest: Path) -> None:
    """Write into the new SQLite file ``dest`` the assignments of ``db_url`` without any student or grade:
    the private gradebook a worker grades one student in (it never sees the class's grades)."""
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine, select
    from sqlalchemy.pool import NullPool

    dest.unlink(missing_ok=True)
    _alembic_on_path()
    Gradebook(f"sqlite:///{dest}").close()            # the schema, as nbgrader makes it
    source, target = create_engine(db_url, poolclass=NullPool), create_engine(f"sqlite:///{dest}")
    try:
        with source.connect() as src, target.begin() as out:
            for table in Base.metadata.sorted_tables:   # parents before children
                if table.name in DEFINITIONS:
                    rows = [dict(r) for r in src.execute(select(table)).mappings()]
                    out.execute(table.delete())
                    if rows:
                        out.execute(table.insert(), rows)
    finally:
        source.dispose()
        target.dispose()
