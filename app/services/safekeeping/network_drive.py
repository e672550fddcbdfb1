"""Refusing a data folder on a network drive.

SQLite's locking does not work reliably over SMB/NFS: two PCs writing one database file through a
share corrupt it sooner or later. So the data folder must be on a local disk; several PCs share
one database through the multi-PC server mode instead. The checks are pure functions over the
path text and the mount table, so they are tested on any system; only `is_network_folder` looks
at the real machine.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path, PurePath, PureWindowsPath

from app.domain.errors import DomainError

NETWORK_FS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "davfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.smbnetfs",
        "ncpfs",
        "coda",
        "lustre",
    }
)
DRIVE_REMOTE = 4  # GetDriveTypeW
_OCTAL = re.compile(r"\\([0-7]{3})")


def is_unc(path_text: str) -> bool:
    r"""\\server\share\… (or //server/share); \\?\UNC\… too, but not \\?\C:\ or \\.\ devices."""
    text = path_text.replace("/", "\\")
    if text.upper().startswith("\\\\?\\UNC\\"):
        return True
    if text.startswith(("\\\\?\\", "\\\\.\\")):
        return False
    return text.startswith("\\\\") and len(text) > 2 and text[2] not in "\\"


def parse_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) from /proc/mounts text; "\\040" and friends decoded."""
    out = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            point = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), parts[1])
            out.append((point, parts[2]))
    return out


def mount_of(path: PurePath, mounts: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The mount a path lives on: the longest mount point that contains it."""
    best: tuple[str, str] | None = None
    for point, fstype in mounts:
        mp = PurePath(point)
        if (path == mp or mp in path.parents) and (best is None or len(point) > len(best[0])):
            best = (point, fstype)
    return best


def network_fs(path: PurePath, mounts_text: str) -> str | None:
    """The network file system type under `path`, or None when it is local."""
    found = mount_of(path, parse_mounts(mounts_text))
    if found and found[1].lower() in NETWORK_FS:
        return found[1]
    return None


def _windows_remote(path: Path) -> bool:
    import ctypes

    anchor = PureWindowsPath(path).anchor
    if not anchor:
        return False
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return kernel32.GetDriveTypeW(ctypes.c_wchar_p(anchor)) == DRIVE_REMOTE


def is_network_folder(path: Path) -> bool:
    """True for a UNC path, a mapped network drive (Windows) or an NFS/SMB/SSHFS mount."""
    if is_unc(str(path)):
        return True
    absolute = Path(os.path.abspath(path))
    if sys.platform == "win32":
        return _windows_remote(absolute)
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return network_fs(absolute, mounts) is not None


def refuse_network_folder(path: Path) -> None:
    if is_network_folder(path):
        raise DomainError("network_drive", path=str(path))
