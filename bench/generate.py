"""Make a large, realistic data folder fast: ten years of a busy shop, in bulk inserts.

Rows go straight into the real schema in one transaction (the services take ~30 ms a case; this
takes well under 1 ms), with per-year numbering without gaps and a valid event hash chain computed
exactly as app.store.history.record_event does. Usage:

    python -m bench.generate /tmp/big --cases 200000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain import workflows
from app.domain.codes import CaseKind
from app.domain.numbering import Series, format_number
from app.services.shop.setup import close_data_folder, open_data_folder
from app.store.db import database, write_transaction
from app.store.history import GENESIS, event_digest, record_event
from app.store.models import User
from app.store.seals import SEAL_KEY, all_seals

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文斌宇浩凯鹏辉玲红梅婷"
    "雪琳晨欣怡子轩梓涵一诺佳琪雨萱俊杰浩然"
)
PRODUCTS = [
    ("华为 Mate 60 Pro", "12+512G"),
    ("华为 nova 12", "8+256G"),
    ("小米 14", "12+256G"),
    ("Redmi K70", "12+256G"),
    ("OPPO Reno11", "12+256G"),
    ("vivo X100", "16+512G"),
    ("荣耀 Magic6", "12+256G"),
    ("iPhone 15", "128G"),
    ("iPhone 14 Pro", "256G"),
    ("三星 Galaxy S24", "8+256G"),
    ("一加 12", "16+512G"),
    ("realme GT5", "12+256G"),
]
FAULTS = [
    "屏幕碎裂",
    "无法开机",
    "充电很慢",
    "摄像头模糊",
    "听筒无声",
    "信号差经常断网",
    "电池鼓包",
    "触摸失灵",
    "进水",
    "按键失灵",
    "发热严重",
    "喇叭有杂音",
]
CARRIERS = [("顺丰", "SF"), ("京东", "JD"), ("中通", "ZT"), ("圆通", "YT"), ("韵达", "YD")]
KINDS = [  # weight of each kind in a phone shop's after-sales desk
    (CaseKind.REPAIR, 50),
    (CaseKind.RETURN, 12),
    (CaseKind.EXCHANGE, 10),
    (CaseKind.REFUND, 8),
    (CaseKind.COMPLAINT, 10),
    (CaseKind.PARTS, 6),
    (CaseKind.CARRIER_DAMAGE, 4),
]
YEARS = 10


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return str((10 - total % 10) % 10)


def imei(rng: random.Random) -> str:
    body = "86" + "".join(rng.choice("0123456789") for _ in range(12))
    return body + luhn_digit(body)


def phone(rng: random.Random) -> str:
    return rng.choice(["13", "15", "17", "18", "19"]) + "".join(
        rng.choice("0123456789") for _ in range(9)
    )


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


STAFF = (("boss", "owner"), ("desk", "front_desk"), ("tech", "technician"))


def _ts(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def _walk(rng: random.Random, wf: workflows.Workflow, age_days: float) -> list[str]:
    """States a case went through: old cases reach a final state, recent ones may be open."""
    state = rng.choice(wf.initial)
    path = [state]
    steps = 12 if age_days > 30 else rng.randint(0, 3)
    while steps and not wf.is_final(state):
        nxt = [s for s in wf.allowed(state) if s not in path] or list(wf.allowed(state))
        if not nxt:
            break
        state = rng.choice(nxt)
        path.append(state)
        steps -= 1
    return path


class Events:
    """Builds event rows with the hash chain, exactly as history.record_event would: the rows
    are hashed at the end, once each case's newest event carries the seal of its rows."""

    def __init__(self) -> None:
        self.fields: list[dict] = []
        self.newest: dict[tuple[str, int], int] = {}  # (entity, id) -> index of its newest event

    def add(
        self,
        at: datetime,
        actor: int,
        entity: str,
        entity_id: int,
        number: str,
        action: str,
        from_state: str = "",
        to_state: str = "",
    ) -> None:
        self.newest[(entity, entity_id)] = len(self.fields)
        self.fields.append(
            {
                "at": at,
                "actor": actor,
                "entity": entity,
                "entity_id": entity_id,
                "number": number,
                "action": action,
                "from_state": from_state,
                "to_state": to_state,
                "data": None,
                "note": "",
            }
        )

    def seal(self, entity: str, seals: dict[int, str]) -> None:
        """Put each record's seal (app.store.seals) in its newest event, as the program does
        in every event it writes about a sealed record."""
        for entity_id, digest in seals.items():
            at = self.newest.get((entity, entity_id))
            if at is not None:
                self.fields[at]["data"] = {SEAL_KEY: digest}

    def rows(self) -> list[tuple]:
        prev = GENESIS
        rows = []
        for f in self.fields:
            digest = event_digest(prev, {**f, "at": f["at"].isoformat()})
            data = f["data"]
            rows.append(
                (
                    _ts(f["at"]),
                    f["actor"],
                    f["entity"],
                    f["entity_id"],
                    f["number"],
                    f["action"],
                    f["from_state"],
                    f["to_state"],
                    None if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True),
                    "",
                    prev,
                    digest,
                )
            )
            prev = digest
        return rows


