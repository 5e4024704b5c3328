"""Card design, the seed's steps: choose a template -> add an image -> add text -> preview ->
edit -> publish. The draft is edited freely; cards show the copy taken at publish time."""

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from core.codes import qr_payload
from merchants.images import image_process

from ..locks import card_design_lock
from ..models import CardDesign, CardProgram, MembershipCard
from ..rendering import Face, print_png, screen_png

DESIGN_FIELDS = ("template", "title", "subtitle", "text_color")


def design_of(program: CardProgram) -> CardDesign:
    design, _ = CardDesign.objects.get_or_create(program=program)
    return design


@transaction.atomic
def card_design_update(*, program: CardProgram, **fields) -> CardDesign:
    design = design_of(program)
    changed = [name for name in DESIGN_FIELDS if name in fields]
    for name in changed:
        setattr(design, name, fields[name])
    design.save(update_fields=[*changed, "updated_at"])
    return design


@transaction.atomic
def card_design_image_set(*, program: CardProgram, upload: UploadedFile | None) -> CardDesign:
    """Add (or, with None, remove) the design's image; JPEG, PNG or WebP, checked first."""
    design = design_of(program)
    if upload is None:
        design.image = ""
    else:
        design.image = image_process(upload).original
    design.save(update_fields=["image", "updated_at"])
    return design


@transaction.atomic
def card_design_publish(*, program: CardProgram) -> CardDesign:
    design = card_design_lock(design_of(program).pk)
    design.published = {name: getattr(design, name) for name in DESIGN_FIELDS}
    if design.image:
        design.image.open("rb")
        with design.image:
            design.published_image = ContentFile(design.image.read(), name="face.png")
    else:
        design.published_image = ""
    design.published_at = timezone.now()
    design.save()
    return design


def open_image(field) -> Image.Image | None:
    if not field:
        return None
    field.open("rb")
    with field:
        image = Image.open(field)
        image.load()
    return image


def draft_face(program: CardProgram) -> Face:
    design = design_of(program)
    return Face(
        template=design.template,
        title=design.title or program.name,
        subtitle=design.subtitle,
        text_color=design.text_color,
        image=open_image(design.image),
        level=(program.levels.order_by("rank").first() or program).name,
        holder="会员姓名",
        number="",
        qr_payload="",
    )


def card_face(card: MembershipCard) -> Face:
    program = card.program
    design = CardDesign.objects.filter(program=program).first()
    published = (design.published if design else None) or {}
    return Face(
        template=published.get("template", "classic"),
        title=published.get("title") or program.name,
        subtitle=published.get("subtitle", ""),
        text_color=published.get("text_color", ""),
        image=open_image(design.published_image) if design else None,
        level=card.level.name,
        holder=card.consumer.name or "会员",
        number=card.number,
        qr_payload=qr_payload("M", card.number),
    )


def card_design_preview_png(*, program: CardProgram) -> bytes:
    return screen_png(draft_face(program))


def card_image_png(*, card: MembershipCard, for_print: bool = False) -> bytes:
    face = card_face(card)
    return print_png(face) if for_print else screen_png(face)
