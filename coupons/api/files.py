from rest_framework.negotiation import BaseContentNegotiation


class FileNegotiation(BaseContentNegotiation):
    """For the endpoints that send a file (QR PNG, PDF sheet, CSV) as an HttpResponse: an <img>
    tag or a download may ask for `image/png` or `application/pdf` in Accept; the file is sent
    whatever it asks, never a 406, and an error is still the usual JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
