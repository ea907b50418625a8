"""Photo items and the pictures beside an article: `图①…` captions, and images an editor placed.

An editor puts pictures in `content/<issue>/<article-file-name-without-.md>/` (any order; file
names sort them) or lists them in the front matter (`images: [{file: a.jpg, caption: …}]`, files
relative to that folder or to the issue folder; listed ones come first, in the listed order).
Each picture is checked and resized with Pillow into a few widths (srcset); a file that is not a
usable image is reported with its path and skipped, and the article is published without it.

Captions: a paragraph that starts with a circled number (`图①提前到岗…`) is the caption of
picture ① and so on, in order; a front-matter caption wins. With pictures, the captions they
took leave the body; a photo item without pictures shows its captions as a 图片新闻 block.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..caches import Caches, entry_is_folder, entry_signature, package_versions
from ..content import unescape_markdown

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CAPTION = re.compile(rf"^图([{CIRCLED}])[\s：:，,、]*(.*)$", re.S)
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
WIDTHS = (480, 960, 1440)  # srcset widths; never wider than the original
MAX_FILE_BYTES = 30_000_000
MAX_PIXELS = 60_000_000  # a 60-megapixel image is not a newspaper photo; decoding it would cost GBs
SIZES = "(max-width: 760px) 100vw, 720px"
CARD_SIZES = "120px"


@dataclass(frozen=True)
class Caption:
    number: int  # 1 for 图①
    text: str

    @property
    def label(self) -> str:
        return "图" + CIRCLED[self.number - 1]


def split_captions(body: str) -> tuple[list[str], list[Caption]]:
    """The body's Markdown paragraphs that are not captions, and the `图①` captions in order."""
    rest, captions = [], []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        match = _CAPTION.match(chunk.strip())
        if match and match.group(2).strip():
            captions.append(Caption(CIRCLED.index(match.group(1)) + 1, unescape_markdown(" ".join(match.group(2).split()))))
        elif chunk.strip():
            rest.append(chunk.strip())
    return rest, captions


@dataclass(frozen=True)
class ImageVariant:
    url: str  # site-root-relative
    width: int
    height: int


@dataclass
class ImageView:
    variants: list[ImageVariant]  # narrowest first
    caption: str | None
    label: str | None  # 图① when the article has several pictures
    alt: str

    @property
    def src(self) -> ImageVariant:
        """The variant a browser without srcset gets: the widest up to 960 px."""
        fitting = [v for v in self.variants if v.width <= 960]
        return fitting[-1] if fitting else self.variants[0]

    @property
    def thumb(self) -> ImageVariant:
        return self.variants[0]

    def srcset(self, root: str) -> str:
        return ", ".join(f"{root}{v.url} {v.width}w" for v in self.variants)

    def shown(self) -> tuple:
        """What pages show of it (for page fingerprints)."""
        return (tuple((v.url, v.width, v.height) for v in self.variants), self.caption, self.label, self.alt)


@dataclass
class PhotoLayout:
    """An article's pictures and captions, as its page shows them."""

    images: list[ImageView] = field(default_factory=list)
    body: str = ""  # Markdown: the body without the captions the pictures took
    captions: list[Caption] = field(default_factory=list)  # captions not attached to a picture


class BadImage(Exception):
    pass


