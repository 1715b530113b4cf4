"""Reading what a student handed in, as hostile input: only regular files, within budgets.

Everything in a submission (a folder, a .zip, or one file) is looked at through
`open_submission`, which lists its regular files without opening any and reads
them only on request:

- folders are walked iteratively, breadth first, at most `max_entries` files and
  folders and `max_depth` levels deep; symbolic links, FIFOs, sockets and device
  files are never opened or followed;
- a file is opened with O_NOFOLLOW | O_NONBLOCK, checked to be a regular file and
  its size checked against the limit before anything is read, and never more
  than limit + 1 bytes are read (a file that grows meanwhile is still refused);
- a zip member is checked on its declared size before it is extracted and on its
  actual size while it is (a member that lies about its size is refused); one
  recorded as a link, FIFO or device (its Unix mode) is never read;
- archives inside the submission (a zip in the zip, a .tar.gz) are never opened (the student is told);
- all reads of one submission together draw on one byte budget (`max_total_bytes`);
- names that are not valid UTF-8 are skipped (they cannot be a module name).

What is skipped is listed in `notes`, in words for the student.
"""
from __future__ import annotations

import collections
import itertools
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .course import SubmissionBudgets

_CHUNK = 1 << 16
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class Unreadable(Exception):
    """A file of the submission that is not read; the message says why, for the student."""


class TooLarge(Unreadable):
    """A file over its size limit (`size` is what it declared or what was found, in bytes)."""

    def __init__(self, message: str, size: int):
        super().__init__(message)
        self.size = size


ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".gz", ".bz2", ".xz",
                    ".rar", ".7z")


def archive_kind(name: str) -> str | None:
    """The archive suffix a file name ends with (".tar.gz"), or None: archives are never unpacked but a zip."""
    lowered = name.lower()
    return next((suffix for suffix in ARCHIVE_SUFFIXES if lowered.endswith(suffix)), None)


def readable_name(name: str) -> str:
    """A name safe to print and to write as UTF-8 (undecodable bytes become U+FFFD)."""
    return os.fsencode(name).decode("utf-8", errors="replace") if _undecodable(name) else name


