from drf_orjson_renderer.renderers import ORJSONRenderer


class JSONRenderer(ORJSONRenderer):
    pass


class GeoJSONRenderer(ORJSONRenderer):
    """`?format=geojson` or `Accept: application/geo+json`."""

    media_type = "application/geo+json"
    format = "geojson"
