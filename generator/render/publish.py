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
import io
import posixpath
import zipfile
from pathlib import Path

from ..output import StagedOutput

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


def stage_publish_files(output: StagedOutput, *, offline: bool = True, precompress: bool = False) -> None:
    """Called last before the commit, when every page, asset and search file is staged."""
    version = site_digest(output)
    output.put(SERVICE_WORKER, service_worker(output, version[:16]))
    if offline:
        stage_offline_zip(output, version)
    if precompress:
        stage_precompressed(output)


# --- offline copy --------------------------------------------------------------------------------

def stage_offline_zip(output: StagedOutput, version: str) -> None:
    fingerprint = f"offline:{version}"
    if output.reusable(OFFLINE_ZIP, fingerprint):
        output.keep(OFFLINE_ZIP)
        return
    files = [rel for rel in output.site_files() if not is_derived(rel)]
    output.put(OFFLINE_ZIP, offline_zip({rel: output.read(rel) for rel in files}), fingerprint)


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever machine builds it
    info.external_attr = (0o644 & 0xFFFF) << 16
    return info


def offline_zip(files: dict[str, bytes]) -> bytes:
    """A deterministic zip of `files` under one folder: the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_zip_info(f"{ZIP_FOLDER}/README.txt"), README.encode("utf-8"), compresslevel=6)
        for rel in sorted(files):
            archive.writestr(_zip_info(f"{ZIP_FOLDER}/{rel}"), files[rel], compresslevel=6)
    return buffer.getvalue()


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
