"""Site configuration: `site.yml` at the project root (optional), overridden by command-line options."""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

DEFAULT_CONFIG_NAME = "site.yml"


class ConfigError(Exception):
    """A config file that cannot be used, naming the file and the key."""


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


_INT_KEYS = {"page_size", "feed_size", "related_count"}


def parse_config(data: object, source: str = DEFAULT_CONFIG_NAME) -> SiteConfig:
    if data is None:
        return SiteConfig()
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: must be a mapping of keys to values")
    known = {f.name for f in fields(SiteConfig)}
    unknown = sorted(set(map(str, data)) - known)
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}")
    values = {}
    for key, value in data.items():
        if value is None:
            continue
        if key == "keep":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip("/") and ".." not in v.split("/")
                                                      for v in value):
                raise ConfigError(f"{source} [{key}]: must be a list of paths inside the output folder, "
                                  f"not {value!r}")
            value = tuple(dict.fromkeys(SiteConfig.keep + tuple(v.strip("/") for v in value)))
        elif key in _INT_KEYS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{source} [{key}]: must be a positive whole number, not {value!r}")
        elif not isinstance(value, str):
            raise ConfigError(f"{source} [{key}]: must be text, not {value!r}")
        elif key == "base_url":
            check_base_url(value, f"{source} [{key}]")
        values[key] = value
    return SiteConfig(**values)


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
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: malformed YAML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8; save the file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (RecursionError, ValueError) as exc:  # nesting too deep, or a value YAML cannot build
        raise ConfigError(f"{path}: not a usable config ({type(exc).__name__}: {exc})") from None
    return parse_config(data, str(path))
