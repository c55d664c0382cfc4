#!/bin/sh
# `make pythons`: one virtual environment per CPython 3.12 or 3.13 found (pyenv's versions,
# python3.12 and python3.13 on PATH), as .pythons/cpython-3.N[t], with the pinned
# interpreters-pep-734 backport, so that gilbench can run InterpreterPoolExecutor there. An
# environment is kept only when the backport imports: 0.5.0 needs the _interpreters module
# of CPython 3.13, so a 3.12 gets a notice instead.
# A free-threaded CPython found in ../shared/pythons is unpacked as .pythons/3.13t, and with uv
# on PATH and its downloads reachable, uv's CPython 3.14t is linked as .pythons/3.14t.
# Nothing is installed into a system interpreter. Without such a CPython, or offline, it says
# so in one line and succeeds: the runs then go on without those interpreters.
set -u
backport="interpreters-pep-734==0.5.0"
dir=.pythons
root=${PYENV_ROOT:-$HOME/.pyenv}
found=0
for py in "$root"/versions/3.12*/bin/python3 "$root"/versions/3.13*/bin/python3 \
    $(command -v python3.12 python3.13 2>/dev/null); do
    [ -x "$py" ] || continue
    label=$("$py" -c 'import sys, sysconfig; print("cpython-%d.%d%s" % (sys.version_info[0], sys.version_info[1], "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""))' 2>/dev/null) || continue
    found=1
    venv=$dir/$label
    works="from interpreters_backport.concurrent.futures import InterpreterPoolExecutor"
    if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$works" 2>/dev/null; then
        echo "pythons: $venv is ready"
        continue
    fi
    rm -rf "$venv"
    mkdir -p "$dir"
    if ! "$py" -m venv "$venv" >/dev/null 2>&1 ||
        ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$backport" >/dev/null 2>&1; then
        rm -rf "$venv"
        echo "pythons: notice: no environment for $py (no package registry reachable, or no venv module); skipped"
    elif ! why=$("$venv/bin/python" -c "$works" 2>&1); then
        rm -rf "$venv"
        echo "pythons: notice: $backport does not run on $py ($(echo "$why" | tail -n 1)); skipped"
    else
        echo "pythons: $venv ($py) with $backport"
    fi
done
[ "$found" = 1 ] || echo "pythons: notice: no CPython 3.12 or 3.13 found (pyenv, PATH); nothing to prepare"
# A free-threaded CPython: no registry serves one, so the build that shared/ beside the
# checkout may hold is unpacked whole (it is relocatable) as .pythons/3.13t.
free=../shared/pythons/cpython-3.13t-linux-x86_64.tar.xz
if [ -x "$dir/3.13t/bin/python3.13t" ]; then
    echo "pythons: $dir/3.13t is ready"
elif [ -f "$free" ]; then
    mkdir -p "$dir"
    if tar xJf "$free" -C "$dir" && "$dir/3.13t/bin/python3.13t" -c 'import sys' 2>/dev/null; then
        echo "pythons: $dir/3.13t (free-threaded, from $free)"
    else
        rm -rf "$dir/3.13t"
        echo "pythons: notice: $free does not run here; no free-threaded CPython"
    fi
else
    echo "pythons: notice: no free-threaded CPython in ../shared/pythons to unpack"
fi
# A free-threaded CPython 3.14 from uv, where uv is on PATH and its downloads are reachable:
# linked as .pythons/3.14t, where discovery finds python3.14t.
if [ -x "$dir/3.14t/bin/python3.14t" ]; then
    echo "pythons: $dir/3.14t is ready"
elif command -v uv >/dev/null 2>&1; then
    if timeout 300 uv python install 3.14t >/dev/null 2>&1 &&
        found=$(uv python find 3.14t 2>/dev/null) && [ -x "$found" ]; then
        mkdir -p "$dir"
        home=$(cd "$(dirname "$found")/.." && pwd)
        ln -sfn "$home" "$dir/3.14t"
        echo "pythons: $dir/3.14t (free-threaded, uv python install 3.14t: $found)"
    else
        echo "pythons: notice: uv python install 3.14t failed (its downloads are not reachable from here?); no CPython 3.14t"
    fi
else
    echo "pythons: notice: no uv on PATH, so no free-threaded CPython 3.14t (install uv, or one from python.org or your distribution)"
fi
exit 0
