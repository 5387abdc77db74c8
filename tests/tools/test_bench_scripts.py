"""The benchmark plumbing: ``make bench``'s figure table and the page-weight asset walk.

The figures themselves are measured by running ``make bench`` (never asserted here); these
tests pin that the summary reads every figure line, judges it by its direction, and that the
page-weight script follows module imports, so a split of the drawing module stays counted.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_report_reads_figure_lines_and_skips_other_output() -> None:
    report = _load("_report")
    lines = [
        "== bench/apply.py",
        '{"metric": "applies", "value": 2100, "unit": "/s", "target": 2000, "better": "higher"}',
        "{not json",
        '{"metric": "p99", "value": 30, "unit": "ms", "target": 20, "better": "lower"}',
        '{"other": 1}',
    ]
    items = report.figures(lines)
    assert [i["metric"] for i in items] == ["applies", "p99"]
    assert [report.meets(i) for i in items] == [True, False]


def test_report_prints_a_table_with_misses_counted(tmp_path: Path, capsys) -> None:
    report = _load("_report")
    log = tmp_path / "bench.log"
    log.write_text('{"metric": "frame", "value": 60, "unit": "ms", "target": 50, "better": "lower"}\n')
    sys.argv = ["_report.py", str(log)]
    report.main()
    out = capsys.readouterr().out
    assert "frame" in out and "MISS" in out and "1 figures, 1 missing" in out


def test_page_weight_follows_module_imports_and_lazy_urls(tmp_path: Path, monkeypatch) -> None:
    weight = _load("page_weight")
    (tmp_path / "js").mkdir()
    (tmp_path / "vendor").mkdir()
    (tmp_path / "js" / "main.js").write_text(
        'import { a } from "./part.js";\nconst LAZY = new URL("../vendor/big.js", import.meta.url).href;\n'
    )
    (tmp_path / "js" / "part.js").write_text('export const a = 1;\nimport "./side.js";\n')
    (tmp_path / "js" / "side.js").write_text("console.log(1);\n")
    (tmp_path / "vendor" / "big.js").write_text("x" * 1000)
    (tmp_path / "site.css").write_text("body{}")
    monkeypatch.setattr(weight, "STATIC", tmp_path)
    html = '<link rel="stylesheet" href="/static/site.css"><script type="module" src="/static/js/main.js"></script>'
    names = {p.name for p in weight.assets(html)}
    assert names == {"main.js", "part.js", "side.js", "big.js", "site.css"}
    assert weight.gzip_kb(weight.assets(html)) > 0
