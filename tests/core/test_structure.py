"""The shape of the code (ARCHITECTURE: Layout; the README's Layout shows the same graph).

The apps form layers, from the bottom; an app imports only apps of its own layer or below, at
module level or inside a function, and the import graph has no cycle. A lower app that must
tell a higher one something publishes an event through core (core.events) or asks a registry
the higher app fills in (core.segments); it never imports it. No function in app code is longer
than MAX_FUNCTION_LINES.
"""

import ast
from collections import defaultdict
from functools import cache

from tests.conftest import ROOT

LAYERS: list[tuple[str, ...]] = [
    ("core",),  # infrastructure: errors, pagination, events, registries; imports no app
    ("accounts", "moderation"),  # users and roles; the word list and review queue
    ("merchants", "payments"),
    # the offers and what they record
    (
        "coupons",
        "loyalty",
        "consumers",
        "settlement",
        "geo",
        "deals",
        "notifications",
        "verification",
    ),
    ("crm",),  # reads what the offers record; they tell it by events
    ("privacy", "audit"),  # read (export, erase, keep history of) everything below
    ("dashboard", "config"),  # the merchant's pages; the Django project (urls, celery)
    ("demo",),  # demo data: imports every app, none imports it
]
LAYER_OF = {app: level for level, apps in enumerate(LAYERS) for app in apps}

MAX_FUNCTION_LINES = 60  # from `def` to the last line, docstring and comments included


def app_dirs() -> set[str]:
    return {
        path.parent.name for path in ROOT.glob("*/apps.py") if not path.parent.name.startswith(".")
    } | {"config"}


@cache
def app_sources() -> tuple[tuple[str, str, ast.Module], ...]:
    """(app, path relative to the root, parsed tree) of every app module but migrations."""
    return tuple(
        (app, path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(), filename=str(path)))
        for app in sorted(app_dirs())
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    )


def imported_apps(tree: ast.AST, apps: set[str]):
    """(app, line) of every absolute import of another app, at any depth of the module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            if (top := name.split(".")[0]) in apps:
                yield top, node.lineno


def import_graph() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the places ("path:line") that import it."""
    apps = app_dirs()
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app, path, tree in app_sources():
        for imported, line in imported_apps(tree, apps):
            if imported != app:
                graph[app][imported].append(f"{path}:{line}")
    return graph


def cycles(graph) -> list[list[str]]:
    """Each strongly connected group of more than one app (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in graph.get(app, {}):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return sorted(found)


def test_every_app_has_a_layer():
    assert sorted(app_dirs() - set(LAYER_OF)) == []
    assert sorted(set(LAYER_OF) - app_dirs()) == []


def test_the_apps_import_each_other_without_cycles():
    assert cycles(import_graph()) == []


def test_no_app_imports_a_higher_layer():
    upward = [
        f"{app} -> {imported}: {', '.join(places)}"
        for app, imports in sorted(import_graph().items())
        for imported, places in sorted(imports.items())
        if LAYER_OF.get(imported, -1) > LAYER_OF.get(app, len(LAYERS))
    ]
    assert upward == []


def test_the_cycle_finder_finds_a_hidden_cycle():
    graph = {"crm": {"coupons": []}, "coupons": {"loyalty": []}, "loyalty": {"crm": []}}
    assert cycles(graph) == [["coupons", "crm", "loyalty"]]
    assert cycles({"crm": {"coupons": []}, "coupons": {}}) == []


def test_function_level_imports_count():
    tree = ast.parse("def f():\n    from crm.services.feed import customer_touch\n")
    assert list(imported_apps(tree, {"crm"})) == [("crm", 2)]


def test_no_function_is_longer_than_the_limit():
    long = sorted(
        (path, node.name, node.end_lineno - node.lineno + 1)
        for _, path, tree in app_sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    )
    assert long == []