def generate(folder: Path, cases: int, *, seed: int = 8, now: datetime | None = None) -> dict:
    """Fill a new data folder with `cases` cases (~0.3 customers each); returns row counts."""
    rng = random.Random(seed)
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    start = now - timedelta(days=365 * YEARS)
    open_data_folder(folder)
    conn = database.connection()
    with write_transaction():
        staff = []
        for uname, role in STAFF:
            u = User.get_or_none(User.name == uname) or User.create(
                name=uname, display_name=uname.title(), role=role, created_at=start
            )
            staff.append(u.id)
        conn.executemany(
            "INSERT INTO product(name, model_spec, unit, price, category, warranty_months)"
            " VALUES (?, ?, '台', ?, 'phone', 12)",
            [(n, spec, rng.randint(99, 899) * 1000) for n, spec in PRODUCTS],
        )
        product_ids = [r[0] for r in conn.execute("SELECT id FROM product")]
        n_customers = max(1, int(cases * 0.3))
        base_c = conn.execute("SELECT coalesce(max(id), 0) FROM customer").fetchone()[0]
        customers = []
        for _ in range(n_customers):
            at = start + timedelta(seconds=rng.randint(0, YEARS * 365 * 86400))
            customers.append((name(rng), phone(rng), _ts(at), _ts(at)))
        conn.executemany(
            "INSERT INTO customer(name, phone, address, kind, service_class, dealer_balance,"
            " notes, created_at, updated_at) VALUES (?, ?, '', 'consumer', 'B', 0, '', ?, ?)",
            customers,
        )
        span = (now - start).total_seconds()
        times = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(cases))
        times = [t.replace(microsecond=0) for t in times]
        counters: dict[tuple[str, int], int] = {}
        events = Events()
        kinds = [k for k, _ in KINDS]
        weights = [w for _, w in KINDS]
        case_rows, tickets, parts, rmas, lines = [], [], [], [], []
        base_case = conn.execute('SELECT coalesce(max(id), 0) FROM "case"').fetchone()[0]
        for i, at in enumerate(times):
            case_id = base_case + i + 1
            kind = rng.choices(kinds, weights)[0]
            wf = workflows.workflow_for(kind)
            path = _walk(rng, wf, (now - at).days)
            key = (Series.CASE.value, at.year)
            counters[key] = counters.get(key, 0) + 1
            number = format_number(Series.CASE, at.year, counters[key])
            serial = imei(rng)
            cust = base_c + rng.randint(1, n_customers)
            actor = rng.choice(staff)
            closed = at + timedelta(days=rng.randint(1, 20)) if wf.is_final(path[-1]) else None
            updated = closed or at
            fault = rng.choice(FAULTS)
            case_rows.append(
                (
                    number,
                    kind.value,
                    path[-1],
                    fault,
                    cust,
                    rng.choice(product_ids),
                    serial,
                    _ts(at),
                    _ts(updated),
                    _ts(closed) if closed else None,
                    actor,
                )
            )
            events.add(at, actor, "case", case_id, number, "created", "", path[0])
            t = at
            for a, b in zip(path, path[1:], strict=False):
                t = t + timedelta(hours=rng.randint(1, 72))
                events.add(t, rng.choice(staff), "case", case_id, number, "moved", a, b)
            if kind == CaseKind.REPAIR:
                key = (Series.REPAIR.value, at.year)
                counters[key] = counters.get(key, 0) + 1
                tnum = format_number(Series.REPAIR, at.year, counters[key])
                tickets.append((tnum, case_id, serial, fault, _ts(at), staff[2]))
                if rng.random() < 0.6:
                    parts.append(
                        (len(tickets), fault[:2] + "配件", rng.randint(50, 900) * 100, _ts(at))
                    )
            elif kind in (CaseKind.RETURN, CaseKind.EXCHANGE):
                key = (Series.RMA.value, at.year)
                counters[key] = counters.get(key, 0) + 1
                rnum = format_number(Series.RMA, at.year, counters[key])
                carrier, prefix = rng.choice(CARRIERS)
                track = prefix + "".join(rng.choice("0123456789") for _ in range(12))
                rmas.append((rnum, case_id, carrier, track))
                lines.append((len(rmas), PRODUCTS[0][0], rng.randint(99, 899) * 1000))
        conn.executemany(
            'INSERT INTO "case"(number, kind, status, channel, reason, request, severity,'
            " description, customer_id, product_id, serial, created_at, updated_at, closed_at,"
            " created_by_id, shipping_status, follow_up, resolution) VALUES (?, ?, ?, 'walk_in',"
            " 'other', 'other', 'minor', ?, ?, ?, ?, ?, ?, ?, ?, 'unknown', '', '')",
            case_rows,
        )
        base_t = conn.execute("SELECT coalesce(max(id), 0) FROM repair_ticket").fetchone()[0]
        conn.executemany(
            "INSERT INTO repair_ticket(number, case_id, brand, model, serial, accessories,"
            " condition, fault, diagnosis, on_site, site_address, in_warranty, result,"
            " technician_id, received_at, scrap_report, factory_tag) VALUES (?, ?, '', '', ?,"
            " '[]', '', ?, '', 0, '', 1, '', ?, ?, '', '')",
            [(n, c, s, f, tech, at) for n, c, s, f, at, tech in tickets],
        )
        conn.executemany(
            "INSERT INTO repair_part(ticket_id, description, qty, unit_price, charged, added_at)"
            " VALUES (?, ?, 1, ?, 1, ?)",
            [(base_t + t, d, p, at) for t, d, p, at in parts],
        )
        base_r = conn.execute("SELECT coalesce(max(id), 0) FROM return_auth").fetchone()[0]
        conn.executemany(
            "INSERT INTO return_auth(number, case_id, approval_level, rejection_reason,"
            " freight_carrier, tracking_no, freight_payer, package_damaged, inspection_result,"
            " inspection_report, liability, disposition, capa_corrective, capa_preventive,"
            " customer_reply) VALUES (?, ?, '', '', ?, ?, '', 0, '', '', '', '', '', '', '')",
            rmas,
        )
        conn.executemany(
            "INSERT INTO return_line(rma_id, description, spec, unit, qty_expected, unit_price,"
            " batch, reason) VALUES (?, ?, '', '台', 1, ?, '', '')",
            [(base_r + r, d, p) for r, d, p in lines],
        )
        events.seal("case", all_seals("case"))
        _append_events(conn, events)
        for uid, (uname, _role) in zip(staff, STAFF, strict=True):
            # Sealed in the log as the program writes accounts (app.store.seals): a folder
            # with an unsealed account row is refused when it is opened.
            record_event(
                at=now,
                actor_id=uid,
                entity="user",
                entity_id=uid,
                action="created",
                data={"name": uname},
            )
        for (series, year), last in counters.items():
            conn.execute(
                "INSERT INTO counter(series, year, last) VALUES (?, ?, ?) ON CONFLICT(series,"
                " year) DO UPDATE SET last = excluded.last",
                (series, year, last),
            )
    counts = {
        t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
        for t in ("customer", "case", "repair_ticket", "repair_part", "return_auth", "event")
    }
    database.execute_sql("ANALYZE")
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return counts


def _append_events(conn: object, events: Events) -> None:
    """Events go after whatever the folder already holds, re-linked to its head."""
    last = conn.execute("SELECT hash FROM event ORDER BY id DESC LIMIT 1").fetchone()
    if last and last[0] != GENESIS:
        raise SystemExit("generate into a new data folder (its event log must be empty)")
    conn.executemany(
        "INSERT INTO event(at, actor_id, entity, entity_id, number, action, from_state,"
        " to_state, data, note, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        events.rows(),
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Generate a large AfterDesk data folder.")
    p.add_argument("folder", type=Path)
    p.add_argument("--cases", type=int, default=2000)
    p.add_argument("--seed", type=int, default=8)
    args = p.parse_args(argv)
    if args.folder.exists() and any(args.folder.iterdir()):
        print(f"{args.folder} is not empty", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    counts = generate(args.folder, args.cases, seed=args.seed)
    close_data_folder()
    print(f"{counts} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
