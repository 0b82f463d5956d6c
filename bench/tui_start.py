"""Start-up of the counter app: process start until the sign-in screen is drawn, against a bare Textual app.

Each run is a fresh process (`python -c HARNESS`), so interpreter start-up and imports — the main cost — are
measured. Both harnesses run their app headless at 130x40 and report, from a `call_after_refresh` scheduled
when the first screen with an Input mounts, that it has been composed, laid out and rendered; then they exit.

* baseline: an `App` whose only widget is one `Input`;
* the counter app: `pharmacy.cli.main(["tui", "--db", FILE])`, exactly what `pharmacy tui` runs (argument
  parsing, translator, opening and checking the register, `PharmacyApp`), with `PharmacyApp.run` switched to
  headless and the report hooked on `SignInScreen`'s mount.

Each harness also prints when its interpreter began running Python and when its imports were done (the
monotonic clock is shared by all processes), so the table splits the time into start-up, imports and app.
Goal: the counter app ≤ 1.5x the bare app. Median of `--repeat` runs, the two interleaved.

    .venv/bin/python -m bench.tui_start [--repeat 15] [--dir DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass

from bench.common import Figures, long_register, median, scratch_dir

GOAL = 1.5
SIZE = (130, 40)

_MARK = "import os as _os, time as _time\n_os.write(1, f'started {_time.monotonic()}\\n'.encode())\n"
_DRAWN = "def _drawn(app):\n    _os.write(1, f'drawn {_time.monotonic()}\\n'.encode())\n    app.exit()\n"

BARE_HARNESS = (
    _MARK + "from textual.app import App\n"
    "from textual.widgets import Input\n"
    "_os.write(1, f'imported {_time.monotonic()}\\n'.encode())\n" + _DRAWN + "class Bare(App[None]):\n"
    "    def compose(self):\n"
    "        yield Input(placeholder='username')\n"
    "    def on_mount(self):\n"
    "        self.call_after_refresh(_drawn, self)\n"
    f"Bare().run(headless=True, size={SIZE!r})\n"
)

PHARMACY_HARNESS = (
    _MARK + "import sys\n"
    "from pharmacy.cli import main\n"
    "from pharmacy.cli.demo import cmd_tui\n"
    "from pharmacy.tui.app import PharmacyApp\n"
    "from pharmacy.tui.screens.sign_in import SignInScreen\n"
    "from textual.app import App\n"
    "_os.write(1, f'imported {_time.monotonic()}\\n'.encode())\n" + _DRAWN + "def _on_mount(screen):\n"
    "    screen.call_after_refresh(_drawn, screen.app)\n"
    "SignInScreen.on_mount = _on_mount\n"
    f"PharmacyApp.run = lambda self, **kw: App.run(self, headless=True, size={SIZE!r})\n"
    "sys.exit(main(['tui', '--db', sys.argv[1]]))\n"
)

FLOOR_HARNESS = _MARK + "_os.write(1, f'imported {_time.monotonic()}\\n'.encode())\n_drawn = None\n"


@dataclass(frozen=True)
class Start:
    """Seconds from launching the process to each mark it printed."""

    started: float
    imported: float
    drawn: float


def launch(harness: str, *args: str, timeout: float = 60.0) -> Start:
    launched = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", harness, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    marks = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if line.split(" ", 1)[0] in _MARKS)
    if proc.returncode != 0 or "imported" not in marks or (harness is not FLOOR_HARNESS and "drawn" not in marks):
        raise RuntimeError(f"harness exited {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    started, imported = float(marks["started"]) - launched, float(marks["imported"]) - launched
    return Start(started, imported, float(marks.get("drawn", marks["imported"])) - launched)


_MARKS = ("started", "imported", "drawn")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15, help="runs of each app (default 15; median reported)")
    parser.add_argument("--dir", default=None, help="where the SQLite file goes (default: the system temp dir)")
    args = parser.parse_args(argv)
    figures = Figures("tui_start")
    with scratch_dir(args.dir) as where:
        path = where / "register.sqlite"
        long_register(path, 1_000)
        harnesses = {
            "python -c (interpreter only)": (FLOOR_HARNESS, ()),
            "bare Textual app, one Input (baseline)": (BARE_HARNESS, ()),
            "pharmacy tui: sign-in drawn": (PHARMACY_HARNESS, (str(path),)),
        }
        for harness, extra in harnesses.values():  # warm-up: byte-code caches, page cache
            launch(harness, *extra)
        found: dict[str, list[Start]] = {name: [] for name in harnesses}
        for _ in range(args.repeat):
            for name, (harness, extra) in harnesses.items():
                found[name].append(launch(harness, *extra))
        report(figures, found)
    figures.print()


PHASE_KEYS = {
    "python -c (interpreter only)": "interpreter",
    "bare Textual app, one Input (baseline)": "bare",
    "pharmacy tui: sign-in drawn": "pharmacy",
}


def report(figures: Figures, found: dict[str, list[Start]]) -> None:
    baseline = [s.drawn * 1000 for s in found["bare Textual app, one Input (baseline)"]]
    for name, starts in found.items():
        ratio = figures.add(name, [s.drawn * 1000 for s in starts], "ms", baseline)
        figures.facts[f"{PHASE_KEYS[name]}_phases_ms"] = {
            "interpreter": round(median([s.started * 1000 for s in starts]), 1),
            "imports": round(median([(s.imported - s.started) * 1000 for s in starts]), 1),
            "app_to_drawn": round(median([(s.drawn - s.imported) * 1000 for s in starts]), 1),
        }
        if name.startswith("pharmacy") and ratio is not None:
            figures.facts["ratio"] = round(ratio, 3)
            figures.facts["goal"] = f"<= {GOAL}x the bare Textual app"
            figures.facts["goal_met"] = ratio <= GOAL


if __name__ == "__main__":
    main()
