from drf_orjson_renderer.renderers import ORJSONRenderer
from drf_spectacular.types import OpenApiTypes
from rest_framework.renderers import BaseRenderer
from rest_framework.views import APIView

from merchants.models import Merchant

from ..errors import NoCardProgram
from ..models import CardProgram

PNG_RESPONSE = {(200, "image/png"): OpenApiTypes.BINARY}


class PNGRenderer(BaseRenderer):
    media_type = "image/png"
    format = "png"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PNGView(APIView):
    """Answers a PNG; errors stay JSON in the one error shape."""

    renderer_classes = [PNGRenderer, ORJSONRenderer]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = ORJSONRenderer()
        self.request.accepted_media_type = ORJSONRenderer.media_type
        return response


def program_of(merchant: Merchant) -> CardProgram:
    program = CardProgram.objects.filter(merchant=merchant).first()
    if program is None:
        raise NoCardProgram()
    return program
