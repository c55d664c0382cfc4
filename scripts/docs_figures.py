"""The figures of the docs, generated from runs, never typed.

Usage: python3 scripts/docs_figures.py --write [NAME ...]  # `make docs-figures`: run anew
       python3 scripts/docs_figures.py --render              # the blocks again from the data
       python3 scripts/docs_figures.py --check [--root DIR]  # `make test`: nothing stale

Each figure is a block of a Markdown file between `<!-- figure NAME -->` and
`<!-- /figure -->`. `--write` runs the figure's documented command, keeps what it produced in
docs/figures/NAME/ (a run folder's plan.json, machine.json and tables, or a command's
output), and writes into the block the lines the figure selects from it (for a run, from the
report that `gilbench report` renders from that folder), with the machine (CPU, cores) and the
date. `--render` writes every block again from docs/figures/ without running anything (after a
change to how the report prints its tables). `--check` renders every block again from
docs/figures/ and fails, naming the figure,
where a block differs from what its data gives (a number typed in by hand, data missing or a
block with no figure of that name). The gilbench binary is $GILBENCH, else
target/release/gilbench.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN_FILES = ["plan.json", "machine.json", "runs.parquet", "tasks.parquet", "summary.csv"]
BLOCK = re.compile(r"<!-- figure ([a-z0-9-]+) -->\n(.*?)<!-- /figure -->\n", re.S)

# name: (document, the command as documented, kind, selection[, the figure whose data it shares])
#   kind "stdout": the command's output; selection: a regex its kept lines match.
#   kind "run": a `gilbench run` into a run folder; selection: the header of the report's
#   table to keep (the header, its rule and its rows), or a regex the kept lines match.
#   A figure that names another takes its lines from that figure's run (one command, several
#   figures), and its command is that figure's.
THREE_PYTHONS = "python3,.pythons/cpython-3.13/bin/python,.pythons/3.13t/bin/python3.13t"
SECTIONS_RUN = ("gilbench run --scenarios cpu,io,mixed,contention --executors "
                "threads,processes,asyncio,asyncio-threads --runtimes cpython "
                f"--cpu-fractions 0,0.5,1 --python {THREE_PYTHONS} "
                "--workers 1,2,8 --tasks 16 --repeat 5 --budget none")
FIGURES = {
    "lesson": ("README.md", "gilbench lesson --runtime cpython", "stdout",
               r"^  (CPU|I/O) (threads|processes|threads/procs) "),
    "parse-json": ("docs/function.md",
                   "gilbench run --task tests/fixtures/tasks.py:parse_json "
                   "--task-setup tests/fixtures/tasks.py:make_documents "
                   "--python python3,.pythons/3.13t/bin/python3.13t --workers 1,2",
                   "run", "| CPython | computes |"),
    "tally-shared": ("docs/function.md",
                     "gilbench run --task tests/fixtures/tasks.py:tally_shared "
                     "--task-args '[7, 20000]' "
                     "--python python3,.pythons/3.13t/bin/python3.13t --workers 1,2",
                     "run", "| CPython | computes |"),
    "worker-costs": ("docs/costs.md",
                     "gilbench run --scenarios cost --start-method fork,forkserver,spawn "
                     "--executors threads,processes,interpreters "
                     f"--python {THREE_PYTHONS} --runtimes rust,cpython --repeat 5",
                     "run", "| runtime | pool | one worker starts in |"),
    "interpreters": ("docs/runtimes.md",
                     "gilbench run --python .pythons/cpython-3.13/bin/python,python3 "
                     "--executors threads,processes,interpreters --scenarios cpu --workers 1,2",
                     "run", r"^- [a-z0-9.-]+: threads .* the serial speed at 2 workers$"),
    "answer": ("docs/report.md",
               "gilbench run --profile quick --executors threads,processes,interpreters "
               f"--python {THREE_PYTHONS}",
               "run", "| runtime | CPU-bound work at "),
    "overhead": ("docs/measuring.md", "gilbench overhead", "stdout",
                 r"^(metric|I/O|dispatch|pool|CPU|NoGil) "),
    "free-threaded-price": ("docs/costs.md", SECTIONS_RUN, "run",
                            "| workers | cpython-3.13 threads |"),
    "sharing": ("docs/costs.md", SECTIONS_RUN, "run", "| cpython-3.13t: rung |",
                "free-threaded-price"),
    "asyncio": ("docs/costs.md", SECTIONS_RUN, "run", "| cpython-3.13: workload |",
                "free-threaded-price"),
}


def data_of(name):
    """The figure whose run `name` takes its lines from (itself, or the one it names)."""
    entry = FIGURES[name]
    return entry[4] if len(entry) > 4 else name


def gilbench():
    return os.environ.get("GILBENCH") or str(ROOT / "target/release/gilbench")


def words(command):
    return [gilbench() if w == "gilbench" else w for w in shlex.split(command)]


def selected_stdout(text, pattern):
    return [line for line in text.splitlines() if re.search(pattern, line)]


def selected_table(report, header):
    lines, keep = [], False
    for line in report.splitlines():
        if line.startswith(header):
            keep = True
        if keep and not line.startswith("|"):
            break
        if keep:
            lines.append(line)
    return lines


def report_of(folder):
    """report.md rendered from a copy of the run folder `folder`."""
    with tempfile.TemporaryDirectory() as scratch:
        run = Path(scratch) / "run"
        shutil.copytree(folder, run)
        subprocess.run([gilbench(), "report", str(run)], check=True, capture_output=True)
        return (run / "report.md").read_text()


def render(name, root):
    """The block of figure `name` from its data under `root`/docs/figures."""
    doc, command, kind, selection = FIGURES[name][:4]
    data = root / "docs/figures" / data_of(name)
    about = json.loads((data / "figure.json").read_text())
    if kind == "stdout":
        body = ["```text", *selected_stdout((data / "stdout.txt").read_text(), selection), "```"]
    elif selection.startswith("| "):
        body = selected_table(report_of(data / "run"), selection)
    else:
        body = selected_stdout(report_of(data / "run"), selection)
    if not body or body == ["```text", "```"]:
        raise SystemExit(f"figure {name}: its data in {data} holds nothing to show")
    link = os.path.relpath(data, (root / doc).parent)
    provenance = (f"*Measured on {about['cpu']} ({about['cores']} logical cores) on "
                  f"{about['date']} by `{command}` ([its data]({link}/)).*")
    return "\n".join(body) + "\n\n" + provenance + "\n"


def machine():
    out = subprocess.run([gilbench(), "machine", "--json"], check=True, capture_output=True,
                         text=True).stdout
    found = json.loads(out)
    return found["cpu_brand"], found["logical_cores"]


def produce(name):
    """Runs figure `name`'s command and keeps what it produced in docs/figures/NAME."""
    _, command, kind, _ = FIGURES[name][:4]
    data = ROOT / "docs/figures" / name
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    print(f"docs-figures: {name}: {command}", flush=True)
    if kind == "stdout":
        out = subprocess.run(words(command), check=True, capture_output=True, text=True, cwd=ROOT)
        (data / "stdout.txt").write_text(out.stdout)
        cpu, cores = machine()
    else:
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run(words(command) + ["--quiet", "--out", scratch, "--name", "run"],
                           check=True, cwd=ROOT)
            (data / "run").mkdir()
            for file in RUN_FILES:
                shutil.copy(Path(scratch) / "run" / file, data / "run" / file)
        found = json.loads((data / "run/machine.json").read_text())
        cpu, cores = found["cpu_brand"], found["logical_cores"]
    about = {"command": command, "cpu": cpu, "cores": cores, "date": date.today().isoformat()}
    (data / "figure.json").write_text(json.dumps(about, indent=1) + "\n")


