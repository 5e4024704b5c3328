"""`make bench`: run the benchmarks, write bench/results/latest.json and print a summary.

Each benchmark is a function in bench/benchmarks/ that returns a dict of figures. They run
in-process against the real PostGIS and Redis, on a database of their own (bench_o2o).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from bench.benchmarks import BENCHMARKS
    from bench.database import bench_database

    chosen = args.names or list(BENCHMARKS)
    results: dict[str, dict] = {}
    with bench_database():
        for name in chosen:
            print(f"==> {name}", flush=True)
            started = time.perf_counter()
            figures = BENCHMARKS[name]()
            figures["seconds"] = round(time.perf_counter() - started, 2)
            results[name] = figures
            for key, value in figures.items():
                print(f"    {key:<32} {value}")
    out = ROOT / "bench" / "results" / "latest.json"
    # Running some benchmarks keeps the others' last figures, each stamped with its own time.
    previous = json.loads(out.read_text()).get("results", {}) if out.exists() else {}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    for figures in results.values():
        figures["when"] = stamp
    out.write_text(
        json.dumps(
            {"when": stamp, "debug": settings.DEBUG, "results": {**previous, **results}},
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
