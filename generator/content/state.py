"""What the importer wrote, so that a rebuild never overwrites an editor's change.

content/.import-state.json records, per issue, the hash of the seed it was imported from and the
hash of every file as the importer wrote it. A file whose bytes still have that hash is the
importer's; any other file is an editor's.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomic

STATE_FILE = ".import-state.json"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    try:
        return sha256_bytes(path.read_bytes())
    except FileNotFoundError:
        return None


@dataclass
class IssueState:
    seed_sha256: str
    source: str
    files: dict[str, str] = field(default_factory=dict)  # content-relative path -> sha256 as written
    # content-relative path -> sha256 of a fresh import the editor rejected (`build.py reject`):
    # the same import is not offered again as `.new`.
    rejected: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportState:
    issues: dict[str, IssueState] = field(default_factory=dict)
    data_digest: str = ""  # of the site's own data files when the issues were enriched (sitedata.py)

    @classmethod
    def load(cls, content_dir: Path) -> "ImportState":
        path = Path(content_dir) / STATE_FILE
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({issue_id: IssueState(entry["seed_sha256"], entry.get("source", ""), dict(entry.get("files", {})),
                                         dict(entry.get("rejected", {})))
                    for issue_id, entry in data.get("issues", {}).items()}, data.get("data_digest", ""))

    def save(self, content_dir: Path) -> None:
        data = {"version": 1, "issues": {
            issue_id: {"seed_sha256": s.seed_sha256, "source": s.source, "files": dict(sorted(s.files.items())),
                       **({"rejected": dict(sorted(s.rejected.items()))} if s.rejected else {})}
            for issue_id, s in sorted(self.issues.items())
        }}
        if self.data_digest:
            data["data_digest"] = self.data_digest
        write_atomic(Path(content_dir) / STATE_FILE,
                     (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
