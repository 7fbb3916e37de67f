"""Local diagnostics: a rotating log in the data folder that keeps no reporter identity or lead
text, and the crash report a person can carry to the maintainers. No network, no telemetry.

The log records what happened, not what the data says: ids, counts, actions, file extensions and
sizes, durations. Every line, and every exception text that reaches it, goes through `scrub`,
which blanks mobile and landline phone numbers, ID-card numbers (and other long digit runs),
e-mail addresses and runs of Chinese characters, so a reporter's name, phone or a lead's summary
cannot end up in a file that is copied off the machine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import platform
import re
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

LOG_FOLDER = "logs"
LOG_NAME = "workstation.log"
MAX_BYTES = 1_048_576  # 1 MB per file...
BACKUP_COUNT = 4  # ...and the current file plus four older ones: five files, 5 MB at most
LEVEL_ENV = "WORKSTATION_LOG_LEVEL"
REPORT_LOG_LINES = 200
LINE_FORMAT = "%(asctime)s %(levelname)s [%(process)d %(threadName)s] %(name)s: %(message)s"

_log = logging.getLogger(__name__)
T = TypeVar("T")

# --- scrubbing -------------------------------------------------------------------------------

# Digits next to digits are never split: a phone inside a longer number is not a phone, and a
# long run is blanked whole by the ID pattern first. Compiled on first use (start-up time).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_BETWEEN = "\u3000-\u303f\uff00-\uffef\u00b7\u2014\u2026\u201c\u201d\u2018\u2019 "
_SCRUBBERS: tuple[tuple[str, str], ...] = (
    # (Starting only where a word starts: a long run without "@" is not re-scanned from each of
    # its characters.)
    (r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "<email>"),
    # Resident ID numbers (18 digits, the last may be X; or the old 15), bank cards: any run
    # of 15 or more digits.
    (r"(?<!\d)\d{15,}[Xx]?(?!\d)", "<id>"),
    # Mobile numbers, with an optional +86 and spaces or hyphens in the usual places.
    (r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)", "<phone>"),
    # Landlines with an area code: 010-12345678, 0571 8765432, (0571)87654321; not inside a
    # word (a hexadecimal digest holds such runs often enough).
    (r"(?<![0-9A-Za-z])\(?0\d{2,3}\)?[ -]?\d{7,8}(?![0-9A-Za-z])", "<phone>"),
    # Runs of Chinese characters (names, summaries, units, messages) with the punctuation and
    # spaces between them: CJK unified ideographs, extensions and compatibility ideographs.
    (f"[{_CJK}](?:[{_BETWEEN}]*[{_CJK}])*", "<text>"),
)


@functools.cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), replacement) for pattern, replacement in _SCRUBBERS)


def scrub(text: str) -> str:
    """`text` with phone numbers, ID numbers, e-mail addresses and Chinese text blanked."""
    for pattern, replacement in _compiled():
        text = pattern.sub(replacement, text)
    return text


def format_exception(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """The traceback as Python prints it, exception messages (and chained ones) scrubbed."""
    return scrub("".join(traceback.format_exception(exc_type, exc, tb)))


class ScrubbingFormatter(logging.Formatter):
    """Formats a record (message, arguments, traceback, stack) and scrubs the whole text."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler whose files are created readable by their owner only, and which
    never lets a failure to write the log interrupt the work being logged."""

    def _open(self) -> Any:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        # Disk full or the folder removed: the log is lost, the user's work goes on.
        return


# --- the log files ---------------------------------------------------------------------------

_lock = threading.Lock()
_handler: PrivateRotatingFileHandler | None = None
_root_level: int | None = None  # the root logger's level before setup_logging changed it
_facts: dict[str, str] = {}


def log_folder(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The logs folder inside the data folder (`--data-dir` / $WORKSTATION_DATA_DIR apply)."""
    from workstation.paths import data_dir as data_folder

    return data_folder(data_dir) / LOG_FOLDER


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        folder.chmod(0o700)


def _level() -> int:
    name = os.environ.get(LEVEL_ENV, "").strip().upper()
    level = logging.getLevelName(name) if name else logging.INFO
    return level if isinstance(level, int) else logging.INFO


