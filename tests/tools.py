"""Command-line tools the tests drive (poppler's pdftotext and pdftoppm …): skipped locally when missing, a
failure under CI=true, where `.ci/run` installs them (a skipped check must never pass silently)."""

from __future__ import annotations

import os
import shutil

import pytest


def tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the {name} command-line tool ({package}) is not installed")
        pytest.skip(f"the {name} command-line tool ({package}) is not installed")
    return found


def poppler(name: str) -> str:
    return tool(name, "poppler-utils")
