"""Demo data: about 300 believable cases of a small phone shop's last six months.

`make_demo(ctx)` plays the shop's half year through the same service functions the desk uses:
walk-in repairs (in and out of warranty, quotes approved or declined, parts from stock, labour,
quality checks, signatures, scrapping with an approved report), on-site jobs with revisits,
returns and exchanges with approval, freight, receipt, inspection, liability, disposition and
CAPA, "ship first, settle later" for dealers with deductions from their account, refund-only
orders (verify, intercept, lost parcels), complaints with follow-up ratings, missing parts and
parcels damaged in transit with carrier claims. Every state of every workflow is left on at
least one case, and a handful of open cases are overdue.

Every step runs as the right staff member on a demo clock: a case starts at some moment of the
last six months and each later step happens hours or days after the one before, always inside
shop hours where it fits and never after the moment the demo started. The steps of all cases run
in time order, so the event log and the record numbers read like a real history.

The only direct writes are what no service offers yet, each with its event: staff accounts
(without PIN), spare parts with their purchases, and dealers' deposits on their accounts.

The run is deterministic for a given data folder: the random generator is seeded from the number
of cases already there, so running the demo again adds another batch and numbering continues.
The whole run is one transaction: it either adds the complete batch or nothing.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from decimal import Decimal
from typing import Any

from app.domain.codes import Role, StockReason
from app.domain.rules.approval import ApprovalLevel, approval_needed
from app.domain.validation import luhn_ok, validate_text
from app.services.casework import complaints
from app.services.casework.cases import CaseFilter, count_cases
from app.services.casework.intake import IntakeForm, take_intake
from app.services.casework.records import find_case
from app.services.casework.transitions import move
from app.services.remedies import money as money_svc
from app.services.remedies import repairs, returns
from app.services.shop import audit
from app.services.shop.accounts import DEMO_PIN, demo_hash
from app.services.shop.context import Context
from app.services.shop.errors import DomainError, NotFound
from app.services.shop.permissions import Action, require
from app.services.shop.setup import context_for
from app.store.db import write_transaction
from app.store.history import record_event
from app.store.models import (
    CarrierClaim,
    Case,
    Customer,
    DealerMovement,
    ReturnAuth,
    Setting,
    SparePart,
    StockMovement,
    User,
    put_setting,
)

__all__ = ["make_demo", "DEMO_CASES", "DEMO_DAYS", "demo_allowed", "is_demo_folder"]

SEED = 20240618
DEMO_CASES = 300
DEMO_DAYS = 182
OPEN_HOUR, CLOSE_HOUR = 9, 21  # shop hours, local time

# --- staff -----------------------------------------------------------------------------------

# (key, login name, display name, role, manager on duty)
STAFF: tuple[tuple[str, str, str, Role, bool], ...] = (
    ("owner", "owner", "王店长", Role.OWNER, False),
    ("desk", "desk", "李前台", Role.FRONT_DESK, True),
    ("desk2", "desk2", "陈客服", Role.FRONT_DESK, False),
    ("tech", "tech", "赵师傅", Role.TECHNICIAN, False),
    ("tech2", "tech2", "孙师傅", Role.TECHNICIAN, False),
)

# --- catalogue -------------------------------------------------------------------------------

# name, spec, price, brand, model, spare-part prefix, popularity
PHONES: tuple[tuple[str, str, int, str, str, str, int], ...] = (
    ("华为 Mate 60 Pro", "12GB+512GB 雅川青", 6999, "华为", "Mate 60 Pro", "HW-M60P", 8),
    ("华为 nova 12", "8GB+256GB 樱语白", 2999, "华为", "nova 12", "HW-NOVA12", 6),
    ("小米 14", "12GB+256GB 黑色", 3999, "小米", "14", "MI-14", 7),
    ("Redmi Note 13 Pro", "8GB+256GB 子夜黑", 1599, "小米", "Redmi Note 13 Pro", "RM-N13P", 9),
    ("OPPO Reno 11", "12GB+256GB 萤石青", 2699, "OPPO", "Reno 11", "OP-RENO11", 6),
    ("OPPO A2", "8GB+256GB 深海蓝", 1299, "OPPO", "A2", "OP-A2", 7),
    ("vivo X100", "12GB+256GB 星迹蓝", 3999, "vivo", "X100", "VV-X100", 6),
    ("vivo Y100", "8GB+256GB 远山青", 1599, "vivo", "Y100", "VV-Y100", 7),
    ("荣耀 Magic6", "12GB+256GB 绒黑色", 4399, "荣耀", "Magic6", "HN-MAGIC6", 5),
    ("荣耀 X50", "8GB+256GB 典雅黑", 1399, "荣耀", "X50", "HN-X50", 7),
    ("iPhone 15", "128GB 黑色", 5999, "Apple", "iPhone 15", "AP-IP15", 8),
    ("iPhone 15 Pro Max", "256GB 原色钛金属", 9999, "Apple", "iPhone 15 Pro Max", "AP-IP15PM", 4),
)

# name, spec, category, price, popularity
ACCESSORIES: tuple[tuple[str, str, str, int, int], ...] = (
    ("华为 Mate 60 Pro 原装电池", "HB536378EEW 5000mAh", "battery", 199, 3),
    ("小米原装电池", "BM5A 4500mAh", "battery", 129, 3),
    ("华为原装充电器", "88W 超级快充", "charger", 199, 4),
    ("小米原装充电器", "67W MDY-12-EA", "charger", 149, 4),
    ("Apple 20W USB-C 电源适配器", "MHJA3CH/A", "charger", 149, 4),
    ("华为经典耳机", "AM115 Type-C 版", "headset", 79, 3),
    ("小米半入耳式有线耳机", "Type-C 版", "headset", 69, 3),
    ("Apple EarPods 有线耳机", "USB-C 接口", "headset", 149, 2),
    ("闪迪 microSD 存储卡", "128GB A2 U3", "memory-card", 89, 4),
    ("三星 EVO Plus 存储卡", "256GB U3", "memory-card", 169, 3),
    ("金士顿 microSD 存储卡", "64GB Class10", "memory-card", 39, 3),
    ("华为 FreeBuds 5i 蓝牙耳机", "星河蓝", "bluetooth-headset", 499, 4),
    ("Redmi Buds 5 Pro 蓝牙耳机", "午夜黑", "bluetooth-headset", 399, 4),
    ("AirPods Pro（第二代）", "USB-C 充电盒", "bluetooth-headset", 1899, 2),
    ("OPPO Enco Air3 蓝牙耳机", "冰釉白", "bluetooth-headset", 299, 3),
    ("华为 Mate 60 Pro 原装保护壳", "素皮 雅川青", "accessory", 199, 2),
    ("iPhone 15 硅胶保护壳", "MagSafe 冬蓝色", "accessory", 399, 2),
    ("钢化玻璃膜", "全屏高清 2 片装", "accessory", 39, 3),
    ("USB-C 快充数据线", "1 米 6A", "accessory", 49, 3),
)
GIFT = ("透明手机壳（购机赠品）", "TPU 软壳", "accessory", 0, 1)
# Goods a dealer returns by the batch: memory cards, wired headsets, chargers, cables, films.
BATCH_CATEGORIES = ("memory-card", "headset", "charger")

# part no, name, opening stock, cost, price
SPARE_PARTS: tuple[tuple[str, str, int, int, int], ...] = (
    ("HW-M60P-LCD", "华为 Mate 60 Pro 屏幕总成", 2, 1280, 1899),
    ("HW-M60P-BAT", "华为 Mate 60 Pro 电池", 4, 110, 239),
    ("HW-NOVA12-LCD", "华为 nova 12 屏幕总成", 2, 420, 699),
    ("MI-14-LCD", "小米 14 屏幕总成", 2, 620, 999),
    ("MI-14-BAT", "小米 14 电池", 4, 85, 199),
    ("RM-N13P-LCD", "Redmi Note 13 Pro 屏幕总成", 3, 260, 459),
    ("OP-RENO11-LCD", "OPPO Reno 11 屏幕总成", 2, 480, 799),
    ("VV-X100-LCD", "vivo X100 屏幕总成", 2, 760, 1199),
    ("HN-MAGIC6-BAT", "荣耀 Magic6 电池", 3, 95, 219),
    ("AP-IP15-LCD", "iPhone 15 屏幕总成", 2, 1150, 1699),
    ("AP-IP15-BAT", "iPhone 15 电池", 4, 190, 419),
    ("GEN-USBC-FPC", "Type-C 尾插排线", 3, 22, 89),
    ("GEN-SPK", "扬声器模组", 2, 28, 99),
    ("GEN-SIM", "SIM 卡托", 6, 4, 29),
    ("GEN-CAM-LENS", "后置摄像头镜片", 3, 12, 59),
    ("GEN-BACK", "后盖玻璃", 2, 55, 169),
    ("GEN-KEY-FPC", "按键排线", 2, 16, 69),
)
PART_LABEL = {
    "LCD": "屏幕总成",
    "BAT": "电池",
    "USBC": "尾插排线",
    "SPK": "扬声器模组",
    "SIM": "SIM 卡托",
    "CAM": "后置摄像头镜片",
    "BACK": "后盖玻璃",
    "BTN": "按键排线",
}
GENERIC_PART = {
    "USBC": "GEN-USBC-FPC",
    "SPK": "GEN-SPK",
    "SIM": "GEN-SIM",
    "CAM": "GEN-CAM-LENS",
    "BACK": "GEN-BACK",
    "BTN": "GEN-KEY-FPC",
}


@dataclass(frozen=True)
class _Fault:
    key: str
    fault: str
    condition: str
    diagnosis: str
    result: str
    part: str | None
    labour: str
    labour_amount: int
    minutes: int
    man_made: bool = False


FAULTS: tuple[_Fault, ...] = (
    _Fault(
        "screen",
        "手机摔落后屏幕碎裂，下半部分触摸失灵",
        "屏幕右下角放射状裂纹，边框有磕碰痕迹",
        "外屏及显示总成损坏，触控 IC 正常，需更换屏幕总成",
        "已更换屏幕总成，显示、触控、指纹解锁测试正常",
        "LCD",
        "更换屏幕总成",
        60,
        45,
        man_made=True,
    ),
    _Fault(
        "battery",
        "电池续航明显下降，充满电半天就没电，低于 20% 时会自动关机",
        "外观良好，无明显划痕",
        "电池健康度 76%，电芯老化，充放电曲线异常",
        "已更换电池，满充满放测试正常，续航恢复",
        "BAT",
        "更换电池",
        30,
        30,
    ),
    _Fault(
        "charge",
        "插上充电器不充电，需要晃动数据线才偶尔有反应",
        "充电口内有少量灰尘，外观正常",
        "尾插排线接触不良，充电口触点氧化",
        "已更换尾插排线，有线快充、数据传输测试正常",
        "USBC",
        "更换尾插排线",
        40,
        35,
    ),
    _Fault(
        "speaker",
        "打电话对方听不清，外放有破音杂音",
        "外观良好，边框轻微磨损",
        "扬声器模组振膜损坏",
        "已更换扬声器模组，通话、外放测试正常",
        "SPK",
        "更换扬声器模组",
        40,
        30,
    ),
    _Fault(
        "sim",
        "插卡后不读 SIM 卡，一直显示无服务",
        "卡托有轻微变形",
        "卡托变形导致卡座触点接触不良，卡座本身正常",
        "已更换卡托，双卡读卡、通话测试正常",
        "SIM",
        "更换卡托并清洁卡座",
        20,
        15,
    ),
    _Fault(
        "reboot",
        "频繁死机自动重启，有时卡在开机画面",
        "外观良好",
        "系统分区文件损坏，硬件检测无异常",
        "已备份数据并刷机升级至最新系统，连续开机测试 4 小时无重启",
        None,
        "备份数据并刷机",
        50,
        60,
    ),
    _Fault(
        "water",
        "手机掉进水里后无法开机",
        "SIM 卡托处有水渍，进水标签已变红",
        "主板进水腐蚀，电源管理区域多处短路",
        "已对主板进行清洗除锈并更换受损元件，开机及各项功能测试正常",
        None,
        "主板清洗除锈及元件更换",
        180,
        120,
        man_made=True,
    ),
    _Fault(
        "camera",
        "后置摄像头拍照模糊，对焦不上，画面有黑点",
        "后摄镜片有裂纹",
        "后置摄像头镜片破裂进灰，摄像头模组正常",
        "已更换后摄镜片并清洁模组，拍照对焦测试正常",
        "CAM",
        "更换摄像头镜片",
        40,
        30,
    ),
    _Fault(
        "wifi",
        "WiFi 信号很弱，离路由器几米就断开",
        "外观良好",
        "主板 WiFi 天线弹片松动",
        "已修复天线弹片，WiFi 信号强度测试正常",
        None,
        "主板天线弹片修复",
        80,
        50,
    ),
    _Fault(
        "back",
        "后盖玻璃摔碎，边角有玻璃渣",
        "后盖玻璃大面积碎裂",
        "后盖玻璃破损，内部元件未受影响",
        "已更换后盖玻璃，重新打胶密封",
        "BACK",
        "更换后盖玻璃",
        50,
        40,
        man_made=True,
    ),
    _Fault(
        "button",
        "电源键按下没有反应，只能靠抬手亮屏",
        "外观良好",
        "电源键按键排线断裂",
        "已更换按键排线，按键手感及功能测试正常",
        "BTN",
        "更换按键排线",
        40,
        35,
    ),
)
WARRANTY_FAULTS = tuple(f for f in FAULTS if not f.man_made)

CONDITIONS = (
    "外观良好，无明显划痕",
    "边框有轻微使用磨损",
    "背面有细小划痕，已贴膜",
    "屏幕有一道细划痕，边角有小磕碰",
)
ACCESSORY_CODES = ("sim_tray", "case", "charger", "cable", "box", "earphones")

# --- people ----------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")
GIVEN_SINGLE = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚婷雪晨浩宇慧琳凯鹏辉帆倩颖斌波宁"
GIVEN_FIRST = "子梓俊欣一思雨家晓海春国建文佳志秀桂玉宏嘉美天浩雅诗明永晨心"
GIVEN_SECOND = "涵萱杰怡鸣远桐豪东燕梅庆华博琪强英兰伟轩然宁琳辰航瑶悦轩乐婷峰"
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "175",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]
DISTRICTS = (
    ("西湖区", ("文三路", "教工路", "天目山路", "古墩路")),
    ("拱墅区", ("莫干山路", "湖州街", "上塘路")),
    ("上城区", ("解放路", "秋涛路", "望江路")),
    ("滨江区", ("江南大道", "滨盛路", "长河路")),
    ("余杭区", ("文一西路", "五常大道", "良睦路")),
    ("萧山区", ("市心路", "金城路", "人民路")),
    ("临平区", ("迎宾路", "南苑街", "星光街")),
)
ESTATES = ("翠苑一区", "嘉绿苑", "东方郡", "金色海岸", "阳光家园", "和睦新村", "星光国际", "桂花城")

# name, phone, address, deposit
DEALERS: tuple[tuple[str, str, str, int], ...] = (
    ("鑫达通讯（刘总）", "13906571288", "浙江省杭州市临平区迎宾路 88 号鑫达通讯", 30000),
    ("华强数码经销部（周经理）", "13757102566", "浙江省杭州市萧山区市心路 312 号", 20000),
    ("星辰手机连锁城西店（吴店长）", "18867135519", "浙江省杭州市西湖区古墩路 701 号", 50000),
    ("联创通讯器材行（黄老板）", "15988426703", "浙江省湖州市德清县武康镇英溪路 56 号", 20000),
)
# name, phone, address (on-site jobs and company purchases)
BUSINESSES: tuple[tuple[str, str, str], ...] = (
    ("宏远物流有限公司（张经理）", "13858017762", "浙江省杭州市余杭区良睦路 1288 号宏远物流园"),
    ("市第一中学后勤处（钱老师）", "0571-87015523", "浙江省杭州市上城区解放路 98 号"),
    ("恒通建设集团行政部（何主任）", "13605813390", "浙江省杭州市滨江区江南大道 3880 号 12 楼"),
)

CARRIERS = (("顺丰速运", "SF", 13), ("中通快递", "75", 13), ("圆通速递", "YT", 13))
CARRIERS_MORE = (("韵达快递", "43", 11), ("京东物流", "JDV", 12), ("邮政 EMS", "11", 11))

# --- texts -----------------------------------------------------------------------------------

COMPLAINTS: tuple[tuple[str, str, str, str], ...] = (
    # reason, severity, description, resolution
    (
        "service_attitude",
        "minor",
        "顾客反映周六下午到店维修，等候 40 分钟无人接待，前台态度冷淡",
        "已向顾客当面致歉，赠送钢化膜一张；对当班人员进行服务规范培训，周末增加一名前台",
    ),
    (
        "service_attitude",
        "serious",
        "顾客投诉维修师傅未经同意翻看手机相册，要求道歉并说明情况",
        "店长上门致歉，调取监控核实系检测时误触，已对技术人员严肃批评并书面告知隐私保护规定",
    ),
    (
        "other",
        "minor",
        "顾客反映维修超过承诺日期两天仍未完成，也没有人打电话通知",
        "已加急处理并免收工时费；此后超期前一天由前台主动电话告知进度",
    ),
    (
        "invoice",
        "minor",
        "购机发票抬头开错，公司报销不了，要求重开发票",
        "已作废原发票并按正确抬头重新开具，快递寄出",
    ),
    (
        "not_as_described",
        "minor",
        "购机时承诺的赠品（原装保护壳）没有给，顾客多次询问未果",
        "核实为漏发，已补发赠品并赠送 50 元话费券",
    ),
    (
        "quality",
        "serious",
        "新买的手机玩游戏十分钟就严重发烫，顾客担心质量问题，情绪激动",
        "经检测属正常发热范围，已关闭高帧率模式并升级系统，顾客接受处理方案",
    ),
    (
        "quality",
        "malicious",
        "顾客在网上发帖称手机爆炸，要求十倍赔偿，经核实手机为自行拆机后进水",
        "出具检测报告说明为人为损坏，依据三包规定不予赔偿，保留沟通记录，必要时报请市场监管部门调解",
    ),
    (
        "other",
        "minor",
        "顾客反映门店电话经常占线，售后咨询打不进来",
        "已开通第二条售后热线并在微信公众号增加在线客服",
    ),
)
FOLLOW_UPS = {
    5: "电话回访，顾客表示非常满意，感谢及时处理",
    4: "电话回访，顾客表示满意，建议缩短等待时间",
    3: "电话回访，顾客表示一般，处理结果可以接受",
    2: "电话回访，顾客仍有不满，认为补偿偏少",
    1: "电话回访，顾客表示不满意，已记录意见",
}
PARTS_REQUESTS = (
    ("包装内缺少原装充电器，只有数据线", "原装充电器"),
    ("收到的包裹里没有数据线和取卡针", "数据线及取卡针"),
    ("赠品耳机没有收到，订单页面写了送有线耳机", "赠品有线耳机"),
    ("包装里没有说明书和保修卡，开不了保修", "说明书及保修卡"),
    ("耳机充电盒里少了一个右耳耳塞套", "耳塞套"),
)
DAMAGE_REPORTS = (
    "收到包裹时外箱被压扁，开箱后发现手机屏幕碎裂",
    "快递外包装破损严重，充电器外壳开裂，插头弯折",
    "包裹外箱有水渍，内盒受潮变形，机身边框有磕碰",
    "快递员送货时包裹已破损，当场拍照，商品外壳有划痕",
)
CLAIM_PATHS: dict[str, tuple[str, ...]] = {
    "paid": ("filed", "accepted", "paid", "closed"),
    "rejected": ("filed", "rejected", "closed"),
    "refiled": ("filed", "rejected", "filed", "accepted", "paid", "closed"),
    "withdrawn": ("withdrawn",),
}
CLAIM_NOTES = {
    "filed": "已向快递公司提交理赔申请，附开箱照片和签收记录",
    "accepted": "快递公司受理并确认赔付",
    "rejected": "快递公司以外包装无破损、未保价为由拒赔",
    "paid": "理赔款已到账",
    "closed": "索赔结束",
    "withdrawn": "复核后确认损坏轻微，撤回索赔",
}
LOST_CLAIM_NOTES = {  # a parcel lost on the way out: no box to photograph
    "filed": "已向快递公司提交丢件理赔申请，附发货底单和物流轨迹截图",
    "rejected": "快递公司称包裹已妥投，拒绝赔付",
}
CLAIM_DELAYS = {
    "filed": (1, 20),
    "accepted": (48, 200),
    "rejected": (48, 150),
    "paid": (48, 240),
    "closed": (2, 30),
    "withdrawn": (2, 20),
}
REFUND_REASONS = (
    ("no_reason", "顾客下单后不想要了，申请取消订单并退款"),
    ("no_reason", "顾客拍错颜色，申请退款后重新下单"),
    ("not_received", "物流显示已派送，但顾客称没有收到包裹"),
    ("not_received", "下单五天物流一直没有更新，顾客申请退款"),
)


# --- helpers that write what no service offers yet -------------------------------------------


def _add_spare_part(
    ctx: Context, part_no: str, name: str, stock: int, cost: Decimal, price: Decimal
) -> SparePart:
    """A new spare part with its opening purchase, written together with their events.

    A part number already on file is left as it is and returned.
    """
    require(ctx, Action.STOCK)
    pn = validate_text(part_no, "part_no", required=True, max_len=40)
    label = validate_text(name, "name", required=True, max_len=120)
    with write_transaction():
        existing = SparePart.get_or_none(SparePart.part_no == pn)
        if existing is not None:
            return existing
        part = SparePart.create(part_no=pn, name=label, stock=0, cost=cost, price=price)
        audit.log(
            ctx,
            "part",
            part,
            "created",
            {"name": label, "cost": str(cost), "price": str(price)},
            number=pn,
        )
        if stock > 0:
            _purchase(ctx, part, stock, "期初采购入库")
    return part


def _purchase(ctx: Context, part: SparePart, qty: int, note: str) -> None:
    """Parts bought in: stock up and a purchase movement with its event (call in a transaction)."""
    fresh = SparePart.get_by_id(part.id)
    fresh.stock += qty
    fresh.save()
    StockMovement.create(
        part=fresh,
        qty=qty,
        reason=StockReason.PURCHASE.value,
        at=ctx.now(),
        by=ctx.actor.id,
        note=note,
    )
    audit.log(
        ctx,
        "part",
        fresh,
        "stock_in",
        {"qty": qty, "reason": StockReason.PURCHASE.value, "stock": fresh.stock},
        note,
        number=fresh.part_no,
    )


def _restock(ctx: Context, part_no: str, needed: int, rng: random.Random) -> None:
    """Buy parts when stock would not cover `needed` (a technician orders from the supplier)."""
    require(ctx, Action.STOCK)
    with write_transaction():
        part = SparePart.get(SparePart.part_no == part_no)
        if part.stock >= needed:
            return
        _purchase(ctx, part, needed - part.stock + rng.randint(2, 5), "供应商补货")


def _dealer_deposit(ctx: Context, customer_id: int, amount: Decimal, note: str) -> None:
    """A dealer pays a deposit onto the account that dealer-liable damage is deducted from."""
    require(ctx, Action.MONEY)
    with write_transaction():
        customer = Customer.get_by_id(customer_id)
        DealerMovement.create(
            customer=customer,
            amount=amount,
            reason="deposit",
            at=ctx.now(),
            by=ctx.actor.id,
            note=note,
        )
        customer.dealer_balance = customer.dealer_balance + amount
        customer.updated_at = ctx.now()
        customer.save()
        audit.log(
            ctx,
            "customer",
            customer,
            "dealer_deposit",
            {"amount": str(amount), "balance": str(customer.dealer_balance)},
            note,
        )


# --- plans -----------------------------------------------------------------------------------

Action_ = Callable[[Context, dict[str, Any]], None]


class _Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@dataclass
class _Person:
    name: str
    phone: str
    address: str
    kind: str = "consumer"
    cls: str = "B"
    fresh: bool = True  # made for this case: its class may be fitted to the case's timing
    deposit: int = 0


@dataclass
class _Plan:
    """One case's story: steps (hours after the previous step, staff key, action)."""

    kind: str
    target: str | None  # stop once the case reaches this status (None: play to the end)
    mode: str  # closed | recent | open | overdue | fixed
    person: _Person
    desk: str = "desk"
    tech: str = "tech"
    start: datetime | None = None
    steps: list[tuple[float, str, Action_]] = field(default_factory=list)
    st: dict[str, Any] = field(default_factory=dict)
    done: bool = False
    label: str = ""
    parent: _Plan | None = None  # a claim track runs beside its case from step `anchor` on
    anchor: int = 0
    times: list[datetime] = field(default_factory=list)

    def do(self, hours: float, user: str, fn: Action_) -> None:
        """A step that does not move the case itself."""
        if not self.done:
            self.steps.append((hours, user, fn))

    def go(self, hours: float, user: str, fn: Action_, status: str, key: str = "no") -> None:
        """A step after which the case (or a child case) is in `status`."""
        if self.done:
            return
        self.steps.append((hours, user, fn))
        if key == "no" and status == self.target:
            self.done = True


