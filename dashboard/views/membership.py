"""Membership: the program and its levels, the card designer (template -> image -> text ->
preview -> publish; the preview is drawn by loyalty.rendering on the server) and the members
list. Rules are the loyalty app's (card_program_save, card_design_*); these views parse."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from loyalty import services
from loyalty.models import CardProgram, UpgradeBasis
from loyalty.selectors import merchant_cards, program_shop_ids
from loyalty.services.design import design_of
from merchants.models import StaffPermission
from merchants.selectors import shops_write_check

from ..access import is_htmx, merchant_page
from ..forms.membership import BonusTierFormSet, DesignForm, LevelFormSet, ProgramForm

MANAGE = StaffPermission.MANAGE_CARDS
INVALID = 422
PROGRAM_FIELDS = [name for name in ProgramForm.base_fields if name != "shops"]
MEMBERS_PER_PAGE = 30


def program_of(request) -> CardProgram | None:
    """The merchant's program; a POST (a change) needs staff to have every shop it is valid at
    (merchants.selectors.shops_write_check)."""
    program = CardProgram.objects.filter(merchant=request.merchant).first()
    if program is not None and request.method == "POST":
        shops_write_check(user=request.user, shop_ids=program_shop_ids(program))
    return program


def program_initial(program: CardProgram | None) -> tuple[dict, list[dict]]:
    if program is None:
        levels = [{"name": _("普通卡"), "points_per_yuan": 1, "price_percent": 100, "threshold": 0}]
        return {"name": _("会员卡")}, levels
    initial = {name: getattr(program, name) for name in PROGRAM_FIELDS}
    initial["shops"] = list(program.shops.all())
    scale = 100 if program.upgrade_basis == UpgradeBasis.SPEND else 1
    levels = [
        {
            "name": level.name,
            "points_per_yuan": level.points_per_yuan,
            "price_percent": level.price_percent,
            "threshold": Decimal(level.threshold) / scale,
        }
        for level in program.levels.order_by("rank")
    ]
    return initial, levels


def tiers_of(program: CardProgram | None) -> list[dict]:
    if program is None:
        return []
    tiers = program.bonus_tiers.order_by("min_amount_fen")
    return list(tiers.values("min_amount_fen", "bonus_fen"))


def rows_kept(formset) -> list[dict]:
    """A formset's filled rows not marked for deletion, in order, without the DELETE flag."""
    return [
        {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def levels_of(formset, basis: str) -> list[dict]:
    """The kept rows in order, ranked 0, 1, 2...; a spend threshold typed in yuan is fen."""
    scale = 100 if basis == UpgradeBasis.SPEND else 1
    rows = rows_kept(formset)
    return [
        {
            "rank": rank,
            "name": row["name"],
            "points_per_yuan": row["points_per_yuan"],
            "price_percent": row["price_percent"],
            "threshold": int(row["threshold"] * scale),
        }
        for rank, row in enumerate(rows)
    ]


@merchant_page(permission=MANAGE)
def program(request):
    current = program_of(request)
    initial, level_rows = program_initial(current)
    data = request.POST if request.method == "POST" else None
    form = ProgramForm(data, initial=initial, merchant=request.merchant)
    # Bound, the rows are what was posted: blank extra rows are skipped, filled ones kept.
    levels = LevelFormSet(data, initial=None if data else level_rows, prefix="levels")
    tiers = BonusTierFormSet(data, initial=None if data else tiers_of(current), prefix="bonus")
    valid = [part.is_valid() for part in (form, levels, tiers)]  # each shows its own errors
    if request.method == "POST" and all(valid):
        fields = dict(form.cleaned_data)
        shops = list(fields.pop("shops"))
        shops_write_check(user=request.user, shop_ids=[shop.pk for shop in shops])
        try:
            services.card_program_save(
                merchant=request.merchant,
                levels=levels_of(levels, fields["upgrade_basis"]),
                bonus_tiers=rows_kept(tiers),
                shops=shops,
                **fields,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("会员计划已保存。"))
            return redirect("dashboard:membership")
    context = {"form": form, "levels": levels, "tiers": tiers, "program": current}
    invalid = form.errors or levels.total_error_count() or tiers.total_error_count()
    status = INVALID if invalid else 200
    return render(request, "dashboard/membership/program.html", context, status=status)


def program_required(request):
    messages.error(request, _("请先设置会员计划。"))
    return redirect("dashboard:membership")


@merchant_page(permission=MANAGE)
def design(request):
    """The draft is saved as it is edited (each change, through htmx) and its preview redrawn;
    cards keep showing the published copy until the merchant publishes."""
    card_program = program_of(request)
    if card_program is None:
        return program_required(request)
    draft = design_of(card_program)
    initial = {
        name: getattr(draft, name) for name in ("template", "title", "subtitle", "text_color")
    }
    form = DesignForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            draft = services.card_design_update(
                program=card_program,
                **{k: fields[k] for k in ("template", "title", "subtitle", "text_color")},
            )
            if fields["image"] or fields["remove_image"]:
                draft = services.card_design_image_set(
                    program=card_program, upload=fields["image"] or None
                )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if not is_htmx(request):
                messages.success(request, _("草稿已保存，预览已更新。"))
                return redirect("dashboard:card-design")
    context = {"form": form, "design": draft, "program": card_program}
    status = INVALID if form.errors else 200
    if is_htmx(request):
        return render(request, "dashboard/membership/_design_preview.html", context, status=status)
    return render(request, "dashboard/membership/design.html", context, status=status)


@merchant_page(permission=MANAGE)
def design_preview(request):
    card_program = program_of(request)
    if card_program is None:
        return HttpResponse(status=404)
    try:
        png = services.card_design_preview_png(program=card_program)
    except DomainError as error:  # no CJK font on the server
        return HttpResponse(str(error.detail), status=503, content_type="text/plain")
    return HttpResponse(png, content_type="image/png", headers={"Cache-Control": "no-store"})


@merchant_page(permission=MANAGE)
@require_POST
def design_publish(request):
    card_program = program_of(request)
    if card_program is None:
        return program_required(request)
    services.card_design_publish(program=card_program)
    messages.success(request, _("卡面已发布，会员的卡将显示新卡面。"))
    return redirect("dashboard:card-design")


@merchant_page(permission=MANAGE)
def members(request):
    query = request.GET.get("q", "").strip()[:40]
    cards = merchant_cards(request.merchant).order_by("-pk")
    if query:
        number = query.replace("-", "").replace(" ", "").upper()
        cards = cards.filter(
            Q(number__contains=number)
            | Q(consumer__phone__contains=query)
            | Q(consumer__name__icontains=query)
        )
    page = Paginator(cards, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "program": program_of(request)}
    return render(request, "dashboard/membership/members.html", context)
