"""Files for publishing that are not pages, made from the finished site just before the commit:

- `offline.zip`: the whole site in one deterministic zip (fixed timestamps, sorted entries) that
  works unpacked and opened from disk, search included; rebuilt only when a file of the site
  changed (its fingerprint is a digest of every file's digest);
- `sw.js`: the service worker (template: sw.js beside this module), versioned by the same digest,
  so a new build replaces what readers' browsers keep; registered by the theme's
  assets/js/offline.js over http(s) only;
- with `precompress`, a `.gz` (gzip -9, no name, time 0) and a `.br` beside every text file,
  carried over unchanged while their source file is.

All of them go through the staged output, so they are committed atomically with the pages and
removed when their source file goes away.
"""
from __future__ import annotations

import gzip
import hashlib
import mmap
import posixpath
import struct
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import deflate

from ..output import StagedOutput
from ..parallel import fork_map

OFFLINE_ZIP = "offline.zip"
SERVICE_WORKER = "sw.js"
SW_TEMPLATE = Path(__file__).with_name("sw.js")
ZIP_FOLDER = "offline-archive"  # the zip unpacks into one folder, not into the reader's Downloads
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no build time in the file
TEXT_SUFFIXES = (".html", ".css", ".js", ".xml", ".json", ".svg", ".txt", ".webmanifest")
COMPRESSED_SUFFIXES = (".gz", ".br")
PRECACHE_SEARCH_BUDGET = 8 * 1024 * 1024  # search data a worker fetches up front, beyond: as used
BROTLI_QUALITY = 11
PRECOMPRESS_MIN_BYTES = 256  # smaller files gain nothing from a compressed twin
# Members are deflated by libdeflate at zlib's default level: the same size as zlib's level 6 on
# this site's pages, 2.6 times faster (bench: 23,815 files, 259 MB, 2.7 s against 7.0 s). Other
# compressors give other bytes, so the zip's fingerprint names this one: members of a zip made
# by another (an earlier version) are never reused, and a rebuild equals a full build.
ZIP_LEVEL = 6
ZIP_COMPRESSOR = f"libdeflate-{deflate.__version__}-{ZIP_LEVEL}"
ZIP_PARALLEL_MIN = 200  # fewer changed files than this are compressed in-process

README = """离线版：解压后用浏览器打开 index.html 即可阅读，搜索也可使用。
Offline copy: unpack, then open index.html in a browser (search works from disk too).
"""


def is_derived(rel: str) -> bool:
    """Files made from the other files of the site: not part of what they are made from."""
    return rel in (OFFLINE_ZIP, SERVICE_WORKER) or rel.endswith(COMPRESSED_SUFFIXES)


def site_digest(output: StagedOutput) -> str:
    """A digest of every file of the site (path and bytes' digest), derived files left out."""
    digest = hashlib.sha1()
    for rel in output.site_files():
        if not is_derived(rel):
            digest.update(f"{rel}\0{output.records[rel].digest}\n".encode("utf-8"))
    return digest.hexdigest()


def stage_publish_files(output: StagedOutput, *, offline: bool = True, precompress: bool = False) -> list[str]:
    """Called last before the commit, when every page, asset and search file is staged.
    Returns notices for the build summary (what could not be made, and why)."""
    notices = []
    version = site_digest(output)
    output.put(SERVICE_WORKER, service_worker(output, version[:16]))
    if offline:
        try:
            stage_offline_zip(output, version)
        except ZipTooLarge as exc:
            notices.append(f"{OFFLINE_ZIP} skipped: {exc}")
    if precompress:
        stage_precompressed(output)
    return notices


class ZipTooLarge(ValueError):
    """More files or bytes than a zip without zip64 records holds."""


# --- offline copy --------------------------------------------------------------------------------

def stage_offline_zip(output: StagedOutput, version: str) -> None:
    fingerprint = f"offline:{ZIP_COMPRESSOR}:{version}"
    if output.reusable(OFFLINE_ZIP, fingerprint):
        output.keep(OFFLINE_ZIP)
        return
    files = [rel for rel in output.site_files() if not is_derived(rel)]
    # Entries of files unchanged since the previous build are copied, still compressed, from the
    # previous zip (which was made from exactly the previous build's files): a new issue costs
    # compressing its own few dozen files, not the whole archive again. The new zip is written
    # as it is made, the old one mapped, not read: neither is held in memory whole.
    with _previous_zip(output) as previous:
        unchanged = {rel for rel in files if rel in previous and rel in output.previous
                     and output.previous[rel].digest == output.records[rel].digest}

        changed = [rel for rel in files if rel not in unchanged]
        # libdeflate holds the interpreter lock while it works: forked workers compress on every core.
        fresh = dict(zip(changed, fork_map(_compressed_member, changed, output, min_items=ZIP_PARALLEL_MIN,
                                           chunk=256)))
        entries = [ZipEntry.of(f"{ZIP_FOLDER}/README.txt", README.encode("utf-8"))]
        entries += [previous[rel] if rel in unchanged else fresh[rel] for rel in files]
        check_zip_size(entries)
        output.put_chunks(OFFLINE_ZIP, zip_chunks(entries), fingerprint)
        entries.clear()  # views into the previous zip: gone before its map closes


