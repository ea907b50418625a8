"""Command line: `python build.py [build|import|serve] [options]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from typing import TextIO

from . import review
from .caches import DEFAULT_CACHE_DIR
from .config import ConfigError, load_config
from .pipeline import BuildPaths, ProgressPrinter, run_build
from .render.theme import ThemeError
from .output import OutputPathError, check_not_under_a_file
from .lock import DEFAULT_WAIT_SECONDS, BuildLock, LockBusyError
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
    parser.add_argument("--cache-dir", dest="cache_dir", type=Path, default=default(DEFAULT_CACHE_DIR),
                        help="folder for every build cache (default: .cache/; safe to delete)")


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
    parser.add_argument("--drafts", dest="drafts", action="store_true", default=argparse.SUPPRESS,
                        help="also show articles marked `draft: true` (marked 草稿); for previews, not for publishing")
    parser.add_argument("--report-json", dest="report_json", type=Path, default=argparse.SUPPRESS,
                        help="also write the build summary and stage timings as JSON to this file")
    parser.add_argument("--allow-shrink", dest="allow_shrink", action="store_true", default=argparse.SUPPRESS,
                        help="build even if the site would lose most of its articles (an emptied or "
                             "missing content folder); without it such a build is refused")


def _add_lock_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lock-wait", dest="lock_wait", type=float, default=argparse.SUPPRESS, metavar="SECONDS",
                        help="how long to wait for another build on the same folders to finish "
                             f"(default: {DEFAULT_WAIT_SECONDS:.0f}; 0 refuses at once)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Bulletin archive generator. With no command: import new seeds into content/ "
                    "and build the site into public/.",
        epilog="Exit status: 0 built, 1 built but something was skipped (listed in the summary), "
               "2 not built (bad config, theme, output folder or setup; another build holding the "
               "folders; a site that would shrink; a disk that is full or read-only).",
    )
    _add_path_options(parser)
    _add_site_options(parser)
    _add_lock_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = sub.add_parser("build", help="import new or changed seeds, then build the site (default)")
    _add_path_options(build, defaults=False)
    _add_site_options(build)
    _add_lock_option(build)
    imp = sub.add_parser("import", help="only import new or changed seeds into content/")
    _add_path_options(imp, defaults=False)
    _add_lock_option(imp)
    doubts = sub.add_parser("doubts", help="list doubtful splits with the seed lines around them, "
                                           "or mark one checked")
    _add_path_options(doubts, defaults=False)
    doubts.add_argument("issue", nargs="?", metavar="ISSUE", help="only this issue (its folder name in content/)")
    doubts.add_argument("--check", nargs=2, metavar=("ISSUE", "LINE"),
                        help="mark the doubt on seed line LINE of ISSUE checked, so it is not listed again")
    serve = sub.add_parser("serve", help="build, serve public/ on localhost, rebuild and reload on changes")
    _add_path_options(serve, defaults=False)
    _add_site_options(serve)
    _add_lock_option(serve)
    add_serve_arguments(serve)
    restore = sub.add_parser("restore", help="bring back an article the editor withdrew (deleted or moved): "
                                             "import it again from its seed")
    restore.add_argument("file", help="the withdrawn article, e.g. content/<issue>/03-….md")
    _add_path_options(restore, defaults=False)
    _add_site_options(restore)
    _add_lock_option(restore)
    review = sub.add_parser("review", help="list pending decisions: fresh imports (.new) with a diff, "
                                           "splitter doubts, how issue dates were inferred")
    _add_path_options(review, defaults=False)
    for name, text in (("accept", "take the fresh import FILE.new in place of your version of FILE"),
                       ("reject", "keep your version of FILE; the same fresh import is not offered again")):
        decide = sub.add_parser(name, help=text)
        _add_path_options(decide, defaults=False)
        decide.add_argument("files", nargs="+", metavar="FILE", help="content file (or its .new)")
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
    config = getattr(args, "config", None)
    return BuildPaths(seeds=args.seeds, content=args.content, output=args.output,
                      cache=args.cache_dir, project_root=PROJECT_ROOT,
                      site=Path(config).parent if config else PROJECT_ROOT)


def _config(args):
    return load_config(getattr(args, "config", None), project_root=PROJECT_ROOT).with_overrides(
        theme=getattr(args, "theme", None), base_url=getattr(args, "base_url", None),
        show_drafts=getattr(args, "drafts", None),
        precompress=getattr(args, "precompress", None))


def build_once(args, out: TextIO | None = None, restore: set[str] | None = None) -> int:
    """One build with the summary printed; the exit status of `build.py build`.

    The build holds the lock of the folders it writes (content/, and the output folder unless
    it only imports): a second build on them waits, then refuses (exit 2)."""
    paths = _paths(args)
    import_only = args.command == "import"
    folders = [paths.content] if import_only else [paths.content, paths.output]
    try:
        for folder, option in zip(folders, ("--content", "--output")):
            check_not_under_a_file(folder, option)
        with BuildLock(folders, getattr(args, "lock_wait", DEFAULT_WAIT_SECONDS)):
            report = run_build(paths, _config(args), import_only=import_only,
                               full=getattr(args, "full", False), progress=ProgressPrinter(),
                               allow_shrink=getattr(args, "allow_shrink", False), restore=restore)
    except (ConfigError, ThemeError, SearchSetupError, OutputPathError, LockBusyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        # A full disk, a read-only folder, a path through a file: nothing was built, and the
        # previous site stands (the output is only ever replaced as a whole, at the end).
        where = f" {exc.filename}" if exc.filename else ""
        print(f"error: cannot write{where}: {exc.strerror or exc}; nothing was built, the previous site "
              "is unchanged", file=sys.stderr)
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
    if args.command == "restore":
        return _restore(args)
    if args.command == "doubts":
        return _doubts(args, sys.stdout)
    if args.command == "review":
        review.print_items(review.collect(args.content))
        return 0
    if args.command in ("accept", "reject"):
        return getattr(review, args.command)(args.content, args.files)
    if args.command == "deploy":
        return _deploy(args)
    return build_once(args)


def _restore(args) -> int:
    """`build.py restore FILE`: a withdrawn article is imported again, under its old name."""
    from .content.withdrawn import withdraw_again, withdrawn_path

    rel = withdrawn_path(args.content, args.file)
    if rel is None:
        print(f"error: {args.file} is not a withdrawn article of {args.content} (see `build.py review`)",
              file=sys.stderr)
        return 2
    args.command = "build"
    status = build_once(args, restore={rel})
    if status != 2 and not (Path(args.content) / rel).is_file():
        withdraw_again(args.content, rel)
        print(f"error: content/{rel} could not be restored: its seed no longer holds the article", file=sys.stderr)
        return 2
    if status != 2:
        print(f"restored content/{rel}")
    return status


def _doubts(args, out: TextIO) -> int:
    """`build.py doubts [ISSUE]` (exit 0) and `build.py doubts --check ISSUE LINE` (exit 0, or 2
    with the reason when there is no such open doubt)."""
    from .ingest import doubts

    try:
        if args.check:
            issue, line = args.check
            if not line.isdigit():
                raise doubts.DoubtsError(f"LINE must be a seed line number, not {line!r}")
            for doubt in doubts.check_doubt(args.content, issue, int(line)):
                print(f"checked: {issue} line {doubt.line}: {doubt.reason}", file=out)
            print(f"(kept in content/{issue}/{doubts.CHECKED_FILE}; a re-import keeps it)", file=out)
            return 0
        doubts.print_doubts(args.content, PROJECT_ROOT, args.seeds, args.issue, out)
        return 0
    except doubts.DoubtsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _serve(args) -> int:
    status = build_once(args)
    if status == 2:
        return status

    def rebuild() -> int:
        status = build_once(args)
        if status == 2:  # not built (config, theme, setup): keep serving the previous site, no reload
            raise RuntimeError("build stopped; see the error above")
        return status

    config = getattr(args, "config", None)
    watch = [args.seeds, args.content, PROJECT_ROOT / "themes", config or PROJECT_ROOT / "site.yml",
             (Path(config).parent if config else PROJECT_ROOT) / "data"]
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
