"""Summarise ``make bench``: read the scripts' output, print every figure against its target.

Each bench script prints one JSON object per figure (``_common.figure``); this reads them back
from the combined log and prints one line per figure with ``ok`` or ``MISS``, then the count of
misses. It exits 0 either way: a miss is a finding for the README's performance table (with its
profile), not a broken build. Run: ``python bench/_report.py bench-output.log``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def figures(lines: list[str]) -> list[dict]:
    found = []
    for line in lines:
        line = line.strip()
        if not (line.startswith("{") and '"metric"' in line):
            continue
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if {"metric", "value", "target", "better"} <= item.keys():
            found.append(item)
    return found


def meets(item: dict) -> bool:
    value, target = float(item["value"]), float(item["target"])
    return value >= target if item["better"] == "higher" else value <= target


def main() -> None:
    items = figures(Path(sys.argv[1]).read_text(errors="replace").splitlines())
    width = max((len(i["metric"]) for i in items), default=10)
    print(f"\n{'figure':<{width}}  {'value':>12}  {'target':>14}  result")
    for item in items:
        sign = ">=" if item["better"] == "higher" else "<="
        value = f"{item['value']:,} {item.get('unit', '')}".strip()
        print(
            f"{item['metric']:<{width}}  {value:>12}  {sign + ' ' + format(item['target'], ','):>14}  {'ok' if meets(item) else 'MISS'}"
        )
    misses = sum(not meets(i) for i in items)
    print(f"\n{len(items)} figures, {misses} missing their target")


if __name__ == "__main__":
    main()
