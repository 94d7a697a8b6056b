"""County-scale benchmarks: each hot path side by side with its baseline, in the same run.

    make bench                       # build the county once (PostgreSQL), then measure
    .venv/bin/python -m bench --only residents,dashboard --reps 5

Machines here are shared and noisy: the table reports ratios to a baseline measured in the same
run (median of several repetitions), not absolute times. Results go to bench/results/latest.json.
Each app may contribute `bench.py` with `build(scale)` (bulk data) and `CASES` (more measurements).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/governance_bench")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

RESULTS = Path(__file__).resolve().parent / "results"


def ensure_database(url: str) -> None:
    import psycopg
    from urllib.parse import urlparse

    u = urlparse(url)
    name = u.path.lstrip("/")
    with psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username or "postgres", dbname="postgres",
                         autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--residents", type=int, default=500_000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args(argv)

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from . import cases
    from .measure import format_row, table

    apps = ["governance", *settings.DOMAIN_APPS]

    if not args.skip_build:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", residents=args.residents)
        for app in apps:
            if find_spec(f"{app}.bench"):
                import_module(f"{app}.bench").build(residents=args.residents)
        print(f"county built in {time.monotonic() - started:.0f} s", flush=True)

    all_cases = list(cases.CASES)
    for app in apps:
        if find_spec(f"{app}.bench"):
            all_cases += getattr(import_module(f"{app}.bench"), "CASES", [])
    only = {c for c in args.only.split(",") if c}
    rows = []
    for case in all_cases:
        if only and case.name not in only:
            continue
        print(f"… {case.name}", flush=True)
        result = case.run(args.reps)
        rows.append(result)
        print(format_row(result), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(rows, ensure_ascii=False, indent=2))
    print("\n" + table(rows))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
