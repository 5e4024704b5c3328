import statistics
import time
from collections.abc import Callable


def latency(call: Callable[[], object], repeat: int) -> dict[str, float]:
    """Milliseconds per call: p50, p95 and max over `repeat` calls after one warm-up."""
    call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(samples[int(len(samples) * 0.95) - 1], 2),
        "max_ms": round(samples[-1], 2),
    }