def _compressed_member(output: StagedOutput, rel: str) -> "ZipEntry":
    return ZipEntry.of(f"{ZIP_FOLDER}/{rel}", output.read(rel))


def offline_zip(files: dict[str, bytes]) -> bytes:
    """A deterministic zip of `files` under one folder: the same files give the same bytes."""
    entries = [ZipEntry.of(f"{ZIP_FOLDER}/README.txt", README.encode("utf-8"))]
    entries += [ZipEntry.of(f"{ZIP_FOLDER}/{rel}", files[rel]) for rel in sorted(files)]
    check_zip_size(entries)
    return b"".join(zip_chunks(entries))


@dataclass(frozen=True)
class ZipEntry:
    """One member of the zip, already compressed (raw deflate), with what its headers need."""

    name: str
    crc: int
    size: int
    compressed: bytes | memoryview  # a view into the previous zip for a member carried over

    @classmethod
    def of(cls, name: str, data: bytes) -> "ZipEntry":
        return cls(name, zlib.crc32(data), len(data), deflate.deflate_compress(data, ZIP_LEVEL))


_DOS_DATE = ((ZIP_TIME[0] - 1980) << 9) | (ZIP_TIME[1] << 5) | ZIP_TIME[2]
_DOS_TIME = (ZIP_TIME[3] << 11) | (ZIP_TIME[4] << 5) | (ZIP_TIME[5] // 2)
_ZIP_LIMIT = 0xFFFF  # entries (and 4 GiB of bytes) a zip without zip64 records holds


def check_zip_size(entries: list[ZipEntry]) -> None:
    """ZipTooLarge unless a zip without zip64 records holds the entries."""
    if len(entries) >= _ZIP_LIMIT:
        raise ZipTooLarge(f"{len(entries)} files, more than a zip without zip64 records holds")
    total = sum(_LOCAL.size + 2 * len(entry.name.encode("utf-8")) + _CENTRAL.size + len(entry.compressed)
                for entry in entries)
    if total + _END.size >= 0xFFFFFFFF:
        raise ZipTooLarge("more than 4 GiB, more than a zip without zip64 records holds")


def zip_chunks(entries: list[ZipEntry]):
    """The bytes of the zip file of `entries` in their order, piece by piece: fixed time, Unix
    permissions 0644, UTF-8 names, deflate; written here (not with zipfile) so that members of
    the previous zip can be reused compressed as they are. Readable by zipfile, unzip and every
    archive tool. Call `check_zip_size` first."""
    central = []
    offset = 0
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = 0 if entry.name.isascii() else 0x0800  # 0x0800: the name is UTF-8
        common = struct.pack("<HHHHHIII", 20, flags, 8, _DOS_TIME, _DOS_DATE, entry.crc,
                             len(entry.compressed), entry.size)
        header = struct.pack("<I", 0x04034B50) + common + struct.pack("<HH", len(name), 0) + name
        central.append(struct.pack("<IH", 0x02014B50, (3 << 8) | 20) + common
                       + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0o100644 << 16, offset) + name)
        yield header
        yield entry.compressed
        offset += len(header) + len(entry.compressed)
    directory = b"".join(central)
    yield directory
    yield struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)


