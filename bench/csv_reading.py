"""
How fast an uploaded CSV file is read into rows, hostile files included.

The reader (inbox/ingest/csv_import/files.py) checks every row read over several
lines for a quote left open, and starts again on the next line when it finds one.
This prints rows a second for a well-formed file and for files full of open quotes,
beside the ceiling: Python's csv.reader over the same well-formed text, which
checks nothing. A reader that went quadratic on open quotes would show here.

    .venv/bin/python bench/csv_reading.py [--rows 100000] [--rounds 3]
"""

import argparse
import csv
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialstrategy.settings")
os.environ.setdefault("DEBUG", "true")

HEADER = "Id,Tekst,Dato\r\n"


def files(rows: int) -> dict[str, str]:
    def good(i: int) -> str:
        return f'{i},"Tekst, med komma {i}",13.05.2026 10:00\r\n'

    def open_quote(i: int) -> str:
        return f'{i},"Åpent sitat {i},13.05.2026 10:00\r\n'

    return {
        "well-formed": HEADER + "".join(good(i) for i in range(rows)),
        "every other row opens a quote": HEADER + "".join(open_quote(i) if i % 2 else good(i) for i in range(rows)),
        "every row opens a quote": HEADER + "".join(open_quote(i) for i in range(rows)),
        "one quote open to the end": HEADER
        + open_quote(0)
        + "".join(f"{i},Tekst {i},13.05.2026 10:00\r\n" for i in range(1, rows)),
    }


def best_of(rounds: int, work) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _round in range(rounds):
        start = time.perf_counter()
        count = work()
        best = min(best, time.perf_counter() - start)
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from inbox.ingest.csv_import.files import read_table

    texts = files(args.rows)
    seconds, count = best_of(args.rounds, lambda: sum(1 for _row in csv.reader(io.StringIO(texts["well-formed"]))))
    ceiling = count / seconds
    print(f"CSV reading, {args.rows:,} rows a file, best of {args.rounds}")
    print(f"  ceiling: csv.reader, well-formed      {ceiling:>12,.0f} rows/s")
    for name, text in texts.items():
        content = text.encode()
        seconds, count = best_of(args.rounds, lambda content=content: sum(1 for _r in read_table(content).records()))
        rate = count / seconds
        print(f"  ours: {name:<32} {rate:>12,.0f} rows/s  {count:,} rows in {seconds:.2f} s ({rate / ceiling:.0%})")


if __name__ == "__main__":
    main()
