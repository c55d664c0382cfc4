#!/bin/sh
# `make bench-budget`: how close budgeted runs come to their budgets. Three standard runs at
# each of 30 s, 1 min and 3 min, with the CPythons `make pythons` prepared, each printed as
# measured / budget (1.00 is on the budget; the rule is at most 1.10), then the lesson table's
# time and the comparisons it settled. A benchmark, not a test: it prints, it asserts nothing.
set -eu
gilbench=${GILBENCH:-target/release/gilbench}
out=output/budget-bench
rm -rf "$out"
pythons=$("$gilbench" pythons --paths 2>/dev/null || true)
python_flag=""
[ -n "$pythons" ] && python_flag="--python $pythons"
printf '%-8s %-3s %10s %8s %14s %s\n' budget run measured ratio lesson-table "left out"
for budget in 30 60 180; do
    for i in 1 2 3; do
        name="b${budget}s-$i"
        # shellcheck disable=SC2086
        "$gilbench" run --profile standard --budget "${budget}s" $python_flag \
            --executors threads,processes,interpreters,asyncio,asyncio-threads \
            --quiet --out "$out" --name "$name" >/dev/null
        python3 - "$out/$name/plan.json" "$budget" "$i" <<'PY'
import json, sys
spending = json.load(open(sys.argv[1]))["spending"]
budget, run = float(sys.argv[2]), sys.argv[3]
spent = spending["invocation_s"]
lesson = spending.get("lesson_decided_s")
lesson = "%.0f s" % lesson if lesson is not None else "not reached"
print("%-8s %-3s %9.1fs %8.3f %14s %d scenarios" % (
    "%ds" % budget, run, spent, spent / budget, lesson, len(spending["left_out"])))
PY
    done
done
