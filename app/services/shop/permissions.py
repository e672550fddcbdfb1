"""Who may do what. Enforced here, in the services, not by hiding buttons."""

from __future__ import annotations

from enum import StrEnum

from app.domain.codes import Role
from app.services.shop.context import Context
from app.services.shop.errors import PermissionDenied


class Action(StrEnum):
    CASE_CREATE = "case.create"
    CASE_MOVE = "case.move"
    REPAIR_WORK = "repair.work"
    APPROVE_MANAGER = "approve.manager"  # refunds/returns at or below the threshold
    APPROVE_OWNER = "approve.owner"  # above the threshold
    SHIP_FIRST = "ship_first"  # 先补发: the manager's confirmation
    MONEY = "money.record"
    SCRAP_APPROVE = "scrap.approve"
    QC = "qc.record"  # inspect returned goods (品管: a technician or the manager on duty)
    # parts bought in, adjusted (count, damage, loss), sent back; the parts and suppliers lists
    STOCK = "stock.manage"
    DEALER_DEPOSIT = "dealer.deposit"  # money a dealer pays onto their account
    CATALOGUE = "catalogue.edit"  # change or merge the products catalogue (prices, warranty)
    CLAIM = "claim.manage"
    CUSTOMER_EDIT = "customer.edit"
    CASE_CORRECT = "case.correct"  # what intake recorded wrongly (sale date, amount …)
    SETTINGS = "settings.edit"
    USERS = "users.manage"
    PRIVACY = "privacy.export"  # one customer's data as a file
    ERASE = "privacy.erase"  # anonymise a customer on request
    RESTORE = "backup.restore"  # replace the database with a backup
    REPORT = "report.view"  # the monthly summary: every refund and every technician's figures
    AUDIT = "audit.verify"  # walk the event log (and move its signed checkpoint)


_ALL = frozenset(Action)
MATRIX: dict[Role, frozenset[Action]] = {
    Role.OWNER: _ALL,
    Role.FRONT_DESK: frozenset(
        {
            Action.CASE_CREATE,
            Action.CASE_MOVE,
            Action.MONEY,
            Action.CLAIM,
            Action.CUSTOMER_EDIT,
        }
    ),
    Role.TECHNICIAN: frozenset(
        {Action.CASE_CREATE, Action.CASE_MOVE, Action.REPAIR_WORK, Action.QC}
    ),
}
# A front-desk user flagged as manager may also approve at or below the threshold, ship first,
# record a quality check, correct what intake recorded wrongly,
# book parts bought in and dealers' deposits (stock and money the books rely on), and read the
# summary and check the log (the owner's stand-in on duty).
MANAGER_EXTRA = frozenset(
    {
        Action.APPROVE_MANAGER,
        Action.SHIP_FIRST,
        Action.QC,
        Action.CASE_CORRECT,
        Action.STOCK,
        Action.DEALER_DEPOSIT,
        Action.CATALOGUE,
        Action.REPORT,
        Action.AUDIT,
    }
)


def allowed(ctx: Context, action: Action) -> bool:
    role = Role(ctx.actor.role)
    if action in MATRIX[role]:
        return True
    return role is Role.FRONT_DESK and ctx.actor.is_manager and action in MANAGER_EXTRA


def require(ctx: Context, action: Action) -> None:
    if not allowed(ctx, action):
        raise PermissionDenied(action.value, _needs(action))


def _needs(action: Action) -> str:
    if action in MANAGER_EXTRA:
        return "technician_or_manager" if action in MATRIX[Role.TECHNICIAN] else "manager"
    return "owner" if action not in MATRIX[Role.FRONT_DESK] | MATRIX[Role.TECHNICIAN] else "staff"
