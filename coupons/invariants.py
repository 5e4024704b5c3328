"""Invariants of coupons and redemptions (see core/invariants.py)."""

from django.db import connection

from core.invariants import invariant


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


@invariant("coupons.redeemed_exactly_once", "已核销的券恰有一条有效核销记录，未核销的券没有")
def redeemed_exactly_once():
    for code, status, standing in rows(
        """SELECT coupon.code, coupon.status, COUNT(redemption.id)
           FROM coupons_coupon coupon
           LEFT JOIN coupons_redemption redemption
                  ON redemption.coupon_id = coupon.id AND redemption.reversed_at IS NULL
           GROUP BY coupon.id
           HAVING COUNT(redemption.id) <> CASE coupon.status WHEN 'redeemed' THEN 1 ELSE 0 END"""
    ):
        yield f"coupon {code} is {status} with {standing} standing redemption(s)"


@invariant("coupons.issued_count_matches", "活动的已发放数量等于其券的张数，且不超过总量")
def issued_count_matches():
    for campaign_id, issued, total, coupons in rows(
        """SELECT campaign.id, campaign.issued_count, campaign.total_quantity, COUNT(coupon.id)
           FROM coupons_campaign campaign
           LEFT JOIN coupons_coupon coupon ON coupon.campaign_id = campaign.id
           GROUP BY campaign.id
           HAVING campaign.issued_count <> COUNT(coupon.id)
               OR campaign.issued_count > campaign.total_quantity"""
    ):
        yield f"campaign {campaign_id}: issued_count {issued} of {total}, {coupons} coupons"


@invariant("coupons.redeemed_in_own_shops", "券只在发券商户自己的门店核销")
def redeemed_in_own_shops():
    for redemption_id, shop_id in rows(
        """SELECT redemption.id, redemption.shop_id FROM coupons_redemption redemption
           JOIN coupons_campaign campaign ON campaign.id = redemption.campaign_id
           JOIN coupons_coupon coupon ON coupon.id = redemption.coupon_id
           JOIN merchants_shop shop ON shop.id = redemption.shop_id
           WHERE shop.merchant_id <> campaign.merchant_id
              OR coupon.campaign_id <> redemption.campaign_id"""
    ):
        yield f"redemption {redemption_id} in shop {shop_id} of another merchant or campaign"
