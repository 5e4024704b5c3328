"""The demo's shops across Shanghai and its three logins (`manage.py seed_demo`); the bench's
shop generator (bench/data/shops.py) draws on the same names."""

import random
from datetime import time

from django.utils import timezone

from accounts.models import Role, User
from merchants.models import Merchant, Shop
from merchants.services import service_create, shop_create, shop_hours_set

DEMO_PASSWORD = "O2O-demo-2026"  # noqa: S105  printed by make run; demo data only
DEMO_MERCHANT_PHONE = "+8613800000000"
DEMO_CONSUMER_PHONE = "+8613900000000"
DEMO_ADMIN_PHONE = "+8613700000000"

DISTRICTS = [  # name, lat, lng
    ("黄浦", 31.2317, 121.4846),
    ("静安", 31.2286, 121.4481),
    ("徐汇", 31.1885, 121.4365),
    ("长宁", 31.2204, 121.4242),
    ("陆家嘴", 31.2397, 121.4998),
    ("五角场", 31.2990, 121.5149),
    ("虹口", 31.2646, 121.5050),
    ("普陀", 31.2496, 121.3972),
    ("闵行", 31.1128, 121.3815),
    ("宝山", 31.4050, 121.4890),
]
STREETS = [
    "南京西路",
    "淮海中路",
    "长乐路",
    "武康路",
    "四川北路",
    "世纪大道",
    "漕溪北路",
    "延安西路",
    "曹杨路",
    "国权路",
    "肇嘉浜路",
    "天目西路",
    "张杨路",
    "虹桥路",
]
BRANDS = [
    "鑫悦",
    "福满",
    "金桂",
    "老街",
    "新元",
    "和顺",
    "星河",
    "阳光",
    "喜乐",
    "大丰",
    "小巷",
    "悦来",
    "锦绣",
    "弄堂",
    "海派",
    "一品",
    "味道",
    "春风",
    "晨光",
    "同福",
]
# subcategory -> (shop nouns, [(service, min yuan, max yuan, minutes, bookable)])
SHOP_KINDS = {
    "hotpot": (
        ["火锅", "串串香", "老火锅"],
        [
            ("双人套餐", 138, 228, 90, True),
            ("四人套餐", 268, 398, 120, True),
            ("精品肥牛", 38, 68, None, False),
        ],
    ),
    "chinese": (
        ["本帮菜", "小馆", "酒家"],
        [("红烧肉", 48, 88, None, False), ("商务午市套餐", 58, 98, 60, True)],
    ),
    "snacks": (
        ["生煎", "面馆", "小笼"],
        [("招牌生煎 4 只", 12, 22, None, False), ("葱油拌面", 15, 25, None, False)],
    ),
    "bbq": (
        ["烧烤", "烤肉"],
        [("烤串拼盘", 68, 128, None, False), ("三人烤肉套餐", 198, 288, 120, True)],
    ),
    "cafe": (
        ["咖啡", "甜品屋"],
        [("拿铁", 22, 38, None, False), ("下午茶双人套餐", 88, 158, 90, True)],
    ),
    "western": (
        ["西餐厅", "牛排馆"],
        [("西冷牛排", 128, 228, None, False), ("双人晚餐", 298, 520, 120, True)],
    ),
    "dry-cleaning": (
        ["洗衣", "干洗"],
        [("西装干洗", 35, 60, None, False), ("羽绒服清洗", 45, 88, None, False)],
    ),
    "shoe-care": (["洗鞋", "皮具护理"], [("运动鞋清洗", 29, 49, None, False)]),
    "hair": (
        ["美发", "造型"],
        [
            ("洗剪吹", 48, 128, 45, True),
            ("烫发", 268, 688, 150, True),
            ("染发", 228, 588, 120, True),
        ],
    ),
    "nails": (
        ["美甲", "美睫"],
        [("纯色美甲", 68, 128, 60, True), ("嫁接睫毛", 168, 298, 90, True)],
    ),
    "spa": (["美容", "SPA"], [("面部护理", 198, 398, 75, True)]),
    "massage": (
        ["足道", "推拿"],
        [("足疗 60 分钟", 98, 168, 60, True), ("全身推拿 90 分钟", 168, 268, 90, True)],
    ),
    "hotel": (["酒店", "精品酒店"], [("大床房一晚", 328, 688, None, True)]),
    "homestay": (["民宿", "公寓"], [("整套一晚", 298, 588, None, True)]),
    "gym": (
        ["健身", "健身工作室"],
        [("私教课", 200, 400, 60, True), ("月卡", 299, 599, None, False)],
    ),
    "yoga": (["瑜伽", "普拉提"], [("团课体验", 69, 129, 60, True)]),
    "swimming": (["游泳馆"], [("单次游泳", 40, 80, 120, False)]),
    "car-wash": (
        ["洗车", "汽车美容"],
        [("标准洗车", 30, 60, 30, True), ("精致打蜡", 168, 298, 90, True)],
    ),
    "car-repair": (["汽修", "汽车服务"], [("保养套餐", 398, 888, 120, True)]),
    "property-agency": (["地产", "房产"], [("租房带看", 0, 0, 60, True)]),
    "tutoring": (["教育", "学堂"], [("一对一辅导", 200, 400, 60, True)]),
    "music-lessons": (["琴行", "艺术中心"], [("钢琴体验课", 99, 199, 45, True)]),
    "cleaning": (["家政", "保洁"], [("日常保洁 3 小时", 120, 180, 180, True)]),
    "appliance-repair": (["家电维修"], [("空调清洗", 80, 150, 60, True)]),
    "bank": ([""], []),
    "post-office": ([""], []),
    "government-service": (["社区事务受理中心"], []),
}
PUBLIC_BRANDS = {
    "bank": ["招商银行", "工商银行", "建设银行", "交通银行"],
    "post-office": ["中国邮政"],
    "government-service": [""],
}


