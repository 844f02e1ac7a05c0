"""File handling shared by the ERA5 and GFS downloads: temporary names, atomic delivery."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path

__all__ = ["deliver_files", "temporary_path", "write_text_atomically"]


def temporary_path(directory: Path, name: str) -> Path:
    """Return a unique hidden name in ``directory`` for a file still being written."""
    return directory / f".{name}.{uuid.uuid4().hex}.part"


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole new one."""
    temporary = temporary_path(path.parent, path.name)
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def deliver_files(files: Sequence[Path], out_dir: Path | None) -> list[Path]:
    """Place cached files in ``out_dir`` (hard link, else copy; atomically).

    Returns the paths in ``out_dir``, or ``files`` unchanged when ``out_dir`` is None.
    """
    if out_dir is None:
        return list(files)
    out_dir.mkdir(parents=True, exist_ok=True)
    delivered = []
    for source in files:
        target = out_dir / source.name
        if not (target.exists() and target.samefile(source)):
            temporary = temporary_path(out_dir, source.name)
            try:
                try:
                    os.link(source, temporary)
                except OSError:
                    shutil.copyfile(source, temporary)
                os.replace(temporary, target)
            finally:
                temporary.unlink(missing_ok=True)
        delivered.append(target)
    return delivered
