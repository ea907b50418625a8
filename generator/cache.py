"""Work done once is kept: small persistent stores under the cache folder (default `.cache/`).

Every store is one pickle file written atomically and tagged with a format version; a store
that is missing, from another version or unreadable is simply empty, so deleting `.cache/`
is always safe and only costs time.
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path

from .state import write_atomic

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache"


def folder_key(path: Path) -> str:
    """A short name for a folder, so that caches of different content or output folders never mix."""
    resolved = str(Path(path).resolve())
    return hashlib.sha1(resolved.encode("utf-8")).hexdigest()[:12]


def load_store(path: Path, version: str) -> dict:
    try:
        with open(path, "rb") as handle:
            stored_version, data = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return {}
    return data if stored_version == version and isinstance(data, dict) else {}


def save_store(path: Path, version: str, data: dict) -> None:
    try:
        write_atomic(Path(path), pickle.dumps((version, data), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a cache that cannot be written only makes the next build slower


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

    def load(self, cache_dir: Path | None) -> None:
        if cache_dir is None:
            return
        path = Path(cache_dir) / "memo" / f"{self.name}.pickle"
        if self._loaded_from != path:
            self.values.update(load_store(path, self.version))
            self._loaded_from = path

    def save(self, cache_dir: Path | None) -> None:
        if cache_dir is not None and self._dirty:
            save_store(Path(cache_dir) / "memo" / f"{self.name}.pickle", self.version, self.values)
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
