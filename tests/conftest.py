"""Shared test helpers.

Tests that need a system program (tesseract, chromium) call ``require_tool``: on a developer's
machine without it they skip with the install hint; in CI (.ci/run sets
KONZEPT_REQUIRE_SYSTEM_TOOLS=1 after installing them) a missing tool is a failure, so the OCR
path and the browser check are tested there, never silently skipped.
"""

from __future__ import annotations

import os
import shutil

import pytest

INSTALL_HINT = {
    "tesseract": "apt-get install tesseract-ocr-deu",
    "chromium": "apt-get install chromium",
    "pdftoppm": "apt-get install poppler-utils",
}


def require_tool(name: str) -> str:
    """Path of the program, or skip (fail in CI) with how to install it."""
    path = shutil.which(name)
    if path:
        return path
    message = f"{name} not installed: {INSTALL_HINT.get(name, 'install it')}"
    if os.environ.get("KONZEPT_REQUIRE_SYSTEM_TOOLS"):
        pytest.fail(message)
    pytest.skip(message)
