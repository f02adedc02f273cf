"""Memory a huge answer took is given back: the operation lets go of its answers as soon as it is
answered (no reference cycle keeps them), and a serving process runs with jemalloc where it is
installed, the C library's allocator otherwise (`graph/allocator.py`), whose free pages
`resolvers/memory.py` hands back to the operating system."""

from __future__ import annotations

import gc
import glob
import os
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import pytest

from graph.allocator import JEMALLOC_CONF, jemalloc_library, serving_environment
from resolvers.loader import Upstream
from tests.support import PERIOD, Facade, command, free_port

ROOT = Path(__file__).parent.parent

HUGE = "195804121233"


def test_an_operation_lets_go_of_its_answers_without_a_garbage_collection(
    api: Facade, monkeypatch: pytest.MonkeyPatch
) -> None:
    """graphql-core's execution sits in reference cycles that reach the operation's context: an
    answer still held by the operation's loader would live until a full collection."""
    answers: list[weakref.ref[Any]] = []
    fetch = Upstream.fetch

    async def noted(self: Upstream, *args: Any, **kwargs: Any) -> Any:
        answer = await fetch(self, *args, **kwargs)
        answers.append(weakref.ref(answer))
        return answer

    monkeypatch.setattr(Upstream, "fetch", noted)
    gc.collect()
    gc.disable()
    try:
        answer = api.query(
            "query($pnr: Personnummer!, $p: PeriodInput!) { person(personnummer: $pnr, "
            'period: $p, arende: "A") { forsakringskassan { sjukpenning { aktivt } } } }',
            {"pnr": HUGE, "p": PERIOD},
        )
        assert "errors" not in answer
        assert answers and all(ref() is None for ref in answers)
    finally:
        gc.enable()


def _serving(env: dict[str, str] | None = None) -> tuple[list[bytes], str, str]:
    """`serve`'s process environment, the libraries it has mapped and what it printed."""
    port = free_port()
    ready = f"http://127.0.0.1:{port}/healthz"
    with command(["serve", "--port", str(port)], ready, env, capture=True) as process:
        environ = Path(f"/proc/{process.pid}/environ").read_bytes().split(b"\0")
        maps = Path(f"/proc/{process.pid}/maps").read_text()
    return environ, maps, process.output  # type: ignore[attr-defined]


def test_a_serving_process_runs_with_jemalloc_where_installed() -> None:
    # `make test` installs Debian's libjemalloc2 where it can.
    installed = next(iter(sorted(glob.glob("/usr/lib/*-linux-gnu/libjemalloc.so.2"))), None)
    environ, maps, output = _serving()
    assert b"PYTHONMALLOC=malloc" in environ
    if installed is not None:
        assert installed in maps
        assert f"LD_PRELOAD={installed}".encode() in environ
        assert "allocator jemalloc" in output
    else:
        assert "libjemalloc" not in maps
        assert "allocator c" in output


def test_an_operators_pythonmalloc_is_kept() -> None:
    environ, maps, output = _serving({"PYTHONMALLOC": "pymalloc"})
    assert b"PYTHONMALLOC=pymalloc" in environ
    assert "libjemalloc" not in maps and "allocator python" in output
    environ, maps, output = _serving({"PYTHONMALLOC": "malloc"})
    assert "libjemalloc" not in maps and "allocator c" in output


@pytest.mark.parametrize(
    ("environ", "jemalloc", "expected"),
    [
        ({}, "/lib/je.so", {"PYTHONMALLOC": "malloc", "LD_PRELOAD": "/lib/je.so"}),
        ({}, None, {"PYTHONMALLOC": "malloc"}),
        ({"PYTHONMALLOC": "pymalloc"}, "/lib/je.so", None),
        ({"PYTHONMALLOC": "malloc"}, "/lib/je.so", None),
        ({"LD_PRELOAD": "/lib/tc.so"}, "/lib/je.so", {"PYTHONMALLOC": "malloc"}),
        ({"LD_PRELOAD": "  "}, "/lib/je.so", {"LD_PRELOAD": "/lib/je.so"}),
        ({"MALLOC_CONF": "narenas:2"}, "/lib/je.so", {"MALLOC_CONF": "narenas:2"}),
    ],
)
def test_the_serving_environment(
    environ: dict[str, str], jemalloc: str | None, expected: dict[str, str] | None
) -> None:
    chosen = serving_environment({"PATH": "/bin", **environ}, jemalloc)
    if expected is None:
        assert chosen is None
        return
    assert chosen is not None and chosen["PATH"] == "/bin"
    for name, value in expected.items():
        assert chosen[name] == value
    if "LD_PRELOAD" in expected and "MALLOC_CONF" not in environ:
        assert chosen["MALLOC_CONF"] == JEMALLOC_CONF
    if jemalloc is None or environ.get("LD_PRELOAD", "").strip():
        assert chosen.get("LD_PRELOAD") == environ.get("LD_PRELOAD")
        assert "MALLOC_CONF" not in chosen or "MALLOC_CONF" in environ


def test_only_a_library_this_interpreter_can_load_is_preloaded(tmp_path: Path) -> None:
    interpreter = os.path.realpath(sys.executable)  # an ELF file of this very kind
    header = Path(interpreter).read_bytes()[:64]
    other_class = header[:4] + bytes([3 - header[4]]) + header[5:]  # 32-bit for 64-bit, or back
    other_machine = header[:18] + bytes([header[18] ^ 0xFF]) + header[19:]
    candidates = {"text": b"not a library\n", "class": other_class, "machine": other_machine}
    for name, content in candidates.items():
        (tmp_path / name).write_bytes(content)
    unloadable = tuple(str(tmp_path / name) for name in candidates)
    missing = str(tmp_path / "missing.so")
    assert jemalloc_library((missing, *unloadable)) is None
    assert jemalloc_library((missing, *unloadable, interpreter)) == interpreter


def test_a_jemalloc_process_gives_back_what_it_freed_when_trimmed(tmp_path: Path) -> None:
    installed = jemalloc_library()
    if installed is None:
        pytest.skip("jemalloc is not installed (Debian: apt-get install libjemalloc2)")
    # Pages are never given back on their own (dirty_decay_ms:-1): only the purge of trim().
    script = (
        "import resources_probe\n"
        "from resolvers.memory import trim\n"
        "held = [bytearray(1000) for _ in range(200_000)]\n"
        "before = resources_probe.rss()\n"
        "del held\n"
        "freed = resources_probe.rss()\n"
        "print(trim(), before, freed, resources_probe.rss())\n"
    )
    (tmp_path / "resources_probe.py").write_text(
        "def rss():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmRSS:'):\n"
        "            return int(line.split()[1])\n"
    )
    env = {
        **os.environ,
        "PYTHONMALLOC": "malloc",
        "LD_PRELOAD": installed,
        "MALLOC_CONF": "dirty_decay_ms:-1,muzzy_decay_ms:-1",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    trimmed, before, freed, after = done.stdout.split()
    assert trimmed == "True"
    # 200 MB held; freeing alone keeps most of it, the purge gives it back.
    assert int(before) - int(freed) < 50_000 and int(freed) - int(after) > 150_000
