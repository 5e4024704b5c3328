"""The platform's two-level category taxonomy: (slug, 中文, English, children)."""

PUBLIC_SERVICES = "public-services"

TAXONOMY = [
    (
        "dining",
        "餐饮美食",
        "Dining",
        [
            ("hotpot", "火锅", "Hotpot"),
            ("chinese", "中餐", "Chinese cuisine"),
            ("snacks", "小吃快餐", "Snacks & fast food"),
            ("bbq", "烧烤", "Barbecue"),
            ("cafe", "咖啡甜品", "Café & desserts"),
            ("western", "西餐", "Western cuisine"),
        ],
    ),
    (
        "laundry",
        "洗衣护理",
        "Laundry",
        [
            ("dry-cleaning", "干洗店", "Dry cleaning"),
            ("shoe-care", "洗鞋护理", "Shoe care"),
        ],
    ),
    (
        "beauty",
        "丽人美发",
        "Hair & beauty",
        [
            ("hair", "美发", "Hair salon"),
            ("nails", "美甲美睫", "Nails & lashes"),
            ("spa", "美容SPA", "Beauty & spa"),
            ("massage", "按摩足疗", "Massage"),
        ],
    ),
    (
        "lodging",
        "酒店住宿",
        "Lodging",
        [
            ("hotel", "酒店", "Hotel"),
            ("homestay", "民宿公寓", "Homestay"),
        ],
    ),
    (
        "fitness",
        "运动健身",
        "Fitness",
        [
            ("gym", "健身房", "Gym"),
            ("yoga", "瑜伽", "Yoga"),
            ("swimming", "游泳馆", "Swimming"),
        ],
    ),
    (
        "car-services",
        "汽车服务",
        "Car services",
        [
            ("car-wash", "洗车美容", "Car wash"),
            ("car-repair", "汽车维修", "Car repair"),
        ],
    ),
    (
        "real-estate",
        "房产中介",
        "Real estate",
        [
            ("property-agency", "房屋租售", "Property agency"),
        ],
    ),
    (
        "education",
        "教育培训",
        "Education",
        [
            ("tutoring", "课外辅导", "Tutoring"),
            ("music-lessons", "音乐艺术", "Music & arts lessons"),
        ],
    ),
    (
        "home-services",
        "家政服务",
        "Home services",
        [
            ("cleaning", "保洁", "Cleaning"),
            ("appliance-repair", "家电维修", "Appliance repair"),
        ],
    ),
    (
        PUBLIC_SERVICES,
        "公共服务",
        "Public services",
        [
            ("bank", "银行", "Bank"),
            ("post-office", "邮局", "Post office"),
            ("government-service", "政务服务", "Government services"),
        ],
    ),
]


def taxonomy_load(Category) -> None:
    """Create or update the taxonomy's categories; safe to run again."""
    for order, (slug, zh, en, children) in enumerate(TAXONOMY):
        public = slug == PUBLIC_SERVICES
        parent, _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "sort_order": order,
                "is_public_service": public,
                "parent": None,
            },
        )
        for child_order, (child_slug, child_zh, child_en) in enumerate(children):
            Category.objects.update_or_create(
                slug=child_slug,
                defaults={
                    "name_zh": child_zh,
                    "name_en": child_en,
                    "parent": parent,
                    "sort_order": child_order,
                    "is_public_service": public,
                },
            )
