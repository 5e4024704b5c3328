"""The one kit for race tests: real threads, released together, each on its own connection.

Django gives every thread its own database connection; a thread that ends without closing it
leaves it open on the shared PostgreSQL (and the test database cannot be dropped), so each
thread closes its connections when its call is done.
"""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections

JOIN_SECONDS = 120  # far above any race here; a hung thread fails the test instead of the suite


def run_concurrently(
    fn: Callable[..., Any],
    *,
    n: int | None = None,
    args: Iterable[Any] | None = None,
    raise_errors: bool = False,
) -> list:
    """Call `fn` in threads that a barrier releases at the same instant.

    With `n`, thread i calls `fn(i)`; with `args`, one thread per item calls `fn(item)`.
    Returns what each call returned, or the exception it raised, in thread order (the
    outcome is what a race test looks at). With `raise_errors`, the first exception is raised
    instead, for races that must all succeed.
    """
    if (n is None) == (args is None):
        raise TypeError("pass exactly one of n= or args=")
    items = list(range(n)) if args is None else list(args)
    barrier = threading.Barrier(len(items))
    outcomes: list = [None] * len(items)

    def run(index: int, item: Any) -> None:
        try:
            barrier.wait()
            outcomes[index] = fn(item)
        except Exception as error:  # recorded, the test asserts on it
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(items)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_SECONDS)
        if thread.is_alive():
            raise TimeoutError(f"a racing thread was still running after {JOIN_SECONDS}s")
    if raise_errors:
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome
    return outcomes


def in_background(fn: Callable[..., Any], **kwargs: Any) -> threading.Thread:
    """Start `fn(**kwargs)` in a thread, as a worker would run it beside the test (join it);
    the thread closes its connections when done."""

    def run() -> None:
        try:
            fn(**kwargs)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread
