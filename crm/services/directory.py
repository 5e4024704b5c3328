"""Hand-added and imported customers, profile edits, CSV import with a rejected-rows report."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from phonenumber_field.phonenumber import PhoneNumber, to_python

from accounts.models import User
from core.spreadsheet import csv_writer
from merchants.models import Merchant

from ..errors import CsvUnreadable, CustomerExists
from ..models import Customer, CustomerExport, CustomerSource

PROFILE_FIELDS = (
    "name",
    "birthday",
    "birthday_lunar",
    "tags",
    "notes",
    "preferred_channel",
    "contact_every_days",
    "arrears_fen",
)
MAX_IMPORT_ROWS = 5000
CSV_COLUMNS = ["name", "phone", "birthday", "birthday_lunar", "tags", "notes"]


def consumer_with_phone(phone: PhoneNumber) -> User | None:
    """The consumer account that proved `phone` by SMS code (an unproven one is not theirs)."""
    return User.objects.proven_consumers([phone]).first()


@transaction.atomic
def customer_add(
    *,
    merchant: Merchant,
    phone: PhoneNumber,
    owner: User | None = None,
    source: str = CustomerSource.MANUAL,
    **profile,
) -> Customer:
    """A customer the merchant knows from outside the platform; linked to the consumer account
    with that phone number when there is one."""
    consumer = consumer_with_phone(phone)
    taken = Customer.objects.filter(merchant=merchant).filter(
        Q(phone=phone) | (Q(consumer=consumer) if consumer else Q(pk__in=[]))
    )
    if taken.exists():
        raise CustomerExists(fields={"phone": [str(CustomerExists.message)]})
    try:
        with transaction.atomic():
            return Customer.objects.create(
                merchant=merchant,
                phone=phone,
                consumer=consumer,
                owner=owner,
                source=source,
                **{k: v for k, v in profile.items() if k in PROFILE_FIELDS},
            )
    except IntegrityError as error:
        raise CustomerExists(fields={"phone": [str(CustomerExists.message)]}) from error


@transaction.atomic
def customer_update(*, customer: Customer, owner: User | None = None, **changes) -> Customer:
    fields = [k for k in changes if k in PROFILE_FIELDS]
    for name in fields:
        setattr(customer, name, changes[name])
    if "owner" in changes:
        customer.owner = owner
        fields.append("owner")
    if fields:
        customer.save(update_fields=fields)
    return customer


@dataclass
class ImportReport:
    created: int = 0
    rejected: list[dict] = field(default_factory=list)


def row_parse(row: dict) -> tuple[dict, list[str]]:
    errors = []
    name = (row.get("name") or "").strip()
    if not name:
        errors.append(_("缺少姓名"))
    if len(name) > 60:
        errors.append(_("姓名过长"))
    phone = to_python((row.get("phone") or "").strip(), region="CN")
    if not isinstance(phone, PhoneNumber) or not phone.is_valid():
        errors.append(_("手机号无效"))
    birthday = None
    if raw := (row.get("birthday") or "").strip():
        try:
            birthday = date.fromisoformat(raw)
        except ValueError:
            errors.append(_("生日格式应为 YYYY-MM-DD"))
    tags = [t.strip()[:20] for t in (row.get("tags") or "").replace("|", ";").split(";")]
    lunar = (row.get("birthday_lunar") or "").strip().lower() in ("1", "true", "yes", "是", "农历")
    fields = {
        "name": name[:60],
        "phone": phone,
        "birthday": birthday,
        "birthday_lunar": lunar,
        "tags": [t for t in tags if t],
        "notes": (row.get("notes") or "").strip(),
    }
    return fields, errors


def customers_import(
    *, merchant: Merchant, upload: bytes, owner: User | None = None
) -> ImportReport:
    """Each valid row becomes a customer; a row with a problem, or a phone already in the
    directory or earlier in the file, is reported with its line number and reasons."""
    try:
        text = upload.decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"name", "phone"} <= set(reader.fieldnames):
            raise CsvUnreadable()
        rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as error:
        raise CsvUnreadable() from error
    if len(rows) > MAX_IMPORT_ROWS:
        raise CsvUnreadable(_("一次最多导入 %(rows)s 行。") % {"rows": MAX_IMPORT_ROWS})
    report = ImportReport()
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        fields, errors = row_parse(row)
        phone = fields["phone"]
        key = str(phone) if isinstance(phone, PhoneNumber) else None
        if not errors and key in seen:
            errors.append(_("文件中手机号重复"))
        if not errors:
            seen.add(key)
            try:
                customer_add(merchant=merchant, owner=owner, source=CustomerSource.IMPORT, **fields)
                report.created += 1
                continue
            except CustomerExists:
                errors.append(_("该手机号已在客户档案中"))
        report.rejected.append(
            {"line": line, "name": (row.get("name") or "")[:60], "errors": errors}
        )
    return report


@transaction.atomic
def customers_csv(merchant: Merchant, *, by: User | None = None) -> str:
    """The directory as CSV; the export is recorded (who, when, which customers) in the same
    transaction, so no list of customers leaves without a trace (PIPL)."""
    from ..selectors import customer_level_names

    customers = list(
        Customer.objects.filter(merchant=merchant)
        .annotate(phone_text=Cast("phone", CharField()))
        .order_by("pk")
    )
    CustomerExport.objects.create(
        merchant=merchant,
        by=by,
        by_role=by.role if by else "",
        count=len(customers),
        customer_ids=[c.pk for c in customers],
        columns=[*CSV_COLUMNS, "level", "tier", "score", "segment", "spend_yuan", "visits"],
    )
    levels = customer_level_names(customers)
    out = io.StringIO()
    writer = csv_writer(out)  # every cell formula-escaped (core.spreadsheet)
    writer.writerow(
        [
            *CSV_COLUMNS,
            "level",
            "tier",
            "score",
            "segment",
            "spend_yuan",
            "visits",
            "last_visit",
            "satisfaction",
        ]
    )
    for c in customers:
        writer.writerow(
            [
                c.name,
                c.phone_text or "",
                c.birthday.isoformat() if c.birthday else "",
                "1" if c.birthday_lunar else "",
                ";".join(c.tags),
                c.notes,
                levels.get(c.pk, ""),
                c.tier,
                "" if c.score is None else c.score,
                c.segment,
                f"{c.spend_fen / 100:.2f}",
                c.visits,
                c.last_visit_at.date().isoformat() if c.last_visit_at else "",
                c.satisfaction or "",
            ]
        )
    return out.getvalue()
