"""Go's ``text/tabwriter`` as kubectl uses it, so columns line up byte for byte.

Mirrors ``tabwriter.Writer.format``: a column is aligned over a *block* of consecutive lines
that all have a tab-terminated cell in that column; a line with fewer cells ends the block.
That is why ``kubectl describe`` aligns ``Name:``…``IP:`` together but starts a new column
under ``IPs:``. The text after a line's last tab is never padded. ``describe`` uses
``(minwidth 0, padding 2)``; ``get`` uses ``(minwidth 6, padding 3)``.
Simplified: left alignment with spaces only (no ``AlignRight``, ``Debug`` or escapes).
"""

from __future__ import annotations


def tabwrite(text: str, minwidth: int = 0, padding: int = 2) -> str:
    """Format ``text`` (cells separated by tabs, lines by newlines) as tabwriter would."""
    trailing_newline = text.endswith("\n")
    raw = text[:-1] if trailing_newline else text
    lines = [line.split("\t") for line in raw.split("\n")]
    out: list[str] = []
    _format(lines, 0, len(lines), [], minwidth, padding, out)
    result = "\n".join(out)
    return result + "\n" if trailing_newline else result


def _format(
    lines: list[list[str]], line0: int, line1: int, widths: list[int], minwidth: int, padding: int, out: list[str]
) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write_lines(lines, line0, this, widths, out)
        line0 = this
        width = minwidth
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + padding)
            this += 1
        _format(lines, line0, this, [*widths, width], minwidth, padding, out)
        line0 = this
    _write_lines(lines, line0, line1, widths, out)


def _write_lines(lines: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]) -> None:
    for cells in lines[line0:line1]:
        parts = []
        for j, cell in enumerate(cells):
            parts.append(cell.ljust(widths[j]) if j < len(widths) else cell)
        out.append("".join(parts))


def table(rows: list[list[str]]) -> str:
    """``kubectl get``'s table writer (minwidth 6, padding 3) over rows of cells."""
    return tabwrite("".join("\t".join(row) + "\n" for row in rows), minwidth=6, padding=3)
