"""The return form carries every section of the seed's 客户退/换货申请表单 (issue #16 item 3):
QA review, execution, finance, the owner's opinion, assessment and filing — filled from the
record where it exists, signing boxes where not; the blank form prints tick boxes."""

from __future__ import annotations

from pathlib import Path

from app.documents.signing import verify_pdf
from app.services.casework import cases
from app.services.paper.documents import blank_form, make_slip, slip_data
from app.services.remedies import returns
from app.services.shop.context import Context
from tests.documents.slipdata import pdf_text
from tests.services.test_returns import intake_return, to_inspected


def test_a_closed_return_fills_the_whole_chain(
    ctx: Context, desk_ctx: Context, tmp_path: Path
) -> None:
    number = intake_return(ctx, request="refund")
    to_inspected(ctx, number)
    returns.decide_liability(ctx, number, "shop")
    returns.set_disposition(ctx, number, "repair_restock")
    returns.settle(desk_ctx, number, "refunded", "300.00", "原路退回")
    returns.record_capa(ctx, number, "更换批次", "来料抽检", report_sent=True)
    returns.record_reply(ctx, number, "接受")
    cases.move(ctx, number, "closed")

    data = slip_data(ctx, number, "rma", lang="zh")
    assert data["request_ticks"].startswith("■ 退货")
    assert data["decision_ticks"].startswith("■ 退货")  # refunded: the decision was a return
    assert "■ 返修" in data["handling_ticks"]
    assert data["review_host"] == ctx.actor.display_name
    assert data["execution_result"] == "已退款" and data["executed_by"]
    assert "¥300.00" in data["finance_result"] and data["finance_date"]
    assert data["gm_opinion"].startswith("同意") and data["closed_date"]

    slip = make_slip(ctx, number, "rma", lang="zh")
    assert verify_pdf(slip.pdf, ctx.data_dir).ok
    text = "".join(pdf_text(slip.pdf, tmp_path).split())  # labels wrap in their column
    for words in ("品质部组织会审", "对申请的判定", "实施部门执行", "财务办理结果", "审批意见",
                  "责任判定及考核明细", "被考核人", "结案（备案）", "■退货"):  # fmt: skip
        assert words in text, words


def test_an_open_return_leaves_signing_boxes(ctx: Context) -> None:
    number = intake_return(ctx)
    data = slip_data(ctx, number, "rma", lang="en")
    assert data["decision_ticks"] == "□ Return  □ Exchange  □ Claim  □ Other"
    assert data["review_host"] == "" and data["finance_result"] == ""
    assert data["closed_by"] == "" and data["gm_opinion"] == ""


def test_the_blank_form_prints_tick_boxes(ctx: Context, tmp_path: Path) -> None:
    text = pdf_text(blank_form(ctx, "rma", lang="zh"), tmp_path)
    assert "□ 退货 □ 换货 □ 索赔 □ 其他" in " ".join(text.split())
    assert "□ 返修 □ 报废 □ 其他" in " ".join(text.split())
