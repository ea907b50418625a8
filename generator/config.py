"""Site configuration: `site.yml` at the project root (optional), overridden by command-line options."""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from . import schema

DEFAULT_CONFIG_NAME = "site.yml"


class ConfigError(Exception):
    """A config file that cannot be used, naming the file and the key."""


# Files a static host keeps beside the site that a deploy never deletes or replaces (GitHub
# Pages' custom domain and Jekyll switch, a repository's own history).
HOST_KEPT_FILES = (".git", "CNAME", ".nojekyll")


@dataclass(frozen=True)
class DeployConfig:
    """`deploy:` in site.yml: where `build.py deploy` publishes the output folder.

    `target` is what rsync takes: `user@host:/var/www/archive/` (over SSH) or a local folder.
    `keep` lists more host files or folders (rsync patterns) that are never deleted; `ssh` is the
    remote shell command (`ssh -p 2222`); `checksum` compares files by content instead of size and
    modification time (slower; for a host that does not keep times)."""

    target: str | None = None
    keep: tuple[str, ...] = ()
    ssh: str | None = None
    checksum: bool = False

    @property
    def excluded(self) -> tuple[str, ...]:
        return HOST_KEPT_FILES + self.keep


def parse_deploy(data: object, where: str) -> DeployConfig:
    """The `deploy:` mapping, checked key by key (kept here, self-contained, until the schema module)."""
    if isinstance(data, str):  # `deploy: user@host:/srv/www/` is the common case
        data = {"target": data}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: must be a target (user@host:/path/ or a folder) or a mapping "
                          f"with target, keep, ssh, checksum; not {data!r}")
    allowed = ("target", "keep", "ssh", "checksum")
    unknown = sorted(set(map(str, data)) - set(allowed))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}")
    target, keep, ssh, checksum = (data.get(key) for key in allowed)
    for key, value in (("target", target), ("ssh", ssh)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(f"{where} [{key}]: must be non-empty text, not {value!r}")
    if target is not None and (target.startswith("-") or "\n" in target):
        raise ConfigError(f"{where} [target]: not a usable rsync target: {target!r}")
    if keep is None:
        keep = []
    if isinstance(keep, str):
        keep = [keep]
    if not isinstance(keep, list) or not all(isinstance(k, str) and k.strip() and "\n" not in k for k in keep):
        raise ConfigError(f"{where} [keep]: must be a list of file or folder names (rsync patterns), not {keep!r}")
    if checksum is not None and not isinstance(checksum, bool):
        raise ConfigError(f"{where} [checksum]: must be true or false, not {checksum!r}")
    return DeployConfig(target=target, keep=tuple(keep), ssh=ssh, checksum=bool(checksum))


@dataclass(frozen=True)
class SiteConfig:
    title: str = "济宁公安"
    subtitle: str = "《济宁公安》报纸文章档案"
    publisher: str = "济宁市公安局"
    # Absolute URL the site is published at (e.g. https://example.org/archive/). Needed only for
    # the Atom feed and sitemap.xml; every page link stays relative either way.
    base_url: str | None = None
    theme: str = "default"
    page_size: int = 20  # articles per page of a unit, tag, person or year list
    feed_size: int = 20  # articles in the Atom feed
    related_count: int = 5  # related articles shown under an article
    # Paths in the output folder the build never removes and carries over when it swaps the
    # folder (patterns relative to the output folder, e.g. `downloads/*`); `.git`, `CNAME` and
    # `.nojekyll` are always kept.
    keep: tuple[str, ...] = (".git", "CNAME", ".nojekyll")
    # Not a site.yml key: `build.py --drafts` / `serve --drafts` shows articles marked `draft: true`.
    show_drafts: bool = False
    # Write `.gz` (and `.br`) beside every text file, for servers that send precompressed files.
    precompress: bool = False
    deploy: DeployConfig = DeployConfig()

    def with_overrides(self, **values) -> "SiteConfig":
        """A copy with every non-None value replaced (command-line options win over the file)."""
        if values.get("base_url") is not None:
            check_base_url(values["base_url"], "--base-url")
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    @property
    def absolute_root(self) -> str | None:
        if not self.base_url:
            return None
        return self.base_url if self.base_url.endswith("/") else self.base_url + "/"


def check_base_url(value: str, where: str) -> None:
    # The base URL ends up in links of the 404 page, the feed and the sitemap: only web URLs.
    if not re.match(r"^https?://[^\s/?#]+[^\s]*$", value):
        raise ConfigError(f"{where}: must be an absolute http:// or https:// URL, not {value!r}")


def parse_config(data: object, source: str = DEFAULT_CONFIG_NAME) -> SiteConfig:
    """Already-loaded YAML data (a dict) -> SiteConfig; see `read_config` for the file's text."""
    return _from_document(schema.from_python(data, source))


def read_config(text: str, source: str) -> SiteConfig:
    try:
        document = schema.compose(text, source)
    except schema.SchemaError as err:
        raise ConfigError(str(err)) from None
    return _from_document(document)


def _from_document(document) -> SiteConfig:
    try:
        values, lines = schema.read(schema.SITE, document)
    except schema.SchemaError as err:
        raise ConfigError(str(err)) from None
    if values["base_url"] is not None:
        check_base_url(values["base_url"], schema.where(document.path, lines.get("base_url"), "base_url"))
    known = {f.name for f in fields(SiteConfig)}
    keep = values.get("keep") or []
    outside = [path for path in keep if not path.strip("/") or ".." in path.split("/")]
    if outside:
        raise ConfigError(f"{schema.where(document.path, lines.get('keep'), 'keep')}: must be paths inside the "
                          f"output folder, not {outside[0]!r}")
    values["keep"] = tuple(dict.fromkeys(SiteConfig.keep + tuple(path.strip("/") for path in keep)))
    if values.get("deploy") is not None:
        values["deploy"] = parse_deploy(values["deploy"], schema.where(document.path, lines.get("deploy"), "deploy"))
    return SiteConfig(**{k: v for k, v in values.items() if k in known and v is not None})


def load_config(path: Path | None = None, project_root: Path | None = None) -> SiteConfig:
    """Read `path`, or `<project_root>/site.yml` when it exists; defaults when there is no file."""
    if path is None:
        if project_root is None:
            return SiteConfig()
        path = Path(project_root) / DEFAULT_CONFIG_NAME
        if not path.exists():
            return SiteConfig()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8; save the file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return read_config(text.lstrip("\ufeff"), str(path))
