"""Write files atomically: a reader never sees a half-written file, the input is never touched."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_KINDS = (
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def check_target(path: Path) -> None:
    """Raise OSError unless ``path`` is a new name or an existing regular file.

    os.replace puts a new file in place of whatever the name held: a symbolic link (the user
    meant its target), a FIFO or a device node (``-o /dev/null`` run as root would replace the
    device). lstat, not stat, so a link to a regular file is refused too, not followed.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode):
        return
    kind = next((text for test, text in _KINDS if test(mode)), "not a regular file")
    raise OSError(
        errno.EINVAL,
        f"it is {kind}; headerlens writes only to a regular file or a new path",
        str(path),
    )


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` via a temporary file in the same folder + os.replace.

    Only a new path or an existing regular file is written (:func:`check_target`, checked
    before the temporary file is made and again just before the rename; a name swapped for a
    link in between is still only replaced, never written through). The file gets the usual
    permissions (0666 less the umask), not mkstemp's private 0600. OSError propagates; the
    temporary file is removed on any failure.
    """
    path = Path(path)
    check_target(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        check_target(path)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
