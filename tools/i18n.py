#!/usr/bin/env python3
"""Keep the catalogs in step with the code: extract msgids, merge into the .po files, compile the .mo files.

    .venv/bin/python tools/i18n.py          # extract + update + compile
The tests fail when a msgid in the code has no zh_CN translation or a .mo file is older than its .po.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "pharmacy" / "i18n"
BABEL = str(Path(sys.executable).parent / "pybabel")
KEYWORDS = ["-k", "N_", "-k", "t", "-k", "_"]


def main() -> int:
    pot = I18N / "pharmacy.pot"
    extract = [BABEL, "extract", *KEYWORDS, "--no-location", "--omit-header", "--sort-output", "--no-wrap"]
    subprocess.run([*extract, "-o", str(pot), "pharmacy"], cwd=ROOT, check=True, capture_output=True)
    update = [BABEL, "update", "--no-wrap", "--ignore-obsolete", "--no-fuzzy-matching", "-i", str(pot)]
    subprocess.run(
        [*update, "-d", str(I18N / "locale"), "-D", "pharmacy", "-l", "zh_CN"], check=True, capture_output=True
    )
    subprocess.run([BABEL, "compile", "-d", str(I18N / "locale"), "-D", "pharmacy", "--statistics"], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
