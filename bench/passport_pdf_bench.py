"""Time to render one passport PDF of about 40 entries, in-process (no database, no HTTP).

Usage: .venv/bin/python bench/passport_pdf_bench.py [--entries N] [--repeat N]
Prints the mean, p50, p95 and max time per document in milliseconds (the target is < 60 ms).
"""
import argparse
import dataclasses
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sample_document(entries):
    from app.passports.documents import ActivityGroup, DocumentEntry, PassportDocument

    today = date(2026, 11, 27)
    groups = []
    per_group = 8
    for g in range(0, entries, per_group):
        lines = []
        for i in range(g, min(entries, g + per_group)):
            guaranteed = i % 3 != 0
            lines.append(DocumentEntry(
                entry_id=1000 + i * 7,
                competency_code=f"A{g // per_group + 1}.{i - g + 1}",
                competency_title="Accueillir, écouter et orienter une personne en situation de fragilité numérique",
                level=1 + i % 4,
                level_label="Maîtrise autonome",
                source_label="Formation",
                provenance="guaranteed" if guaranteed else "declared",
                provenance_label="Garantie" if guaranteed else "Déclarée",
                validated_by_org="France services de Saint-Étienne-de-Saint-Geoirs" if guaranteed else None,
                validated_on=today - timedelta(days=30 + i),
                valid_until=today + timedelta(days=400 - 20 * i) if i % 2 else None,
                expired=i % 2 == 1 and 400 - 20 * i < 0,
            ))
        groups.append(ActivityGroup(f"A{g // per_group + 1}", "Prendre contact avec le public et l'accompagner",
                                    tuple(lines)))
    signed = "AQWDnQEoAQEBAwEBAgEBAQEFAQEBAQEBAQEDAQEBAQEBAQIBAQEBAQEBAQEBAQEBAQ.Vq1Xz1v7b8Q0o4Yf3fJt5Hh3kLw"
    return PassportDocument(
        holder_name="Łucja Nguyễn-Ørsted", issued_on=today, groups=tuple(groups),
        verification_url=f"https://passerelle.exemple.gouv.fr/verify/{signed}",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=40, help="entries in the passport (default 40)")
    parser.add_argument("--repeat", type=int, default=50, help="documents rendered (default 50)")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from app.passports.pdf import passport_pdf

    document = sample_document(args.entries)
    size = len(passport_pdf(document))  # warm up: fonts registered, modules imported
    timings = []
    for i in range(args.repeat):
        # A different verification URL each time: the QR code is encoded, never served from its cache.
        document = dataclasses.replace(document, verification_url=f"{document.verification_url[:-4]}{i:04d}")
        before = time.perf_counter()
        passport_pdf(document)
        timings.append((time.perf_counter() - before) * 1000)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"passport PDF, {args.entries} entries, {size / 1024:.0f} KB, {args.repeat} documents")
    print(f"per document: mean {statistics.mean(timings):.1f} ms, p50 {statistics.median(timings):.1f} ms, "
          f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms (target < 60 ms)")


if __name__ == "__main__":
    main()