def blocks(root):
    """(document, name, block text) of every figure block of README.md and docs/*.md."""
    found = []
    for doc in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for match in BLOCK.finditer(doc.read_text()):
            found.append((doc.relative_to(root).as_posix(), match.group(1), match.group(2)))
    return found


def write(names):
    for name in dict.fromkeys(data_of(n) for n in names):
        produce(name)
    render_all()


def render_all():
    """Every block written again from what docs/figures/ keeps."""
    for name, (doc, *_rest) in FIGURES.items():
        path = ROOT / doc
        text = path.read_text()
        block = f"<!-- figure {name} -->\n{render(name, ROOT)}<!-- /figure -->\n"
        pattern = re.compile(rf"<!-- figure {name} -->\n.*?<!-- /figure -->\n", re.S)
        if not pattern.search(text):
            raise SystemExit(f"figure {name}: {doc} has no <!-- figure {name} --> block")
        path.write_text(pattern.sub(lambda _, block=block: block, text))
        print(f"docs-figures: {name} written into {doc}", flush=True)


def check(root):
    problems, seen = [], set()
    for doc, name, text in blocks(root):
        seen.add(name)
        if name not in FIGURES or FIGURES[name][0] != doc:
            problems.append(f"{doc}: figure {name} is not one that docs_figures.py makes there")
            continue
        try:
            expected = render(name, root)
        except (OSError, KeyError, ValueError, subprocess.CalledProcessError) as error:
            problems.append(f"{doc}: figure {name}: its data cannot be read ({error})")
            continue
        if text != expected:
            problems.append(f"{doc}: figure {name} differs from what docs/figures/{name} gives "
                            "(run `make docs-figures`, or `python3 scripts/docs_figures.py "
                            f"--render` where only the printing changed):\n--- in the doc\n{text}"
                            f"--- from the data\n{expected}")
    problems += [f"figure {name} has no block in {FIGURES[name][0]}"
                 for name in FIGURES if name not in seen]
    if problems:
        raise SystemExit("\n".join(problems))
    print(f"docs-figures: {len(seen)} figures match their data")


def main(args):
    if "--write" in args:
        names = [a for a in args if not a.startswith("--")] or list(FIGURES)
        unknown = [n for n in names if n not in FIGURES]
        if unknown:
            raise SystemExit(f"no figure named {unknown}: {', '.join(FIGURES)}")
        write(names)
    elif "--render" in args:
        render_all()
    elif "--check" in args:
        root = Path(args[args.index("--root") + 1]) if "--root" in args else ROOT
        check(root)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
