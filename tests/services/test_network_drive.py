"""A data folder on a network drive is refused: UNC paths, mapped drives, NFS/SMB/SSHFS mounts."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from app.domain.errors import DomainError
from app.i18n.messages import describe
from app.services.safekeeping.network_drive import (
    is_network_folder,
    is_unc,
    network_fs,
    parse_mounts,
)
from app.services.shop.setup import open_data_folder

pytestmark = pytest.mark.sqlite_only  # SQLite's own files on a share; a server has none here

MOUNTS = r"""sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda2 / ext4 rw,relatime 0 0
tmpfs /run tmpfs rw,nosuid,nodev 0 0
//nas/shop /mnt/shop cifs rw,relatime,vers=3.1.1,username=shop 0 0
nas:/export/home /home/shared nfs4 rw,relatime,vers=4.2 0 0
me@pc:/data /media/remote\040pc fuse.sshfs rw,nosuid,nodev 0 0
/dev/sdb1 /mnt/shop/usb vfat rw,relatime 0 0
"""


@pytest.mark.parametrize(
    ("text", "unc"),
    [
        (r"\\server\share\AfterDesk", True),
        ("//server/share/AfterDesk", True),
        (r"\\?\UNC\server\share", True),
        (r"\\?\C:\AfterDesk", False),
        (r"\\.\PhysicalDrive0", False),
        (r"C:\Users\shop\AppData\Roaming\AfterDesk", False),
        ("/home/shop/.local/share/AfterDesk", False),
        ("relative/folder", False),
    ],
)
def test_unc_paths(text: str, unc: bool) -> None:
    assert is_unc(text) is unc


def test_mount_table_is_parsed_with_escapes() -> None:
    mounts = parse_mounts(MOUNTS)
    assert ("/media/remote pc", "fuse.sshfs") in mounts
    assert ("/mnt/shop", "cifs") in mounts
    assert len(mounts) == 7


@pytest.mark.parametrize(
    ("path", "fs"),
    [
        ("/mnt/shop/AfterDesk", "cifs"),
        ("/mnt/shop", "cifs"),
        ("/home/shared/boss/AfterDesk", "nfs4"),
        ("/media/remote pc/AfterDesk", "fuse.sshfs"),
        ("/mnt/shop/usb/AfterDesk", None),  # a USB stick mounted inside the share is local
        ("/mnt/shopping/AfterDesk", None),  # a prefix of the text is not a parent folder
        ("/home/shop/.local/share/AfterDesk", None),
        ("/run/afterdesk", None),
    ],
)
def test_network_file_systems(path: str, fs: str | None) -> None:
    assert network_fs(PurePosixPath(path), MOUNTS) == fs


def test_this_machines_temp_folder_is_local(tmp_path: Path) -> None:
    assert not is_network_folder(tmp_path)


def test_opening_a_unc_folder_is_refused_before_anything_is_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # on Linux the UNC text would be a relative folder name
    with pytest.raises(DomainError) as info:
        open_data_folder(Path(r"\\nas\shop\AfterDesk"))
    assert info.value.code == "network_drive"
    assert os.listdir(tmp_path) == []
    assert "multi-PC server mode" in describe(info.value)
