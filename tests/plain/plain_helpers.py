"""Driving plain mode as a person with a screen reader would, from a script of answers.

``reconnect --plain`` runs as a child process whose standard input is a pipe: each answer is one
line, exactly as typed at the prompt. What it prints is checked the way a speech synthesizer
or braille display would meet it: no ESC byte, no box or block glyphs, every numbered list
after a line that says how many there are.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from reconnect_tui.model import Role
from reconnect_tui.plain.home import AREAS
from tests.support import kdf as kdf_profile
from tests.support.vaults import PASSPHRASE

HOME_EXTRAS = ("pair", "sync", "crisis", "settings", "lock", "quit")
"""What Home offers after the modules, in its order (``plain/home.py``)."""


def home(choice: str, role: Role = Role.USER) -> str:
    """The number Home gives ``choice`` (a module id, or one of HOME_EXTRAS) for ``role``."""
    names = [a.id for a in AREAS if role in a.roles] + list(HOME_EXTRAS)
    return str(names.index(choice) + 1)


def run_plain(vault: Path, answers: Sequence[str], *, args: Sequence[str] = ("--plain",),
              env: dict[str, str] | None = None, passphrase: str | None = PASSPHRASE,
              timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """``reconnect [args] --vault VAULT`` with ``answers`` on standard input (the passphrase
    first unless None); the finished process, its output as text."""
    lines = ([passphrase] if passphrase is not None else []) + list(answers)
    environment = {**os.environ, "PYTHONPATH": kdf_profile.pythonpath(),
                   "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "reconnect_tui.cli", "--vault", str(vault), *args],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=timeout,
        env=environment)


_NUMBERED = re.compile(r"^(\d+): ")
_COUNT = re.compile(r"(\d+)")


def problems(output: str) -> list[str]:
    """What would trouble a screen reader or braille user in ``output``."""
    found = []
    if "\x1b" in output:
        found.append("an ESC byte")
    glyphs = sorted({c for c in output if 0x2500 <= ord(c) <= 0x259F})
    if glyphs:
        found.append(f"box or block characters {glyphs}")
    found.extend(uncounted_lists(output))
    return found


def uncounted_lists(output: str) -> list[str]:
    """Numbered lists (lines ``1: …``, ``2: …``) whose line before does not say how many."""
    lines = output.splitlines()
    wrong = []
    for index, line in enumerate(lines):
        if not line.startswith("1: ") or index == 0:
            continue
        count = 0
        for following in lines[index:]:
            match = _NUMBERED.match(following)
            if match is None:
                if following and not following[0].isdigit():
                    # a line of an item's fields (Name: …) may follow its number
                    continue
                break
            if int(match[1]) == count + 1:
                count += 1
            else:
                break
        heading = lines[index - 1]
        said = [int(n) for n in _COUNT.findall(heading)]
        if count not in said:
            wrong.append(f"a list of {count} after {heading!r}")
    return wrong


def spelled_out_runs(text: str, length: int = 3) -> list[str]:
    """Runs of ``length`` or more punctuation or symbol characters (Unicode categories P* and
    S*): a speech synthesizer spells them out, a braille display shows them as noise."""
    runs, current = [], ""
    for char in text:
        if unicodedata.category(char)[0] in "PS":
            current += char
            continue
        if len(current) >= length:
            runs.append(current)
        current = ""
    if len(current) >= length:
        runs.append(current)
    return runs
