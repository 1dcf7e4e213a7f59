"""Local files as sources: copied into the workspace when added, read only from there.

In Notion mode anyone who can edit the Viral DNA database writes the targets this
machine reads. So a local path found in the store is honoured only when it resolves
(symlinks followed) inside the workspace's `media/files/` folder, and never when it
contains `..`. `yp dna add PATH` copies the user's file there, to
`media/files/<sha256 prefix>/<safe name>`, and stores that workspace-relative
reference. Refusals read the same whether or not the path exists, so an entry cannot
be used to probe the operator's disk.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import workspace_files
from ..errors import SourceError

FILES_DIR = PurePosixPath(workspace_files.LOCAL_FILES_DIR.relpath)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 100


@dataclass(frozen=True)
class ImportedFile:
    reference: str  # workspace-relative, e.g. media/files/1f2e.../clip.mp4
    sha256: str


def import_file(source: Path | str, workspace_root: Path) -> ImportedFile:
    """Copy a user's file into the workspace (once per content) and return its reference.

    Bytes already in the workspace under another name keep their first copy.
    """
    path = Path(source).expanduser()
    if path.is_dir():
        raise SourceError(f"{source} is a directory: add the files in it one at a time")
    if not path.exists():
        raise SourceError(f"no such file: {source}")
    if not path.is_file():
        raise SourceError(f"not a regular file: {source}")
    try:
        digest = _sha256(path)
        folder = Path(workspace_root) / FILES_DIR / digest[:16]
        copies = sorted(p for p in folder.glob("*") if p.is_file() and not p.name.startswith("."))
        target = copies[0] if copies else folder / safe_name(path.name)  # the same bytes are kept once
        if not copies:
            folder.mkdir(parents=True, exist_ok=True)
            _copy_atomically(path, target)
    except OSError as exc:
        raise SourceError(f"could not copy {source} into the workspace: {exc.strerror or exc}") from None
    return ImportedFile(f"{FILES_DIR}/{digest[:16]}/{target.name}", digest)


def resolve_reference(target: str, workspace_root: Path | None) -> Path:
    """The file a stored local reference points at, if it lies inside the workspace's media/files."""
    text = target.strip()
    if workspace_root is None:
        raise SourceError(f"refused local path {text!r}: local files are read only from a workspace")
    if ".." in re.split(r"[\\/]+", text):
        raise SourceError(f"refused local path {text!r}: '..' is not allowed in a stored path")
    root = Path(workspace_root).resolve()
    files = root / FILES_DIR
    candidate = Path(text) if Path(text).is_absolute() else root / text
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        resolved = None
    if resolved is None or not resolved.is_relative_to(files.resolve()):
        raise SourceError(
            f"refused local path {text!r}: only files inside the workspace's {FILES_DIR} folder are read "
            "(add a local file with `yp dna add PATH`, which copies it there)"
        )
    if not resolved.exists():
        raise SourceError(f"file not found: {text}")
    if not resolved.is_file():
        raise SourceError(f"not a regular file: {text}")
    return resolved


def safe_name(name: str) -> str:
    """A file name with only letters, digits, `.`, `_` and `-`, no leading dot, at most 100 characters."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    stem = _UNSAFE.sub("_", stem).strip("._") or "file"
    suffix = _UNSAFE.sub("", suffix)[:16].lower()
    stem = stem[: _MAX_NAME - len(suffix) - 1]
    return f"{stem}.{suffix}" if suffix else stem


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy to a temporary name beside the target, then rename: never a half-written file."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
