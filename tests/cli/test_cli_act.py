"""Every step of the record view from the command line (issue #15 item 1): a return and a repair
taken from intake to closed with `act` alone, on SQLite and on PostgreSQL, checking the money,
the final state and the printed paper; a refused step exits 2 and writes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from tests.cli.test_cli import IMEI, SOLD, Result, run
from tests.conftest import prepare_folder, sqlite_view

_capsys: Any = None


@pytest.fixture(autouse=True)
def _capture(capsys: Any) -> None:
    global _capsys
    _capsys = capsys


def cli(*args: str, data_dir: Path) -> Result:
    """`main.py --data-dir D --lang en ARGS` in this process: the same entry point as the
    shop's scripts, without a new interpreter per step (the real subprocess runs below too)."""
    prepare_folder(data_dir)
    rc = main(["--data-dir", str(data_dir), "--lang", "en", *args])
    got = _capsys.readouterr()
    return Result(rc, got.out, got.err)


def act(d: Path, number: str, *args: str) -> str:
    r = cli("act", number, *args, data_dir=d)
    assert r.rc == 0, (args, r.err)
    return r.out.strip()


def _events(folder: Path, tmp: Path) -> int:
    import sqlite3

    con = sqlite3.connect(sqlite_view(folder, tmp / "view.db"))
    try:
        return con.execute("SELECT count(*) FROM event").fetchone()[0]
    finally:
        con.close()


def test_a_return_from_intake_to_closed(tmp_path: Path) -> None:
    d = tmp_path / "data"
    number = run(
        "intake", "--kind", "return", "--name", "陈静", "--phone", "13512345678",
        "--product", "荣耀 Magic6", "--category", "phone", "--sold", SOLD, "--serial", IMEI,
        "--reason", "quality", "--amount", "300.00", data_dir=d,
    ).out.strip()  # fmt: skip
    listed = run("act", number, "--list", "--json", data_dir=d).json()  # a real process
    names = {a["name"] for a in listed["actions"]}
    assert {"approve", "reject", "ship-first", "add-line"} <= names
    assert "inspect" not in names  # not before the goods are back

    # A refused step: exit 2, one line, nothing written.
    before = _events(d, tmp_path)
    refused = cli("act", number, "refund", "--amount", "300.00", data_dir=d)
    assert refused.rc == 2 and len(refused.err.strip().splitlines()) == 1
    assert _events(d, tmp_path) == before
    bad = cli("act", number, "approve", "--colour", "red", data_dir=d)
    assert bad.rc == 2 and "--override-reason" in bad.err

    act(d, number, "approve", "--note", "质量问题，同意退货")
    act(d, number, "record-freight", "--carrier", "顺丰速运", "--tracking-no", "SF1234567890")
    act(d, number, "move", "--to", "awaiting_goods")
    act(d, number, "receive", "--note", "完好到货")
    missing = cli("act", number, "inspect", data_dir=d)
    assert missing.rc == 2 and "Inspection result" in missing.err  # the field, by its name
    act(d, number, "inspect", "--result", "confirmed_defect", "--report", "屏幕闪烁复现")
    act(d, number, "decide-liability", "--liability", "supplier")
    act(d, number, "dispose", "--disposition", "repair_restock")
    act(d, number, "refund", "--amount", "300.00", "--route", "alipay", "--note", "原路退回")
    act(d, number, "capa", "--corrective", "更换批次", "--preventive", "来料抽检", "--report-sent")
    act(d, number, "customer-reply", "--reply", "接受处理结果")
    closed = json.loads(act(d, number, "close", "--note", "结案", "--json"))
    assert closed["status"] == "closed"
    assert closed["refunded_total"] == "300.00"
    assert [m["route"] for m in closed["money"] if m["kind"] == "refund"] == ["alipay"]
    left = cli("act", number, "--list", "--json", data_dir=d).json()["actions"]
    assert not [a for a in left if a["moves_to"]]  # closed: nothing moves it any more

    pdf = tmp_path / "rma.pdf"
    assert run("print", number, "--form", "rma", "--out", str(pdf), data_dir=d).rc == 0
    from tests.documents.slipdata import pdf_text

    text = "".join(pdf_text(pdf, tmp_path).split())
    for words in ("供应商", "修好后入库", "退款¥300.00", "接受处理结果", "■退货"):
        assert words in text, words


