#!/usr/bin/env python3
"""Counts the cells a report decides, for comparing a budgeted run with a full one: the
answer block's verdicts, the lesson table's ratios, the choice guide's cells and the fidelity
rows. A ratio is decided when its interval leaves 1 out or lies within 5% of 1 (the parity
margin); a guide cell when it names a winner or says "about as long"; a fidelity row when it
says "within the goal" or "differs". Usage: count_decided.py RUN/report.md [...]"""
import re
import sys

RATIO = re.compile(r"(\d+\.\d+)x \\?\[(\d+\.\d+), (\d+\.\d+)\\?\]")
PARITY = 1.05


def ratio_decided(text):
    match = RATIO.search(text)
    if not match:
        return False
    low, high = float(match.group(2)), float(match.group(3))
    return low > 1 or high < 1 or (low >= 1 / PARITY and high <= PARITY)


def table_after(lines, header_start):
    rows = []
    for i, line in enumerate(lines):
        if line.startswith(header_start):
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip().strip("|").split("|")])
            break
    return rows


def count(path):
    lines = open(path, encoding="utf-8").read().splitlines()
    answer = [line for line in lines[:40] if line.startswith("- For ")]
    verdicts = [part for line in answer for part in re.split(r"; on ", line)]
    answer_decided = sum(1 for v in verdicts if "use " in v or "about as long" in v)
    lesson = table_after(lines, "| at ")
    lesson = [r for r in lesson if not r[0].startswith("reference")]
    lesson_cells = [c for r in lesson for c in r[1:]]
    lesson_decided = sum(1 for c in lesson_cells if ratio_decided(c))
    guide = table_after(lines, "| situation |")
    guide_cells = [c for r in guide for c in r[1:] if not c.startswith("not measured")]
    guide_decided = sum(1 for c in guide_cells if " faster than " in c and "no clear" not in c
                        and "by the medians" not in c or c.startswith("about as long"))
    fidelity = table_after(lines, "| ratio | against |")
    fidelity_decided = sum(1 for r in fidelity if r[-1] in ("within the goal", "differs"))
    rows = [("answer block verdicts", answer_decided, len(verdicts)),
            ("lesson table ratios", lesson_decided, len(lesson_cells)),
            ("choice guide cells", guide_decided, len(guide_cells)),
            ("fidelity rows", fidelity_decided, len(fidelity))]
    print(path)
    for name, decided, total in rows:
        print(f"  {name:24} {decided:3} decided of {total}")
    print(f"  {'all':24} {sum(r[1] for r in rows):3} decided of {sum(r[2] for r in rows)}")


for report in sys.argv[1:]:
    count(report)
