"""Throughput of the personal-data masking over the test corpus.

Usage: .venv/bin/python bench/redaction_bench.py [--repeat N]
Prints texts per second and the p50 / p95 / max time per text, in milliseconds.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "reports" / "redaction_corpus.yaml"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="passes over the corpus (default 50)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    import yaml

    from app.reports.redaction import redact

    texts = [case["text"] for case in yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["cases"]]
    for text in texts:  # warm up: compiled patterns, phonenumbers metadata
        redact(text)

    timings = []
    started = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            before = time.perf_counter()
            redact(text)
            timings.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started

    timings_ms = sorted(t * 1000 for t in timings)
    p95 = timings_ms[max(0, round(0.95 * len(timings_ms)) - 1)]
    print(f"{len(timings)} texts ({len(texts)} corpus texts x {args.repeat}), "
          f"mean length {statistics.mean(len(t) for t in texts):.0f} characters")
    print(f"throughput: {len(timings) / elapsed:,.0f} texts/second")
    print(f"per text: p50 {statistics.median(timings_ms):.3f} ms, p95 {p95:.3f} ms, max {timings_ms[-1]:.3f} ms")


if __name__ == "__main__":
    main()