def test_a_repair_from_intake_to_collected(tmp_path: Path) -> None:
    d = tmp_path / "data"
    number = cli(
        "intake", "--kind", "repair", "--name", "林晓", "--phone", "13700003333",
        "--product", "OPPO Reno11", "--category", "phone", "--sold", "2020-01-01",
        "--description", "屏幕碎裂", data_dir=d,
    ).out.strip()  # fmt: skip
    act(d, number, "move", "--to", "diagnosing")
    act(d, number, "diagnose", "--diagnosis", "外屏碎裂，需更换屏幕总成")
    act(d, number, "estimate", "--amount", "229.00", "--note", "屏幕 199 + 工时 30")
    act(d, number, "decide-estimate", "--approved", "yes")
    act(
        d,
        number,
        "add-part",
        "--description",
        "屏幕总成",
        "--unit-price",
        "199.00",
        "--charged",
        "yes",
    )
    act(
        d,
        number,
        "add-labour",
        "--description",
        "更换屏幕",
        "--amount",
        "30.00",
        "--charged",
        "yes",
    )
    act(d, number, "move", "--to", "quality_check")
    act(d, number, "ready", "--result", "已更换屏幕总成，测试正常")
    strokes = tmp_path / "sig.json"
    strokes.write_text(json.dumps([[[0.1, 0.5], [0.3, 0.2], [0.5, 0.6]], [[0.6, 0.4], [0.9, 0.5]]]))
    act(d, number, "sign", "--strokes", str(strokes), "--signer", "林晓")
    done = json.loads(act(d, number, "move", "--to", "collected", "--json"))
    assert done["status"] == "collected"
    assert done["repair"]["signed"] is True
    assert done["repair"]["result"] == "已更换屏幕总成，测试正常"

    pdf = tmp_path / "ticket.pdf"
    assert cli("print", number, "--form", "repair-ticket", "--out", str(pdf), data_dir=d).rc == 0
    from tests.documents.slipdata import pdf_text

    text = "".join(pdf_text(pdf, tmp_path).split())
    assert "¥229.00" in text and "屏幕总成" in text and "已更换屏幕总成" in text


def test_a_complaint_resolved_followed_up_and_a_case_opened_from_it(tmp_path: Path) -> None:
    d = tmp_path / "data"
    number = cli(
        "intake", "--kind", "complaint", "--name", "赵磊", "--phone", "13711112222",
        "--product", "小米 14", "--description", "店员态度差", data_dir=d,
    ).out.strip()  # fmt: skip
    act(d, number, "move", "--to", "acknowledged")
    child = act(d, number, "spawn-case", "--kind", "repair", "--description", "顺便检修")
    assert child.startswith("SH-") and child != number
    act(d, number, "resolve", "--resolution", "已致歉并培训店员")
    closed = json.loads(act(d, number, "follow-up", "--satisfaction", "5", "--json"))
    assert closed["status"] == "closed" and closed["satisfaction"] == 5


