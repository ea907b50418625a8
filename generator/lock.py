"""One writer at a time: builds, imports and `serve` rebuilds on the same folders take a lock.

Two builds sharing an output folder share its staging folder and journal; two imports sharing
content/ share its import state. Each takes an exclusive `flock` on a lock file beside the
folder it writes (`.public.lock` beside `public/`, `.content.lock` beside `content/`). The
kernel releases a flock when its holder dies, even by kill -9, so a lock is never left held;
the file says who holds it (pid, host, start time) so that a second build can tell the user. A
finished build removes the file; one still there when its lock is free was left by a killed
build (said once, then taken over). The second build waits a bounded time, with a message, then refuses.
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

DEFAULT_WAIT_SECONDS = 60.0
_POLL_SECONDS = 0.1


class LockBusyError(Exception):
    """Another build holds the lock (and did not release it within the wait)."""


def lock_path(folder: Path) -> Path:
    """The lock file of a folder: beside it, so that it is never part of the folder's content."""
    folder = Path(os.path.abspath(folder))
    return folder.parent / f".{folder.name}.lock"


def _holder_text() -> str:
    return json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                       "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}) + "\n"


def describe_holder(text: str) -> str:
    try:
        holder = json.loads(text)
        return f"pid {int(holder['pid'])} on {holder['host']}, started {holder['started']}"
    except (ValueError, KeyError, TypeError):
        return "another process"


class FolderLock:
    """An exclusive lock on one folder; `acquire(wait)` blocks at most `wait` seconds."""

    def __init__(self, folder: Path, out: TextIO | None = None):
        self.folder = Path(folder)
        self.path = lock_path(self.folder)
        self.out = out
        self._fd: int | None = None

    def acquire(self, wait: float = DEFAULT_WAIT_SECONDS) -> None:
        # An OSError here (a parent that is a file, a read-only disk) is the caller's to report.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + max(0.0, wait)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _same_file(fd, self.path):
                    break
                # The holder removed the file as it released it: lock the file now at the path.
                os.close(fd)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                continue
            except BlockingIOError:
                holder = describe_holder(_read_fd(fd))
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockBusyError(f"{self.folder} is being written by another build ({holder}; lock file "
                                        f"{self.path}); try again when it has finished") from None
                if not told:
                    print(f"waiting for another build to finish with {self.folder} ({holder}) …",
                          file=self.out or sys.stderr, flush=True)
                    told = True
                time.sleep(_POLL_SECONDS)
        left = _read_fd(fd).strip()
        if left:  # the lock was free, yet the file names a holder: that build was killed
            print(f"note: a lock on {self.folder} left by a build that was stopped ({describe_holder(left)}) "
                  "was cleared", file=self.out or sys.stderr, flush=True)
        os.ftruncate(fd, 0)
        os.pwrite(fd, _holder_text().encode("utf-8"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            # Removed while still locked (a build that waits for it notices and locks the next
            # file at the path): a finished build leaves nothing behind; a killed one leaves the
            # file naming it, which the next build reports as a stale lock and clears.
            os.unlink(self.path)
        except OSError:
            pass
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def _same_file(fd: int, path: Path) -> bool:
    try:
        held, current = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino)


def _read_fd(fd: int) -> str:
    try:
        return os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return ""


class BuildLock:
    """The locks of every folder a build writes, taken in a fixed order (no two builds can
    deadlock); `with BuildLock([content, output], wait):`."""

    def __init__(self, folders: list[Path], wait: float = DEFAULT_WAIT_SECONDS, out: TextIO | None = None):
        unique = {os.path.abspath(f): Path(f) for f in folders if f is not None}
        self.locks = [FolderLock(unique[key], out) for key in sorted(unique)]
        self.wait = wait
        self._stack: ExitStack | None = None

    def __enter__(self) -> "BuildLock":
        stack = ExitStack()
        try:
            deadline = time.monotonic() + self.wait
            for lock in self.locks:
                lock.acquire(max(0.0, deadline - time.monotonic()))
                stack.callback(lock.release)
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        return self

    def __exit__(self, *exc) -> None:
        if self._stack is not None:
            self._stack.close()
            self._stack = None
