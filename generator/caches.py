"""Work done once is kept: every cache of a build lives under one folder (`--cache-dir`).

A build makes one `Caches(cache_dir)` and passes it down; each stage asks it for its stores.
Every store is one pickle file written atomically and tagged with a format version; a store
that is missing, from another version or unreadable is simply empty, so deleting the cache
folder is always safe and only costs time. `Caches(None)` keeps nothing on disk.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from .files import write_atomic
from .heap import collector_paused

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache"


def folder_key(path: Path) -> str:
    """A short name for a folder, so that caches of different content or output folders never mix."""
    resolved = str(Path(path).resolve())
    return hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:12]


def load_store(path: Path | None, version: str) -> dict:
    if path is None:
        return {}
    try:
        with open(path, "rb") as handle, collector_paused():
            stored_version, data = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return {}
    return data if stored_version == version and isinstance(data, dict) else {}


def save_store(path: Path | None, version: str, data: dict) -> None:
    if path is None:
        return
    try:
        with collector_paused():
            data = pickle.dumps((version, data), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(Path(path), data)
    except OSError:
        pass  # a cache that cannot be written only makes the next build slower


class Caches:
    """The cache folder of one build (None: nothing is kept between builds).

    Stores that two stages of one build share (the parsed content files, read by the import and
    by the renderer) stay in memory here, so the second stage does not read them again."""

    def __init__(self, root: Path | None = DEFAULT_CACHE_DIR):
        self.root = Path(root) if root is not None else None
        self._in_memory: dict[str, dict] = {}

    def path(self, *parts: str) -> Path | None:
        """A file or folder of the cache, or None when nothing is cached."""
        return self.root.joinpath(*parts) if self.root is not None else None

    def folder(self, *parts: str) -> Path | None:
        path = self.path(*parts)
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        return path

    def load(self, name: str, version: str) -> dict:
        """The store `name` (a relative path), from memory if this build saved it already."""
        key = f"{name}\0{version}"
        if key in self._in_memory:
            return self._in_memory[key]
        return load_store(self.path(name), version)

    def save(self, name: str, version: str, data: dict, *, keep_in_memory: bool = False) -> None:
        if keep_in_memory:
            self.remember(name, version, data)
        save_store(self.path(name), version, data)

    def remember(self, name: str, version: str, data: dict) -> None:
        """Keep a store in memory for the rest of this build (not written)."""
        self._in_memory = {k: v for k, v in self._in_memory.items() if not k.startswith(name + "\0")}
        self._in_memory[f"{name}\0{version}"] = data

    def load_memo(self, memo: "Memo") -> None:
        memo.load(self.path("memo", f"{memo.name}.pickle"))

    def save_memo(self, memo: "Memo") -> None:
        memo.save(self.path("memo", f"{memo.name}.pickle"))


def source_digest(*paths: Path) -> str:
    """Digest of source files (code, templates): a change to any of them invalidates a cache."""
    digest = hashlib.sha1()
    for root in paths:
        root = Path(root)
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(root).as_posix() if root.is_dir() else path.name
                digest.update(name.encode("utf-8") + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def file_signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def entry_signature(entry: os.DirEntry) -> tuple[int, int] | None:
    """file_signature of an os.scandir entry (a link's target), without joining its path again."""
    try:
        stat = entry.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def entry_is_folder(entry: os.DirEntry) -> bool:
    """Whether an os.scandir entry is a folder (a link to one too); one that cannot be asked is not."""
    try:
        return entry.is_dir()
    except OSError:
        return False


class Memo:
    """A function's results kept between builds (names -> slugs, names -> pinyin sort keys).

    Computing them needs pypinyin and jieba, which take longer to load than a rebuild with
    nothing new should; with the memo loaded, a build only computes names it has not seen."""

    def __init__(self, name: str, version: str):
        self.name, self.version = name, version
        self.values: dict = {}
        self._loaded_from: Path | None = None
        self._dirty = False

    def get(self, key, compute):
        value = self.values.get(key)
        if value is None:
            value = self.values[key] = compute()
            self._dirty = True
        return value

    def load(self, path: Path | None) -> None:
        if path is not None and self._loaded_from != path:
            self.values.update(load_store(path, self.version))
            self._loaded_from = path

    def save(self, path: Path | None) -> None:
        if path is not None and self._dirty:
            save_store(path, self.version, self.values)
            self._dirty = False


def package_versions(*names: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in names:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join(found)
