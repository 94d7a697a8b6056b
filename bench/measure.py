"""Timing and reporting helpers for the benchmark cases."""
from __future__ import annotations

import statistics
import time


def timed(fn, reps: int) -> list[float]:
    fn()  # warm-up: caches, connections, imports
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def summarize(name, target, baseline, times_t, times_b, goal: float, extra: dict | None = None, ok=None) -> dict:
    med_t, med_b = statistics.median(times_t), statistics.median(times_b)
    ratio = med_t / med_b if med_b else float("inf")
    return {
        "case": name, "target": target, "baseline": baseline,
        "median_s": round(med_t, 4), "min_s": round(min(times_t), 4), "max_s": round(max(times_t), 4),
        "baseline_median_s": round(med_b, 4), "baseline_min_s": round(min(times_b), 4), "baseline_max_s": round(max(times_b), 4),
        "ratio": round(ratio, 2), "goal": f"≤ {goal}×", "ok": (ratio <= goal) if ok is None else ok,
        **(extra or {}),
    }


def format_row(r: dict) -> str:
    extra = {k: v for k, v in r.items() if k not in {"case", "target", "baseline", "median_s", "min_s", "max_s",
                                                      "baseline_median_s", "baseline_min_s", "baseline_max_s", "ratio",
                                                      "goal", "ok"}}
    return (f"{r['case']:<28} {r['median_s']:>9.4f} s [{r['min_s']:.4f}–{r['max_s']:.4f}]  baseline "
            f"{r['baseline_median_s']:>9.4f} s  ratio {r['ratio']:>6.2f} ({r['goal']}) {'OK' if r['ok'] else 'MISS'} {extra or ''}")


def table(rows) -> str:
    head = "| path | median (s) | min–max (s) | baseline | baseline median (s) | ratio | goal | met | notes |\n"
    head += "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    for r in rows:
        notes = ", ".join(f"{k}={v}" for k, v in r.items() if k not in {
            "case", "target", "baseline", "median_s", "min_s", "max_s", "baseline_median_s", "baseline_min_s",
            "baseline_max_s", "ratio", "goal", "ok"})
        head += (f"| {r['case']} | {r['median_s']} | {r['min_s']}–{r['max_s']} | {r['baseline']} | "
                 f"{r['baseline_median_s']} | {r['ratio']}× | {r['goal']} | {'yes' if r['ok'] else 'no'} | {notes} |\n")
    return head


