"""The dashboard's menus. A new page adds one line here and is shown only to the users whose
role and staff permissions let them open it (the same rule its view enforces)."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from merchants.models import Shop, StaffPermission


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url_name: str
    permission: str | None = None  # a StaffPermission staff need; owners have them all
    owner_only: bool = False

    def visible_to(self, user: User) -> bool:
        if user.role == Role.MERCHANT_OWNER:
            return True
        if self.owner_only or user.role != Role.MERCHANT_STAFF:
            return False
        return self.permission is None or self.permission in user.staff_membership.permissions


# Pages of one shop (their URL takes the shop id), shown as tabs on the shop's pages and as
# buttons on the home page.
SHOP_LINKS = [
    Link(_("门店资料"), "dashboard:shop-profile", StaffPermission.MANAGE_SHOPS),
    Link(_("照片"), "dashboard:shop-photos", StaffPermission.MANAGE_SHOPS),
    Link(_("服务与价格"), "dashboard:services", StaffPermission.MANAGE_SHOPS),
    Link(_("营业时间"), "dashboard:hours", StaffPermission.MANAGE_SHOPS),
    Link(_("前台核销"), "dashboard:counter", StaffPermission.REDEEM),
]

# Pages of the whole merchant, in the top menu.
MERCHANT_LINKS = [
    Link(_("今日"), "dashboard:home"),
    Link(_("订单"), "dashboard:orders", StaffPermission.REDEEM),
    Link(_("评价"), "dashboard:reviews", StaffPermission.MANAGE_CUSTOMERS),
    Link(_("资金"), "dashboard:money", owner_only=True),
    Link(_("优惠券"), "dashboard:campaigns", StaffPermission.MANAGE_COUPONS),
    Link(_("闪购"), "dashboard:deals", StaffPermission.MANAGE_COUPONS),
    Link(_("顾客"), "dashboard:customers", StaffPermission.VIEW_CUSTOMERS),
    Link(_("会员卡"), "dashboard:membership", StaffPermission.MANAGE_CARDS),
    Link(_("店员"), "dashboard:staff", owner_only=True),
]

# The customers section's tabs.
CRM_LINKS = [
    Link(_("顾客"), "dashboard:customers", StaffPermission.VIEW_CUSTOMERS),
    Link(_("今日待办"), "dashboard:crm-today", StaffPermission.VIEW_CUSTOMERS),
    Link(_("等级名册"), "dashboard:crm-roster", StaffPermission.VIEW_CUSTOMERS),
    Link(_("待审批计划"), "dashboard:crm-plans", owner_only=True),
    Link(_("分析"), "dashboard:crm-analytics", StaffPermission.VIEW_ANALYTICS),
]


def shop_links(user: User, shop: Shop) -> list[dict]:
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[shop.pk]), "name": link.url_name}
        for link in SHOP_LINKS
        if link.visible_to(user)
    ]


def merchant_links(user: User) -> list[dict]:
    return [
        {"label": link.label, "url": reverse(link.url_name), "name": link.url_name}
        for link in MERCHANT_LINKS
        if link.visible_to(user)
    ]


def crm_links(user: User) -> list[dict]:
    return [
        {"label": link.label, "url": reverse(link.url_name), "name": link.url_name}
        for link in CRM_LINKS
        if link.visible_to(user)
    ]
