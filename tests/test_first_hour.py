"""docs/operations.md, A first hour, runs as written: its shell blocks in one shell, in an empty
directory, its Python block saved under the name the text gives it, with the simulator as
SSBTEK and a token it mints; what the blocks print is what the doc shows."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from tests.support import free_port

GUIDE = Path(__file__).parent.parent / "docs" / "operations.md"


def section() -> str:
    """The section `## A first hour…`, up to the next section."""
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("\n## A first hour")
    return text[start : text.index("\n## ", start + 1)]


def blocks(text: str, language: str) -> list[str]:
    """The fenced blocks of one language, in order."""
    return re.findall(rf"```{language}\n(.*?)\n```", text, re.S)


def test_the_first_hour_runs_as_written(tmp_path: Path) -> None:
    for tool in ("openssl", "curl"):
        assert shutil.which(tool), f"the recipe needs {tool}"
    text = section()
    [(name, program)] = re.findall(
        r"Save this as `([\w.-]+\.py)`:\n\n```python\n(.*?)\n```", text, re.S
    )
    (tmp_path / name).write_text(program + "\n", encoding="utf-8")
    script = "\n".join(blocks(text, "sh")) + "\n"
    # The shell of someone who ran `. .venv/bin/activate`: this environment's commands first, and
    # no SSBTEK_* setting but the recipe's.
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SSBTEK_")}
    environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{environ.get('PATH', '')}"
    environ |= {"SIM_PORT": str(free_port()), "PORT": str(free_port())}
    # Output to files, not pipes: the servers it starts in the background keep its stdout open.
    with (tmp_path / "stdout").open("w") as out, (tmp_path / "stderr").open("w") as err:
        shell = subprocess.Popen(
            ["bash", "-e", "-c", script], cwd=tmp_path, env=environ, text=True,
            stdout=out, stderr=err, start_new_session=True,
        )  # fmt: skip
        try:
            shell.wait(timeout=300)
        finally:
            # The servers it started, should it have stopped before its own `kill`.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(shell.pid, signal.SIGTERM)
    printed = (tmp_path / "stdout").read_text(encoding="utf-8")
    errors = (tmp_path / "stderr").read_text(encoding="utf-8")
    assert shell.returncode == 0, printed + errors
    assert printed == "".join(f"{output}\n" for output in blocks(text, "text")), errors
    assert "configuration error" not in (tmp_path / "facade.log").read_text(encoding="utf-8")
