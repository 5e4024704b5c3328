import itertools
from datetime import date, datetime, time

from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber
from pypinyin import Style, lazy_pinyin

from accounts.models import Role
from accounts.services import user_register
from core.errors import NotFound
from moderation.services import HELD, screening_queue, text_screen

from .errors import InvalidHours, PublicServiceNotBookable
from .images import image_process
from .locks import shop_lock
from .models import (
    Category,
    HoursException,
    Merchant,
    OpeningHours,
    Service,
    ServicePhoto,
    Shop,
    ShopCategory,
    ShopPhoto,
    StaffMember,
)

# --- merchants and staff ---------------------------------------------------------------------


@transaction.atomic
def merchant_register(
    *,
    phone: PhoneNumber,
    password: str,
    name: str,
    merchant_name: str,
    phone_verified_at: datetime | None = None,
) -> Merchant:
    """A merchant owner's account and the merchant it owns, together or not at all."""
    owner = user_register(
        phone=phone,
        password=password,
        name=name,
        role=Role.MERCHANT_OWNER,
        phone_verified_at=phone_verified_at,
    )
    return Merchant.objects.create(owner=owner, name=merchant_name)


def merchants_verify(*, merchants, staff, verified: bool = True) -> int:
    """Platform staff checked (or withdraw) the merchants' licences: only those with licence
    details can be verified. How many changed."""
    if not verified:
        return merchants.filter(verified_at__isnull=False).update(
            verified_at=None, verified_by=None
        )
    return (
        merchants.filter(verified_at__isnull=True)
        .exclude(licence_name="")
        .exclude(licence_number="")
        .update(verified_at=timezone.now(), verified_by=staff)
    )


@transaction.atomic
def staff_create(
    *,
    merchant: Merchant,
    phone: PhoneNumber,
    password: str,
    name: str,
    permissions: list[str],
    shops: list[Shop],
) -> StaffMember:
    user = user_register(phone=phone, password=password, name=name, role=Role.MERCHANT_STAFF)
    member = StaffMember.objects.create(merchant=merchant, user=user, permissions=permissions)
    member.shops.set(shops)
    return member


@transaction.atomic
def staff_update(
    *,
    member: StaffMember,
    permissions: list[str] | None = None,
    shops: list[Shop] | None = None,
    is_active: bool | None = None,
) -> StaffMember:
    if permissions is not None:
        member.permissions = permissions
        member.save(update_fields=["permissions"])
    if shops is not None:
        member.shops.set(shops)
    if is_active is not None:
        member.user.is_active = is_active
        member.user.save(update_fields=["is_active"])
    return member


# --- shops -----------------------------------------------------------------------------------


def pinyin_of(name: str) -> tuple[str, str]:
    """("鑫悦火锅（静安店）") -> ("xinyuehuoguojingandian", "xyhgjad"), for pinyin search."""
    full = "".join(lazy_pinyin(name)).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    return "".join(c for c in full if c.isalnum()), "".join(c for c in initials if c.isalnum())


def with_parents(categories: list[Category]) -> set[Category]:
    """A shop in 火锅 is also found under 餐饮美食."""
    return {c for category in categories for c in (category, category.parent) if c is not None}


def shop_categories_set(*, shop: Shop, categories: list[Category]) -> None:
    ShopCategory.objects.filter(shop=shop).delete()
    ShopCategory.objects.bulk_create(
        ShopCategory(shop=shop, category=category, location=shop.location)
        for category in with_parents(categories)
    )


@transaction.atomic
def shop_create(
    *,
    merchant: Merchant,
    name: str,
    categories: list[Category],
    address: str,
    lat: float,
    lng: float,
    description: str = "",
    phone: str = "",
    price_level: int = 2,
) -> Shop:
    # Public text passes the word list first; what hits waits for staff (moderation).
    screening = text_screen({"name": name, "description": description})
    name = screening.public("name", HELD)
    name_pinyin, name_initials = pinyin_of(name)
    shop = Shop.objects.create(
        merchant=merchant,
        name=name,
        name_pinyin=name_pinyin,
        name_initials=name_initials,
        description=screening.public("description"),
        address=address,
        location=Point(lng, lat, srid=4326),
        phone=phone,
        price_level=price_level,
    )
    shop_categories_set(shop=shop, categories=categories)
    screening_queue(screening, subject="merchants.shop", object_id=shop.pk)
    return shop


SHOP_EDITABLE = {"name", "description", "address", "phone", "price_level"}


@transaction.atomic
def shop_update(
    *,
    shop: Shop,
    categories: list[Category] | None = None,
    lat: float | None = None,
    lng: float | None = None,
    reviewed: bool = False,
    **fields,
) -> Shop:
    """Edit a shop; its category links keep a copy of the location, moved in the same
    transaction under a row lock so discovery never sees the two disagree."""
    shop = shop_lock(shop.pk)
    if not reviewed:  # staff approved it already (moderation), else the word list first
        screening = text_screen({k: fields[k] for k in ("name", "description") if k in fields})
        screening_queue(screening, subject="merchants.shop", object_id=shop.pk)
        fields = {k: v for k, v in fields.items() if k not in screening.hits}  # held: old text
    changed = set(fields) & SHOP_EDITABLE
    for field in changed:
        setattr(shop, field, fields[field])
    if "name" in changed:
        shop.name_pinyin, shop.name_initials = pinyin_of(shop.name)
        changed |= {"name_pinyin", "name_initials"}
    if lat is not None and lng is not None:
        shop.location = Point(lng, lat, srid=4326)
        changed.add("location")
        ShopCategory.objects.filter(shop=shop).update(location=shop.location)
    shop.save(update_fields=[*changed, "updated_at"])
    if categories is not None:
        shop_categories_set(shop=shop, categories=categories)
    return shop