def _money(value: float | int | Decimal) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


class _Demo:
    def __init__(self, ctx: Context, cases: int) -> None:
        self.ctx = ctx
        self.target = cases
        self.now0 = ctx.now().astimezone(UTC)
        self.tz = ctx.tz
        self.existing = Case.select().count()
        self.rng = random.Random(SEED + self.existing)
        self.clock = _Clock(self.now0)
        self.made: list[int] = []
        self.plans: list[_Plan] = []
        self.tracks: list[_Plan] = []
        self.used_phones = {p for (p,) in Customer.select(Customer.phone).tuples() if p}
        self.used_names = {n for (n,) in Customer.select(Customer.name).tuples()}
        self.used_imeis: set[str] = set()
        self.users: dict[str, str] = {}
        self.ctxs: dict[str, Context] = {}
        self.regulars: list[_Person] = []
        self.dealers: list[_Person] = []
        self.businesses: list[_Person] = []

    # -- randomness ----------------------------------------------------------------------------

    def h(self, lo: float, hi: float) -> float:
        return self.rng.uniform(lo, hi)

    def pick(self, seq: Any) -> Any:
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def digits(self, n: int) -> str:
        return "".join(self.pick("0123456789") for _ in range(n))

    def imei(self) -> str:
        while True:
            body = "86" + self.digits(12)
            for d in "0123456789":
                if luhn_ok(body + d):
                    if body + d not in self.used_imeis:
                        self.used_imeis.add(body + d)
                        return body + d
                    break

    def phone(self) -> str:
        while True:
            p = self.pick(MOBILE_PREFIXES) + self.digits(8)
            if p not in self.used_phones:
                self.used_phones.add(p)
                return p

    def name(self) -> str:
        for _ in range(50):
            surname = self.pick(COMPOUND_SURNAMES) if self.chance(0.03) else self.pick(SURNAMES)
            if self.chance(0.3):
                given = self.pick(GIVEN_SINGLE)
            else:
                given = self.pick(GIVEN_FIRST) + self.pick(GIVEN_SECOND)
            if surname + given not in self.used_names:
                break
        self.used_names.add(surname + given)
        return surname + given

    def address(self) -> str:
        district, streets = self.pick(DISTRICTS)
        text = f"浙江省杭州市{district}{self.pick(streets)}{self.rng.randint(1, 999)}号"
        if self.chance(0.75):
            text += (
                f"{self.pick(ESTATES)}{self.rng.randint(1, 28)}幢"
                f"{self.rng.randint(1, 4)}单元{self.rng.randint(1, 28)}0{self.rng.randint(1, 4)}室"
            )
        return text

    def person(self) -> _Person:
        cls = self.rng.choices("ABC", weights=(2, 6, 3))[0]
        return _Person(self.name(), self.phone(), self.address(), cls=cls)

    def tracking(self) -> tuple[str, str]:
        """A carrier and a tracking number of its usual shape (SF + 13 digits, ...)."""
        name, prefix, n = self.pick(CARRIERS + CARRIERS_MORE if self.chance(0.3) else CARRIERS)
        return name, prefix + self.digits(n)

    def order_no(self, channel: str) -> str:
        if channel == "tmall":
            return "3" + self.digits(18)
        if channel == "wechat":
            return "WX" + self.digits(14)
        return "XS" + self.digits(12)

    def scribble(self) -> list[list[list[float]]]:
        """Signature strokes: a few joined-up loops drifting to the right, then a flourish."""
        strokes: list[list[list[float]]] = []
        x = self.h(0.06, 0.16)
        for _ in range(self.rng.randint(2, 4)):
            width = self.h(0.14, 0.26)
            base, amp = self.h(0.42, 0.58), self.h(0.1, 0.22)
            freq, phase = self.h(2.5, 5.5) * math.pi, self.h(0, 2 * math.pi)
            n = self.rng.randint(18, 36)
            pts = []
            for j in range(n):
                t = j / (n - 1)
                px = x + width * t + 0.035 * math.sin(3 * freq * t + phase)
                py = base + amp * math.sin(freq * t + phase) + self.h(-0.012, 0.012)
                pts.append([round(min(0.98, max(0.02, px)), 4), round(min(0.95, max(0.05, py)), 4)])
            strokes.append(pts)
            x += width + self.h(0.02, 0.06)
            if x > 0.82:
                break
        if self.chance(0.6):  # underline
            y = self.h(0.72, 0.85)
            strokes.append(
                [[round(0.1 + 0.07 * k, 4), round(y + self.h(-0.02, 0.02), 4)] for k in range(12)]
            )
        return strokes

    # -- catalogue picks -----------------------------------------------------------------------

    def phone_item(self) -> dict[str, Any]:
        p = self.rng.choices(PHONES, weights=[x[6] for x in PHONES])[0]
        return {
            "name": p[0],
            "spec": p[1],
            "price": p[2],
            "brand": p[3],
            "model": p[4],
            "prefix": p[5],
            "category": "phone",
        }

    def accessory_item(self, categories: tuple[str, ...] | None = None) -> dict[str, Any]:
        pool = [a for a in ACCESSORIES if categories is None or a[2] in categories]
        a = self.rng.choices(pool, weights=[x[4] for x in pool])[0]
        return {"name": a[0], "spec": a[1], "category": a[2], "price": a[3]}

    def any_item(self, phone_share: float = 0.55) -> dict[str, Any]:
        return self.phone_item() if self.chance(phone_share) else self.accessory_item()

    @staticmethod
    def part_no(kind: str, item: dict[str, Any]) -> str | None:
        if kind in GENERIC_PART:
            return GENERIC_PART[kind]
        candidate = f"{item.get('prefix', '')}-{kind}"
        return candidate if any(p[0] == candidate for p in SPARE_PARTS) else None

    @staticmethod
    def part_price(kind: str, item: dict[str, Any]) -> int:
        pn = _Demo.part_no(kind, item)
        for p in SPARE_PARTS:
            if p[0] == pn:
                return p[4]
        if kind == "LCD":
            return int(round(item["price"] * 0.2, -1)) - 1
        return 199

    # -- staff and contexts --------------------------------------------------------------------

    def ensure_staff(self, at: datetime) -> None:
        self.clock.at = at
        base = replace(self.ctx, clock=self.clock)
        for key, login, display, role, manager in STAFF:
            name = login
            n = 1
            while True:
                user = User.get_or_none(User.name == name)
                if user is None:
                    with write_transaction():
                        user = User.create(
                            name=name,
                            display_name=display,
                            role=role.value,
                            secret_hash=demo_hash(),  # PIN 123456, the window urges a change
                            demo_pin=True,
                            is_manager=manager,
                            created_at=at,
                        )
                        record_event(
                            at=at,
                            actor_id=base.actor.id,
                            entity="user",
                            entity_id=user.id,
                            action="created",
                            data={"name": name, "role": role.value, "manager": manager},
                        )
                    break
                if user.active and user.role == role.value and user.is_manager == manager:
                    if user.secret_hash is None:  # made before accounts existed: no way in
                        user.secret_hash = demo_hash()
                        user.demo_pin = True
                        user.save()
                    break
                n += 1
                name = f"demo_{login}" if n == 2 else f"demo_{login}{n}"
            self.users[key] = name
            self.ctxs[key] = context_for(self.ctx.data_dir, name, clock=self.clock)

    def ensure_parts(self, at: datetime) -> None:
        self.clock.at = at
        owner = self.ctxs["owner"]
        for part_no, name, stock, cost, price in SPARE_PARTS:
            _add_spare_part(owner, part_no, name, stock, Decimal(cost), Decimal(price))

    # -- the people of this batch --------------------------------------------------------------

    def make_people(self) -> None:
        for name, phone, addr, deposit in DEALERS:
            self.used_phones.add(phone)
            self.dealers.append(_Person(name, phone, addr, "dealer", "A", False, deposit))
        for i, (name, phone, addr) in enumerate(BUSINESSES):
            self.used_phones.add(phone)
            self.businesses.append(_Person(name, phone, addr, "business", "AB"[i % 2], False))
        for _ in range(14):
            p = self.person()
            p.fresh = False
            self.regulars.append(p)

    def customer_for(self, plan_mode: str) -> _Person:
        if plan_mode in ("closed", "recent") and self.chance(0.16):
            return self.pick(self.regulars)
        return self.person()

    # -- time ------------------------------------------------------------------------------------

    def snap(self, t: datetime) -> datetime:
        loc = t.astimezone(self.tz)
        if OPEN_HOUR <= loc.hour < CLOSE_HOUR:
            return t
        day = loc.date() if loc.hour < OPEN_HOUR else loc.date() + timedelta(days=1)
        opening = datetime.combine(day, dtime(OPEN_HOUR), self.tz)
        return (opening + timedelta(minutes=self.rng.uniform(0, 150))).astimezone(UTC)

    def shop_moment(self, lo: datetime, hi: datetime) -> datetime:
        """A random moment in [lo, hi], inside shop hours when the span has any."""
        t = lo
        for _ in range(40):
            t = lo + (hi - lo) * self.rng.random()
            if OPEN_HOUR <= t.astimezone(self.tz).hour < CLOSE_HOUR:
                return t
        return t

    def times(self, start: datetime, hours: list[float], scale: float) -> list[datetime]:
        out = []
        t = start
        for hrs in hours:
            t = self.snap(t + timedelta(hours=hrs * scale))
            out.append(t)
        return out

    def fit(self, hours: list[float], lo: datetime, hi: datetime) -> list[datetime]:
        """Step times inside [lo, hi] in shop hours: the delays as planned when they fit,
        else a random start with the delays shrunk into part of the time left."""
        total = sum(hours)
        latest = hi - timedelta(hours=total)
        if latest > lo:
            for _ in range(6):
                times = self.times(self.shop_moment(lo, latest), hours, 1.0)
                if times[-1] <= hi:
                    return times
        for _ in range(60):
            start = self.shop_moment(lo, hi)
            left = (hi - start).total_seconds() / 3600
            scale = min(1.0, left / total * self.rng.uniform(0.3, 0.9)) if total else 1.0
            times = self.times(start, hours, scale)
            if times[-1] <= hi:
                return times
        step = (hi - lo) / (len(hours) + 1)
        return [lo + step * (i + 1) for i in range(len(hours))]

    def local_midnight(self, days_ago: int) -> datetime:
        day = self.now0.astimezone(self.tz).date() - timedelta(days=days_ago)
        return datetime.combine(day, dtime(0, 0), self.tz).astimezone(UTC)

    def place(self, plan: _Plan) -> list[datetime]:
        hours = [s[0] for s in plan.steps]
        now = self.now0
        if plan.mode == "fixed" and plan.start is not None:
            lo, hi = plan.start, now - timedelta(hours=2)
            times = self.times(plan.start, hours, 1.0)
            return times if times[-1] <= hi else self.fit(hours, lo, hi)
        if plan.mode == "closed":
            # A batch return comes after the goods were first sold singly (see `build`).
            lo = now - timedelta(days=DEMO_DAYS - (12 if plan.st.get("batch") else 0))
            return self.fit(hours, lo, now - timedelta(hours=3))
        if plan.mode == "recent":
            return self.fit(hours, now - timedelta(days=30), now - timedelta(hours=2))
        if plan.mode == "overdue":
            if len(hours) == 1:  # never answered: past the 24 h first-answer deadline
                return self.fit(hours, now - timedelta(hours=60), now - timedelta(hours=27))
            return self.fit(hours, now - timedelta(days=12), now - timedelta(days=3))
        # open and not overdue: the promise date (class A 1, B 2, C 3 days) has not passed yet
        person = plan.person
        hi = now - timedelta(minutes=3)
        if person.fresh:
            person.cls = self.rng.choices("ABC", weights=(1, 3, 4))[0]
            # Early in the morning today has no shop hours yet: a longer promise fits.
            while person.cls != "C" and not self.has_shop_hours(self.open_from(plan, hours), hi):
                person.cls = chr(ord(person.cls) + 1)
        return self.fit(hours, self.open_from(plan, hours), hi)

    def open_from(self, plan: _Plan, hours: list[float]) -> datetime:
        """Earliest start of an open case that is not overdue on the day the demo is made."""
        days = {"A": 1, "B": 2, "C": 3}[plan.person.cls]
        lo = max(self.local_midnight(days - 1), self.now0 - timedelta(hours=70))
        if len(hours) == 1:  # not answered yet: the 24 h first-answer deadline has not passed
            lo = max(lo, self.now0 - timedelta(hours=22))
        return lo

    def has_shop_hours(self, lo: datetime, hi: datetime) -> bool:
        t = lo
        while t < hi:
            if OPEN_HOUR <= t.astimezone(self.tz).hour < CLOSE_HOUR:
                return True
            t += timedelta(minutes=30)
        return False

    # -- common steps ----------------------------------------------------------------------------

    def intake(self, p: _Plan, user: str, status: str, **fields: Any) -> None:
        sold_days = fields.pop("sold_days", None)
        sold_on = fields.pop("sold_on", None)

        def fn(c: Context, st: dict[str, Any]) -> None:
            person = p.person
            form = {
                "name": person.name,
                "phone": person.phone,
                "address": person.address,
                "customer_kind": person.kind,
                "service_class": person.cls,
                **fields,
            }
            if sold_days is not None:
                form["sold"] = c.today() - timedelta(days=sold_days)
            elif sold_on is not None:
                form["sold"] = min(sold_on, c.today())
            case = take_intake(c, IntakeForm(**form))
            st["no"] = case.number
            st["id"] = case.id
            self.made.append(case.id)
            if (
                person.deposit
                and not DealerMovement.select()
                .where(DealerMovement.customer == case.customer_id)
                .exists()
            ):
                _dealer_deposit(
                    self.ctxs["owner"],
                    case.customer_id,
                    Decimal(person.deposit),
                    "经销商预存售后保证金",
                )

        p.go(0, user, fn, status)

    def mv(
        self, p: _Plan, hours: float, user: str, status: str, note: str = "", key: str = "no"
    ) -> None:
        def fn(c: Context, st: dict[str, Any]) -> None:
            move(c, st[key], status, note)

        p.go(hours, user, fn, status, key)

    def sale_fields(self, channel: str | None = None) -> dict[str, Any]:
        sale = channel or self.rng.choices(("store", "tmall", "wechat"), weights=(6, 3, 1))[0]
        out: dict[str, Any] = {"sale_channel": sale}
        if sale == "store":
            out["invoice_no"] = "0" + self.digits(7)
            out["channel"] = "walk_in" if self.chance(0.85) else "phone"
        else:
            out["order_no"] = self.order_no(sale)
            out["channel"] = "online_shop" if sale == "tmall" else "wechat"
        return out

    def item_fields(self, item: dict[str, Any], qty: int = 1) -> dict[str, Any]:
        out = {
            "product": item["name"],
            "model_spec": item["spec"],
            "category": item["category"],
            "amount": _money(item["price"] * qty),
            "qty": qty,
        }
        if item["category"] == "phone":
            out["serial"] = item.get("serial") or self.imei()
        return out

    # -- repairs ---------------------------------------------------------------------------------

    def repair(self, p: _Plan, variant: str) -> None:
        item = dict(p.st.get("item") or self.phone_item())
        onsite = variant.startswith("onsite")
        if onsite and self.chance(0.6) and p.mode in ("closed", "recent"):
            p.person = self.pick(self.businesses)
        if variant in ("paid", "paid_parts", "declined"):
            fault = self.pick(FAULTS)
        elif variant == "scrap":
            fault = next(f for f in FAULTS if f.key == "water")
        elif variant == "quick":
            fault = next(f for f in FAULTS if f.key in ("reboot", "wifi"))
        else:
            fault = self.pick(WARRANTY_FAULTS)
        fault = p.st.get("fault", fault)
        if variant in ("paid", "paid_parts", "declined", "scrap"):
            sold = (
                self.rng.randint(30, 330)
                if fault.man_made and self.chance(0.6)
                else self.rng.randint(380, 720)
            )
        else:
            sold = self.rng.randint(10, 330)
        fields: dict[str, Any] = {
            "kind": "repair",
            **self.sale_fields("store" if self.chance(0.8) else "tmall"),
            **self.item_fields(item),
            **({"sold_on": p.st["sold_on"]} if "sold_on" in p.st else {"sold_days": sold}),
            "reason": "quality",
            "request": "repair",
            "brand": item["brand"],
            "device_model": item["model"],
            "fault": fault.fault,
            "description": f"{item['name']}：{fault.fault}",
            "condition": fault.condition if fault.man_made else self.pick(CONDITIONS),
            "accessories": self.rng.sample(ACCESSORY_CODES, self.rng.randint(0, 3)),
            "man_made": fault.man_made,
        }
        fields["channel"] = "walk_in" if not onsite else "phone"
        if onsite:
            fields["on_site"] = True
            fields["site_address"] = p.person.address
            fields["description"] = f"客户不便到店，申请上门服务：{fault.fault}"
            self.intake(p, p.desk, "scheduled", **fields)
        else:
            self.intake(p, p.desk, "received", **fields)
        self.repair_body(p, variant, item, fault, "no")

    def repair_body(
        self, p: _Plan, variant: str, item: dict[str, Any], fault: _Fault, key: str
    ) -> None:
        tech_user = self.users[p.tech]
        p.do(
            self.h(0.1, 0.6), p.desk, lambda c, st: repairs.assign_technician(c, st[key], tech_user)
        )
        if variant.startswith("onsite"):
            self.onsite_body(p, variant, item, fault, key)
            return
        if variant == "cancel":
            self.mv(p, self.h(0.5, 6), p.desk, "cancelled", "客户急用手机，取回不修", key)
            return
        self.mv(p, self.h(0.5, 5), p.tech, "diagnosing", "开始检测", key)
        p.do(
            self.h(0.3, 3),
            p.tech,
            lambda c, st: repairs.update_ticket(c, st[key], diagnosis=fault.diagnosis),
        )
        parts_price = self.part_price(fault.part, item) if fault.part else 0
        total = parts_price + fault.labour_amount
        if variant == "scrap":
            p.do(
                self.h(0.5, 4),
                p.tech,
                lambda c, st: repairs.update_ticket(
                    c, st[key], result="主板腐蚀严重，CPU 供电区域烧毁，无维修价值，建议报废"
                ),
            )
            self.mv(p, self.h(0.1, 0.5), p.tech, "ready_for_pickup", "", key)
            report = (
                f"{item['name']}（IMEI {item.get('serial', '')}）进水后主板大面积腐蚀，"
                "多次通电测试无法开机，维修费用超过机器残值。已电话告知客户，客户同意报废，"
                "旧机由本店按环保要求回收处理，客户资料已当面清除。"
            )
            p.do(self.h(2, 48), "owner", lambda c, st: repairs.approve_scrap(c, st[key], report))
            self.mv(p, self.h(0.2, 24), "owner", "scrapped", "客户同意报废，旧机回收", key)
            return
        if variant == "quick":
            self.mv(p, self.h(0.5, 4), p.tech, "ready_for_pickup", fault.result, key)
            self.pickup(p, key, "collected", "客户已取机并签字确认")
            return
        if variant in ("paid", "paid_parts", "declined"):
            note = f"工时费 {fault.labour_amount} 元"
            if fault.part:
                note = f"{PART_LABEL[fault.part]} {parts_price} 元 + {note}"
            note = "报价：" + note
            p.go(
                self.h(0.2, 2),
                p.tech,
                lambda c, st: repairs.set_estimate(c, st[key], _money(total), note),
                "awaiting_approval",
                key,
            )
            if variant == "declined":
                p.go(
                    self.h(2, 40),
                    p.desk,
                    lambda c, st: repairs.decide_estimate(
                        c, st[key], False, "客户认为维修费用偏高，决定不修，取回原机"
                    ),
                    "ready_for_pickup",
                    key,
                )
                self.pickup(p, key, "returned_unrepaired", "原机未修退回，客户签字确认")
                return
            p.go(
                self.h(1, 30),
                p.desk,
                lambda c, st: repairs.decide_estimate(c, st[key], True, "客户电话确认按报价维修"),
                "repairing",
                key,
            )
            if variant == "paid_parts":
                self.mv(
                    p, self.h(0.2, 2), p.tech, "awaiting_parts", "配件缺货，已向供应商订货", key
                )
                self.parts_arrive(p, fault, item, key)
        else:  # warranty
            if self.chance(0.2) and fault.part:
                self.mv(p, self.h(0.2, 2), p.tech, "awaiting_parts", "保修配件需向厂家申请", key)
                self.parts_arrive(p, fault, item, key)
            else:
                self.mv(p, self.h(0.2, 3), p.tech, "repairing", "保修期内免费维修", key)
        self.fix(p, fault, item, key)
        self.mv(p, self.h(0.5, 4), p.tech, "quality_check", "维修完成，送质检", key)
        if self.chance(0.12):
            self.mv(p, self.h(0.3, 2), p.tech, "repairing", "质检发现通话仍有轻微杂音，返工", key)
            self.mv(p, self.h(0.5, 3), p.tech, "quality_check", "返工完成，再次质检", key)
        in_warranty = variant == "warranty"
        if in_warranty and fault.part:
            tag = f"FC{self.digits(8)}"
            p.do(
                self.h(0.1, 1),
                p.tech,
                lambda c, st: repairs.update_ticket(c, st[key], factory_tag=tag),
            )
        p.do(
            self.h(0.1, 1),
            p.tech,
            lambda c, st: repairs.update_ticket(c, st[key], result=fault.result),
        )
        self.mv(p, self.h(0.05, 0.3), p.tech, "ready_for_pickup", "", key)
        if not in_warranty:
            p.do(
                self.h(2, 48),
                p.desk,
                lambda c, st: money_svc.record_money(
                    c, st[key], "charge", _money(total), "维修费（配件+工时），已微信收款"
                ),
            )
            self.pickup(p, key, "collected", "客户已付款取机并签字", delay=(0.05, 0.2))
        else:
            self.pickup(p, key, "collected", "客户已取机并签字确认")

    def parts_arrive(self, p: _Plan, fault: _Fault, item: dict[str, Any], key: str) -> None:
        pn = self.part_no(fault.part, item) if fault.part else None

        def arrive(c: Context, st: dict[str, Any]) -> None:
            if pn:
                _restock(c, pn, 1, self.rng)
            move(c, st[key], "repairing", "配件到货，开始维修")

        p.go(self.h(20, 70), p.tech, arrive, "repairing", key)

    def fix(self, p: _Plan, fault: _Fault, item: dict[str, Any], key: str) -> None:
        if fault.part:
            pn = self.part_no(fault.part, item)
            label = f"{item['model']} {PART_LABEL[fault.part]}（外采）"
            price = _money(self.part_price(fault.part, item))

            def use(c: Context, st: dict[str, Any]) -> None:
                if pn:
                    _restock(c, pn, 1, self.rng)
                    repairs.add_part(c, st[key], part_no=pn, qty=1)
                else:
                    repairs.add_part(c, st[key], description=label, qty=1, unit_price=price)

            p.do(self.h(0.5, 3), p.tech, use)
        minutes = fault.minutes + self.rng.randint(-10, 20)
        p.do(
            self.h(0.2, 2),
            p.tech,
            lambda c, st: repairs.add_labour(
                c, st[key], fault.labour, _money(fault.labour_amount), minutes=minutes
            ),
        )

    def pickup(
        self,
        p: _Plan,
        key: str,
        status: str,
        note: str,
        delay: tuple[float, float] = (2, 60),
    ) -> None:
        strokes = self.scribble()
        signer = p.person.name.split("（")[-1].rstrip("）") if "（" in p.person.name else ""

        def sign(c: Context, st: dict[str, Any]) -> None:
            who = signer or find_case(st[key]).customer.name
            repairs.sign(c, st[key], strokes, who)

        p.do(self.h(*delay), p.desk, sign)
        self.mv(p, self.h(0.01, 0.1), p.desk, status, note, key)

    def onsite_body(
        self, p: _Plan, variant: str, item: dict[str, Any], fault: _Fault, key: str
    ) -> None:
        if variant == "onsite_cancel":
            self.mv(
                p, self.h(2, 20), p.desk, "cancelled", "客户来电取消上门，改为自行到店送修", key
            )
            return
        outcome = (
            f"已上门检测：{fault.diagnosis}"
            if variant == "onsite_revisit"
            else f"上门处理完成：{fault.result}"
        )
        p.go(
            self.h(3, 22),
            p.tech,
            lambda c, st: repairs.record_visit(c, st[key], outcome),
            "visited",
            key,
        )
        if variant == "onsite_revisit":
            self.mv(
                p,
                self.h(0.1, 1),
                p.tech,
                "revisit_scheduled",
                f"现场未携带{PART_LABEL.get(fault.part or '', '配件')}，"
                "备件到货后再次上门，已告知客户",
                key,
            )
            p.go(
                self.h(24, 72),
                p.tech,
                lambda c, st: repairs.record_visit(
                    c,
                    st[key],
                    f"二次上门完成维修：{fault.result}",
                    "首次上门未带备件，本次携带备件完成更换",
                ),
                "visited",
                key,
            )
            self.fix(p, fault, item, key)
        else:
            minutes = self.rng.randint(30, 90)
            p.do(
                self.h(0.1, 0.5),
                p.tech,
                lambda c, st: repairs.add_labour(
                    c, st[key], "上门服务", "50.00", minutes=minutes, charged=False
                ),
            )
        strokes = self.scribble()

        def sign(c: Context, st: dict[str, Any]) -> None:
            repairs.sign(c, st[key], strokes, find_case(st[key]).customer.name)

        p.do(self.h(0.05, 0.3), p.tech, sign)
        self.mv(p, self.h(0.01, 0.1), p.tech, "done", "客户已在上门服务单上签字", key)

    # -- returns and exchanges ---------------------------------------------------------------

    def ret(self, p: _Plan, kind: str, variant: str) -> None:
        qty = 1
        unused = False
        gift = False
        man_made = False
        if variant == "batch_credit":
            p.st["batch"] = True
            if p.mode in ("closed", "recent", "fixed"):
                p.person = self.pick(self.dealers)
            else:
                p.person = self.person()
                p.person.kind = "business"
                p.person.name = (
                    self.pick(("宏达", "瑞丰", "博远", "安信")) + "科技有限公司（采购部）"
                )
            item = self.accessory_item(BATCH_CATEGORIES)
            qty = self.rng.randint(10, 30)
            reason, sold = "quality", self.rng.randint(15, 60)
            sale = self.sale_fields("store")
            sale["channel"] = "dealer" if p.person.kind == "dealer" else "phone"
        elif variant in ("ship_first", "approved_ship_first"):
            if p.st.get("dealer") or (p.mode in ("closed", "recent") and self.chance(0.6)):
                p.person = self.pick(self.dealers)
            item = self.phone_item() if self.chance(0.6) else self.accessory_item()
            reason, sold = "quality", self.rng.randint(2, 12)
            sale = self.sale_fields("store")
            sale["channel"] = "dealer" if p.person.kind == "dealer" else "phone"
        elif variant == "rejected":
            why = self.pick(("expired", "gift", "man_made"))
            item = self.any_item()
            sale = self.sale_fields()
            if why == "gift":
                item = {"name": GIFT[0], "spec": GIFT[1], "category": GIFT[2], "price": GIFT[3]}
                gift, reason, sold = True, "quality", self.rng.randint(5, 40)
            elif why == "man_made":
                item = self.phone_item()
                man_made, reason, sold = True, "quality", self.rng.randint(3, 13)
            else:
                unused, reason, sold = True, "no_reason", self.rng.randint(10, 30)
            p.st["why"] = why
        elif variant == "no_reason":
            item = p.st.get("item") or self.any_item(0.4)
            unused, reason, sold = True, "no_reason", self.rng.randint(0, 6)
            sale = self.sale_fields("tmall" if self.chance(0.6) else "store")
        else:
            phone = "item" in p.st or self.chance(0.6)
            item = p.st.get("item") or (self.phone_item() if phone else self.accessory_item())
            if kind == "exchange":
                sold = self.rng.randint(7, 14) if phone else self.rng.randint(10, 80)
            else:
                sold = self.rng.randint(1, 6) if phone else self.rng.randint(5, 60)
            reason = "quality"
            if not phone and item["category"] == "accessory" and self.chance(0.5):
                reason = self.pick(("wrong_size", "not_as_described"))
            online = variant == "damaged_parcel" or self.chance(0.4)
            sale = self.sale_fields("tmall" if online else "store")
        if item["category"] == "accessory" and reason == "quality" and not gift:
            desc_fault = "做工粗糙，边缘开胶"
        else:
            desc_fault = {
                "phone": "开机后频繁黑屏重启，屏幕有亮点",
                "battery": "电池充电发烫，出现轻微鼓包",
                "charger": "充电器插上后指示灯闪烁，无法快充",
                "headset": "耳机左声道没有声音",
                "memory-card": "存储卡插入手机后提示需要格式化，无法读取",
                "bluetooth-headset": "右耳无法与手机配对，充电盒不充电",
                "accessory": "保护壳开胶",
            }[item["category"]]
        if reason == "no_reason" and kind == "exchange":
            desc = f"顾客购买{item['name']}后想换其他颜色，申请无理由换货"
        elif reason == "no_reason":
            desc = f"顾客购买{item['name']}后未拆封使用，申请七天无理由退货"
        elif reason in ("wrong_size", "not_as_described"):
            want = "退货" if kind == "return" else "换货"
            desc = f"{item['name']}与手机型号不匹配，尺寸不合适，申请{want}"
        elif variant == "batch_credit":
            desc = f"批量退回{item['name']} {qty} 件：多件{desc_fault}"
        else:
            desc = f"{item['name']}：{desc_fault}，申请{'退货退款' if kind == 'return' else '换货'}"
        fields = {
            "kind": kind,
            **sale,
            **self.item_fields(item, qty),
            **({"sold_on": p.st["sold_on"]} if "sold_on" in p.st else {"sold_days": sold}),
            "reason": reason,
            "description": p.st.get("description", desc),
            "unused": unused,
            "gift": gift,
            "man_made": man_made,
        }
        self.intake(p, p.desk, "requested", **fields)
        self.ret_body(p, kind, variant, item, qty, reason, sale, "no")

    def approver(self, amount: int | float) -> str:
        """Who approves `amount`: the owner above the shop's threshold, else the desk."""
        level = approval_needed(Decimal(str(amount)), self.ctx.settings.approval)
        return "owner" if level is ApprovalLevel.OWNER else "desk"

    def ret_body(
        self,
        p: _Plan,
        kind: str,
        variant: str,
        item: dict[str, Any],
        qty: int,
        reason: str,
        sale: dict[str, Any],
        key: str,
    ) -> None:
        amount = item["price"] * qty
        online = sale.get("sale_channel") != "store"
        if variant == "rejected":
            note = {
                "expired": "已超过七天无理由退货期限，商品无质量问题，不予退货，已电话告知顾客",
                "gift": "购机赠品不在三包范围内，不予退换，已向顾客说明并赠送优惠券",
                "man_made": "检查发现屏幕有明显摔痕、边框变形，属人为损坏，不符合退换条件，"
                "已告知顾客可付费维修",
            }.get(p.st.get("why", "expired"), "不符合退换条件，已告知顾客")
            self.mv(p, self.h(1, 20), p.desk, "rejected", note, key)
            self.mv(p, self.h(20, 72), p.desk, "closed", "顾客已知悉处理结果", key)
            return
        if variant == "cancel":
            self.mv(p, self.h(1, 30), p.desk, "cancelled", "顾客撤销申请，继续使用", key)
            return
        ship_first = variant in ("ship_first", "approved_ship_first")
        if variant != "ship_first":
            why = {
                "no_reason": "符合七天无理由退货条件，运费由顾客承担",
                "batch_credit": "批量退货，确认在保修期内，同意退回检测",
            }.get(variant, "在三包期内，同意退回检测")
            p.go(
                self.h(0.5, 8),
                self.approver(amount),
                lambda c, st: returns.approve(c, st[key], why),
                "approved",
                key,
            )
        if ship_first:
            carrier, tracking = self.tracking()
            self.mv(
                p,
                self.h(0.3, 4),
                # Unapproved, the confirmation is also the approval at the amount's level.
                "desk" if variant == "approved_ship_first" else self.approver(amount),
                "replacement_shipped",
                f"先补发、再追究：经理确认后新品已由{carrier}发出，单号 {tracking}",
                key,
            )
        if online or variant in ("batch_credit", "damaged_parcel") or ship_first:
            carrier, tracking = self.tracking()
            # The freight rule decides who pays, except the half-and-half a dealer agreed (002).
            payer = "split" if variant == "batch_credit" else ""
            fee = _money(self.pick((12, 15, 18, 23)) if qty == 1 else self.pick((30, 45, 60)))
            freight = returns.FreightInput(carrier, tracking, payer, fee)
            p.do(
                self.h(0.1, 1),
                p.desk,
                lambda c, st: returns.set_freight(c, st[key], freight),
            )
            self.mv(p, self.h(0.02, 0.2), p.desk, "awaiting_goods", f"待顾客寄回：{carrier}", key)
            arrive = self.h(24, 110)
        else:
            self.mv(p, self.h(0.02, 0.2), p.desk, "awaiting_goods", "顾客到店退回", key)
            arrive = self.h(0.05, 0.3)
        if variant == "cancel_goods":
            self.mv(
                p,
                self.h(170, 200),
                p.desk,
                "cancelled",
                f"超过 {self.ctx.settings.returns.goods_expected_working_days} 个工作日"
                "未收到退货，联系顾客表示不再退回，申请作废",
                key,
            )
            return
        damaged = variant == "damaged_parcel"
        short = 1 if variant == "batch_credit" and self.chance(0.4) else 0

        def receive(c: Context, st: dict[str, Any]) -> None:
            case = find_case(st[key])
            rma = ReturnAuth.get(ReturnAuth.case == case)
            lines = {ln.id: ln.qty_expected - short for ln in rma.lines}
            note = (
                "外包装破损，已拍照留证"
                if damaged
                else ("少到 1 件，已通知经销商" if short else "")
            )
            broken = {min(lines): 1} if damaged else None  # one unit arrived broken
            returns.receive(c, st[key], lines, package_damaged=damaged, damaged=broken, note=note)

        p.go(arrive, p.desk, receive, "received", key)
        if damaged:  # receiving a damaged parcel opened a claim (002: within 24 h)
            self.claim_track(p, key)
        # inspection
        if variant == "no_reason":
            result, report = (
                "intact_resalable",
                "包装、配件、说明书、保修卡齐全，未激活，可二次销售",
            )
        elif reason in ("wrong_size", "not_as_described"):
            result, report = "intact_resalable", "商品完好无使用痕迹，型号与顾客手机不匹配"
        elif variant == "no_fault":
            result, report = "no_fault_found", "经 48 小时全面检测，各项功能正常，未发现质量问题"
        elif damaged:
            result, report = "transit_damage", "商品在退回运输途中受损，外箱有明显挤压痕迹"
        elif ship_first and p.person.kind == "dealer" and (p.st.get("dealer") or self.chance(0.5)):
            result, report = "man_made_damage", "机身有明显摔痕，屏幕内部损坏，判定为人为损坏"
        else:
            result, report = "confirmed_defect", "经检测确认为产品质量问题，非人为损坏"
        pct = 20 if qty >= 10 else None
        if pct:
            report = f"按 20% 抽检 {max(2, qty // 5)} 件，{report}"
        inspector = p.tech if item["category"] == "phone" else p.desk
        p.go(
            self.h(2, 30),
            inspector,
            lambda c, st: returns.inspect(c, st[key], result, report, pct),
            "inspected",
            key,
        )
        # liability
        if result == "man_made_damage":
            liability = "dealer" if p.person.kind == "dealer" else "customer"
        elif reason == "not_as_described":
            liability = "shop"
        elif result in ("no_fault_found", "intact_resalable"):
            liability = "customer"
        elif result == "transit_damage":
            liability = "carrier"
        else:
            liability = "supplier" if self.chance(0.7) else "shop"
        liability_note = {
            "dealer": "经销商保管不当造成损坏，由经销商承担，从其账户扣款",
            "customer": "非质量问题，由顾客承担相关费用",
            "carrier": "运输途中损坏，向承运商索赔",
            "supplier": "批次质量问题，退回供应商处理",
            "shop": "门店出库检验疏漏，由门店承担",
        }[liability]
        p.go(
            self.h(1, 24),
            "owner",
            lambda c, st: returns.decide_liability(c, st[key], liability, liability_note),
            "liability_decided",
            key,
        )
        # disposition
        if result == "intact_resalable":
            disposition = "restock"
        elif result == "no_fault_found":
            disposition = "ship_back"
        elif result in ("man_made_damage", "transit_damage"):
            disposition = self.pick(("discount", "repair_restock"))
        elif variant == "scrap":
            disposition = "scrap"
        else:
            disposition = self.pick(("repair_restock", "repair_restock", "discount"))
        scrap_report = ""
        disposer = p.desk
        if disposition == "scrap":
            disposer = "owner"
            scrap_report = (
                f"报废报告：退回的{item['name']}经检测主板/电芯损坏，维修成本高于残值，"
                "批准报废，按电子废弃物规定交回收商处理。"
            )
        if result in ("confirmed_defect", "man_made_damage", "transit_damage") and (
            variant in ("quality_refund", "scrap", "batch_credit") or self.chance(0.5)
        ):
            corrective, preventive = self.pick(
                (
                    ("同批次库存全部复检，不良品退供应商", "入库增加开机抽检，发货前拍照留档"),
                    ("联系供应商更换批次并索要质检报告", "每月统计同型号返修率，超过 3% 暂停进货"),
                    ("对出库检验人员重新培训", "发货前增加外观和功能双人复核"),
                )
            )
            p.do(
                self.h(1, 24),
                p.desk,
                lambda c, st: returns.record_capa(
                    c, st[key], corrective, preventive, report_sent=True
                ),
            )
            if self.chance(0.7):
                reply = self.pick(
                    ("顾客认可处理结果", "经销商确认检测报告，无异议", "顾客表示理解")
                )
                p.do(self.h(24, 120), p.desk, lambda c, st: returns.record_reply(c, st[key], reply))
        disposition_note = {
            "restock": "商品完好，重新入库销售",
            "discount": "外观轻微受损，折价处理",
            "repair_restock": "返厂维修后入库",
            "scrap": "无修复价值，报废处理",
            "ship_back": "原物寄回顾客",
        }[disposition]
        p.go(
            self.h(1, 30),
            disposer,
            lambda c, st: returns.set_disposition(
                c, st[key], disposition, scrap_report=scrap_report, note=disposition_note
            ),
            "disposition_done",
            key,
        )
        # money and close
        if disposition == "ship_back" or ship_first:
            note = (
                "检测无故障，原机已寄回，告知顾客检测结果"
                if disposition == "ship_back"
                else "补发商品已签收，退回商品处理完毕，结案"
            )
            self.mv(p, self.h(2, 48), p.desk, "closed", note, key)
            return
        if variant == "batch_credit":
            credit = _money(item["price"] * (qty - short))
            p.go(
                self.h(1, 24),
                p.desk,
                lambda c, st: returns.settle(
                    c, st[key], "credited", credit, "货款冲抵经销商下次进货"
                ),
                "credited",
                key,
            )
            if self.chance(0.6):
                back = _money(item["price"] * (qty - short) * 0.8)
                p.do(
                    self.h(48, 200),
                    p.desk,
                    lambda c, st: money_svc.record_money(
                        c, st[key], "supplier_recovery", back, "供应商按进货价退款"
                    ),
                )
        elif kind == "exchange":
            carrier, tracking = self.tracking()
            p.go(
                self.h(1, 24),
                p.desk,
                lambda c, st: returns.settle(
                    c, st[key], "exchanged", note=f"同型号新品已换出，{carrier} {tracking}"
                ),
                "exchanged",
                key,
            )
        else:
            payer = self.approver(amount)
            pay = _money(amount)
            p.go(
                self.h(0.5, 24),
                payer,
                lambda c, st: money_svc.refund(c, st[key], pay, "原路退回"),
                "refunded",
                key,
            )
        self.mv(p, self.h(2, 72), p.desk, "closed", "处理完毕，结案", key)

    # -- carrier claims ------------------------------------------------------------------------

    def claim_steps(
        self, p: _Plan, key: str, statuses: tuple[str, ...], stop_at: str | None = None
    ) -> bool:
        """Move the case's newest claim through `statuses`; True when it stopped at `stop_at`."""
        if stop_at == "draft":
            return True
        filed_before = False
        for status in statuses:
            note = CLAIM_NOTES[status]
            if status == "filed" and filed_before:
                note = "补充开箱视频和保价凭证后重新提交"
            filed_before = filed_before or status == "filed"
            p.do(self.h(*CLAIM_DELAYS[status]), p.desk, self.claim_move(key, status, note))
            if status == stop_at:
                return True
        return False

    def claim_move(self, key: str, status: str, note: str) -> Action_:
        partial = self.chance(0.3)

        def fn(c: Context, st: dict[str, Any]) -> None:
            case = find_case(st[key])
            claim = (
                CarrierClaim.select()
                .where(CarrierClaim.case == case)
                .order_by(CarrierClaim.id.desc())
                .first()
            )
            if claim is None:
                raise NotFound("claim", st[key])
            recovered = None
            text = LOST_CLAIM_NOTES.get(status, note) if case.kind == "refund" else note
            if status == "paid":
                amount = claim.amount_claimed
                recovered = (
                    (amount * Decimal("0.8")).quantize(Decimal("0.01")) if partial else amount
                )
            money_svc.move_claim(c, claim.number, status, recovered=recovered, note=text)

        return fn

    def claim_track(self, p: _Plan, key: str) -> None:
        """A claim runs on its own clock from now on while the case goes on."""
        if p.done:
            return
        track = _Plan("claim", None, "track", p.person, p.desk, p.tech, st=p.st)
        track.parent, track.anchor = p, len(p.steps) - 1
        path = (
            p.st.get("claim_path")
            or self.rng.choices(("paid", "rejected", "refiled", "withdrawn"), weights=(6, 2, 2, 1))[
                0
            ]
        )
        self.claim_steps(track, key, CLAIM_PATHS[path], p.st.get("claim_target"))
        if track.steps:
            self.tracks.append(track)

    def open_claim(self, p: _Plan, item: dict[str, Any], key: str = "no") -> None:
        carrier, tracking = self.tracking()
        amount = Decimal(item["price"])

        def fn(c: Context, st: dict[str, Any]) -> None:
            with write_transaction():
                case = find_case(st[key])
                money_svc.open_claim_for(
                    c, case, amount=amount, carrier=carrier, tracking_no=tracking
                )

        p.do(self.h(0.2, 6), p.desk, fn)

    # -- refund only ---------------------------------------------------------------------------

    def refund(self, p: _Plan, variant: str) -> None:
        item = self.any_item(0.45)
        sale = self.sale_fields("tmall" if self.chance(0.7) else "wechat")
        if variant in ("not_shipped", "reject_direct"):
            reason, desc = REFUND_REASONS[self.rng.randint(0, 1)]
        elif variant == "delivered":
            reason, desc = REFUND_REASONS[2]
        else:
            reason, desc = REFUND_REASONS[3] if variant == "lost" else self.pick(REFUND_REASONS[:2])
        fields = {
            "kind": "refund",
            **sale,
            **self.item_fields(item),
            "sold_days": self.rng.randint(0, 5) if variant != "lost" else self.rng.randint(6, 9),
            "reason": reason,
            "description": f"订单 {sale['order_no']}（{item['name']}）：{desc}",
        }
        fields.pop("serial", None)  # not shipped or not received: no device in hand
        self.intake(p, p.desk, "requested", **fields)
        amount = item["price"]
        payer = self.approver(amount)
        pay = _money(amount)

        def ship(status: str, note: str) -> Action_:
            return lambda c, st: money_svc.set_shipping_status(c, st["no"], status, note)

        if variant == "reject_direct":
            self.mv(p, self.h(1, 20), p.desk, "rejected", "重复申请：该订单已于前一天退款", "no")
            self.mv(p, self.h(12, 48), p.desk, "closed", "已告知顾客")
            return
        if variant == "not_shipped":
            p.go(
                self.h(0.2, 4),
                p.desk,
                ship("not_shipped", "核实仓库尚未发货，已取消出库"),
                "verifying",
            )
        elif variant == "delivered":
            p.go(self.h(0.5, 8), p.desk, ship("delivered", "物流显示已由本人签收"), "verifying")
            self.mv(
                p,
                self.h(2, 30),
                p.desk,
                "rejected",
                "快递员回单及签收照片显示顾客本人已签收，不支持仅退款，建议顾客核实家人是否代收",
            )
            self.mv(p, self.h(12, 72), p.desk, "closed", "顾客确认家人代收，撤回申请")
            return
        elif variant in ("intercept", "intercept_failed"):
            p.go(
                self.h(0.2, 4), p.desk, ship("in_transit", "包裹已发出，正在运输途中"), "verifying"
            )
            self.mv(p, self.h(0.1, 1), p.desk, "intercepting", "已联系快递拦截退回")
            if variant == "intercept_failed":
                p.do(self.h(12, 40), p.desk, ship("delivered", "拦截失败，包裹已派送签收"))
                self.mv(
                    p,
                    self.h(0.5, 6),
                    p.desk,
                    "rejected",
                    "拦截未成功，包裹已签收，已引导顾客收货后走七天无理由退货",
                )
                self.mv(p, self.h(12, 72), p.desk, "closed", "顾客同意改走退货流程")
                return
            p.do(self.h(20, 70), p.desk, ship("intercepted", "包裹已拦截，退回仓库"))
        else:  # lost
            p.go(
                self.h(0.5, 6),
                p.desk,
                ship("in_transit", "物流多日未更新，联系快递核查"),
                "verifying",
            )
            self.open_claim(p, item)
            p.do(self.h(20, 60), p.desk, ship("lost", "快递公司确认包裹丢失"))
            self.claim_track(p, "no")
        p.go(
            self.h(0.2, 6),
            payer,
            lambda c, st: money_svc.refund(c, st["no"], pay, "原路退回"),
            "refunded",
        )
        self.mv(p, self.h(12, 72), p.desk, "closed", "退款已到账，顾客确认")

    # -- complaints ----------------------------------------------------------------------------

    def complaint(self, p: _Plan, variant: str) -> None:
        if variant in ("spawn_repair", "spawn_exchange"):
            reason, severity = "quality", "serious" if self.chance(0.4) else "minor"
            item = dict(self.phone_item())
            sold = (
                self.rng.randint(8, 14)
                if variant == "spawn_exchange"
                else self.rng.randint(30, 300)
            )
            desc = (
                f"顾客投诉刚买的{item['name']}信号差、频繁断网，多次到店未解决，要求给个说法"
                if variant == "spawn_exchange"
                else f"顾客投诉{item['name']}使用中经常死机，之前修过一次又出问题"
            )
            resolution = (
                "经检测确认主板质量问题，已按三包为顾客更换新机并致歉"
                if variant == "spawn_exchange"
                else "已安排保修维修并优先处理，维修期间提供备用机"
            )
            extra = {**self.sale_fields("store"), **self.item_fields(item), "sold_days": sold}
        else:
            reason, severity, desc, resolution = self.pick(COMPLAINTS)
            if variant == "reopen":  # a second look at how the customer was treated
                reason, severity, desc, resolution = COMPLAINTS[self.rng.randint(0, 2)]
            extra = {"channel": self.pick(("phone", "walk_in", "wechat"))}
            item = None
            if reason == "quality":
                item = self.phone_item()
                extra.update(self.sale_fields("store"))
                extra.update(self.item_fields(item))
                extra["sold_days"] = self.rng.randint(3, 60)
        fields = {
            "kind": "complaint",
            "reason": reason,
            "severity": severity,
            "description": desc,
            "request": "compensation" if severity == "malicious" else "other",
            **extra,
        }
        self.intake(p, p.desk, "logged", **fields)
        boss = "owner" if severity != "minor" else p.desk
        self.mv(
            p,
            self.h(0.5, 20),
            p.desk,
            "acknowledged",
            "已电话联系顾客，说明将在 1-2 天内给出处理方案",
        )
        if variant == "quick":
            p.go(
                self.h(1, 24),
                boss,
                lambda c, st: complaints.resolve(c, st["no"], resolution),
                "resolved",
            )
            if self.chance(0.5):
                self.mv(p, self.h(24, 96), p.desk, "closed", "多次回访未接通，按已解决结案")
            else:
                self.follow(p)
            return
        look = {
            "service_attitude": "调取监控和服务记录，向当班人员核实经过",
            "invoice": "联系财务核对开票信息",
            "quality": "安排技术人员检测手机，核对销售记录",
            "not_as_described": "核对订单赠品清单和出库记录",
        }.get(reason, "核实经过，整理处理方案")
        self.mv(p, self.h(0.5, 24), boss, "investigating", look)
        if variant in ("spawn_repair", "spawn_exchange"):
            assert item is not None
            child = "repair" if variant == "spawn_repair" else "exchange"

            def spawn(c: Context, st: dict[str, Any]) -> None:
                case = complaints.spawn(c, st["no"], child, f"由投诉 {st['no']} 转入：{desc}")
                st["child"] = case.number
                self.made.append(case.id)

            p.do(self.h(0.5, 6), p.desk, spawn)
            if child == "repair":
                fault = next(f for f in FAULTS if f.key == "reboot")
                self.repair_body(p, "warranty", item, fault, "child")
            else:
                self.ret_body(
                    p,
                    "exchange",
                    "exchange",
                    item,
                    1,
                    "quality",
                    {"sale_channel": "store"},
                    "child",
                )
        p.go(
            self.h(1, 48),
            boss,
            lambda c, st: complaints.resolve(c, st["no"], resolution),
            "resolved",
        )
        if variant == "reopen":
            self.mv(p, self.h(24, 72), p.desk, "follow_up", "回访中")
            self.mv(p, self.h(0.1, 0.5), p.desk, "investigating", "顾客对处理结果不满意，重新调查")
            p.go(
                self.h(12, 72),
                "owner",
                lambda c, st: complaints.resolve(
                    c, st["no"], resolution + "；店长再次致电并追加补偿 100 元购物券"
                ),
                "resolved",
            )
        self.follow(p)

    def follow(self, p: _Plan) -> None:
        score = self.rng.choices((5, 4, 3, 2, 1), weights=(45, 32, 13, 7, 3))[0]
        note = FOLLOW_UPS[score]
        p.go(
            self.h(24, 96),
            p.desk,
            lambda c, st: complaints.follow_up(c, st["no"], score, note),
            "closed",
        )

    # -- missing parts -------------------------------------------------------------------------

    def parts(self, p: _Plan, variant: str) -> None:
        item = (
            self.phone_item() if self.chance(0.7) else self.accessory_item(("bluetooth-headset",))
        )
        desc, what = self.pick(
            PARTS_REQUESTS[:4] if item["category"] == "phone" else PARTS_REQUESTS[4:]
        )
        if p.mode in ("closed", "recent") and self.chance(0.2):
            p.person = self.pick(self.dealers)
        sale = self.sale_fields("tmall" if self.chance(0.7) else "wechat")
        fields = {
            "kind": "parts",
            **sale,
            **self.item_fields(item),
            "sold_days": self.rng.randint(0, 5),
            "reason": "parts_missing",
            "description": f"订单 {sale['order_no']}：{desc}",
        }
        self.intake(p, p.desk, "requested", **fields)
        if variant == "rejected":
            self.mv(
                p,
                self.h(1, 24),
                p.desk,
                "rejected",
                "核对出库视频和称重记录，包装内配件齐全，无法补发，已向顾客说明",
            )
            self.mv(p, self.h(12, 72), p.desk, "closed", "顾客已知悉")
            return
        self.mv(p, self.h(0.5, 8), p.desk, "approved", f"核实出库记录确认漏发{what}，同意补发")
        carrier, tracking = self.tracking()
        fee = _money(self.pick((8, 10, 12)))
        p.do(
            self.h(0.5, 6),
            p.desk,
            lambda c, st: money_svc.record_money(
                c, st["no"], "freight", fee, f"补件运费 {tracking}"
            ),
        )
        self.mv(
            p, self.h(0.05, 0.2), p.desk, "shipped", f"{what}已由{carrier}寄出，单号 {tracking}"
        )
        self.mv(p, self.h(24, 72), p.desk, "delivered", "物流显示顾客已签收")
        self.mv(p, self.h(12, 72), p.desk, "closed", "回访确认配件齐全")

    # -- carrier damage ------------------------------------------------------------------------

    def damage(self, p: _Plan, variant: str) -> None:
        item = self.any_item(0.5)
        sale = self.sale_fields("tmall" if self.chance(0.7) else "wechat")
        fields = {
            "kind": "carrier_damage",
            **sale,
            **self.item_fields(item),
            "sold_days": self.rng.randint(1, 4),
            "reason": "transit_damage",
            "description": f"订单 {sale['order_no']}：{self.pick(DAMAGE_REPORTS)}",
        }
        self.intake(p, p.desk, "reported", **fields)
        if variant == "rejected":
            self.mv(
                p,
                self.h(1, 24),
                p.desk,
                "rejected",
                "签收时外包装完好且超过 48 小时才反馈，无法认定运输损坏，已向顾客说明",
            )
            self.mv(p, self.h(12, 72), p.desk, "closed", "顾客已知悉")
            return
        self.mv(p, self.h(0.5, 10), p.desk, "documented", "已收集开箱视频、外箱和破损商品照片")
        amount = item["price"]
        if variant in ("replace_claim", "replace_close"):
            carrier, tracking = self.tracking()
            fee = _money(self.pick((12, 15, 18)))
            self.mv(
                p,
                self.h(0.5, 24),
                self.approver(amount),  # a replacement needs a refund's approval level
                "replacement_shipped",
                f"已补发新品，{carrier} {tracking}",
            )
            p.do(
                self.h(0.05, 0.3),
                p.desk,
                lambda c, st: money_svc.record_money(
                    c, st["no"], "freight", fee, f"补发运费 {tracking}"
                ),
            )
        else:
            pay = _money(amount)
            p.go(
                self.h(0.5, 24),
                self.approver(amount),
                lambda c, st: money_svc.refund(c, st["no"], pay, "运输破损，全额退款"),
                "refunded",
            )
        if variant in ("replace_close", "refund_close"):
            self.mv(p, self.h(12, 96), p.desk, "closed", "顾客已确认，结案")
            return
        self.open_claim(p, item)
        self.claim_steps(p, "no", ("filed",))
        self.mv(p, self.h(0.05, 0.3), p.desk, "claim_filed", "已向承运商提出索赔")
        path = (
            p.st.get("claim_path")
            or self.rng.choices(("paid", "rejected", "refiled"), weights=(6, 2, 2))[0]
        )
        if not self.claim_steps(p, "no", CLAIM_PATHS[path][1:], p.st.get("claim_target")):
            self.mv(p, self.h(2, 48), p.desk, "closed", "索赔处理完毕，结案")

    # -- the batch -------------------------------------------------------------------------------

    def plan(
        self,
        kind: str,
        variant: str,
        target: str | None = None,
        mode: str = "closed",
        **st: Any,
    ) -> _Plan:
        person = self.customer_for(mode)
        p = _Plan(
            kind,
            target,
            mode,
            person,
            desk=self.rng.choices(("desk", "desk2"), weights=(3, 2))[0],
            tech=self.rng.choices(("tech", "tech2"), weights=(3, 2))[0],
            st=dict(st),
            label=f"{kind}/{variant}" + (f"->{target}" if target else ""),
        )
        if "person" in st:
            p.person = st["person"]
        if "start" in st:
            p.start = st["start"]
        builder = {
            "repair": self.repair,
            "refund": self.refund,
            "complaint": self.complaint,
            "parts": self.parts,
            "carrier_damage": self.damage,
        }.get(kind)
        if builder is not None:
            builder(p, variant)
        else:
            self.ret(p, kind, variant)
        self.plans.append(p)
        return p

    def build(self) -> None:
        # The goods dealers return by the batch first come back singly: intake creates a product
        # from its first case and takes that case's amount as the unit price.
        start = self.now0 - timedelta(days=DEMO_DAYS)
        batch_goods = [a for a in ACCESSORIES if a[2] in BATCH_CATEGORIES]
        for i, a in enumerate(batch_goods):
            item = {"name": a[0], "spec": a[1], "category": a[2], "price": a[3]}
            self.plan(
                "return",
                "no_reason",
                mode="fixed",
                item=item,
                start=start + timedelta(days=1.2 * i, hours=self.h(0, 8)),
            )
        # Every state of every workflow, open, in the last days (not overdue yet).
        for kind, variant, target in OPEN_COVERAGE:
            self.plan(kind, variant, target, "open")
        # A handful of open cases stuck past their promise date.
        for kind, variant, target in OVERDUE:
            self.plan(kind, variant, target, "overdue")
        # Each path once to its end.
        for kind, variants in VARIANTS.items():
            for variant in variants:
                self.plan(kind, variant)
        # "Ship first, settle later" for dealers whose damage is then deducted from their account.
        for _ in range(3):
            self.plan("exchange", "ship_first", dealer=True)
        # Carrier claims in each of their states.
        self.plan("refund", "lost", mode="recent", claim_target="draft")
        self.plan("refund", "lost", mode="recent", claim_path="paid", claim_target="accepted")
        self.plan("return", "damaged_parcel", mode="recent", claim_path="paid", claim_target="paid")
        self.plan(
            "return",
            "damaged_parcel",
            mode="recent",
            claim_path="rejected",
            claim_target="rejected",
        )
        self.plan("return", "damaged_parcel", claim_path="withdrawn")
        self.plan("carrier_damage", "replace_claim", claim_path="refiled")
        # A regular whose phone fails three times: two warranty repairs, then a free exchange.
        self.story()
        # The rest of the half year.
        kinds = list(KIND_SHARE)
        while self.case_count() < self.target:
            kind = self.rng.choices(kinds, weights=[KIND_SHARE[k] for k in kinds])[0]
            variants = VARIANTS[kind]
            variant = self.rng.choices(list(variants), weights=list(variants.values()))[0]
            if variant.startswith("spawn") and self.case_count() + 2 > self.target:
                continue
            self.plan(kind, variant)

    def case_count(self) -> int:
        return sum(2 if "spawn" in p.label else 1 for p in self.plans)

    def story(self) -> None:
        person = self.person()
        person.fresh, person.cls = False, "A"
        self.regulars.append(person)
        item = dict(self.phone_item())
        item["serial"] = self.imei()
        now = self.now0
        sold = (now - timedelta(days=200)).astimezone(self.tz).date()
        fault = next(f for f in FAULTS if f.key == "reboot")
        for days in (170, 120):
            self.plan(
                "repair",
                "warranty",
                mode="fixed",
                person=person,
                item=item,
                fault=fault,
                sold_on=sold,
                start=now - timedelta(days=days),
            )
        self.plan(
            "exchange",
            "exchange",
            mode="fixed",
            person=person,
            item=item,
            sold_on=sold,
            start=now - timedelta(days=80),
            description=f"{item['name']}第三次出现死机重启，已保修维修两次仍未解决，"
            "按三包规定申请更换同型号新机",
        )

    def run(self) -> None:
        now = self.now0
        self.ensure_staff(now - timedelta(days=DEMO_DAYS + 5))
        self.ensure_parts(now - timedelta(days=DEMO_DAYS + 3))
        self.make_people()
        self.build()
        for plan in self.plans:
            plan.times = self.place(plan)
        for track in self.tracks:
            assert track.parent is not None
            start = track.parent.times[track.anchor]
            hours = [s[0] for s in track.steps]
            times = self.times(start, hours, 1.0)
            hi = now - timedelta(hours=1) if start < now - timedelta(hours=1) else now
            track.times = times if times[-1] <= hi else self.fit(hours, start, hi)
        everything = self.plans + self.tracks
        order = sorted(
            (t, i, j) for i, plan in enumerate(everything) for j, t in enumerate(plan.times)
        )
        for at, i, j in order:
            plan = everything[i]
            _, user, fn = plan.steps[j]
            self.clock.at = at
            try:
                fn(self.ctxs[user], plan.st)
            except DomainError as exc:
                label = plan.parent.label if plan.parent else plan.label
                exc.add_note(f"demo: {label} step {j} at {at.isoformat()} as {user}")
                raise

    def summary(self, seconds: float) -> dict[str, Any]:
        cases = list(Case.select(Case.id, Case.customer, Case.kind).where(Case.id.in_(self.made)))
        kinds: dict[str, int] = {}
        for c in cases:
            kinds[c.kind] = kinds.get(c.kind, 0) + 1
        at_now = replace(self.ctx, clock=lambda: self.now0)
        return {
            "cases": len(cases),
            "customers": len({c.customer_id for c in cases}),
            "users": [self.users[key] for key, *_ in STAFF],
            "accounts": {key: self.users[key] for key, *_ in STAFF},
            "pin": DEMO_PIN,
            "kinds": kinds,
            "claims": CarrierClaim.select().where(CarrierClaim.case.in_(self.made)).count(),
            "spare_parts": SparePart.select().count(),
            "overdue": count_cases(at_now, CaseFilter(overdue=True)),
            "total_cases": Case.select().count(),
            "from": (self.now0 - timedelta(days=DEMO_DAYS)).astimezone(self.tz).date().isoformat(),
            "to": self.now0.astimezone(self.tz).date().isoformat(),
            "seconds": round(seconds, 2),
        }


