"""The slip tests' demo shop, built once per session and copied per module (make_demo is slow)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.demo import make_demo
from app.services.shop.setup import close_data_folder, context_for, open_data_folder
from app.store.models import User
from tests.conftest import seal_user


@pytest.fixture(scope="session")
def slips_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed data folder: the owner 王店长 ("boss") and a 40-case demo batch made by him now.
    Modules copy the whole folder (database and the shop's signing key) with `shutil.copytree`."""
    folder = open_data_folder(tmp_path_factory.mktemp("slips-template") / "data")
    try:
        seal_user(
            User.create(
                name="boss", display_name="王店长", role="owner", created_at=datetime.now(UTC)
            )
        )
        make_demo(context_for(folder, "boss"), cases=40)
    finally:
        close_data_folder()
    return folder
