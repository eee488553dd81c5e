"""A throwaway PostgreSQL 15 server on localhost for the tests of the PostgreSQL publication target.

initdb refuses to run as root, so when the tests run as root (CI does) the data folder is given to
the unprivileged `postgres` system user and initdb / pg_ctl run as that user through runuser; run
as anyone else, they run directly. Trust authentication on 127.0.0.1 and a unix socket inside the
folder: nothing listens beyond this machine, and no password exists to leak.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
SERVER_USER = "postgres"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], folder: Path) -> None:
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True, cwd=folder)
    if done.returncode != 0:
        log = folder / "server.log"
        raise RuntimeError(
            f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
            + (log.read_text(errors="replace")[-3000:] if log.exists() else "")
        )


@contextmanager
def postgres_server() -> Iterator[str]:
    """Starts a server in a new folder under the system temporary directory (pytest's own folders
    are closed to other users) and yields a libpq URL to its `postgres` database as superuser
    `postgres`; stops it (fast shutdown) and removes the folder however the caller ends."""
    for tool in ("initdb", "pg_ctl"):
        if not (POSTGRES_BIN / tool).exists():
            raise RuntimeError(
                f"{POSTGRES_BIN / tool} is missing: the PostgreSQL tests need the PostgreSQL 15 server binaries "
                "(Debian: apt-get install postgresql-15)"
            )
    folder = Path(tempfile.mkdtemp(prefix="warehouse-postgres-"))
    try:
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(folder, user.pw_uid, user.pw_gid)
        data, port = folder / "data", _free_port()
        # The server runs in its folder: runuser keeps the working directory, which postgres may not enter.
        _run([str(POSTGRES_BIN / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
              "--locale=C.UTF-8", "--no-sync"], folder)
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        try:
            _run([str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "server.log"),
                  "-w", "start"], folder)
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(_as_server_user([str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                           capture_output=True, cwd=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
