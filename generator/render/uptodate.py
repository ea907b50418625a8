"""Whether a build has anything to do: a digest of everything the site is made of, and of the
files the output folder holds.

A build whose inputs digest and output listing equal the ones the last build stored has nothing
to render: the pipeline stops there, without loading the render stage (Jinja, Markdown, the
model) at all, which is why this module imports so little. The two walks that check needs (the
output folder's files and the content folder's pictures, some 33,000 stat calls at 1,000 issues)
are `survey`, which the pipeline runs on the other core while it reads the seeds and content.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..caches import entry_is_folder, entry_signature, file_signature, source_digest
from ..config import SiteConfig
from ..content import ContentSet
from ..output import DEFAULT_KEEP, is_kept, kept_matcher, tidy
from ..parallel import Forked
from .fingerprints import global_digest
from .photos import pictures_signature
from .theme import theme_chain


@dataclass(frozen=True)
class Survey:
    output_listing: str | None  # output_listing()
    pictures: str  # pictures_signature() of the content folder


def survey(output_dir: Path, content_root: Path, keep: tuple[str, ...] = DEFAULT_KEEP) -> Survey:
    """The stat walks a build with nothing to do needs. Reads only: the output folder must have
    been tidied (`survey_later` does it)."""
    return Survey(_listing(output_dir, keep), pictures_signature(content_root))


def survey_later(output_dir: Path, content_root: Path, keep: tuple[str, ...] = DEFAULT_KEEP) -> Forked:
    """`survey` started on the other core. The output folder is tidied here first (a commit killed
    halfway rolled back), so that the child only reads. Its pictures signature holds only while
    no import writes into the content folder."""
    if Path(output_dir).is_dir():
        tidy(output_dir, keep)
    return Forked(survey, output_dir, content_root, keep)


def inputs_digest(content: ContentSet, config: SiteConfig, theme_dirs=None, pictures: str | None = None) -> str | None:
    """Everything the site is made of, as one digest: the content files and pictures (paths, times, sizes),
    the config, the theme, the renderer's code and packages (global_digest), the search code and
    the enrichment data the model reads (unit registry, the site's own data/). None when the content
    has no signature. `pictures`: the content folder's pictures_signature, when known already."""
    if content.signature is None:
        return None
    chain = theme_chain(config.theme, theme_dirs)
    here = Path(__file__).resolve().parent.parent
    code = source_digest(here / "search", here / "data", here / "enrich" / "units.py", here / "pipeline.py",
                         here / "output.py")
    from ..search import LUNR_SOURCE  # the search's own lunr.js is copied into the site

    from ..sitedata import data_digest  # the site's own data/ (units.yml shapes the unit pages)

    if pictures is None:
        pictures = pictures_signature(content.root)
    parts = (content.signature, pictures, global_digest(config, chain), code,
             file_signature(LUNR_SOURCE), data_digest())
    return hashlib.sha1("\0".join(map(str, parts)).encode()).hexdigest()


def records_listing(records: dict, keep: tuple[str, ...] = DEFAULT_KEEP) -> str:
    """A digest of the files a build wrote (path, time, size), the files the user keeps aside:
    stored with the build, so that the next build with nothing changed can tell that the output
    folder is as it left it without loading the whole render state."""
    return listing_digest({rel: (record.mtime_ns, record.size) for rel, record in records.items()
                            if not is_kept(rel, keep)})


def output_listing(output_dir: Path, keep: tuple[str, ...] = DEFAULT_KEEP) -> str | None:
    """The same digest of what the output folder holds now (None when it is missing)."""
    if not Path(output_dir).is_dir():
        return None
    tidy(output_dir, keep)  # a commit killed halfway is rolled back first, a staging folder removed
    return _listing(output_dir, keep)


def _listing(output_dir: Path, keep: tuple[str, ...]) -> str | None:
    if not Path(output_dir).is_dir():
        return None
    # is_kept, for a path none of whose folders is kept
    kept = kept_matcher(tuple(keep)) or (lambda rel: None)
    found: dict[str, tuple[int, int]] = {}

    def read(folder: str, base: str) -> None:
        # os.scandir, not os.walk: the entry's own stat and no path joined per file (23,000 files
        # at 1,000 issues, read by every build). As os.walk does, links to folders are not followed.
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            return
        for entry in entries:
            rel = base + entry.name
            if kept(rel):
                continue  # kept folders are not read
            if entry_is_folder(entry):
                if not entry.is_symlink():
                    read(entry.path, rel + "/")
                continue
            found[rel] = entry_signature(entry) or (-1, -1)  # gone meanwhile

    read(str(output_dir), "")
    return listing_digest(found)


def listing_digest(files: dict[str, tuple]) -> str:
    """A digest of paths and what is known of each (time and size, say), in path order."""
    digest = hashlib.sha1()
    for rel in sorted(files):
        digest.update(("\0".join([rel, *map(str, files[rel])]) + "\n").encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


