"""Command line: `python build.py [build|import] [options]`."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import importer

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _add_path_options(parser: argparse.ArgumentParser, *, defaults: bool = True) -> None:
    # Subcommands take the same options without defaults, so that an option given before the
    # command (`--content X build`) is not reset by the subcommand's default.
    def default(path: Path):
        return path if defaults else argparse.SUPPRESS

    parser.add_argument("--seeds", type=Path, default=default(PROJECT_ROOT / "seeds"),
                        help="folder of raw issues, one .txt per issue (default: seeds/)")
    parser.add_argument("--content", type=Path, default=default(PROJECT_ROOT / "content"),
                        help="folder of Markdown content, the editable source of truth (default: content/)")
    parser.add_argument("--output", type=Path, default=default(PROJECT_ROOT / "public"),
                        help="folder the site is written to (default: public/)")


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: an option given before the command must not be reset by the subcommand's default.
    parser.add_argument("--config", type=Path, default=argparse.SUPPRESS,
                        help="site config file (default: site.yml at the project root, if present)")
    parser.add_argument("--theme", default=argparse.SUPPRESS,
                        help="theme folder under themes/ (templates it lacks come from themes/default)")
    parser.add_argument("--base-url", dest="base_url", default=argparse.SUPPRESS,
                        help="absolute URL the site is published at; enables feed.xml and sitemap.xml")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Bulletin archive generator. With no command: import new seeds into content/ "
                    "and build the site into public/.",
    )
    _add_path_options(parser)
    _add_site_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = sub.add_parser("build", help="import new or changed seeds, then build the site (default)")
    _add_path_options(build, defaults=False)
    _add_site_options(build)
    imp = sub.add_parser("import", help="only import new or changed seeds into content/")
    _add_path_options(imp, defaults=False)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "build"
    started = time.perf_counter()
    report = importer.import_seeds(args.seeds, args.content, project_root=PROJECT_ROOT)
    report.print_summary(sys.stdout)
    status = 1 if report.problems else 0
    if command == "import":
        return status
    from .config import ConfigError, load_config
    from .render import build_site
    from .render.theme import ThemeError
    from .search import SearchSetupError

    try:
        config = load_config(getattr(args, "config", None), project_root=PROJECT_ROOT).with_overrides(
            theme=getattr(args, "theme", None), base_url=getattr(args, "base_url", None))
        render_report = build_site(args.content, args.output, config)
    except (ConfigError, ThemeError, SearchSetupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    render_report.print_summary(sys.stdout)
    status = status or (1 if render_report.errors else 0)
    print(f"done in {time.perf_counter() - started:.2f}s")
    return status