def setup_logging(data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Send log records (INFO and above; $WORKSTATION_LOG_LEVEL=DEBUG for more) to
    `<data folder>/logs/workstation.log`, rotated at 1 MB with four older files kept.

    Called by the command line and the app at start; calling it again moves the log to the
    (new) folder. Returns the log file, or None when the folder cannot be written (the program
    then runs without a log rather than not at all)."""
    global _handler
    folder = log_folder(data_dir)
    with _lock:
        if _handler is not None and Path(_handler.baseFilename).parent == folder.resolve():
            return Path(_handler.baseFilename)
        _remove_handler()
        try:
            _private_folder(folder)
            path = folder / LOG_NAME
            handler = PrivateRotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
            )
            if os.name == "posix" and path.exists():
                path.chmod(0o600)
        except OSError:
            return None
        handler.setFormatter(ScrubbingFormatter(LINE_FORMAT))
        root = logging.getLogger()
        root.addHandler(handler)
        level = _level()
        if root.getEffectiveLevel() > level or root.level == logging.NOTSET:
            global _root_level
            _root_level = root.level if _root_level is None else _root_level
            root.setLevel(level)
        # Alembic says "Context impl SQLiteImpl." whenever a revision is read; migrations are
        # logged by the store itself.
        logging.getLogger("alembic").setLevel(logging.WARNING)
        _handler = handler
    return Path(handler.baseFilename)


def _remove_handler() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def stop_logging() -> None:
    """Stop writing the log file, and give the root logger its level back (tests)."""
    global _root_level
    with _lock:
        _remove_handler()
        if _root_level is not None:
            logging.getLogger().setLevel(_root_level)
            _root_level = None


def current_log_file() -> Path | None:
    handler = _handler
    return Path(handler.baseFilename) if handler is not None else None


def active_log_folder() -> Path:
    """Where this run logs (set up with --data-dir, perhaps), else the default logs folder."""
    current = current_log_file()
    return current.parent if current is not None else log_folder()


def log_files(folder: Path | None = None) -> list[Path]:
    """The log files, newest first (workstation.log, workstation.log.1, …)."""
    if folder is None:
        current = current_log_file()
        if current is None:
            return []
        folder = current.parent
    files = [folder / LOG_NAME] + [folder / f"{LOG_NAME}.{n}" for n in range(1, BACKUP_COUNT + 1)]
    return [f for f in files if f.is_file()]


def recent_lines(count: int = REPORT_LOG_LINES, folder: Path | None = None) -> list[str]:
    """The last `count` lines of the log, oldest first, across a rotation."""
    if _handler is not None:
        with contextlib.suppress(Exception):
            _handler.flush()
    lines: list[str] = []
    for path in log_files(folder):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        lines = text.splitlines() + lines
        if len(lines) >= count:
            break
    return lines[-count:] if count > 0 else []


# --- facts of this session, for reports ------------------------------------------------------


def set_fact(name: str, value: object) -> None:
    """Remember a fact of this session for crash reports (store backend, schema revision…).
    Only plain, non-identifying values belong here; they are scrubbed when written anyway."""
    _facts[name] = str(value)


def facts() -> dict[str, str]:
    return dict(_facts)


def describe_file(path: str | os.PathLike[str]) -> str:
    """What the log may say about a user's file: its extension and size, never its name."""
    p = Path(path)
    suffix = p.suffix.lower() or "(none)"
    try:
        size = f"{p.stat().st_size} bytes"
    except OSError:
        size = "size unknown"
    return f"{suffix} file, {size}"


# --- crash reports ---------------------------------------------------------------------------


def platform_summary() -> str:
    return f"{platform.system()} {platform.release()} ({platform.machine()}); {platform.platform()}"


def crash_report(
    tracebacks: Sequence[str],
    *,
    extra: Mapping[str, str] | None = None,
    when: dt.datetime | None = None,
) -> str:
    """The text of a crash report: version, platform, schema revision (facts of the session),
    time, the tracebacks (from `format_exception`) and the last lines of the log — all scrubbed
    again, so nothing identifying is carried off. `extra`: the Qt version and the like."""
    from workstation.version import __version__

    when = when or dt.datetime.now().astimezone()
    lines = [
        "Case Supervision Workstation — crash report",
        f"time: {when.isoformat(timespec='seconds')}",
        f"version: {__version__}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"platform: {platform_summary()}",
    ]
    lines += [f"{name}: {value}" for name, value in {**facts(), **(extra or {})}.items()]
    for number, text in enumerate(tracebacks, start=1):
        title = "error" if len(tracebacks) == 1 else f"error {number} of {len(tracebacks)}"
        lines += ["", f"{title}:", text.rstrip("\n")]
    recent = recent_lines()
    lines += ["", f"last {len(recent)} log lines:", *recent]
    return scrub("\n".join(lines)) + "\n"


def write_private_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write `text` to `path`, readable by its owner only (where the system has such modes)."""
    target = Path(path)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return target


def log_uncaught(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    where: str = "uncaught",
) -> None:
    """Record an exception nobody handled (its traceback is scrubbed by the formatter)."""
    _log.error("%s exception: %s", where, exc_type.__name__, exc_info=(exc_type, exc, tb))


def run_logged(args: Any, call: Callable[[], T]) -> T:
    """Run one command-line command, logging its name (never its arguments, which may hold a
    reporter's name), how it ended and how long it took."""
    from workstation.errors import ValidationError, WorkstationError
    from workstation.version import __version__

    command = " ".join(
        str(part)
        for part in (getattr(args, "command", None), getattr(args, "action", None))
        if part
    )
    log = logging.getLogger("workstation.cli")
    log.info("command %s started (version %s)", command or "?", __version__)
    start = time.perf_counter()
    try:
        result = call()
    except ValidationError as exc:
        log.warning("command %s refused: invalid fields %s", command, sorted(exc.problems))
        raise
    except WorkstationError as exc:
        log.warning("command %s refused: %s", command, type(exc).__name__)
        raise
    except KeyboardInterrupt:
        log.info("command %s interrupted", command)
        raise
    except BaseException:
        log.exception("command %s failed with an unexpected error", command)
        raise
    log.info(
        "command %s finished in %.2f s (exit %s)", command, time.perf_counter() - start, result or 0
    )
    return result


def log_start(program: str) -> None:
    """The first line of a run: what started, where. (The version is logged by `log_versions`
    once the window is up: reading package metadata costs start-up time.)"""
    logging.getLogger(f"workstation.{program}").info(
        "%s started (pid %s, Python %s, %s %s %s)",
        program,
        os.getpid(),
        platform.python_version(),
        platform.system(),
        platform.release(),
        platform.machine(),
    )


def log_versions(**extra: str) -> None:
    from workstation.version import __version__

    details = " ".join(f"{k} {v}" for k, v in extra.items())
    _log.info("version %s %s", __version__, details)


# --- the main events of the services ---------------------------------------------------------
# What each logged service call says when it ends: counts, ids, sizes, never names or text.
# Kept here, in one place, so what may reach the log is reviewed (and tested) together.


def _count(value: Any) -> Any:
    return len(value) if isinstance(value, list | tuple | set | dict) else value


def _import_summary(result: Any, *args: Any, **kwargs: Any) -> str:
    path = args[2] if len(args) > 2 else kwargs.get("path")
    return (
        f"kind={result.kind} batch={result.batch} dry_run={result.dry_run} "
        f"format={result.format} rows={result.data_rows} imported={result.imported} "
        f"duplicates={_count(result.duplicates)} updated={_count(result.updated)} "
        f"rejected={_count(result.rejected)} units_created={_count(result.units_created)} "
        f"file=({describe_file(path) if path else '?'})"
    )


def _scan_summary(result: Any, *_args: Any, **_kwargs: Any) -> str:
    return (
        f"as_of={result.as_of} cases={result.cases} new={result.new} open={result.still_open} "
        f"closed={result.closed} reopened={result.reopened} "
        f"kept_dismissed={result.kept_dismissed}"
    )


def _brief_figures_summary(brief: Any, *_args: Any, **_kwargs: Any) -> str:
    appendix = getattr(getattr(brief, "appendix", None), "count", "?")
    period = getattr(brief, "period", None)
    start, end = getattr(period, "start", "?"), getattr(period, "end", "?")
    return f"issue={brief.issue} period={start}..{end} masked={brief.masked} appendix={appendix}"


def _brief_file_summary(file: Any, *args: Any, **_kwargs: Any) -> str:
    brief = args[2] if len(args) > 2 else None
    counts = f" pages={file.pages}" if file.pages else f" rows={file.rows}" if file.rows else ""
    issue = f"issue={brief.issue} " if brief is not None else ""
    return f"{issue}{file.kind} {file.bytes} bytes{counts}"


def _backup_summary(info: Any, *_args: Any, **_kwargs: Any) -> str:
    return f"label={info.label} size={info.size} encrypted={info.encrypted}"


def _restore_summary(result: Any, *_args: Any, **_kwargs: Any) -> str:
    set_fact("schema_revision", result.revision)
    return f"revision={result.revision} kept_current={result.kept_current is not None}"


def _schema_summary(result: Any, *args: Any, **_kwargs: Any) -> str:
    store = args[0] if args else None
    set_fact("schema_revision", result.after)
    where = "?"
    if store is not None:
        where = store.url.get_backend_name()
        if store.path is not None:
            where += f" ({describe_file(store.path)})"
        set_fact("store", where + (" encrypted" if store.is_encrypted else ""))
    if result.before == result.after:
        return f"store {where} at schema {result.after}"
    backup = f", backup ({describe_file(result.backup)})" if result.backup else ""
    return f"store {where} migrated {result.before} -> {result.after}{backup}"


SUMMARIES: dict[str, Callable[..., str]] = {
    "import": _import_summary,
    "scan": _scan_summary,
    "brief figures": _brief_figures_summary,
    "brief": _brief_file_summary,
    "backup": _backup_summary,
    "restore": _restore_summary,
    "store open": _schema_summary,
}
F = TypeVar("F", bound=Callable[..., Any])


def logged(action: str) -> Callable[[F], F]:
    """Log each call of a service function: when it ends, how long it took and what it did
    (SUMMARIES[action] of its result); when it fails, the exception's type only (a bug's
    traceback is logged once, by whoever shows it: the crash dialog or the command line)."""
    summary = SUMMARIES.get(action)

    def decorate(function: F) -> F:
        log = logging.getLogger(function.__module__)

        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                result = function(*args, **kwargs)
            except BaseException as exc:
                took = time.perf_counter() - start
                log.warning("%s failed after %.2f s: %s", action, took, type(exc).__name__)
                raise
            took = time.perf_counter() - start
            try:
                said = summary(result, *args, **kwargs) if summary is not None else ""
            except Exception as exc:  # a summary must never break the work it describes
                said = f"(no summary: {type(exc).__name__})"
            log.info("%s done in %.2f s %s", action, took, said)
            return result

        return call  # type: ignore[return-value]

    return decorate
