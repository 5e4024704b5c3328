"""The schema says what the server does: public operations need no login, path ids are
integers, every status an operation can answer is declared in the error shape, no field declares
a default the server refuses, binary answers carry their media types."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

PUBLIC = [
    ("post", "/api/v1/auth/login/"),
    ("post", "/api/v1/auth/register/"),
    ("post", "/api/v1/auth/refresh/"),
    ("get", "/api/v1/categories/"),
    ("get", "/api/v1/discover/"),
    ("get", "/api/v1/shops/{id}/"),
    ("get", "/api/v1/shops/{id}/campaigns/"),
    ("get", "/api/v1/shops/{shop_id}/reviews/"),
    ("get", "/api/v1/shops/{shop_id}/slots/"),
    ("get", "/api/v1/flash-deals/"),
    ("get", "/api/v1/flash-deals/{id}/"),
]


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield method, path, operation


def resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_public_operations_need_no_login(schema):
    for method, path in PUBLIC:
        operation = schema["paths"][path][method]
        assert not operation.get("security"), (method, path, operation.get("security"))
    signed_in = schema["paths"]["/api/v1/me/orders/"]["get"]["security"]
    assert {"jwtAuth": []} in signed_in and {} not in signed_in


# Path parameters that are names, not ids: an enum or a token, declared as such.
NAMED_PATH_PARAMETERS = {
    "day",  # a date: hours-exceptions/{day}/
    "kind",  # a consent or policy kind, an SMS callback kind (enums)
    "gateway",  # an SMS or payment gateway's name
    "backend",  # a payment backend's name (notifications)
    "token",  # the SMS callbacks' secret path token
}


PAGE = {"next", "next_cursor", "results"}


def test_every_list_answers_the_one_page_shape(schema):
    """A GET answering a list answers a page: {next, next_cursor, results}, all required, even
    for a small list that always fits on one page (core.pagination.WholeList)."""
    bare, odd = [], []
    for method, path, operation in operations(schema):
        if method != "get":
            continue
        answer = operation["responses"].get("200", {}).get("content", {})
        for media_type, content in answer.items():
            body = resolve(schema, content.get("schema", {}))
            if body.get("type") == "array":
                bare.append((path, media_type))
            elif "results" in body.get("properties", {}):
                if set(body["properties"]) != PAGE or set(body.get("required", [])) != PAGE:
                    odd.append((path, sorted(body["properties"])))
                elif resolve(schema, body["properties"]["results"]).get("type") != "array":
                    odd.append((path, "results is not an array"))
    assert not bare, f"lists answered as bare arrays: {bare}"
    silent = [
        path
        for method, path, operation in operations(schema)
        if any(p["name"] == "cursor" for p in operation.get("parameters", []))
        and "`invalid_cursor`" not in operation["responses"]["400"]["description"]
    ]
    assert not silent, f"cursor pages not declaring 400 invalid_cursor: {silent}"
    assert not odd, f"pages not in the one shape: {odd}"
    pages = schema["paths"]["/api/v1/merchant/crm/today/"]["get"]["responses"]["200"]
    assert resolve(schema, pages["content"]["application/json"]["schema"])["required"] == [
        "next",
        "next_cursor",
        "results",
    ]


def test_path_ids_are_integers(schema):
    strings = [
        (method, path, parameter["name"])
        for method, path, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
        and parameter["schema"].get("type") != "integer"
        and parameter["name"] not in NAMED_PATH_PARAMETERS
    ]
    assert not strings


def statuses(schema, method, path) -> set[str]:
    return set(schema["paths"][path][method]["responses"])


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("post", "/api/v1/me/cards/{id}/top-ups/", {"402", "409", "422", "503"}),
        ("post", "/api/v1/me/orders/", {"402", "409", "422", "423", "503"}),
        ("post", "/api/v1/merchant/redemptions/", {"400", "403", "404", "409", "410", "422"}),
        ("post", "/api/v1/merchant/redemptions/lookup/", {"400", "404", "429"}),
        ("post", "/api/v1/merchant/counter/purchases/", {"403", "404", "409", "422", "423"}),
        ("post", "/api/v1/merchant/counter/top-ups/", {"402", "404", "409", "422", "503"}),
        ("get", "/api/v1/merchant/orders/lookup/", {"400", "403", "404", "429"}),
        ("post", "/api/v1/merchant/orders/consume/", {"403", "404", "409", "422"}),
        ("post", "/api/v1/campaigns/{id}/claim/", {"403", "409"}),
        ("post", "/api/v1/merchant/counter/scan/", {"400", "403", "404", "429"}),
    ],
)
def test_money_and_counter_errors_are_declared(schema, method, path, expected):
    assert expected <= statuses(schema, method, path)
    for code in expected:
        response = schema["paths"][path][method]["responses"][code]
        ref = response["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/Error"), (path, code)


def test_every_operation_declares_throttling_and_unavailability(schema):
    missing = [
        (method, path)
        for method, path, operation in operations(schema)
        if not {"429", "503"} <= set(operation["responses"])
    ]
    assert not missing


def test_the_money_codes_are_named_in_the_descriptions(schema):
    text = schema["paths"]["/api/v1/me/cards/{id}/top-ups/"]["post"]["responses"]["402"]
    assert "payment_declined" in text["description"]
    redeem = schema["paths"]["/api/v1/merchant/redemptions/"]["post"]["responses"]
    assert "already_redeemed" in redeem["409"]["description"]
    assert "expired" in redeem["410"]["description"]
    assert "below_minimum_spend" in redeem["422"]["description"]


def refused_default(prop: dict) -> str | None:
    """Why the schema's own default for this property would be refused, or None."""
    if "default" not in prop:
        return None
    default = prop["default"]
    if default is None:
        return None if prop.get("nullable") else "default null, not nullable"
    if isinstance(default, str):
        if len(default) < prop.get("minLength", 0):
            return f"default {default!r} shorter than minLength {prop['minLength']}"
        if "maxLength" in prop and len(default) > prop["maxLength"]:
            return "default longer than maxLength"
        if "pattern" in prop and not re.search(prop["pattern"], default):
            return f"default {default!r} does not match {prop['pattern']}"
    if isinstance(default, int | float) and not isinstance(default, bool):
        if "minimum" in prop and default < prop["minimum"]:
            return "default below minimum"
        if "maximum" in prop and default > prop["maximum"]:
            return "default above maximum"
    if "enum" in prop and default not in prop["enum"]:
        return f"default {default!r} not in enum"
    if isinstance(default, list) and len(default) < prop.get("minItems", 0):
        return "default shorter than minItems"
    return None


