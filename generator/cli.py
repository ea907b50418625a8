"""Command line: `python build.py [build|import] [options]`."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import importer

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _add_path_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=Path, default=PROJECT_ROOT / "seeds",
                        help="folder of raw issues, one .txt per issue (default: seeds/)")
    parser.add_argument("--content", type=Path, default=PROJECT_ROOT / "content",
                        help="folder of Markdown content, the editable source of truth (default: content/)")
    parser.add_argument("--output", type=Path, default=PROJECT_ROOT / "public",
                        help="folder the site is written to (default: public/)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Bulletin archive generator. With no command: import new seeds into content/ "
                    "and build the site into public/.",
    )
    _add_path_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = sub.add_parser("build", help="import new or changed seeds, then build the site (default)")
    _add_path_options(build)
    imp = sub.add_parser("import", help="only import new or changed seeds into content/")
    _add_path_options(imp)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "build"
    started = time.perf_counter()
    report = importer.import_seeds(args.seeds, args.content, project_root=Path.cwd())
    report.print_summary(sys.stdout)
    status = 1 if report.problems else 0
    if command == "import":
        return status
    print(f"done in {time.perf_counter() - started:.2f}s")
    return status
