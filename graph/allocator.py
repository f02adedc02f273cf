"""The allocator a serving process runs with, chosen before it starts.

A served miss makes and frees some hundred thousand objects, and a huge answer some millions, so
the allocator shows in every figure (`docs/performance.md`, issue 23): Python's own is fast but
keeps what it freed at its peak; the C library's (glibc) gives memory back after `malloc_trim`
but costs a miss a fifth more CPU; jemalloc is as fast as Python's and gives its unused pages
back within a second. So `serve` re-executes itself once:

- `PYTHONMALLOC` set by the operator: kept as it is (`pymalloc` for Python's allocator, `malloc`
  for the C library's, or whatever `LD_PRELOAD` names);
- otherwise `PYTHONMALLOC=malloc`, and jemalloc preloaded where it is installed (Debian's
  `libjemalloc2`, which the container image installs) and `LD_PRELOAD` names nothing else, with
  `MALLOC_CONF` (unless set) returning unused pages after a second; the C library's where it is
  not installed.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Mapping

from resolvers.memory import jemalloc_control

# Where Debian and Ubuntu (a directory per architecture), Fedora and Alpine put jemalloc's
# library (shell patterns).
JEMALLOC_PATHS = (
    "/usr/lib/*/libjemalloc.so.2",
    "/usr/lib64/libjemalloc.so.2",
    "/usr/lib/libjemalloc.so.2",
    "/usr/local/lib/libjemalloc.so.2",
)
# A background thread purges; dirty pages go back to the system after a second, none kept as
# "muzzy" (measured in bench/workers.py: memory after the attack as the C library's trim gives).
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0"


# What the re-executed `serve` is given (the rest of its environment is its own).
ALLOCATOR_VARIABLES = ("PYTHONMALLOC", "LD_PRELOAD", "MALLOC_CONF")


def jemalloc_library(candidates: tuple[str, ...] = JEMALLOC_PATHS) -> str | None:
    """The path of an installed jemalloc library this interpreter can load, or None."""
    found = (path for pattern in candidates for path in sorted(glob.glob(pattern)))
    return next((path for path in found if _loadable(path)), None)


def _loadable(path: str) -> bool:
    """Whether `path` is an ELF library of this interpreter's class and machine: a library of
    another (a 32-bit one in /usr/lib of a 64-bit system) would make every start print the
    dynamic loader's error."""
    own = _elf_kind(os.path.realpath(sys.executable))
    return own is not None and _elf_kind(path) == own


def _elf_kind(path: str) -> bytes | None:
    """An ELF file's class, byte order and machine (e_ident[4:6], e_machine), or None."""
    try:
        with open(path, "rb") as file:
            head = file.read(20)
    except OSError:
        return None
    if len(head) < 20 or head[:4] != b"\x7fELF":
        return None
    return head[4:6] + head[18:20]


def serving_environment(environ: Mapping[str, str], jemalloc: str | None) -> dict[str, str] | None:
    """The environment `serve` re-executes itself with, or None to serve as it is (the
    operator chose with `PYTHONMALLOC`, or this is the re-executed process)."""
    if environ.get("PYTHONMALLOC"):
        return None
    chosen = {**environ, "PYTHONMALLOC": "malloc"}
    if jemalloc is not None and not environ.get("LD_PRELOAD", "").strip():
        chosen["LD_PRELOAD"] = jemalloc
        chosen.setdefault("MALLOC_CONF", JEMALLOC_CONF)
    return chosen


def allocator_name() -> str:
    """Which allocator this process's objects come from: `jemalloc`, `python`, or `c` (the C
    library's, or one an operator preloaded other than jemalloc)."""
    if os.environ.get("PYTHONMALLOC", "") not in ("malloc", "malloc_debug"):
        return "python"
    return "jemalloc" if jemalloc_control() is not None else "c"
