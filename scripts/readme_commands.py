"""Runs the README's shell commands in order, as a reader would, from the checkout's root.

Usage: python3 scripts/readme_commands.py [--dry-run] [README.md]

Every line of every ```sh block (continuations joined, comments dropped) runs in bash in the
order the README gives them; the first command that fails stops the script with its exit
status. Each command's time is printed, so a fresh clone's first hour can be measured.
"""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def commands(text):
    found, in_sh, pending = [], False, ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_sh = not in_sh and stripped in ("```sh", "```bash")
            continue
        if not in_sh:
            continue
        code = stripped.split(" #")[0].rstrip() if not stripped.startswith("#") else ""
        if code.endswith("\\"):
            pending += code[:-1] + " "
            continue
        code, pending = pending + code, ""
        if code:
            found.append(code)
    return found


def main(args):
    readme = Path(next((a for a in args if not a.startswith("--")), ROOT / "README.md"))
    listed = commands(readme.read_text())
    for number, command in enumerate(listed, 1):
        print(f"readme-commands: [{number}/{len(listed)}] {command}", flush=True)
        if "--dry-run" in args:
            continue
        started = time.monotonic()
        status = subprocess.run(["bash", "-c", command], cwd=ROOT).returncode
        took = time.monotonic() - started
        progress = f"[{number}/{len(listed)}] exit {status} in {took:.0f} s"
        print(f"readme-commands: {progress}", flush=True)
        if status != 0:
            raise SystemExit(status)
    print(f"readme-commands: all {len(listed)} commands succeeded")


if __name__ == "__main__":
    main(sys.argv[1:])