# Open cases of the last days, not overdue yet: with OVERDUE, every non-final state of every
# workflow has a case in it.
OPEN_COVERAGE: tuple[tuple[str, str, str], ...] = (
    ("repair", "warranty", "received"),
    ("repair", "warranty", "diagnosing"),
    ("repair", "paid", "awaiting_approval"),
    ("repair", "warranty", "repairing"),
    ("repair", "warranty", "quality_check"),
    ("repair", "onsite", "scheduled"),
    ("repair", "onsite", "visited"),
    ("repair", "onsite_revisit", "revisit_scheduled"),
    ("return", "quality_refund", "requested"),
    ("return", "quality_refund", "approved"),
    ("exchange", "ship_first", "replacement_shipped"),
    ("return", "no_reason", "awaiting_goods"),
    ("exchange", "exchange", "received"),
    ("return", "quality_refund", "inspected"),
    ("exchange", "exchange", "liability_decided"),
    ("return", "quality_refund", "disposition_done"),
    ("return", "no_reason", "refunded"),
    ("exchange", "exchange", "exchanged"),
    ("return", "batch_credit", "credited"),
    ("return", "rejected", "rejected"),
    ("refund", "not_shipped", "requested"),
    ("refund", "delivered", "verifying"),
    ("refund", "not_shipped", "refunded"),
    ("refund", "reject_direct", "rejected"),
    ("complaint", "full", "logged"),
    ("complaint", "full", "acknowledged"),
    ("complaint", "quick", "resolved"),
    ("complaint", "reopen", "follow_up"),
    ("parts", "full", "requested"),
    ("parts", "full", "shipped"),
    ("parts", "full", "delivered"),
    ("parts", "rejected", "rejected"),
    ("carrier_damage", "replace_claim", "reported"),
    ("carrier_damage", "refund_close", "documented"),
    ("carrier_damage", "replace_close", "replacement_shipped"),
    ("carrier_damage", "refund_claim", "refunded"),
    ("carrier_damage", "rejected", "rejected"),
)
# Open cases left past their promise (or first-answer) date.
OVERDUE: tuple[tuple[str, str, str], ...] = (
    ("repair", "paid_parts", "awaiting_parts"),
    ("repair", "warranty", "ready_for_pickup"),
    ("return", "no_reason", "awaiting_goods"),
    ("complaint", "full", "investigating"),
    ("complaint", "full", "logged"),
    ("carrier_damage", "replace_claim", "claim_filed"),
    ("refund", "intercept", "intercepting"),
    ("parts", "full", "approved"),
)
# Paths per kind with how often the shop sees them.
VARIANTS: dict[str, dict[str, int]] = {
    "repair": {
        "warranty": 40,
        "paid": 22,
        "paid_parts": 5,
        "declined": 6,
        "scrap": 3,
        "quick": 9,
        "cancel": 3,
        "onsite": 6,
        "onsite_revisit": 3,
        "onsite_cancel": 2,
    },
    "return": {
        "quality_refund": 11,
        "no_reason": 11,
        "rejected": 5,
        "damaged_parcel": 2,
        "no_fault": 3,
        "cancel": 2,
        "cancel_goods": 1,
        "scrap": 2,
        "batch_credit": 3,
    },
    "exchange": {
        "exchange": 16,
        "ship_first": 6,
        "approved_ship_first": 2,
        "rejected": 3,
        "no_fault": 2,
        "cancel": 1,
    },
    "refund": {
        "not_shipped": 12,
        "intercept": 6,
        "intercept_failed": 3,
        "lost": 4,
        "delivered": 5,
        "reject_direct": 2,
    },
    "complaint": {"full": 13, "quick": 7, "reopen": 3, "spawn_repair": 4, "spawn_exchange": 2},
    "parts": {"full": 16, "rejected": 4},
    "carrier_damage": {
        "replace_claim": 7,
        "refund_close": 6,
        "refund_claim": 4,
        "replace_close": 4,
        "rejected": 3,
    },
}
KIND_SHARE = {
    "repair": 50,
    "return": 9,
    "exchange": 8,
    "refund": 12,
    "complaint": 10,
    "parts": 5,
    "carrier_damage": 6,
}