def test_no_field_declares_a_default_the_server_refuses(schema):
    contradictions = []
    for name, component in schema["components"]["schemas"].items():
        for field, prop in component.get("properties", {}).items():
            if why := refused_default(prop):
                contradictions.append(f"{name}.{field}: {why}")
    for method, path, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if why := refused_default(parameter.get("schema", {})):
                contradictions.append(f"{method} {path} ?{parameter['name']}: {why}")
    assert not contradictions, "\n".join(contradictions)


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/api/v1/me/coupons/{id}/qr.png", "image/png"),
        ("/api/v1/me/cards/{id}/image.png", "image/png"),
        ("/api/v1/merchant/cards/{id}/print.png", "image/png"),
        ("/api/v1/merchant/card-program/design/preview.png", "image/png"),
        ("/api/v1/merchant/campaigns/{id}/paper-batches/{batch_id}/pdf/", "application/pdf"),
    ],
)
def test_binary_answers_are_declared_with_their_media_type(schema, path, media_type):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert content[media_type]["schema"] == {"type": "string", "format": "binary"}


def test_masked_phones_have_one_name_and_one_format(schema):
    masked = [
        (name, field)
        for name, component in schema["components"]["schemas"].items()
        for field, prop in component.get("properties", {}).items()
        if "****" in prop.get("description", "") or field.endswith("phone_masked")
    ]
    assert len(masked) >= 3
    assert {field for _, field in masked} == {"phone_masked"}, masked
    assert all(
        "138****0000" in schema["components"]["schemas"][n]["properties"][f]["description"]
        or "139****0000" in schema["components"]["schemas"][n]["properties"][f]["description"]
        for n, f in masked
    )


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("+8613812345678", "138****5678"),
        ("13812345678", "138****5678"),
        ("+14155552671", "+1 415****2671"),
        ("", ""),
    ],
)
def test_phone_masked_is_one_format(phone, shown):
    from core.redaction import phone_masked

    assert phone_masked(phone) == shown


def test_every_discount_is_the_share_taken_off(schema):
    names = {
        (name, field)
        for name, component in schema["components"]["schemas"].items()
        for field in component.get("properties", {})
        if "percent" in field and not field.endswith("_fee_percent")  # fees are not discounts
    }
    assert not {field for _, field in names} - {"percent_off", "percent_cap_fen"}, names
    assert {"Level", "Campaign"} <= {name for name, field in names if field == "percent_off"}
