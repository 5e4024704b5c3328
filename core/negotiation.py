from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """An unknown `?format=` is a bad parameter (400), not a missing resource (DRF says 404)."""

    def filter_renderers(self, renderers, format):
        try:
            return super().filter_renderers(renderers, format)
        except Http404 as error:
            formats = ", ".join(renderer.format for renderer in renderers)
            raise ValidationError(
                {"format": [_("可选格式：%(formats)s。") % {"formats": formats}]}
            ) from error