@contextmanager
def _previous_zip(output: StagedOutput):
    """Members of the previous build's zip, by site path (views into the file, mapped for the
    duration); empty when there is none to trust.

    The zip is one this project wrote (its record says so: same time and size as when it was
    written), so its directory is read here in one pass, the members left where they are."""
    path = output.output_dir / OFFLINE_ZIP
    record = output.previous.get(OFFLINE_ZIP)
    if (record is None or not (record.fingerprint or "").startswith(f"offline:{ZIP_COMPRESSOR}:")
            or not output.reusable(OFFLINE_ZIP, record.fingerprint)):
        # No zip, one somebody changed since the previous build wrote it, or one whose members
        # another compressor made (their bytes differ from what this build would make).
        yield {}
        return
    try:
        with open(path, "rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        yield {}
        return
    view = memoryview(mapped)
    entries: dict[str, ZipEntry] = {}
    try:
        try:
            entries = _zip_members(view, ZIP_FOLDER + "/")
        except (struct.error, ValueError, UnicodeDecodeError):
            entries = {}
        yield entries
    finally:
        entries.clear()  # the members' views must go before the map can close
        try:
            view.release()
            mapped.close()
        except BufferError:  # a member still held (an error on the way): closed when it goes
            pass


_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")  # a central directory header (46 bytes)
_LOCAL = struct.Struct("<IHHHHHIIIHH")  # a local file header (30 bytes)
_END = struct.Struct("<IHHHHIIH")  # the end of central directory record (22 bytes, no comment)


def _zip_members(data: memoryview, prefix: str) -> dict[str, ZipEntry]:
    """The deflated members under `prefix` of a zip without a comment or zip64 records (as
    `zip_chunks` writes them); ValueError when the bytes are not such a zip."""
    if len(data) < _END.size:
        raise ValueError("too short for a zip")
    signature, _, _, _, count, directory_size, offset, comment = _END.unpack_from(data, len(data) - _END.size)
    if signature != 0x06054B50 or comment or offset + directory_size > len(data) - _END.size:
        raise ValueError("no end of central directory where a zip written here has it")
    entries: dict[str, ZipEntry] = {}
    position = offset
    for _ in range(count):
        (signature, _, _, flags, method, _, _, crc, compressed_size, size, name_length, extra_length,
         comment_length, _, _, _, header_offset) = _CENTRAL.unpack_from(data, position)
        if signature != 0x02014B50:
            raise ValueError("a broken central directory")
        name_start = position + _CENTRAL.size
        name = bytes(data[name_start:name_start + name_length]).decode("utf-8" if flags & 0x0800 else "cp437")
        position = name_start + name_length + extra_length + comment_length
        local = _LOCAL.unpack_from(data, header_offset)
        if local[0] != 0x04034B50:
            raise ValueError("a broken local header")
        start = header_offset + _LOCAL.size + local[9] + local[10]
        if start + compressed_size > len(data):
            raise ValueError("a member runs past the end of the file")
        if method == zipfile.ZIP_DEFLATED and name.startswith(prefix):
            entries[name[len(prefix):]] = ZipEntry(name, crc, size, data[start:start + compressed_size])
    return entries


# --- service worker -------------------------------------------------------------------------------

def precache_list(output: StagedOutput) -> list[str]:
    """What the worker fetches when it installs: the home, search and 404 pages, the theme's
    assets, and the search data while it is small (beyond the budget it is kept as it is used)."""
    files = [rel for rel in output.site_files() if not is_derived(rel)]
    shell = [rel for rel in files if rel in ("index.html", "404.html", "search.html")
             or (rel.startswith("assets/") and posixpath.splitext(rel)[1] != ".zip")]
    search = [rel for rel in files if rel.startswith("search/")]
    if sum(output.records[rel].size for rel in search) <= PRECACHE_SEARCH_BUDGET:
        shell += search
    return sorted(shell)


def _js_string(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=True)


def service_worker(output: StagedOutput, version: str) -> bytes:
    precache = ",\n  ".join(_js_string(rel) for rel in precache_list(output))
    head = (f"// Generated by build.py: version {version} is a digest of the site's files.\n"
            f"var VERSION = {_js_string(version)};\n"
            f"var PRECACHE = [\n  {precache}\n];\n")
    return (head + SW_TEMPLATE.read_text(encoding="utf-8")).encode("utf-8")


# --- precompressed twins ------------------------------------------------------------------------------

def gzip_bytes(data: bytes) -> bytes:
    """gzip -9 -n: no file name and time 0 in the header, so the same bytes compress the same."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def brotli_bytes(data: bytes) -> bytes | None:
    try:
        import brotli
    except ImportError:  # optional: without the package only .gz files are written
        return None
    return brotli.compress(data, quality=BROTLI_QUALITY)


def stage_precompressed(output: StagedOutput) -> None:
    for rel in output.site_files():
        if is_derived(rel) and rel != SERVICE_WORKER or not rel.endswith(TEXT_SUFFIXES):
            continue
        record = output.records[rel]
        if record.size < PRECOMPRESS_MIN_BYTES:
            continue
        for suffix, compress in ((".gz", gzip_bytes), (".br", brotli_bytes)):
            fingerprint = f"{suffix}:{record.digest}"
            if output.reusable(rel + suffix, fingerprint):
                output.keep(rel + suffix)
                continue
            data = compress(output.read(rel))
            if data is not None:
                output.put(rel + suffix, data, fingerprint)
