"""`build.py deploy`: publish the built output folder to the target named in site.yml, with rsync.

The target is what rsync itself takes: `user@host:/srv/www/archive/` goes over SSH, anything else
is a local folder (a mounted share, or a temporary folder in the tests). Only files whose size or
modification time changed are sent (the build keeps unchanged files' times, see output.py), or
whose content changed with `checksum: true`; files removed from the site are deleted on the host,
except the host's own files (`.git`, `CNAME`, `.nojekyll` and the `keep:` list), which rsync
neither sends nor deletes. Updated files are put in place at the end of the transfer
(`--delay-updates`), so readers see the old site or the new one, hardly a mix.

Nothing is sent when the output folder is not a complete build, when no target is configured, or
when a local target holds files that are not a site (a `--delete` would remove them).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .config import DeployConfig
from .output import SITE_MARKER, journal_path, staging_dir

# What a complete build holds: the marker only a build of this project writes, and the home page.
BUILT_SITE_FILES = (SITE_MARKER, "index.html")

RSYNC = "rsync"


class DeployError(Exception):
    """The deploy was refused or failed; nothing (or not everything) was sent. Says why."""


@dataclass
class DeployResult:
    target: str
    dry_run: bool
    sent: list[str] = field(default_factory=list)  # files copied (new or changed)
    deleted: list[str] = field(default_factory=list)  # files removed from the target
    created: list[str] = field(default_factory=list)  # folders and links made on the target
    command: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        verb = ("would send", "would delete") if self.dry_run else ("sent", "deleted")
        lines = [f"{verb[0]}: {path}" for path in self.sent] if self.dry_run else []
        lines += [f"{verb[1]}: {path}" for path in self.deleted]
        head = "dry run, nothing sent: " if self.dry_run else ""
        lines.append(f"{head}{self.target}: {len(self.sent)} file(s) {verb[0]}, "
                     f"{len(self.deleted)} {verb[1]}, {len(self.created)} folder(s) or link(s) created")
        return lines


def is_remote(target: str) -> bool:
    """rsync's own rule: a colon before the first slash means a host (`host:path`, `user@host:`)."""
    if target.startswith("rsync://"):
        return True
    head = target.split("/", 1)[0]
    return ":" in head and not re.match(r"^[A-Za-z]:$", head)  # not a Windows drive letter


def check_built_site(output_dir: Path) -> None:
    """Refuse a folder that is not a complete build: sending it would delete the published site."""
    if not output_dir.is_dir():
        raise DeployError(f"{output_dir} does not exist: build the site first (python build.py)")
    missing = [name for name in BUILT_SITE_FILES if not (output_dir / name).is_file()]
    if missing:
        raise DeployError(f"{output_dir} is not a built site ({', '.join(missing)} missing): "
                          "build it first (python build.py), or point --output at the site")
    if journal_path(output_dir).exists() or staging_dir(output_dir).exists():
        raise DeployError(f"{output_dir}: a build is running or was interrupted "
                          f"({journal_path(output_dir).name} or {staging_dir(output_dir).name} is there); "
                          "run python build.py and deploy when it has finished")


def check_local_target(target: Path, output_dir: Path, config: DeployConfig) -> None:
    target, source = target.resolve(), output_dir.resolve()
    if target == source or source in target.parents or target in source.parents:
        raise DeployError(f"deploy target {target} overlaps the output folder {source}; "
                          "choose a folder outside it")
    if not target.parent.is_dir():
        raise DeployError(f"deploy target {target}: its parent folder {target.parent} does not exist")
    if target.exists() and not target.is_dir():
        raise DeployError(f"deploy target {target} exists and is not a folder")
    if target.is_dir():
        kept = {name.strip("/") for name in config.excluded}
        others = [p.name for p in target.iterdir() if p.name not in kept]
        if others and not (target / SITE_MARKER).is_file():
            raise DeployError(f"deploy target {target} holds files that are not a site "
                              f"(e.g. {sorted(others)[0]}); deploying would delete them. Empty it, "
                              "choose another folder, or list the files to keep under deploy: keep:")


def rsync_command(output_dir: Path, target: str, config: DeployConfig, *, dry_run: bool) -> list[str]:
    # --modify-window=-1: times compared to the nanosecond (rsync compares whole seconds by
    # default, so a file rebuilt within the second of the last deploy with the same size would
    # silently stay old on the host). A host whose file system keeps only seconds then gets every
    # file again: slower, never wrong (or set `checksum: true`).
    command = [RSYNC, "--recursive", "--links", "--times", "--modify-window=-1", "--omit-dir-times", "--delete",
               "--delay-updates", "--itemize-changes", "--chmod=D755,F644"]
    if config.checksum:
        command.append("--checksum")
    if dry_run:
        command.append("--dry-run")
    if config.ssh:
        command += ["--rsh", config.ssh]
    # Excluded names are neither sent nor deleted (no --delete-excluded): the host's files stay.
    command += [f"--exclude={pattern}" for pattern in config.excluded]
    command += [str(output_dir).rstrip("/") + "/", target]
    return command


def parse_itemized(output: str, result: DeployResult) -> None:
    """rsync's --itemize-changes lines: `>f+++++++++ a.html` (local) or `<f.st...... a.html`
    (remote) is a file sent, `*deleting a.html` a deletion, `cd+++++++++ dir/` a folder made;
    `.f..t......` changed only a time and sent nothing."""
    for line in output.splitlines():
        if line.startswith("*deleting"):
            result.deleted.append(line[len("*deleting"):].strip())
            continue
        flags, _, name = line.partition(" ")
        if len(flags) < 2 or not name:
            continue
        if flags[0] in "<>" and flags[1] == "f":
            result.sent.append(name)
        elif flags[0] == "c":
            result.created.append(name)


def deploy(output_dir: Path, config: DeployConfig, *, target: str | None = None, dry_run: bool = False,
           rsync: str | None = None) -> DeployResult:
    """Publish `output_dir` to `target` (default: the configured one). Raises DeployError."""
    output_dir = Path(output_dir)
    target = target or config.target
    if not target:
        raise DeployError("no deploy target: add `deploy: user@host:/path/` (or a local folder) to site.yml, "
                          "or pass --target")
    check_built_site(output_dir)
    if not is_remote(target):
        check_local_target(Path(target), output_dir, config)
    program = rsync or shutil.which(RSYNC)
    if not program:
        raise DeployError("rsync is not installed: run `make setup` (it installs Debian's rsync) "
                          "or `apt-get install rsync`")
    command = rsync_command(output_dir, target, config, dry_run=dry_run)
    command[0] = program
    result = DeployResult(target=target, dry_run=dry_run, command=command)
    completed = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()
        raise DeployError(f"rsync to {target} failed (exit {completed.returncode}): "
                          f"{detail[-1] if detail else 'no message'}"
                          + ("" if dry_run else "; files already sent stay, run deploy again"))
    parse_itemized(completed.stdout, result)
    return result
