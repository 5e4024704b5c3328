"""Paper coupons: an A4 PDF, eight coupons a page, each with its terms in Chinese, its QR code
and its typable code, inside dashed cutting lines.

Chinese is set in reportlab's built-in CID font STSong-Light, which PDF readers supply, so no
font file ships with the platform.
"""

import io
import re
from collections.abc import Iterable

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from core.codes import qr_image, qr_payload, short_code_format

from .benefits import benefit_text, when_text
from .models import Campaign, Coupon, PaperBatch

CHINESE = "STSong-Light"
LATIN = "Helvetica-Bold"
COLUMNS, ROWS = 2, 4
MARGIN, HEADER, PADDING = 28, 18, 10
QR_SIZE = 104
RED = colors.HexColor("#C8102E")
GREY = colors.HexColor("#555555")


def _fonts() -> None:
    if CHINESE not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CHINESE))


def wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    """Break text to `width`: between any two Chinese characters, but never inside a run of
    Latin letters and digits (a date, a time, a code). The last line ends in an ellipsis when
    the text does not fit."""
    lines, line = [], ""
    for token in re.findall(r"[A-Za-z0-9:.\-]+|.", text):
        if line and pdfmetrics.stringWidth(line + token, font, size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def fitted(text: str, sizes: tuple, width: float, max_lines: int) -> tuple[float, list[str]]:
    """The largest of `sizes` at which the text fits in `max_lines`, else the smallest."""
    for size in sizes:
        lines = wrap(text, CHINESE, size, width, max_lines + 1)
        if len(lines) <= max_lines:
            return size, lines
    return sizes[-1], wrap(text, CHINESE, sizes[-1], width, max_lines)


def terms_lines(campaign: Campaign, coupon: Coupon) -> list[str]:
    shops = [shop.name for shop in campaign.shops.all()]
    valid = f"{when_text(coupon.valid_from)} 至 {when_text(coupon.valid_until)}"
    return [
        f"有效期：{valid}",
        f"适用门店：{'、'.join(shops) if shops else '全部门店'}",
        "每券限用一次，不兑现、不找零；结账前出示本券。",
    ]


def _coupon_cell(canvas: Canvas, coupon: Coupon, campaign: Campaign, x: float, y: float, w, h):
    canvas.setDash(4, 3)
    canvas.setStrokeColor(colors.grey)
    canvas.rect(x, y, w, h)
    canvas.setDash()
    text_width = w - QR_SIZE - 3 * PADDING
    top = y + h - PADDING

    canvas.setFillColor(GREY)
    canvas.setFont(CHINESE, 8)
    merchant = wrap(campaign.merchant.name, CHINESE, 8, text_width, 1)[0]
    canvas.drawString(x + PADDING, top - 8, merchant)
    cursor = top - 26
    for text, sizes, colour in (
        (campaign.title, (13, 11), colors.black),
        (benefit_text(campaign), (18, 15, 12), RED),
    ):
        font_size, lines = fitted(text, sizes, text_width, max_lines=2)
        canvas.setFillColor(colour)
        canvas.setFont(CHINESE, font_size)
        for line in lines:
            canvas.drawString(x + PADDING, cursor, line)
            cursor -= font_size + 5
        cursor -= 2
    canvas.setFillColor(GREY)
    canvas.setFont(CHINESE, 8)
    for term in terms_lines(campaign, coupon):
        for line in wrap(term, CHINESE, 8, text_width, 3):
            canvas.drawString(x + PADDING, cursor, line)
            cursor -= 11

    qr_x, qr_y = x + w - PADDING - QR_SIZE, y + h - PADDING - QR_SIZE - 4
    image = qr_image(qr_payload("C", coupon.code), box_size=4, border=2)
    canvas.drawImage(ImageReader(image.get_image()), qr_x, qr_y, QR_SIZE, QR_SIZE)
    canvas.setFillColor(colors.black)
    canvas.setFont(LATIN, 11)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 13, short_code_format(coupon.code))
    canvas.setFont(CHINESE, 7)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 25, "扫码或输入券码核销")


def paper_batch_pdf(batch: PaperBatch) -> bytes:
    _fonts()
    campaign = (
        Campaign.objects.select_related("merchant", "service")
        .prefetch_related("shops")
        .get(pk=batch.campaign_id)
    )
    coupons: Iterable[Coupon] = batch.coupons.order_by("pk")
    buffer = io.BytesIO()
    page_width, page_height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{campaign.title}｜纸质优惠券")
    canvas.setAuthor(campaign.merchant.name)
    cell_w = (page_width - 2 * MARGIN) / COLUMNS
    cell_h = (page_height - 2 * MARGIN - HEADER) / ROWS
    per_page = COLUMNS * ROWS
    pages = -(-batch.count // per_page)
    printed = when_text(timezone.localtime(batch.created_at))
    for index, coupon in enumerate(coupons):
        slot = index % per_page
        if slot == 0:
            if index:
                canvas.showPage()
            canvas.setFont(CHINESE, 8)
            canvas.setFillColor(GREY)
            canvas.drawString(
                MARGIN,
                page_height - MARGIN - 10,
                f"{campaign.merchant.name}｜{campaign.title}｜批次 {batch.pk}｜{printed}"
                f"｜第 {index // per_page + 1}/{pages} 页｜沿虚线剪开",
            )
        column, row = slot % COLUMNS, slot // COLUMNS
        x = MARGIN + column * cell_w
        y = page_height - MARGIN - HEADER - (row + 1) * cell_h
        _coupon_cell(canvas, coupon, campaign, x + 3, y + 3, cell_w - 6, cell_h - 6)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
