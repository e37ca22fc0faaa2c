"""Benchmark: the FHIR export of the ten-year vault against the portable JSON export of the
same modules (``reconnect export all``'s code, the baseline), both read from the same vault.

The FHIR figure includes rendering the crisis plan's PDF for its DocumentReference; it is also
given without the crisis plan. Goal: ratio <= 10 (a FHIR resource is several times the JSON of
one of our rows: ids, references, codes), and a whole-record export well under 10 s.

    .venv/bin/python bench/fhir.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vault import build_ten_year_vault, timed  # noqa: E402

from reconnect_tui.export.fhir import dumps, export_fhir  # noqa: E402
from reconnect_tui.store import Toolbox, Vault, portable  # noqa: E402

MODULES = ("goals", "crisis-plan", "medications", "registrations", "life-domains")
SECTIONS = ("goals", "crisis_plan", "medications", "registrations", "life_domains")


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="reconnect-bench-fhir-"))
    start = time.perf_counter()
    key, header = build_ten_year_vault(folder / "vault.db")
    print(f"built ten-year vault in {time.perf_counter() - start:.1f} s")
    vault = Vault.open_with_key(folder / "vault.db", key, header)
    toolbox = Toolbox(vault)
    export_fhir(toolbox, MODULES)  # warm-up: imports, fonts
    bundle = dumps(export_fhir(toolbox, MODULES))
    baseline_text = portable.dumps(portable.export_sections(vault, SECTIONS))
    entries = len(json.loads(bundle)["entry"])

    baseline = timed(lambda: portable.dumps(portable.export_sections(vault, SECTIONS)), 5)
    fhir = timed(lambda: dumps(export_fhir(toolbox, MODULES)), 5)
    no_plan = [m for m in MODULES if m != "crisis-plan"]
    fhir_no_plan = timed(lambda: dumps(export_fhir(toolbox, no_plan)), 5)
    crisis = timed(lambda: dumps(export_fhir(toolbox, ["crisis-plan"])), 5)
    vault.close()
    print(f"bundle: {entries} entries, {len(bundle) / 1e6:.1f} MB; "
          f"portable JSON of the same modules: {len(baseline_text) / 1e6:.1f} MB")
    print(f"portable export (baseline): {baseline:8.1f} ms   1.00x")
    print(f"FHIR, all five modules    : {fhir:8.1f} ms   {fhir / baseline:.2f}x")
    print(f"FHIR, without crisis plan : {fhir_no_plan:8.1f} ms   {fhir_no_plan / baseline:.2f}x")
    print(f"FHIR, crisis plan only    : {crisis:8.1f} ms")


if __name__ == "__main__":
    main()