def weekly_hours(slug: str) -> list[dict]:
    """Typical hours: hotpot and barbecue past midnight, banks on weekdays, hotels all day."""
    if slug in ("hotel", "homestay"):
        spans = [(day, time(0), time(0)) for day in range(7)]
    elif slug in ("hotpot", "bbq", "massage"):
        spans = [(day, time(11), time(2)) for day in range(7)]
    elif slug in ("bank", "post-office", "government-service"):
        spans = [(day, time(9), time(17)) for day in range(5)]
    else:
        spans = [(day, time(10), time(21, 30)) for day in range(7)]
    return [{"weekday": day, "opens": opens, "closes": closes} for day, opens, closes in spans]


def demo_accounts_create() -> Merchant:
    """The platform admin, the demo consumer and the demo merchant, phones proven."""
    proven = timezone.now()  # the demo accounts' phones count as proven by SMS
    User.objects.create_superuser(
        DEMO_ADMIN_PHONE, DEMO_PASSWORD, name="平台管理员", phone_verified_at=proven
    )
    User.objects.create_user(
        DEMO_CONSUMER_PHONE,
        DEMO_PASSWORD,
        name="小王",
        role=Role.CONSUMER,
        phone_verified_at=proven,
    )
    owner = User.objects.create_user(
        DEMO_MERCHANT_PHONE,
        DEMO_PASSWORD,
        name="李老板",
        role=Role.MERCHANT_OWNER,
        phone_verified_at=proven,
    )
    # Verified by the platform (licence on file), so its SMS may reach listed phones.
    return Merchant.objects.create(
        owner=owner,
        name="李记生活服务",
        verified_at=proven,
        licence_name="上海李记生活服务有限公司",
        licence_number="91310106MA1FL0000X",
    )


def demo_shop_create(rng: random.Random, index: int, merchant, categories: dict) -> Shop:
    # The demo merchant's shops are everyday services near 静安; the rest spread out.
    slug = (
        rng.choice(["hair", "hotpot", "dry-cleaning", "massage", "car-wash"])
        if merchant
        else rng.choice(list(SHOP_KINDS))
    )
    nouns, offers = SHOP_KINDS[slug]
    district, lat, lng = DISTRICTS[1] if merchant else rng.choice(DISTRICTS)
    brand = rng.choice(PUBLIC_BRANDS.get(slug, BRANDS))
    if merchant is None:
        owner = User.objects.create_user(
            f"+86136{index:08d}", None, name=f"{brand}老板", role=Role.MERCHANT_OWNER
        )
        merchant = Merchant.objects.create(owner=owner, name=f"{brand}{nouns[0]}")
    shop = shop_create(
        merchant=merchant,
        name=f"{brand}{rng.choice(nouns)}（{district}店）",
        categories=[categories[slug]],
        description=f"{district}的{categories[slug].name_zh}，{brand}出品，欢迎光临。",
        address=f"上海市{district}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
        lat=lat + rng.gauss(0, 0.012),
        lng=lng + rng.gauss(0, 0.015),
        phone=f"+86216{index:07d}",
        price_level=rng.randint(1, 4),
    )
    shop_hours_set(shop=shop, spans=weekly_hours(slug))
    for service, low, high, minutes, bookable in offers:
        service_create(
            shop=shop,
            name=service,
            price_fen=rng.randint(low, high) * 100,
            duration_minutes=minutes,
            bookable=bookable,
        )
    return shop
