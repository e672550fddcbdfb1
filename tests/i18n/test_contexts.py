"""One English word, two meanings: "Case" the record (售后单) and the accessory (保护壳).

A message with a context (pgettext, msgctxt) is extracted, merged from a translator's JSON file
("context\\x04English" keys) and read back by the program separately from the plain message.
"""

from __future__ import annotations

import gettext
import json
import shutil
from pathlib import Path

import pytest

from app import i18n
from app.i18n import catalogs
from app.i18n.labels import label


def test_the_record_case_and_the_accessory_case_are_translated_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = catalogs.extract()
    assert template.get("Case", context="record") is not None  # the report's header
    locale = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, locale)
    monkeypatch.setattr(catalogs, "LOCALE_DIR", locale)
    wanted = tmp_path / "zh.json"
    wanted.write_text(
        json.dumps({"record\x04Case": "售后单", "record\x04Taken": "受理日"}, ensure_ascii=False),
        encoding="utf-8",
    )
    assert catalogs.merge([str(wanted)]) == 2
    zh = gettext.translation(i18n.DOMAIN, locale, languages=["zh_CN"])
    assert zh.pgettext("record", "Case") == "售后单"
    assert zh.pgettext("record", "Taken") == "受理日"
    assert zh.gettext("Taken") == "备份时间"  # the plain message keeps its own meaning
    assert zh.gettext("Phone case") == "保护壳"
    monkeypatch.setattr(i18n, "_translations", zh)
    from app.i18n.labels import ACCESSORIES

    assert label(ACCESSORIES, "case") == "保护壳"
    assert i18n.pgettext("record", "Case") == "售后单"
    # The monthly summary's tables head their case-number column 售后单.
    from datetime import UTC, date, datetime

    from app.services.paper.exports import report_tables
    from app.services.paper.report import Period, Report, Summary

    day = datetime(2026, 3, 1, tzinfo=UTC)
    period = Period(date(2026, 3, 1), date(2026, 3, 31), day, day, is_month=True)
    rep = Report(Summary(period), Summary(period), "", True, 0, day, "Boss")
    heads = {t.key: t.headers[0] for t in report_tables(rep)}
    assert heads["repeat_repairs"] == heads["open_cases"] == "售后单"
