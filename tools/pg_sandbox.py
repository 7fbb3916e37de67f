"""A throwaway PostgreSQL cluster for tests: a temp dir, 127.0.0.1 on a free port, deleted after.

    python tools/pg_sandbox.py run -- CMD ...   start, run CMD with the URL in its environment
                                                (WORKSTATION_TEST_DB=postgresql and
                                                WORKSTATION_TEST_PG_URL), stop, delete
    python tools/pg_sandbox.py start DIR        start a cluster in DIR (left running); the URL is
                                                written to DIR/url (mode 0600), not printed
    python tools/pg_sandbox.py stop DIR         stop it and delete DIR

The server binaries come from PG_BIN, else `pg_config --bindir`, else the newest
/usr/lib/postgresql/*/bin. Run as root, the cluster belongs to the `postgres` user (PostgreSQL
refuses to run as root). The superuser's password is random and never printed: messages show
the URL without it. Settings favour speed over durability (fsync off): test data only.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

USER = "ws"
DATABASE = "postgres"
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "128MB",
    # Tests make and drop a database each; the default checkpoints would make that wait.
    "checkpoint_timeout": "30min",
    "max_wal_size": "2GB",
    "log_min_messages": "warning",
}


def bin_dir() -> Path:
    if env := os.environ.get("PG_BIN"):
        return Path(env)
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        candidate = Path(out.stdout.strip())
        if (candidate / "initdb").exists():
            return candidate
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    if not found:
        sys.exit("pg_sandbox: PostgreSQL server binaries not found (install `postgresql`)")
    return found[-1].parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_owner(argv: list[str]) -> list[str]:
    """The command as the `postgres` user when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", "postgres", "--", *argv]


def _owner_ids() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


def masked(url: str) -> str:
    """The URL with its password replaced by ***."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, creds = head.partition("//")
    user = creds.split(":", 1)[0]
    return f"{scheme}//{user}:***@{tail}"


def start(root: Path) -> str:
    """Initialise and start a cluster in `root` (which must be empty or missing); returns the
    SQLAlchemy URL of its superuser."""
    root.mkdir(parents=True, exist_ok=True)
    ids = _owner_ids()
    if ids is not None:
        os.chown(root, *ids)
    data = root / "data"
    password = secrets.token_urlsafe(18)
    pwfile = root / "pw"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    if ids is not None:
        os.chown(pwfile, *ids)
    bindir = bin_dir()
    subprocess.run(
        _as_owner(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                f"--pwfile={pwfile}",
                "--auth-host=scram-sha-256",
                "--auth-local=peer",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    pwfile.unlink()
    port = free_port()
    conf = data / "postgresql.conf"
    with conf.open("a") as f:
        for name, value in {**SETTINGS, "port": str(port)}.items():
            f.write(f"{name} = {value}\n")
        f.write(f"unix_socket_directories = '{root}'\n")
    subprocess.run(
        _as_owner(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    url = f"postgresql+psycopg://{USER}:{password}@127.0.0.1:{port}/{DATABASE}"
    url_file = root / "url"
    url_file.write_text(url + "\n")
    url_file.chmod(0o600)
    return url


def stop(root: Path) -> None:
    data = root / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(
            _as_owner([str(bin_dir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
    shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def sandbox() -> Iterator[str]:
    """A running cluster for the duration of the block; yields its URL."""
    root = Path(tempfile.mkdtemp(prefix="ws-pg-"))
    try:
        yield start(root)
    finally:
        stop(root)


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "run" and "--" in argv:
        command = argv[argv.index("--") + 1 :]
        if not command:
            sys.exit("pg_sandbox: nothing to run")
        # Killed (a CI timeout): still stop the server and delete its folder.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        started = time.perf_counter()
        with sandbox() as url:
            print(
                f"pg_sandbox: PostgreSQL at {masked(url)} ({time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
            env = {
                **os.environ,
                "WORKSTATION_TEST_DB": "postgresql",
                "WORKSTATION_TEST_PG_URL": url,
            }
            return subprocess.call(command, env=env)
    if len(argv) == 2 and argv[0] == "start":
        root = Path(argv[1]).resolve()
        url = start(root)
        print(f"PostgreSQL at {masked(url)}; full URL in {root / 'url'}")
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        stop(Path(argv[1]).resolve())
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
