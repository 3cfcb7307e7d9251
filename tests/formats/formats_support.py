"""Runs the built fsx-webhook binary for the format tests."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = os.path.abspath(os.environ.get("FSX_WEBHOOK_BIN", str(ROOT / ".build" / "debug" / "fsx-webhook")))


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([BIN, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
