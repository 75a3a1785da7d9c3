"""A throwaway PostgreSQL server for the tests: Debian's ``postgresql`` package (``make postgres``
installs it), a cluster made by ``initdb`` in a temporary folder, listening on 127.0.0.1 only, stopped
and deleted afterwards.

``server()`` is a context manager that yields a ``Server``; ``Server.database(name)`` creates an empty
database and returns its ``postgresql://`` URL (with the password, as an instructor would pass it).
``unavailable()`` says why no server can be started here, or returns "".

As root, the cluster belongs to the ``postgres`` user, which Debian's package creates (PostgreSQL
refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER = "grader"
PASSWORD = "s3cret-pw-for-tests"


def binaries() -> Path | None:
    """The folder with initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def _owner() -> pwd.struct_passwd | None:
    """Who runs the server: this user, or ``postgres`` when this is root."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.geteuid())
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        return None


def unavailable() -> str:
    if binaries() is None:
        return "PostgreSQL is not installed (initdb not found): run make postgres, or apt-get install postgresql"
    if _owner() is None:
        return "running as root and there is no postgres user to run the server as"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -r requirements.txt)"
    return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    folder: Path
    port: int
    bin: Path
    owner: pwd.struct_passwd

    def url(self, database: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{USER}:{password}@127.0.0.1:{self.port}/{database}"

    def database(self, name: str) -> str:
        """A new, empty database ``name``; its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def _as_owner(self, argv: list[str], **kw) -> subprocess.CompletedProcess:
        def drop() -> None:
            if os.geteuid() == 0:
                os.setgid(self.owner.pw_gid)
                os.setuid(self.owner.pw_uid)
        return subprocess.run(argv, preexec_fn=drop, capture_output=True, text=True, timeout=120, **kw)

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess:
        return self._as_owner([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), *args])

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off -c max_connections=100"
        done = self.pg_ctl("start", "-w", "-t", "60", "-l", str(self.folder / "server.log"), "-o", options)
        if done.returncode:
            log = (self.folder / "server.log").read_text(errors="replace") if (self.folder / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr}{done.stdout}\n{log[-2000:]}")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode, "-w", "-t", "60")


@contextmanager
def server():
    """Start a throwaway cluster; yield its ``Server``; stop it and delete it."""
    owner, bin_ = _owner(), binaries()
    folder = Path(tempfile.mkdtemp(prefix="dlcourse-pg-"))
    os.chmod(folder, 0o700)
    if os.geteuid() == 0:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    (folder / "pw").write_text(PASSWORD + "\n")
    if os.geteuid() == 0:
        os.chown(folder / "pw", owner.pw_uid, owner.pw_gid)
    srv = Server(folder, free_port(), bin_, owner)
    try:
        made = srv._as_owner([str(bin_ / "initdb"), "-D", str(folder / "data"), "-U", USER, "--pwfile",
                              str(folder / "pw"), "--auth=scram-sha-256", "-E", "UTF8", "--no-locale"])
        if made.returncode:
            raise RuntimeError(f"initdb failed: {made.stderr}{made.stdout}")
        srv.start()
        yield srv
    finally:
        srv.stop("immediate")
        time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)