def _resized(data: bytes, fmt: str) -> list[tuple[int, int, bytes]]:
    """(width, height, bytes) for each srcset width; BadImage for anything unusable. Pure and
    deterministic: no metadata is copied, encoder settings are fixed."""
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.format != fmt:
                    raise BadImage(f"the file is {opened.format or 'not an image we publish'} data, but its name "
                                   f"says {fmt}; rename it or save it as {fmt}")
                if opened.width * opened.height > MAX_PIXELS:
                    raise BadImage(f"{opened.width}×{opened.height} pixels is too large (limit {MAX_PIXELS // 1_000_000} "
                                   "megapixels); scale it down first")
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except BadImage:
        raise
    except Image.DecompressionBombError:
        raise BadImage(f"too many pixels (limit {MAX_PIXELS // 1_000_000} megapixels); scale it down first") from None
    except Image.UnidentifiedImageError:
        raise BadImage("not an image (Pillow cannot read it)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise BadImage(f"damaged or truncated image ({exc})") from None
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if fmt in ("PNG", "WEBP") and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    out = []
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        resized = image if (width, height) == image.size else image.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if fmt == "JPEG":
            resized.save(buffer, "JPEG", quality=82, optimize=True)
        elif fmt == "PNG":
            resized.save(buffer, "PNG", optimize=True)
        else:
            resized.save(buffer, "WEBP", quality=80, method=4)
        out.append((width, height, buffer.getvalue()))
    return out


def image_sources(article, content_root: Path, root: Path,
                  folders: dict[str, dict[str, bool]]) -> tuple[list[tuple[Path, str | None]], list[str]]:
    """(file, front-matter caption) of every picture of an article, and problems with the list.
    `root`: the content folder resolved; `folders`: `issue_folders(content_root)` (both read
    once for the whole site instead of once per article)."""
    has_folder = folders.get(article.issue, {}).get(article.slug, False)  # a real folder, not a link
    if not article.images and not has_folder:
        return [], []  # most articles: no pictures listed and no folder of them
    issue_dir = content_root / article.issue
    folder = issue_dir / article.slug
    sources: list[tuple[Path, str | None]] = []
    problems: list[str] = []
    seen: set[Path] = set()
    for entry in article.images:
        name = entry["file"]
        candidates = [folder / name, issue_dir / name]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            problems.append(f"{article.path} [images]: {name}: no such file in {folder.name}/ or the issue folder; skipped")
            continue
        if not path.resolve().is_relative_to(root):
            problems.append(f"{article.path} [images]: {name}: outside the content folder; skipped")
            continue
        seen.add(path.resolve())
        sources.append((path, entry.get("caption")))
    if has_folder:
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or not path.is_file() or path.resolve() in seen:
                continue
            if not path.resolve().is_relative_to(root):
                problems.append(f"{path.relative_to(content_root).as_posix()}: a link to {path.resolve()}, "
                                "outside the content folder; skipped")
                continue
            sources.append((path, None))
    return sources, problems


def attach_images(model, content_root: Path | None, caches: Caches) -> tuple[dict[str, bytes], list[str]]:
    """Give every article its PhotoLayout (`view.photo`, `view.images`); the resized files to
    publish (site path -> bytes) and the problems (file: reason) of pictures skipped."""
    files: dict[str, bytes] = {}
    problems: list[str] = []
    root = content_root.resolve() if content_root is not None else None
    folders = issue_folders(content_root) if content_root is not None else {}
    for view in model.articles:
        rest, captions = split_captions(view.article.body)
        layout = PhotoLayout(body=view.article.body, captions=captions)
        sources, found = (image_sources(view.article, content_root, root, folders) if content_root is not None
                          else ([], []))
        problems.extend(found)
        for path, caption in sources:
            rel = path.relative_to(content_root).as_posix()
            try:
                digest, variants = _load_variants(path, caches)
            except BadImage as err:
                problems.append(f"{rel}: {err}; skipped (the article is published without it)")
                continue
            number = len(layout.images) + 1
            printed = next((c for c in captions if c.number == number), None)
            text = caption or (printed.text if printed else None)
            stem = path.stem.lower()
            stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "image"
            base = f"images/{view.issue.slug}/{view.slug}/{stem}-{digest[:8]}"
            ext = path.suffix.lower().lstrip(".")
            image_variants = []
            for width, height, data in variants:
                url = f"{base}-{width}.{ext}"
                files[url] = data
                image_variants.append(ImageVariant(url, width, height))
            label = Caption(number, "").label if number <= len(CIRCLED) else None
            layout.images.append(ImageView(image_variants, text, label, text or f"{view.title}（{label or '图'}）"))
        if layout.images:
            for image in layout.images:
                if len(layout.images) == 1:
                    image.label = None
            taken = {n for n in range(1, len(layout.images) + 1)}
            layout.captions = [c for c in captions if c.number not in taken]
            kept = [c for c in captions if c.number not in taken]
            layout.body = "\n\n".join(rest + [f"{c.label}{c.text}" for c in kept]) + "\n" if (rest or kept) else ""
        elif view.article.kind == "photo":
            layout.body = "\n\n".join(rest) + "\n" if rest else ""
        view.photo = layout
        view.images = layout.images
    if content_root is not None:
        problems.extend(_orphan_folders(model, content_root, folders))
    return files, problems


def pictures_signature(content_root: Path | None) -> str:
    """Digest of the path, modification time and size of every file in the content folder's
    issue folders that is not hidden: the pictures beside the articles (and the ones listed
    from the issue folder). The content loader's signature covers only articles and issue.yml,
    so a replaced picture must change this one, or a rebuild would skip it as "nothing
    changed". Articles are included too: listing exactly the pictures would need the articles
    parsed, and a stat more per article is cheap. Hidden names (`.urls.json`, editors' lock
    files) are the build's own or no one's pictures."""
    if content_root is None or not Path(content_root).is_dir():
        return ""
    found: list[tuple[str, tuple[int, int] | None]] = []
    seen: set[tuple[int, int]] = set()

    def read(folder: str, base: str, identity: tuple[int, int]) -> None:
        # Read as os.walk(followlinks=True) would, in the same order, with os.scandir's entries
        # (no path joined and stat'ed per file by name: 10,000 files at 1,000 issues, every build).
        if identity in seen:  # a link back to a folder already read (`ln -s . x`) would loop
            return
        seen.add(identity)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            return
        folders = []
        for entry in entries:
            if entry_is_folder(entry):
                if not entry.name.startswith("."):
                    folders.append(entry)
            elif base and not entry.name.startswith("."):
                found.append((base + entry.name, entry_signature(entry)))
        for entry in folders:
            try:
                stat = entry.stat()
            except OSError:
                continue
            read(entry.path, f"{base}{entry.name}/", (stat.st_dev, stat.st_ino))

    root = os.stat(content_root)
    read(str(content_root), "", (root.st_dev, root.st_ino))
    return hashlib.sha1(repr(found).encode()).hexdigest()


@lru_cache(maxsize=1)
def _cache_version() -> str:
    # Asked when a picture is resized, not at import: a build with nothing to do reads this
    # module for pictures_signature, and package metadata costs 10 ms to load.
    return "images-1-" + package_versions("pillow")


def issue_folders(content_root: Path) -> dict[str, dict[str, bool]]:
    """The folders inside each issue folder, by issue, each with whether it is a real folder
    (True) or a link to one (False): one listing of each issue folder for the whole site,
    instead of a stat per article. Pictures are looked for in real folders only; a folder of
    either kind without its article is reported."""
    found: dict[str, dict[str, bool]] = {}
    try:
        issues = [entry for entry in os.scandir(content_root) if entry.is_dir()]
    except OSError:
        return found
    for issue in issues:
        try:
            with os.scandir(issue.path) as entries:
                names = {entry.name: not entry.is_symlink() for entry in entries if entry.is_dir()}
        except OSError:
            continue
        if names:
            found[issue.name] = names
    return found


def _orphan_folders(model, content_root: Path, folders: dict[str, dict[str, bool]]) -> list[str]:
    """Picture folders whose article is gone or was renamed: their pictures show nowhere.
    `folders`: `issue_folders(content_root)`."""
    found = []
    for issue in model.issues:
        names = folders.get(issue.id)
        if not names:
            continue
        folder = content_root / issue.id
        slugs = {a.article.slug for a in issue.articles}
        for name in sorted(names):
            path = folder / name
            # `x.md` as a folder is reported by the content loader; an empty folder shows nothing.
            if (not name.startswith(".") and not name.endswith(".md") and name not in slugs
                    and any(not f.name.startswith(".") for f in path.iterdir())):
                found.append(f"{issue.id}/{path.name}/: a picture folder, but there is no article "
                             f"{issue.id}/{path.name}.md; its pictures are not published (rename the folder "
                             "after its article's file)")
    return found


def _load_variants(path: Path, caches: Caches) -> tuple[str, list[tuple[int, int, bytes]]]:
    """(sha256 of the file, its resized variants), from the cache when this file was seen before."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BadImage(f"not a picture type the site publishes ({', '.join(sorted(FORMATS))})")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise BadImage(f"{size / 1e6:.0f} MB is too big for a picture (limit {MAX_FILE_BYTES // 1_000_000} MB)")
    data = path.read_bytes()
    key = hashlib.sha256(data).hexdigest()
    store = f"images/{key[:2]}/{key}.pickle"
    version = _cache_version() + fmt
    cached = caches.load(store, version)
    if "error" in cached:
        raise BadImage(cached["error"])
    if "variants" in cached:
        return key, cached["variants"]
    try:
        variants = _resized(data, fmt)
    except BadImage as err:
        caches.save(store, version, {"error": str(err)})
        raise
    caches.save(store, version, {"variants": variants})
    return key, variants
