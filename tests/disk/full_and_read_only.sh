#!/bin/sh
# Run by tests/disk inside `unshare -rm` (a private mount namespace): a small tmpfs holds a run
# folder, is filled up and made read-only at chosen moments, and every command's exit code,
# stderr and a copy of the folder land in $KEEP for the test to check.
# Usage: full_and_read_only.sh GILBENCH KEEP [run flags...]
set -u
gilbench=$1 keep=$2
shift 2
mnt=$keep/mnt
mkdir -p "$mnt"
mount -t tmpfs -o size=4m tmpfs "$mnt" || { echo "cannot mount a tmpfs" >&2; exit 90; }
run=$mnt/out/disk

fill() { dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null; true; }
unfill() { rm -f "$mnt/filler"; }
read_only() { mount -o remount,ro "$mnt"; }
writable() { mount -o remount,rw "$mnt"; }
lines() { if [ -f "$run/journal.jsonl" ]; then wc -l <"$run/journal.jsonl"; else echo 0; fi; }
# step NAME COMMAND...: runs COMMAND, keeps its exit code and stderr, and a copy of the folder.
keep_step() {
    echo "$2" >"$keep/$1.rc"
    rm -rf "$keep/$1"
    cp -a "$run" "$keep/$1" 2>/dev/null || mkdir -p "$keep/$1"
}
step() {
    name=$1
    shift
    "$@" >/dev/null 2>"$keep/$name.err"
    keep_step "$name" $?
}

# 1. The disk fills up while measuring (once the journal holds a line).
"$gilbench" run --quiet --out "$mnt/out" --name disk "$@" >/dev/null 2>"$keep/1-measuring.err" &
pid=$!
tries=0
while [ "$(lines)" -lt 1 ] && [ $tries -lt 2000 ]; do sleep 0.005; tries=$((tries + 1)); done
fill
wait $pid
keep_step 1-measuring $?
# 2. Resuming while it is still full.
step 2-still-full "$gilbench" run --quiet --resume "$run"
# 3. Space is back, but the folder is read-only.
unfill
read_only
step 3-read-only "$gilbench" run --quiet --resume "$run"
# 4. Writable again: the resume finishes.
writable
step 4-resumed "$gilbench" run --quiet --resume "$run"
# 5. The tables of a run killed after its last measurement, written into a full disk.
sed -i 's/"status": "complete"/"status": "partial"/' "$run/plan.json"
cp -a "$run" "$keep/5-before"
fill
step 5-tables-full "$gilbench" run --quiet --resume "$run"
unfill
step 6-tables-written "$gilbench" run --quiet --resume "$run"
# 7. The report into a full disk, then a read-only one, then with room.
"$gilbench" report "$run" >/dev/null 2>&1
cp -a "$run" "$keep/7-before"
fill
step 7-report-full "$gilbench" report "$run"
unfill
read_only
step 8-report-read-only "$gilbench" report "$run"
writable
step 9-report "$gilbench" report "$run"
umount "$mnt"
