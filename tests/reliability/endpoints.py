"""Every endpoint of the URL conf, with its HTTP methods, read from the resolver."""

from django.urls import URLPattern, URLResolver, get_resolver

IGNORED_METHODS = {"options", "head", "trace"}


def view_methods(callback) -> set[str] | None:
    """The methods a view answers, or None when a function view does not say."""
    if actions := getattr(callback, "actions", None):  # a DRF viewset route
        return {method.upper() for method in actions if method not in IGNORED_METHODS}
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return None
    return {
        method.upper()
        for method in view_class.http_method_names
        if method not in IGNORED_METHODS and hasattr(view_class, method)
    }


def url_patterns(patterns=None, namespace: str | None = None):
    """(namespace, qualified name, route, callback) of every pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and ":".join(filter(None, [namespace, pattern.name]))
            yield namespace, name, str(pattern.pattern), pattern.callback


def endpoints(*, skip_namespaces=("admin",)) -> dict[str, set[str] | None]:
    """URL name -> methods. Unnamed patterns are returned under their route, so a test can
    name them."""
    found: dict[str, set[str] | None] = {}
    for namespace, name, route, callback in url_patterns():
        if namespace and namespace.split(":")[0] in skip_namespaces:
            continue
        found[name or f"<unnamed {route}>"] = view_methods(callback)
    return found
