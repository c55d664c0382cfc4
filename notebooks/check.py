"""Executes every notebook headless with the Rust (evcxr) kernel and checks its key outputs.

Usage: python3 notebooks/check.py [--write] [NOTEBOOK ...]

Each notebook runs in a temporary copy (or in place with --write, which is how the committed
outputs are refreshed) with an explicit kernel start-up timeout and per-cell timeout. Any
error fails the check, and so does a notebook whose outputs lack what it must show.
"""

import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 120
# The first cell of each notebook compiles gilbench and its dependencies inside evcxr.
CELL_TIMEOUT = 1800

EXPECTED = {
    "01_workloads.ipynb": ["burn_cpu(1_000_000) = 21097455.88747604", "bit-identical to CPython: true", "fake_io(0.3, 10) returned 0.3"],
    "02_executors.ipynb": ["task 1 finished: Ok(0.1)", "worker pids:", "Failed(\"file not found\")", "overlapping holds: None"],
    "03_the_lesson.ipynb": ["sums match: true", "CPU: threads", "rust-gil: Processes finished the CPU-bound work"],
    "04_sweep_and_dataframes.ipynb": ["Complete:", "<table>", "threads_over_processes"],
    "05_plots_and_report.ipynb": ["summary rows", "image/svg+xml", "report.html", "report.md has"],
}


def outputs_text(notebook):
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                parts.append(output["text"])
            for mime, data in output.get("data", {}).items():
                parts.append(mime)
                parts.append(data if isinstance(data, str) else "".join(data))
            if output.get("output_type") == "error":
                parts.append("ERROR " + output.get("ename", "") + ": " + output.get("evalue", ""))
    return "\n".join(parts)


def run(path, write):
    started = time.monotonic()
    notebook = nbformat.read(path, as_version=4)
    # The kernel runs in notebooks/, so `:dep gilbench = { path = ".." }` finds the crate.
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, startup_timeout=START_TIMEOUT,
                            kernel_name="rust", resources={"metadata": {"path": str(HERE)}})
    client.execute()
    text = outputs_text(notebook)
    missing = [needle for needle in EXPECTED.get(path.name, []) if needle not in text]
    if "ERROR " in text or missing:
        raise SystemExit(f"{path.name}: missing {missing}\n{text[-3000:]}")
    # The executed notebook goes to a temporary copy, or back in place with --write.
    with tempfile.TemporaryDirectory() as scratch:
        nbformat.write(notebook, Path(scratch) / path.name)
        if write:
            shutil.copy(Path(scratch) / path.name, path)
    print(f"{path.name}: ok in {time.monotonic() - started:.0f} s", flush=True)


def main(args):
    write = "--write" in args
    names = [a for a in args if not a.startswith("--")]
    paths = [HERE / n for n in names] if names else sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        run(path, write)
    print(f"{len(paths)} passed, 0 failed")


if __name__ == "__main__":
    main(sys.argv[1:])
