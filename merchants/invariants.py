"""Invariants of shops, categories and staff (see core/invariants.py)."""

from django.db import connection
from django.db.models import F

from accounts.models import Role
from core.invariants import invariant

from .models import Merchant, Service, Shop, StaffMember


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@invariant("merchants.category_links_carry_shop_location", "门店的分类链接带着门店自己的位置")
def category_links_carry_shop_location():
    for link_id, shop_id in rows(
        """SELECT link.id, link.shop_id FROM merchants_shopcategory link
           JOIN merchants_shop shop ON shop.id = link.shop_id
           WHERE NOT ST_Equals(link.location::geometry, shop.location::geometry)"""
    ):
        yield f"shop {shop_id}: category link {link_id} is not at the shop's location"


@invariant("merchants.category_links_include_parents", "子分类下的门店也在其父分类下")
def category_links_include_parents():
    for shop_id, category_id in rows(
        """SELECT link.shop_id, category.parent_id FROM merchants_shopcategory link
           JOIN merchants_category category ON category.id = link.category_id
           WHERE category.parent_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM merchants_shopcategory parent_link
               WHERE parent_link.shop_id = link.shop_id
                 AND parent_link.category_id = category.parent_id)"""
    ):
        yield f"shop {shop_id}: missing the link to parent category {category_id}"


@invariant("merchants.shop_has_a_category", "每家门店至少属于一个分类")
def shop_has_a_category():
    for shop in Shop.objects.filter(category_links__isnull=True).only("pk", "name"):
        yield f"shop {shop.pk} ({shop.name}) has no category"


@invariant("merchants.rating_within_0_to_5", "评分在 0-5 之间，无评价时为 0")
def rating_within_0_to_5():
    for shop in Shop.objects.exclude(rating__gte=0, rating__lte=5).only("pk", "rating"):
        yield f"shop {shop.pk}: rating {shop.rating}"
    for shop in Shop.objects.filter(rating_count=0).exclude(rating=0).only("pk", "rating"):
        yield f"shop {shop.pk}: rating {shop.rating} without any review"


@invariant("merchants.staff_work_in_their_merchants_shops", "店员只分配到本商户的门店")
def staff_work_in_their_merchants_shops():
    through = StaffMember.shops.through.objects.exclude(shop__merchant=F("staffmember__merchant"))
    for link in through.values("staffmember_id", "shop_id"):
        staff, shop = link["staffmember_id"], link["shop_id"]
        yield f"staff {staff} assigned to shop {shop} of another merchant"


@invariant("merchants.roles_match_accounts", "商户老板与店员账户的角色正确")
def roles_match_accounts():
    for merchant in Merchant.objects.exclude(owner__role=Role.MERCHANT_OWNER):
        yield f"merchant {merchant.pk}: owner {merchant.owner_id} is not a merchant_owner"
    for member in StaffMember.objects.exclude(user__role=Role.MERCHANT_STAFF):
        yield f"staff {member.pk}: user {member.user_id} is not a merchant_staff"


@invariant("merchants.public_services_not_bookable", "公共服务类门店的服务不可预约")
def public_services_not_bookable():
    bookable = Service.objects.filter(
        bookable=True, shop__categories__is_public_service=True
    ).distinct()
    for service in bookable.only("pk", "shop_id"):
        yield f"service {service.pk} of public-service shop {service.shop_id} is bookable"