def test_a_batch_return_is_inspected_on_a_counted_sample(tmp_path: Path) -> None:
    """12 cables back from a dealer: the check's counts are options of `act inspect`; a split
    that does not add up is refused by name (exit 2, nothing written); the receipt prints them."""
    d = tmp_path / "data"
    number = cli(
        "intake", "--kind", "return", "--name", "王磊", "--phone", "13812345678",
        "--product", "数据线", "--category", "accessory", "--sold", SOLD,
        "--reason", "quality", "--amount", "120.00", "--qty", "12", data_dir=d,
    ).out.strip()  # fmt: skip
    act(d, number, "approve")
    act(d, number, "move", "--to", "awaiting_goods")
    act(d, number, "receive")
    options = {
        f["option"]
        for a in cli("act", number, "--list", "--json", data_dir=d).json()["actions"]
        if a["name"] == "inspect"
        for f in a["fields"]
    }
    assert {"--sampled", "--failed", "--usable", "--scrap", "--to-supplier"} <= options
    before = _events(d, tmp_path)
    bad = cli(
        "act", number, "inspect", "--result", "confirmed_defect",
        "--sampled", "2", "--failed", "1", "--usable", "5", "--to-supplier", "5", data_dir=d,
    )  # fmt: skip
    assert bad.rc == 2 and "must add up to the 12 units received (now 10)" in bad.err
    assert _events(d, tmp_path) == before
    act(
        d, number, "inspect", "--result", "confirmed_defect", "--report", "抽检 2 条，1 条不充电",
        "--sampled", "2", "--failed", "1", "--usable", "10", "--to-supplier", "2",
    )  # fmt: skip
    shown = json.loads(cli("show", number, "--json", data_dir=d).out)
    rma = shown["rma"]
    assert (rma["qc_sampled"], rma["qc_failed"], rma["qc_usable"]) == (2, 1, 10)
    assert (rma["qc_scrap"], rma["qc_to_supplier"]) == (0, 2)
    pdf = tmp_path / "receipt.pdf"
    assert run("print", number, "--form", "return-receipt", "--out", str(pdf), data_dir=d).rc == 0
    from tests.documents.slipdata import pdf_text

    text = "".join(pdf_text(pdf, tmp_path).split())
    for words in ("抽检数量2", "不合格数1", "可用入库10", "退供应商2"):
        assert words in text, words


def test_follow_up_calls_and_a_complaints_classification(tmp_path: Path) -> None:
    """A complaint classified and closed only after its call (or with a reason); the list of
    calls due; a repair's call from the command line."""
    d = tmp_path / "data"
    number = cli(
        "intake", "--kind", "complaint", "--name", "周敏", "--phone", "13300001111",
        "--description", "店员态度差", data_dir=d,
    ).out.strip()  # fmt: skip
    act(d, number, "move", "--to", "acknowledged")
    act(d, number, "classify", "--about", "attitude", "--cause", "新店员", "--responsible", "王芳")
    bad = cli("act", number, "classify", "--about", "weather", data_dir=d)
    assert bad.rc == 2 and "Complaint about" in bad.err
    act(d, number, "resolve", "--resolution", "店长致歉")
    due = cli("follow-ups", "--json", data_dir=d).json()
    assert due == []  # due in three days, not today
    refused = cli("act", number, "close", data_dir=d)
    assert refused.rc == 2 and "no follow-up call" in refused.err
    listed = {
        a["name"] for a in cli("act", number, "--list", "--json", data_dir=d).json()["actions"]
    }
    assert "follow-up" in listed
    shown = json.loads(act(d, number, "follow-up", "--satisfaction", "4", "--json"))
    assert (shown["status"], shown["satisfaction"], shown["complaint_class"]) == (
        "closed",
        4,
        "attitude",
    )
    assert shown["responsible"] == "王芳" and shown["follow_up_by"]


def test_a_promise_extended_and_an_intake_corrected(tmp_path: Path) -> None:
    d = tmp_path / "data"
    number = cli(
        "intake", "--kind", "repair", "--name", "林晓", "--phone", "13700003333",
        "--product", "OPPO Reno11", "--category", "phone", "--sold", "2025-01-01",
        "--description", "屏幕碎裂", data_dir=d,
    ).out.strip()  # fmt: skip
    early = cli(
        "act", number, "extend-promise", "--until", "2000-01-01", "--reason", "x", data_dir=d
    )
    assert early.rc == 2 and "later than the date promised now" in early.err
    act(d, number, "extend-promise", "--until", "2099-01-10", "--reason", "等配件")
    shown = json.loads(
        act(d, number, "correct", "--sold", "2025-06-01", "--reason", "日期录错", "--json")
    )
    assert shown["sale"]["sale_date"] == "2025-06-01" and shown["promise_date"] == "2099-01-10"
    history = " ".join(e["action"] for e in shown["events"])
    assert "promise_extended" in history and "corrected" in history
