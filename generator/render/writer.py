"""The one place the renderer touches the output folder.

Every output file goes through `write_output`, so making builds incremental or atomic (write to
a staging folder, then swap) is a change to this module only.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath


class OutputPathError(ValueError):
    pass


def safe_relative(rel: str) -> PurePosixPath:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise OutputPathError(f"output path must stay inside the output folder: {rel!r}")
    return path


def write_output(output_dir: Path, rel: str, data: bytes) -> bool:
    """Write `data` to output_dir/rel unless the file already holds exactly these bytes.

    Returns True when the file was written.
    """
    target = Path(output_dir).joinpath(*safe_relative(rel).parts)
    try:
        if target.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return True
