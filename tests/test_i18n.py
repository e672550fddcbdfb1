"""Translations: complete catalogs, a label for every code, a message for every error code,
a sentence for every rule code, and a language switch that takes effect everywhere."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app import i18n
from app.domain import workflows
from app.domain.codes import (
    CaseKind,
    Category,
    Channel,
    Disposition,
    InspectionResult,
    Liability,
    MoneyKind,
    Reason,
    Request,
    Role,
    Severity,
    ShippingStatus,
)
from app.domain.errors import DomainError, ValidationError
from app.domain.rules.eligibility import ELIGIBILITY_CODES, EXPLANATIONS
from app.domain.rules.entitlement import (
    BASIS_CODES,
    BASIS_EXPLANATIONS,
    RIGHTS,
    decide_entitlement,
)
from app.domain.rules.freight import FREIGHT_BASIS_CODES, FREIGHT_EXPLANATIONS
from app.domain.rules.liability import MoneyRoute
from app.domain.settings import WarrantySettings
from app.domain.validation import ERROR_CODES
from app.i18n import catalogs, labels, rule_texts
from app.i18n.messages import MESSAGES, describe

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh() -> Iterator[None]:
    i18n.setup("zh")
    try:
        yield
    finally:
        i18n.setup("en")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def sample_params(template: str) -> dict[str, object]:
    values: dict[str, object] = {
        "days": 7,
        "months": 12,
        "until": "2026-03-09",
        "category": "battery",
        "source": "product",
        "repairs": 2,
        "limit": 2,
        "right": "return",
        "remedy": "exchange",
        "reason": "wrong_item",
    }
    return {k: values.get(k, "x") for k in placeholders(template)}


# --- (a) catalogs ---------------------------------------------------------------------------------


def test_catalogs_complete_and_compiled() -> None:
    assert catalogs.problems() == []


# --- (b) labels -----------------------------------------------------------------------------------

LABEL_TABLES: list[tuple[type[StrEnum], dict[str, str]]] = [
    (CaseKind, labels.KINDS),
    (Reason, labels.REASONS),
    (Channel, labels.CHANNELS),
    (Request, labels.REQUESTS),
    (Severity, labels.SEVERITIES),
    (Category, labels.CATEGORIES),
    (Role, labels.ROLES),
    (Liability, labels.LIABILITY),
    (Disposition, labels.DISPOSITIONS),
    (ShippingStatus, labels.SHIPPING),
    (InspectionResult, labels.INSPECTION),
    (MoneyKind, labels.MONEY_KINDS),
]


@pytest.mark.parametrize(("enum", "table"), LABEL_TABLES, ids=lambda x: getattr(x, "__name__", ""))
def test_every_code_has_a_label(enum: type[StrEnum], table: dict[str, str]) -> None:
    missing = sorted(m.value for m in enum if m.value not in table)
    assert missing == []


@pytest.mark.parametrize("wf", workflows.ALL, ids=lambda wf: wf.name)
def test_every_workflow_status_has_a_label(wf: workflows.Workflow) -> None:
    missing = sorted(s for s in wf.states if s not in labels.STATUSES)
    assert missing == []


def test_labels_are_chinese_in_zh(zh: None) -> None:
    tables = [table for _, table in LABEL_TABLES] + [labels.STATUSES]
    for table in tables:
        for code in table:
            assert CJK.search(labels.label(table, code)), code


# --- (c) messages ---------------------------------------------------------------------------------

# Literal error codes in the sources: DomainError("code" (also over a line break),
# ValidationError.single(field, "code", FieldError(field, "code", Collector.add(field, "code"),
# super().__init__("code" in error subclasses, and the code arguments of the transition guards.
CODE_PATTERNS = [
    re.compile(r'\b(?:DomainError|StoreError)\(\s*"([a-z_]+)"'),
    re.compile(r'\bValidationError\.single\(\s*[^,]*?,\s*"([a-z_]+)"'),
    re.compile(r'\bFieldError\(\s*[^,]*?,\s*"([a-z_]+)"'),
    re.compile(r'\.add\(\s*[^,()]*,\s*"([a-z_]+)"\s*[,)]'),
    re.compile(r'\bsuper\(\)\.__init__\(\s*"([a-z_]+)"'),
    re.compile(r'\b_(?:need_note|rma_field|money_recorded)\((?:[^()]*?,\s*)?"([a-z_]+)"\)'),
]


def raised_codes() -> dict[str, str]:
    """Every error code raised in app/services and app/domain, with one file raising it."""
    found: dict[str, str] = {}
    for folder in ("app/services", "app/domain"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            src = path.read_text(encoding="utf-8")
            rel = str(path.relative_to(ROOT))
            for pattern in CODE_PATTERNS:
                for m in pattern.finditer(src):
                    found.setdefault(m.group(1), rel)
            # Functions naming the reason a refund is blocked return the code as a string.
            for node in ast.walk(ast.parse(src)):
                if isinstance(node, ast.FunctionDef) and node.name.endswith("_blocker"):
                    for ret in ast.walk(node):
                        if (
                            isinstance(ret, ast.Return)
                            and isinstance(ret.value, ast.Constant)
                            and isinstance(ret.value.value, str)
                        ):
                            found.setdefault(ret.value.value, rel)
    return found


def test_scan_finds_the_known_codes() -> None:
    codes = raised_codes()
    for code in (
        "transition_not_allowed",  # multi-line DomainError(
        "phone_invalid",  # ValidationError.single
        "not_a_section",  # FieldError
        "amount_not_divisible",  # Collector.add
        "not_found",  # super().__init__
        "refund_not_recorded",  # a guard factory
        "refund_before_inspection",  # a *_blocker function
    ):
        assert code in codes


def test_every_validation_code_has_a_message() -> None:
    assert sorted(c for c in ERROR_CODES if c not in MESSAGES) == []


def test_every_raised_code_has_a_message() -> None:
    missing = {code: where for code, where in raised_codes().items() if code not in MESSAGES}
    assert missing == {}


# --- (d) rule texts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "codes"),
    [
        (rule_texts.BASIS_TEXTS, BASIS_CODES),
        (rule_texts.ELIGIBILITY_TEXTS, ELIGIBILITY_CODES),
        (rule_texts.FREIGHT_TEXTS, FREIGHT_BASIS_CODES),
        (rule_texts.MONEY_ROUTE_TEXTS, tuple(r.value for r in MoneyRoute)),
        (rule_texts.RIGHT_NAMES, RIGHTS),
        (rule_texts.EXPIRED_TEXTS, RIGHTS),
    ],
    ids=["basis", "eligibility", "freight", "money_route", "rights", "expired"],
)
def test_every_rule_code_has_a_text(texts: dict[str, str], codes: tuple[str, ...]) -> None:
    assert sorted(set(codes) - set(texts)) == []
    assert sorted(set(texts) - set(codes)) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rule_sentences_fill_every_placeholder(lang: str) -> None:
    i18n.setup(lang)
    try:
        groups = [
            (rule_texts.basis_text, BASIS_EXPLANATIONS),
            (rule_texts.eligibility_text, EXPLANATIONS),
            (rule_texts.freight_text, FREIGHT_EXPLANATIONS),
        ]
        for fn, explanations in groups:
            for code, english in explanations.items():
                params = sample_params(english)
                text = fn(code, params)
                assert text and "{" not in text, (code, text)
                assert text != code
                if lang == "zh":
                    assert CJK.search(text), (code, text)
        for route in MoneyRoute:
            assert "{" not in rule_texts.money_route_text(route.value)
    finally:
        i18n.setup("en")


def test_rule_text_placeholders_match_the_domain_explanations() -> None:
    pairs = [
        (rule_texts.BASIS_TEXTS, BASIS_EXPLANATIONS),
        (rule_texts.ELIGIBILITY_TEXTS, EXPLANATIONS),
        (rule_texts.FREIGHT_TEXTS, FREIGHT_EXPLANATIONS),
    ]
    for texts, explanations in pairs:
        for code, english in explanations.items():
            assert placeholders(texts[code]) <= placeholders(english), code


def test_rule_texts_read_out_dates_and_names(zh: None) -> None:
    assert rule_texts.eligibility_text("no_reason_expired", {"until": "2026-03-09"}) == (
        "无理由退货期限已于 2026-03-09 结束。"
    )
    text = rule_texts.basis_text("sanbao_accessory_exchange", sample_params("{category}"))
    assert "电池" in text
    text = rule_texts.eligibility_text("eligible_quality", {"remedy": None})
    assert "{remedy}" not in text and "None" not in text


def test_rule_texts_in_english() -> None:
    assert rule_texts.eligibility_text("no_reason_expired", {"until": date(2026, 3, 9)}) == (
        "The no-reason return period ended on 2026-03-09."
    )
    assert rule_texts.basis_text("expired", {"right": "exchange", "until": "2026-03-09"}) == (
        "The exchange period ended on 2026-03-09."
    )


def test_unknown_codes_and_odd_params_never_raise() -> None:
    assert rule_texts.basis_text("no_such_code", {}) == "no_such_code"
    assert rule_texts.eligibility_text("", {}) == ""
    assert rule_texts.freight_text("no_such_code", {"x": 1}) == "no_such_code"
    assert rule_texts.money_route_text("no_such_route") == "no_such_route"
    # Missing and unusual parameters: the sentence keeps the placeholder, no exception.
    assert "{until}" in rule_texts.basis_text("sanbao_phone_return", {})
    assert rule_texts.basis_text("expired", {"right": "warp", "until": None})
    assert rule_texts.eligibility_text("not_in_warranty", {"until": None})
    assert rule_texts.freight_text("split_agreed", None)


def test_entitlement_lines() -> None:
    sold = date(2026, 11, 10)
    ent = decide_entitlement("phone", sold, date(2026, 11, 20), WarrantySettings())
    lines = rule_texts.entitlement_lines(ent)
    assert len(lines) == len(RIGHTS) + len(ent.basis)
    assert lines[0].startswith("No-reason return: no")
    assert lines[2] == "Exchange: yes, until 2026-11-25"
    assert lines[3] == "Free repair: yes, until 2027-11-10"
    assert all(line.startswith("- ") for line in lines[len(RIGHTS) :])
    assert not any("{" in line for line in lines)


def test_entitlement_lines_in_chinese(zh: None) -> None:
    ent = decide_entitlement(
        "battery", date(2025, 1, 10), date(2026, 11, 20), WarrantySettings(), unused=True
    )
    lines = rule_texts.entitlement_lines(ent)
    assert all(CJK.search(line) for line in lines)
    assert "退货：不适用" in lines


# --- (e) switching languages ----------------------------------------------------------------------


def test_language_switch() -> None:
    err = ValidationError.single("phone", "phone_invalid")
    assert i18n.setup("zh") == "zh"
    try:
        text = describe(err)
        assert CJK.search(text)
        assert "电话" in text
        assert i18n.current_language() == "zh"
    finally:
        assert i18n.setup("en") == "en"
    text = describe(err)
    assert not CJK.search(text)
    assert text.startswith("Phone: not a valid mobile")


def test_not_eligible_reads_the_eligibility_sentence(zh: None) -> None:
    text = describe(
        DomainError("not_eligible", rule="no_reason_expired", rule_params={"until": "2026-03-09"})
    )
    assert "无理由退货期限已于 2026-03-09 结束" in text


def test_cli_entitlement_prints_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    argv = ["--data-dir", str(tmp_path / "data"), "--lang", "zh", "entitlement"]
    argv += ["--category", "phone", "--sold", "2026-11-10", "--on", "2026-11-20"]
    try:
        assert main(argv) == 0
    finally:
        i18n.setup("en")
    out = capsys.readouterr().out
    assert "手机" in out
    assert "换货：可以，截至 2026-11-25" in out


# --- (f) placeholders -----------------------------------------------------------------------------


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_translations_keep_the_placeholders(locale: str) -> None:
    with catalogs.po_path(locale).open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    wrong = [
        (m.id, m.string)
        for m in catalog
        if m.id and m.string and placeholders(str(m.id)) != placeholders(str(m.string))
    ]
    assert wrong == []


def test_chinese_catalog_is_chinese() -> None:
    with catalogs.po_path("zh_CN").open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")

    def has_words(text: str) -> bool:  # "{number}: {text}" is punctuation only
        return bool(re.search(r"[A-Za-z]", re.sub(r"\{[^}]*\}", "", text)))

    not_chinese = [
        m.id for m in catalog if m.id and has_words(str(m.id)) and not CJK.search(str(m.string))
    ]
    assert not_chinese == []
