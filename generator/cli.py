"""Command line: `python build.py [build|import|serve] [options]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from typing import TextIO

from .caches import DEFAULT_CACHE_DIR
from .config import ConfigError, load_config
from .pipeline import BuildPaths, ProgressPrinter, run_build
from .render.theme import ThemeError
from .output import OutputPathError
from .search import SearchSetupError
from .serve import add_serve_arguments, serve_from_args

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
                        help="absolute URL the site is published at; adds feeds, sitemap.xml, canonical and OpenGraph tags")
    parser.add_argument("--precompress", action="store_true", default=argparse.SUPPRESS,
                        help="also write .gz (and .br) beside text files, for servers that send them as they are")
    parser.add_argument("--full", action="store_true", default=argparse.SUPPRESS,
                        help="render every page, even those whose inputs did not change")
    parser.add_argument("--cache-dir", dest="cache_dir", type=Path, default=argparse.SUPPRESS,
                        help="folder for build caches (default: .cache/; safe to delete)")
    parser.add_argument("--report-json", dest="report_json", type=Path, default=argparse.SUPPRESS,
                        help="also write the build summary and stage timings as JSON to this file")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Bulletin archive generator. With no command: import new seeds into content/ "
                    "and build the site into public/.",
        epilog="Exit status: 0 built, 1 built but something was skipped (listed in the summary), "
               "2 not built (bad config, theme or setup).",
    )
    _add_path_options(parser)
    _add_site_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = sub.add_parser("build", help="import new or changed seeds, then build the site (default)")
    _add_path_options(build, defaults=False)
    _add_site_options(build)
    imp = sub.add_parser("import", help="only import new or changed seeds into content/")
    _add_path_options(imp, defaults=False)
    serve = sub.add_parser("serve", help="build, serve public/ on localhost, rebuild and reload on changes")
    _add_path_options(serve, defaults=False)
    _add_site_options(serve)
    add_serve_arguments(serve)
    deploy = sub.add_parser("deploy", help="publish the built site (public/) to the deploy target in site.yml, with rsync")
    _add_path_options(deploy, defaults=False)
    deploy.add_argument("--config", type=Path, default=argparse.SUPPRESS,
                        help="site config file (default: site.yml at the project root, if present)")
    deploy.add_argument("--target", default=None,
                        help="rsync target instead of site.yml's deploy target: user@host:/path/ or a folder")
    deploy.add_argument("--dry-run", dest="dry_run", action="store_true",
                        help="list what would be sent and deleted; change nothing")
    return parser


def _paths(args) -> BuildPaths:
    return BuildPaths(seeds=args.seeds, content=args.content, output=args.output,
                      cache=getattr(args, "cache_dir", DEFAULT_CACHE_DIR), project_root=PROJECT_ROOT)


def _config(args):
    return load_config(getattr(args, "config", None), project_root=PROJECT_ROOT).with_overrides(
        theme=getattr(args, "theme", None), base_url=getattr(args, "base_url", None),
        precompress=getattr(args, "precompress", None))


def build_once(args, out: TextIO | None = None) -> int:
    """One build with the summary printed; the exit status of `build.py build`."""
    try:
        report = run_build(_paths(args), _config(args), import_only=args.command == "import",
                           full=getattr(args, "full", False), progress=ProgressPrinter())
    except (ConfigError, ThemeError, SearchSetupError, OutputPathError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report.print_summary(out or sys.stdout)
    if getattr(args, "report_json", None):
        report.write_json(args.report_json)
    return 1 if report.skipped else 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.command = args.command or "build"
    if args.command == "serve":
        return _serve(args)
    if args.command == "deploy":
        return _deploy(args)
    return build_once(args)


def _serve(args) -> int:
    status = build_once(args)
    if status == 2:
        return status

    def rebuild() -> int:
        status = build_once(args)
        if status == 2:  # not built (config, theme, setup): keep serving the previous site, no reload
            raise RuntimeError("build stopped; see the error above")
        return status

    watch = [args.seeds, args.content, PROJECT_ROOT / "themes",
             getattr(args, "config", None) or PROJECT_ROOT / "site.yml"]
    return serve_from_args(args, args.output, [Path(p) for p in watch], rebuild)


def _deploy(args, out: TextIO | None = None) -> int:
    """`build.py deploy`: 0 published, 2 nothing published (refused or rsync failed)."""
    from .deploy import DeployError, deploy

    out = out or sys.stdout
    try:
        config = load_config(getattr(args, "config", None), project_root=PROJECT_ROOT)
        result = deploy(args.output, config.deploy, target=args.target, dry_run=args.dry_run)
    except (ConfigError, DeployError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in result.summary_lines():
        print(line, file=out)
    return 0