@transaction.atomic
def shop_hours_set(*, shop: Shop, spans: list[dict]) -> list[OpeningHours]:
    """Replace the weekly hours. Spans of one weekday may not overlap."""
    by_day: dict[int, list[tuple[time, time]]] = {}
    for span in spans:
        if span["opens"] == span["closes"] and span["opens"] != time(0):
            raise InvalidHours(
                fields={"hours": [_("开门与关门时间不能相同（全天营业请填 00:00-00:00）。")]}
            )
        by_day.setdefault(span["weekday"], []).append((span["opens"], span["closes"]))
    for day_spans in by_day.values():
        day_spans.sort()
        for (first_opens, first_closes), (second_opens, _close) in itertools.pairwise(day_spans):
            # An overnight span (closes <= opens) must be the day's last.
            if first_closes <= first_opens or second_opens < first_closes:
                raise InvalidHours(fields={"hours": [_("同一天的营业时段不能重叠。")]})
    OpeningHours.objects.filter(shop=shop).delete()
    return OpeningHours.objects.bulk_create(OpeningHours(shop=shop, **span) for span in spans)


@transaction.atomic
def hours_exception_set(
    *,
    shop: Shop,
    day: date,
    is_closed: bool,
    opens: time | None = None,
    closes: time | None = None,
    note: str = "",
) -> HoursException:
    if not is_closed and (opens is None or closes is None):
        raise InvalidHours(fields={"opens": [_("特殊营业日需要填写开门和关门时间。")]})
    exception, _created = HoursException.objects.update_or_create(
        shop=shop,
        date=day,
        defaults={
            "is_closed": is_closed,
            "opens": None if is_closed else opens,
            "closes": None if is_closed else closes,
            "note": note,
        },
    )
    return exception


@transaction.atomic
def hours_exception_delete(*, shop: Shop, day: date) -> None:
    """Back to the weekday's hours on `day`; NotFound when the shop has no exception then."""
    deleted, _by_model = HoursException.objects.filter(shop=shop, date=day).delete()
    if not deleted:
        raise NotFound()


@transaction.atomic
def shop_photo_add(*, shop: Shop, kind: str, upload: UploadedFile) -> ShopPhoto:
    return ShopPhoto.objects.create(shop=shop, kind=kind, **image_process(upload).model_fields())


@transaction.atomic
def shop_photo_delete(*, shop: Shop, photo_id: int) -> None:
    """Remove a shop's photo (NotFound for another shop's); its files go once committed."""
    photo = ShopPhoto.objects.filter(shop=shop, pk=photo_id).first()
    if photo is None:
        raise NotFound()
    photo.delete()
    transaction.on_commit(lambda: (photo.image.delete(False), photo.thumbnail.delete(False)))


# --- services --------------------------------------------------------------------------------


def service_bookable_check(*, shop: Shop, bookable: bool) -> None:
    if bookable and shop.is_public_service:
        raise PublicServiceNotBookable(fields={"bookable": [str(PublicServiceNotBookable.message)]})


@transaction.atomic
def service_create(
    *,
    shop: Shop,
    name: str,
    price_fen: int,
    description: str = "",
    duration_minutes: int | None = None,
    bookable: bool = False,
) -> Service:
    service_bookable_check(shop=shop, bookable=bookable)
    screening = text_screen({"name": name, "description": description})
    service = Service.objects.create(
        shop=shop,
        name=screening.public("name", HELD),
        price_fen=price_fen,
        description=screening.public("description"),
        duration_minutes=duration_minutes,
        bookable=bookable,
    )
    screening_queue(screening, subject="merchants.service", object_id=service.pk)
    return service


SERVICE_EDITABLE = {"name", "description", "price_fen", "duration_minutes", "bookable", "is_active"}


@transaction.atomic
def service_update(*, service: Service, reviewed: bool = False, **fields) -> Service:
    if fields.get("bookable"):
        service_bookable_check(shop=service.shop, bookable=True)
    if not reviewed:
        screening = text_screen({k: fields[k] for k in ("name", "description") if k in fields})
        screening_queue(screening, subject="merchants.service", object_id=service.pk)
        fields = {k: v for k, v in fields.items() if k not in screening.hits}
    changed = set(fields) & SERVICE_EDITABLE
    for field in changed:
        setattr(service, field, fields[field])
    service.save(update_fields=list(changed))
    return service


@transaction.atomic
def service_photo_add(*, service: Service, upload: UploadedFile) -> ServicePhoto:
    return ServicePhoto.objects.create(service=service, **image_process(upload).model_fields())


# --- content review: approved texts (moderation.registry) --------------------------------


def shop_text_apply(*, object_id: int, field: str, text: str) -> None:
    shop = Shop.objects.filter(pk=object_id).first()
    if shop is not None:
        shop_update(shop=shop, reviewed=True, **{field: text})


def service_text_apply(*, object_id: int, field: str, text: str) -> None:
    service = Service.objects.filter(pk=object_id).first()
    if service is not None:
        service_update(service=service, reviewed=True, **{field: text})
