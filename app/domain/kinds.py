"""One descriptor per case kind: everything the program needs to know about a kind, in one place.

A kind used to be spread over many files (lists of "return kinds", default request and reason
tables, which tab lists it, which forms fit it, the command line's help). Each of those now reads
the kind's `KindSpec` here, so adding a kind means: a descriptor below, its words in the catalogs
(``labels`` for its statuses if its workflow is new) and its tests. The workflow itself (the
state machine) stays in `app.domain.workflows`, named by the descriptor.

The registry is data and order matters: `KINDS` is in the order the intake's kind buttons show
(the most frequent first). `register` exists for tests and extensions that add a kind in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.domain.codes import CaseKind, Reason, Request
from app.domain.errors import ValidationError


def N_(message: str) -> str:  # noqa: N802 - the gettext marker (the domain may not import i18n)
    """Marks a string for the catalogs; the layer that shows it translates it."""
    return message


#: Tabs of the window that list cases of their own kinds ("cases" lists every kind).
TABS = ("repairs", "returns", "cases")


@dataclass(frozen=True)
class KindSpec:
    """A case kind: its code, its words and how each part of the program treats it."""

    code: str  # stable snake_case code (stored on the case, typed on the command line)
    label: str  # N_ text: the kind's name on buttons, lists and slips
    workflow: str  # name of its state machine in app.domain.workflows
    help: str  # N_ text: one line for the command line's help and the window's tooltip
    default_reason: str = ""  # Reason code filled in at intake ("" = the desk must say)
    default_request: str = Request.OTHER.value  # what the customer usually asks for
    tab: str = "cases"  # the tab that lists and opens it: repairs, returns or cases
    forms: tuple[str, ...] = ()  # printed forms made for this kind (besides the intake receipt)
    return_like: bool = False  # goods or money go back: counted and listed with the returns
    rma: bool = False  # intake opens a return authorisation; the three-guarantee check applies
    ticket: bool = False  # intake opens a repair ticket (device checklists, on-site service)
    needs_product: bool = False  # intake refuses it without a product or a serial
    asks_severity: bool = False  # intake asks how serious it is (complaints)
    spawnable: bool = False  # may be opened from a complaint, linked to it
    follow_up: bool = False  # gets a follow-up call (回访) once settled (003/004)

    def __post_init__(self) -> None:
        if self.tab not in TABS:
            raise ValueError(f"kind {self.code!r}: unknown tab {self.tab!r}")


_BUILT_IN: tuple[KindSpec, ...] = (
    KindSpec(
        code=CaseKind.REPAIR.value,
        follow_up=True,
        label=N_("Repair"),
        workflow="repair",
        help=N_("a device to repair, in the shop or on site"),
        default_reason=Reason.QUALITY.value,
        default_request=Request.REPAIR.value,
        tab="repairs",
        forms=("repair-ticket", "repair-receipt", "label"),
        ticket=True,
        needs_product=True,
        spawnable=True,
    ),
    KindSpec(
        code=CaseKind.RETURN.value,
        follow_up=True,
        label=N_("Return"),
        workflow="return",
        help=N_("goods come back for a refund"),
        default_request=Request.REFUND.value,
        tab="returns",
        forms=("rma", "return-receipt", "carrier-claim", "reply-report"),
        return_like=True,
        rma=True,
        needs_product=True,
        spawnable=True,
    ),
    KindSpec(
        code=CaseKind.EXCHANGE.value,
        follow_up=True,
        label=N_("Exchange"),
        workflow="return",
        help=N_("goods come back for the same model"),
        default_request=Request.EXCHANGE.value,
        tab="returns",
        forms=("rma", "return-receipt", "carrier-claim", "reply-report"),
        return_like=True,
        rma=True,
        needs_product=True,
        spawnable=True,
    ),
    KindSpec(
        code=CaseKind.REFUND.value,
        follow_up=True,
        label=N_("Refund only"),
        workflow="refund",
        help=N_("money back without goods coming back (not received, intercepted)"),
        default_reason=Reason.NOT_RECEIVED.value,
        default_request=Request.REFUND.value,
        tab="returns",
        forms=("carrier-claim",),
        return_like=True,
        spawnable=True,
    ),
    KindSpec(
        code=CaseKind.COMPLAINT.value,
        follow_up=True,
        label=N_("Complaint"),
        workflow="complaint",
        help=N_("a complaint about the goods or the service"),
        asks_severity=True,
    ),
    KindSpec(
        code=CaseKind.PARTS.value,
        label=N_("Missing parts"),
        workflow="parts",
        help=N_("parts missing from the box, sent on"),
        default_reason=Reason.PARTS_MISSING.value,
    ),
    KindSpec(
        code=CaseKind.CARRIER_DAMAGE.value,
        label=N_("Carrier damage"),
        workflow="carrier_damage",
        help=N_("goods damaged in transit: replace or refund, claim from the carrier"),
        default_reason=Reason.TRANSIT_DAMAGE.value,
        default_request=Request.EXCHANGE.value,
        forms=("carrier-claim",),
    ),
)

#: Every kind by code, in the order the intake shows them.
KINDS: dict[str, KindSpec] = {k.code: k for k in _BUILT_IN}


def register(spec: KindSpec) -> None:
    """Add a kind (a test or an extension); its workflow must exist in app.domain.workflows."""
    if spec.code in KINDS:
        raise ValueError(f"kind {spec.code!r} is already registered")
    KINDS[spec.code] = spec


def unregister(code: str) -> None:
    """Remove a kind added with `register` (the built-in kinds stay)."""
    if any(k.code == code for k in _BUILT_IN):
        raise ValueError(f"kind {code!r} is built in")
    KINDS.pop(code, None)


def all_kinds() -> Iterator[KindSpec]:
    return iter(tuple(KINDS.values()))


def codes() -> tuple[str, ...]:
    """Every kind's code, in the intake's order."""
    return tuple(KINDS)


def find(code: object) -> KindSpec | None:
    """The kind of a code typed loosely ("Carrier-Damage"), or None."""
    if not isinstance(code, str):
        return None
    return KINDS.get(code.strip().replace("-", "_").casefold())


def kind(code: object, field: str = "kind") -> KindSpec:
    """The kind of ``code``; ValidationError naming ``field`` (with the choices) otherwise."""
    if code is None or (isinstance(code, str) and not code.strip()):
        raise ValidationError.single(field, "required")
    spec = find(code)
    if spec is None:
        raise ValidationError.single(field, "not_a_choice", choices=list(KINDS))
    return spec


def validate_kind(value: object, field: str = "kind") -> str:
    """A validator in the style of app.domain.validation: the clean code of a kind."""
    return kind(value, field).code


def return_like_kinds() -> tuple[str, ...]:
    """Kinds where goods or money go back (the Returns tab's counts, the rights preview)."""
    return tuple(k.code for k in KINDS.values() if k.return_like)


def rma_kinds() -> tuple[str, ...]:
    """Kinds whose goods come back under a return authorisation."""
    return tuple(k.code for k in KINDS.values() if k.rma)


def spawnable_kinds() -> tuple[str, ...]:
    return tuple(k.code for k in KINDS.values() if k.spawnable)


def listed_in(tab: str) -> tuple[str, ...]:
    """The kinds a tab lists: its own, or every kind for the list of all cases."""
    if tab == "cases":
        return codes()
    return tuple(k.code for k in KINDS.values() if k.tab == tab)


def opened_in(code: str) -> str:
    """The tab a record of this kind opens in."""
    spec = find(code)
    return spec.tab if spec else "cases"


def kinds_for_form(form: str) -> tuple[str, ...]:
    """The kinds a printed form is made for; () when it fits every kind (the intake receipt)."""
    return tuple(k.code for k in KINDS.values() if form in k.forms)
