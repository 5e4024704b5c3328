"""Every domain error an operation can raise is declared for it in the schema: its status, with
its code in the description (views list them in `errors`, core/schema.py).

What an operation can raise is read from the code: the view's handler and, transitively, every
project function or method it calls by name (`services.order_create(...)`, `helper(...)`,
`self.thing(...)`), collecting each `raise SomeDomainError(...)`. Calls through an object
(`plan.submit()`) are not followed; the schema fuzz covers what answers actually come back.
"""

import ast
import contextlib
import inspect
import textwrap
from functools import cache

from drf_spectacular.generators import SchemaGenerator

from core.errors import DomainError

PROJECT = (
    "accounts", "audit", "consumers", "core", "coupons", "crm", "dashboard", "deals", "geo",
    "loyalty", "merchants", "moderation", "notifications", "payments", "platform", "privacy",
    "settlement", "verification",
)  # fmt: skip
DEPTH = 8


def project_callable(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return (inspect.isfunction(obj) or inspect.ismethod(obj)) and module.split(".")[0] in PROJECT


def resolve(node, namespace: dict, owner: type | None):
    """The object an expression names (`a`, `a.b.c`, `self.x`), or None."""
    if isinstance(node, ast.Name):
        return namespace.get(
            node.id, __builtins__.get(node.id) if isinstance(__builtins__, dict) else None
        )
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls") and owner:
            return inspect.getattr_static(owner, node.attr, None) and getattr(
                owner, node.attr, None
            )
        base = resolve(node.value, namespace, owner)
        if base is None or not (inspect.ismodule(base) or inspect.isclass(base)):
            return None
        return getattr(base, node.attr, None)
    return None


def domain_error(obj) -> bool:
    return inspect.isclass(obj) and issubclass(obj, DomainError)


@cache
def raised_by(function, owner: type | None = None, depth: int = DEPTH) -> frozenset:
    """The DomainError classes `function` raises, itself or through what it calls."""
    function = inspect.unwrap(getattr(function, "__func__", function))
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return frozenset()
    namespace = dict(function.__globals__)
    if function.__closure__:
        for name, cell in zip(function.__code__.co_freevars, function.__closure__, strict=False):
            with contextlib.suppress(ValueError):  # an empty cell
                namespace[name] = cell.cell_contents
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            error = resolve(target, namespace, owner)
            if domain_error(error):
                found.add(error)
        elif isinstance(node, ast.Call) and depth > 0:
            called = resolve(node.func, namespace, owner)
            if project_callable(called):
                called_owner = (
                    owner
                    if isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in ("self", "cls")
                    else None
                )
                found |= raised_by(called, called_owner, depth - 1)
    return frozenset(found)


def undeclared() -> list[str]:
    generator = SchemaGenerator()
    document = generator.get_schema(request=None, public=True)
    missing = []
    for path, _regex, method, callback in generator.endpoints:
        view = callback.cls
        actions = getattr(callback, "actions", None) or {}
        handler = getattr(view, actions.get(method.lower(), method.lower()), None)
        if handler is None:
            continue
        operation = document["paths"].get(path, {}).get(method.lower())
        if operation is None:  # not in the API's schema (excluded by a hook)
            continue
        for error in sorted(raised_by(handler, view), key=lambda e: e.code):
            response = operation["responses"].get(str(error.status_code))
            if response is None or f"`{error.code}`" not in response.get("description", ""):
                missing.append(
                    f"{method} {path} ({view.__module__}.{view.__name__}): "
                    f"{error.status_code} {error.code} ({error.__module__}.{error.__name__})"
                )
    return missing


def test_every_domain_error_an_operation_raises_is_declared_for_it():
    missing = undeclared()
    assert not missing, "undeclared domain errors:\n" + "\n".join(missing)
