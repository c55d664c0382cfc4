#!/bin/sh
# `make test`'s preflight: the real-interpreter tests need python3 on PATH and the CPythons
# `make pythons` prepares (the free-threaded .pythons/3.13t and the .pythons/cpython-3.13
# environment). Where one is missing, one line says what to do and the tests do not start:
# a clear failure instead of a test's panic. GILBENCH_SKIP_PYTHON=1 and
# GILBENCH_SKIP_FREE_THREADED=1 skip the tests that need them (those tests then print SKIPPED).
set -u
dir=${1:-.pythons}
if ! command -v python3 >/dev/null 2>&1 && [ "${GILBENCH_SKIP_PYTHON:-}" != 1 ]; then
    echo "make test: no python3 on PATH: install one, or set GILBENCH_SKIP_PYTHON=1 to skip the tests that run CPython"
    exit 1
fi
missing=""
[ -x "$dir/3.13t/bin/python3.13t" ] || missing="$dir/3.13t"
[ -x "$dir/cpython-3.13/bin/python" ] || missing="${missing:+$missing and }$dir/cpython-3.13"
if [ -n "$missing" ] && [ "${GILBENCH_SKIP_FREE_THREADED:-}" != 1 ]; then
    echo "make test: $missing missing: run \`make pythons\` (it needs ../shared/pythons and a package registry), or set GILBENCH_SKIP_FREE_THREADED=1 to skip the tests that need them"
    exit 1
fi
exit 0