DEMO_KEY = "demo_folder"


def is_demo_folder() -> bool:
    """Whether this database was made as a demo (the window's title says so)."""
    return Setting.get_or_none(Setting.key == DEMO_KEY) is not None


def demo_allowed() -> bool:
    """Demo data goes only into a folder made as a demo, or an empty one (no case and no
    account anyone can sign in with): never into a live shop, whose owner would find fake
    cases in the books and an owner account with the published PIN."""
    if is_demo_folder():
        return True
    has_cases = Case.select().exists()
    has_accounts = (
        User.select().where((User.name != "system") & User.secret_hash.is_null(False)).exists()
    )
    return not has_cases and not has_accounts


def _claim_demo_folder(ctx: Context) -> None:
    """Refuse a live shop; mark an empty folder as a demo for good (inside the batch's
    transaction, so a refused or failed batch leaves no mark)."""
    if not demo_allowed():
        raise DomainError("demo_live_shop")
    if is_demo_folder():
        return
    now = ctx.now()
    put_setting(DEMO_KEY, {"since": now.isoformat()}, now, None)
    record_event(
        at=now,
        actor_id=ctx.actor.id,
        entity="setting",
        entity_id=0,
        action="demo_folder",
        data={"key": DEMO_KEY},
    )


def make_demo(ctx: Context, *, cases: int = DEMO_CASES) -> dict[str, Any]:
    """Add a batch of demo cases (with customers, staff and parts) to the data folder.

    The batch has `cases` cases, or the ~120 that leave every workflow state on some case when
    `cases` is smaller. Returns a summary: {"cases", "customers", "users", "kinds", "claims",
    "spare_parts", "overdue", "total_cases", "from", "to", "seconds", "accounts" (key -> sign-in
    name), "pin"}. Demo accounts sign in with the demo PIN. One transaction: the whole batch or
    nothing.
    """
    started = time.perf_counter()
    with write_transaction():
        _claim_demo_folder(ctx)
        demo = _Demo(ctx, cases)
        demo.run()
        return demo.summary(time.perf_counter() - started)
