"""The counter app's register screen on a medicine with 100,000 entries, against one with a single entry.

Each case runs in a fresh process (so resident memory is comparable) on the same generated register: the
app is driven headless at 130x40 by Pilot — sign in, F5, type the medicine's code, Enter — and the clock runs
from that Enter until the first page is in the DataTable (50 rows, or the one entry) and the table has been
refreshed. The process's resident set (VmRSS) is read then, and also just before F5, so the table shows what
opening the register itself cost. Goal: the long register ≤ 1.2x the one-entry register, in time and in RSS.

    .venv/bin/python -m bench.register_tui [--entries 100000] [--repeat 5] [--dir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import BIG_MEDICINE, SMALL_MEDICINE, Figures, long_register, median, medicine_code, scratch_dir

GOAL = 1.2
PIN = "2468"
SIZE = (130, 40)
PAGE = 50
CASES = {"long": (BIG_MEDICINE, PAGE), "one entry": (SMALL_MEDICINE, 1)}
ROOT = Path(__file__).resolve().parents[1]


def rss_kib() -> int:
    """The resident set of this process now (VmRSS), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the peak, also in KiB


# --- the child: one case, one process --------------------------------------------------------------------


async def drive(path: Path, medicine_id: int, rows: int) -> dict[str, Any]:
    from textual.widgets import DataTable

    from pharmacy.i18n import translator
    from pharmacy.tui.app import PharmacyApp
    from pharmacy.tui.gateway import Counter
    from pharmacy.tui.screens.register import RegisterScreen
    from pharmacy.wiring import open_register

    register = open_register(str(path))
    app = PharmacyApp(Counter(register), translator("en"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"li.na", "enter", *PIN, "enter")
        while app.actor is None:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = rss_kib()
        await pilot.press("f5")
        while not isinstance(app.screen, RegisterScreen):
            await pilot.pause(0.01)
        await pilot.press(*medicine_code(medicine_id))
        table = app.screen.query_one("#entries", DataTable)
        start = time.perf_counter()
        await pilot.press("enter")
        while table.row_count < rows:
            await pilot.pause(0.001)
        drawn = asyncio.Event()
        table.call_after_refresh(drawn.set)
        await drawn.wait()
        seconds = time.perf_counter() - start
        after = rss_kib()
        shown = table.row_count
    register.engine.dispose()
    return {"seconds": seconds, "rows": shown, "rss_before_kib": before, "rss_kib": after}


def child(case: str, path: Path) -> None:
    medicine_id, rows = CASES[case]
    print(json.dumps(asyncio.run(drive(path, medicine_id, rows))))


# --- the parent ------------------------------------------------------------------------------------------


def run_case(case: str, path: Path) -> dict[str, Any]:
    argv = [sys.executable, "-m", "bench.register_tui", "--child", case, str(path)]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"case {case!r} exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    found: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    expected = CASES[case][1]
    if found["rows"] != expected:
        raise RuntimeError(f"case {case!r}: {found['rows']} rows drawn, expected {expected}")
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000, help="entries of the long register (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes per case (default 5; median reported)")
    parser.add_argument("--dir", default=None, help="where the SQLite file goes (default: the system temp dir)")
    parser.add_argument("--child", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    figures = Figures("register_tui")
    with scratch_dir(args.dir) as where:
        path = where / "register.sqlite"
        from pharmacy.services.pins import PinHasher

        long_register(path, args.entries, pin_hash=PinHasher.fast_for_tests().hash(PIN))
        for case in CASES:  # warm-up: byte-code caches, page cache
            run_case(case, path)
        found: dict[str, list[dict[str, Any]]] = {case: [] for case in CASES}
        for _ in range(args.repeat):
            for case in CASES:
                found[case].append(run_case(case, path))
    report(figures, found, args.entries)
    figures.print()


def report(figures: Figures, found: dict[str, list[dict[str, Any]]], entries: int) -> None:
    def ms(case: str) -> list[float]:
        return [run["seconds"] * 1000 for run in found[case]]

    def mib(case: str, key: str) -> list[float]:
        return [run[key] / 1024 for run in found[case]]

    def grown(case: str) -> list[float]:
        return [(run["rss_kib"] - run["rss_before_kib"]) / 1024 for run in found[case]]

    one, long = "one entry", f"{entries:,} entries"
    figures.add(f"{one}: Enter → first page drawn (baseline)", ms("one entry"), "ms", ms("one entry"))
    time_ratio = figures.add(f"{long}: Enter → first page drawn", ms("long"), "ms", ms("one entry"))
    base_rss = mib("one entry", "rss_kib")
    figures.add(f"{one}: RSS with the register open (baseline)", base_rss, "MiB", base_rss)
    rss_ratio = figures.add(f"{long}: RSS with the register open", mib("long", "rss_kib"), "MiB", base_rss)
    figures.add(f"{one}: RSS grown by opening it", grown("one entry"), "MiB")
    figures.add(f"{long}: RSS grown by opening it", grown("long"), "MiB")
    assert time_ratio is not None and rss_ratio is not None
    figures.facts["time_ratio"] = round(time_ratio, 3)
    figures.facts["rss_ratio"] = round(rss_ratio, 3)
    figures.facts["rss_before_open_mib"] = round(median(mib("long", "rss_before_kib")), 1)
    figures.facts["goal"] = f"long register <= {GOAL}x the one-entry register (time and RSS)"
    figures.facts["goal_met"] = time_ratio <= GOAL and rss_ratio <= GOAL


if __name__ == "__main__":
    main()
