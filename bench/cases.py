"""The core's benchmark cases: list pages and API pages, the dashboard, Excel export and import."""
from __future__ import annotations

import random
import tempfile
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .measure import summarize, timed


@dataclass
class Case:
    name: str
    run: Callable[[int], dict]


def _client(username="county_admin") -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _replay(queries) -> Callable[[], None]:
    """The raw SQL a request ran, executed again without Django around it."""
    sqls = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]

    def run():
        with connection.cursor() as cursor:
            for sql in sqls:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()

    return run


def page_case(name: str, url: str, goal: float = 3.0, max_queries: int | None = None) -> Case:
    def run(reps: int) -> dict:
        client = _client()
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(url)
        assert resp.status_code == 200, (url, resp.status_code)
        queries = [q for q in ctx.captured_queries]
        counts_whole_table = any("COUNT(*)" in q["sql"].upper() and "resident" in q["sql"] for q in queries)
        t = timed(lambda: client.get(url), reps)
        b = timed(_replay(queries), reps)
        extra = {"queries": len(queries), "count_star_on_residents": counts_whole_table}
        ok = None
        if max_queries is not None:
            extra["max_queries"] = max_queries
            ok = len(queries) <= max_queries and (statistics_ratio(t, b) <= goal)
        return summarize(name, f"GET {url}", "the same SQL, raw", t, b, goal, extra, ok=ok)

    return Case(name, run)


def statistics_ratio(t, b) -> float:
    import statistics

    return statistics.median(t) / statistics.median(b)


def export_case(rows: int = 100_000) -> Case:
    def run(reps: int) -> dict:
        from openpyxl import Workbook

        from governance import exports, selectors
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username="county_admin")
        export = exports.get("residents")
        ids = list(selectors.resident_list(user=user).order_by("pk").values_list("pk", flat=True)[:rows])
        qs = export.queryset(user=user, params={}).filter(pk__lte=ids[-1])
        paths = [c.path for c in export.columns]
        tmp = Path(tempfile.mkdtemp())

        def ours():
            exports.write_xlsx(export, qs, tmp / "ours.xlsx")

        def baseline():  # the same rows, fetched raw, written by openpyxl's write-only mode alone
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("x")
            ws.append([str(c.header) for c in export.columns])
            sql, params = qs.values_list(*paths).query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                while batch := cursor.fetchmany(2000):
                    for row in batch:
                        ws.append(list(row))
            wb.save(str(tmp / "base.xlsx"))

        t = timed(ours, max(1, reps // 2))
        b = timed(baseline, max(1, reps // 2))
        tracemalloc.start()
        ours()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return summarize(f"export_{rows // 1000}k_residents", "exports.write_xlsx (scoped, masked)",
                         "openpyxl write-only, raw rows", t, b, 1.5,
                         {"rows": len(ids), "peak_python_mb": round(peak / 1048576, 1)})

    return Case(f"export_{rows // 1000}k_residents", run)


def import_case(rows: int = 100_000) -> Case:
    def run(reps: int) -> dict:
        from django.contrib.auth import get_user_model
        from openpyxl import Workbook

        from governance import imports, pii
        from governance.models import Region

        user = get_user_model().objects.get(username="county_admin")
        groups = list(Region.objects.filter(level=4).values_list("code", flat=True)[:500])
        rng = random.Random(7)
        tmp = Path(tempfile.mkdtemp())
        path = tmp / "import.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("居民导入")
        ws.append([h for h, _k, _r in imports.RESIDENT_COLUMNS])
        lines = []
        for i in range(rows):
            first17 = f"990101{1950 + i % 60}{1 + i % 12:02d}{1 + i % 28:02d}{i // 420 % 1000:03d}"
            number = first17 + pii.id_check_char(first17)
            row = [f"BENCH{i // 3:07d}", "测试路1号", groups[i // 3 % len(groups)], f"测{i}", number,
                   f"139{rng.randrange(10**8):08d}", "户主" if i % 3 == 0 else "子", "在村", "", "否"]
            ws.append(row)
            lines.append(row)
        wb.save(str(path))

        def ours():
            with transaction.atomic():
                parsed = imports.parse_residents(path, user=user)
                assert not parsed.errors, parsed.errors[:3]
                imports.write_residents(parsed, user=user)
                transaction.set_rollback(True)

        def baseline():  # COPY of the same rows into a table of the same shape
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("CREATE TEMP TABLE bench_copy (household text, address text, region text, name text,"
                                   " id_number text, phone text, relation text, status text, away text, party text)")
                    with cursor.copy("COPY bench_copy FROM STDIN") as copy:
                        for row in lines:
                            copy.write_row(row)
                transaction.set_rollback(True)

        def read_only():  # the floor for any .xlsx import: reading the cells, nothing else (calamine, issue #23)
            from python_calamine import CalamineWorkbook

            with open(path, "rb") as fh:
                wb = CalamineWorkbook.from_filelike(fh)
                wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
                wb.close()

        def read_openpyxl():  # what reading took before issue #23
            from openpyxl import load_workbook

            wb = load_workbook(str(path), read_only=True, data_only=True)
            for _row in wb.worksheets[0].iter_rows(values_only=True):
                pass
            wb.close()

        t = timed(ours, max(1, reps // 2))
        b = timed(baseline, max(1, reps // 2))
        r = timed(read_only, max(1, reps // 2))
        o = timed(read_openpyxl, 1)
        import statistics

        return summarize(f"import_{rows // 1000}k_residents", "parse + validate + bulk insert",
                         "PostgreSQL COPY of the same rows", t, b, 5.0,
                         {"rows": rows, "xlsx_read_alone_s": round(statistics.median(r), 2),
                          "xlsx_read_alone_ratio": round(statistics.median(r) / statistics.median(b), 1),
                          "xlsx_read_openpyxl_s": round(statistics.median(o), 2)})

    return Case(f"import_{rows // 1000}k_residents", run)


def dashboard_cases() -> list[Case]:
    from .dashboard import CASES as cases

    return cases


CASES = [
    page_case("residents_page_1", "/residents/"),
    page_case("residents_page_1000", "/residents/?page=1000"),
    page_case("api_residents_page_1", "/api/v1/governance/residents/"),
    page_case("api_residents_page_1000", "/api/v1/governance/residents/?page=1000"),
    *dashboard_cases(),
    export_case(),
    import_case(),
]