def _undecodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:   # lone surrogates: bytes os.fsdecode could not decode
        return True
    return False


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """At most `limit` bytes of a regular file; Unreadable (TooLarge) without reading anything otherwise."""
    try:
        fd = os.open(path, _OPEN_FLAGS | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise Unreadable(f"cannot be opened ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("is not a regular file")
        if info.st_size > limit:
            raise TooLarge(f"is {info.st_size} bytes (at most {limit} are read)", info.st_size)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        raise Unreadable(f"cannot be read ({error.strerror or error})") from None
    finally:
        os.close(fd)
    if total > limit:
        raise TooLarge(f"is over {limit} bytes (at most {limit} are read)", total)
    return b"".join(chunks)


@dataclass
class WalkedTree:
    """The regular files under a folder (posix path relative to it → size), and what was left out."""

    files: dict[str, int] = field(default_factory=dict)
    special: list[str] = field(default_factory=list)       # links, FIFOs, sockets, devices: never opened
    undecodable: list[str] = field(default_factory=list)   # names that are not UTF-8 (shown with U+FFFD)
    too_deep: list[str] = field(default_factory=list)      # folders below max_depth, not entered
    truncated: bool = False                                # max_entries reached: the rest was not looked at


def walk_tree(root: Path, max_entries: int, max_depth: int, skip=lambda name: False) -> WalkedTree:
    """Breadth first, in name order, without following links; `skip(name)` leaves out a file or folder by name."""
    tree = WalkedTree()
    queue: collections.deque[tuple[Path, str, int]] = collections.deque([(Path(root), "", 0)])
    seen = 0
    while queue:
        folder, prefix, depth = queue.popleft()
        try:
            with os.scandir(folder) as listing:   # never more entries in memory than the budget has left
                entries = sorted(itertools.islice(listing, max_entries - seen + 1), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if skip(entry.name):
                continue
            seen += 1
            if seen > max_entries:
                tree.truncated = True
                return tree
            relative = f"{prefix}{entry.name}"
            if _undecodable(entry.name):
                tree.undecodable.append(readable_name(relative))
            elif entry.is_dir(follow_symlinks=False):
                if depth + 1 >= max_depth:
                    tree.too_deep.append(relative)
                else:
                    queue.append((Path(entry.path), f"{relative}/", depth + 1))
            elif entry.is_file(follow_symlinks=False):
                try:
                    tree.files[relative] = entry.stat(follow_symlinks=False).st_size
                except OSError:
                    continue
            else:
                tree.special.append(relative)
    return tree


_IGNORED_FOLDERS = {"__MACOSX", "__pycache__", ".git", ".ipynb_checkpoints"}


def ignored(name: str) -> bool:
    """Hidden files and folders, and the clutter of zips made on a Mac, caches and checkpoints."""
    return name.startswith(".") or name in _IGNORED_FOLDERS


class SubmissionFiles:
    """The regular files of one submission, listed up front and read on request within the budgets.

    `files` maps each file's posix path (relative to the submission; for a single
    file, its name) to its size as declared.  `read(name, limit)` returns its bytes
    or raises Unreadable; every read draws on the submission's byte budget.
    """

    def __init__(self, path: Path, budgets: SubmissionBudgets):
        self.path = Path(path)
        self.budgets = budgets
        self.files: dict[str, int] = {}
        self.notes: list[str] = []
        self.remaining = budgets.max_total_bytes
        self._archive: zipfile.ZipFile | None = None
        self._members: dict[str, zipfile.ZipInfo] = {}

    # -- opening ----------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, budgets: SubmissionBudgets) -> SubmissionFiles:
        """Raises Unreadable when the submission as a whole cannot be used (a corrupt zip, a FIFO ...).

        The path given is followed if it is a link (the user named it); nothing inside it is.
        """
        files = cls(Path(os.path.realpath(path)), budgets)   # the submission itself may be a link its owner made
        try:
            info = os.stat(files.path)
        except OSError as error:
            raise Unreadable(f"cannot be read ({error.strerror or error})") from None
        if stat.S_ISDIR(info.st_mode):
            files._list_folder()
        elif not stat.S_ISREG(info.st_mode):
            raise Unreadable("is not a regular file or folder (a link, FIFO or device is not read)")
        elif files.path.suffix.lower() == ".zip":
            files._list_zip()
        else:
            files.files[files.path.name] = info.st_size
            return files
        archives = [name for name in files.files if archive_kind(name)]
        if archives:   # else the student sees only "not submitted", and never learns why
            files.notes.append(f"archives inside the submission are not opened ({_some(archives)}); "
                               "hand in the files themselves, or one zip of them")
        return files

    def _list_folder(self) -> None:
        tree = walk_tree(self.path, self.budgets.max_entries, self.budgets.max_depth, ignored)
        self.files = tree.files
        if tree.truncated:
            self.notes.append(f"the submission holds more than {self.budgets.max_entries} files and folders; "
                              f"only the first {self.budgets.max_entries} (by folder level, then name) were looked at")
        if tree.too_deep:
            self.notes.append(f"folders more than {self.budgets.max_depth} levels deep were not looked at "
                              f"({_some(tree.too_deep)})")
        if tree.special:
            self.notes.append(f"links, FIFOs and device files are not read ({_some(tree.special)})")
        if tree.undecodable:
            self.notes.append(f"names that are not UTF-8 are not read ({_some(tree.undecodable)})")

    def _list_zip(self) -> None:
        try:
            self._archive = zipfile.ZipFile(self.path)
            members = self._archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise Unreadable(f"is not a readable zip file ({error})") from None
        if len(members) > self.budgets.max_entries:
            self.close()
            raise Unreadable(f"is a zip of {len(members)} files; at most {self.budgets.max_entries} are accepted")
        too_deep, special = [], []
        for member in members:
            name = PurePosixPath(member.filename)
            if member.is_dir() or name.is_absolute() or ".." in name.parts or any(ignored(part) for part in name.parts):
                continue
            if _special_member(member):
                special.append(member.filename)
                continue
            if len(name.parts) > self.budgets.max_depth:
                too_deep.append(member.filename)
                continue
            self._members[name.as_posix()] = member
            self.files[name.as_posix()] = member.file_size
        if too_deep:
            self.notes.append(f"files more than {self.budgets.max_depth} folders deep in the zip were not looked at "
                              f"({_some(too_deep)})")
        if special:
            self.notes.append(f"links, FIFOs and device files are not read ({_some(special)})")

    # -- reading ----------------------------------------------------------------
    def read(self, name: str, limit: int) -> bytes:
        """The bytes of one listed file, at most `limit` of them, within what is left of the byte budget."""
        declared = self.files[name]
        if declared > limit:
            raise TooLarge(f"is {declared} bytes (at most {limit} are read)", declared)
        if declared > self.remaining:
            raise TooLarge(self._budget_message(), declared)
        allowed = min(limit, self.remaining)
        data = self._read_member(name, allowed) if self._archive is not None else \
            read_regular_file(self._file_path(name), allowed)
        self.remaining -= len(data)
        return data

    def _budget_message(self) -> str:
        return (f"was not read: the files read from this submission reached "
                f"{self.budgets.max_total_bytes // 2**20} MiB in all")

    def _file_path(self, name: str) -> Path:
        return self.path if self.path.is_file() else self.path / name

    def _read_member(self, name: str, limit: int) -> bytes:
        assert self._archive is not None
        chunks, total = [], 0
        try:
            with self._archive.open(self._members[name]) as stream:
                while total <= limit:
                    chunk = stream.read(min(_CHUNK, limit + 1 - total))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    total += len(chunk)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError, EOFError) as error:
            raise Unreadable(f"cannot be extracted from the zip ({error})") from None
        if total > limit:   # more than the member declared, or more than the budget leaves
            raise TooLarge(f"unpacks to more than {limit} bytes" if limit < self.remaining else self._budget_message(),
                           total)
        return b"".join(chunks)

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None

    def __enter__(self) -> SubmissionFiles:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _special_member(member: zipfile.ZipInfo) -> bool:
    """Whether a zip member is a link, FIFO or device by the Unix mode its zip recorded (a link's data is its
    target's path: read as a module it would be that path, or, unpacked by a tool, a link out of the folder).
    Zips made elsewhere record no mode (0), and are regular files."""
    file_type = stat.S_IFMT(member.external_attr >> 16)
    return file_type not in (0, stat.S_IFREG, stat.S_IFDIR)


def _some(names: list[str], shown: int = 3) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")
