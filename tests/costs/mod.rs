//! What each tool costs, through the real binary and real CPythons: the cost scenario's
//! start-up and memory columns (with each start method as its own pool), the contention
//! ladder's rungs on every runtime, asyncio on waiting and mixed work, and the free-threaded
//! build's three arms against the real 3.13t (`make pythons` unpacks it), PYTHON_GIL=1 among
//! them, each checked in its workers.

use std::path::{Path, PathBuf};

use gilbench::results::{RunRow, TaskRow};
use gilbench::runtime::Runtime;
use gilbench::{ExecutorKind, Scenario};

use crate::common::{gilbench, python3};

/// Runs `gilbench run` with `args` into a fresh folder, renders its report, and returns the
/// folder (kept alive) with the runs, the tasks and report.md.
fn run_and_report(args: &[&str]) -> (tempfile::TempDir, Vec<RunRow>, Vec<TaskRow>, String) {
    let out = tempfile::tempdir().expect("tempdir");
    let output = gilbench()
        .arg("run")
        .args(args)
        .args(["--repeat", "3", "--warmup", "0", "--target-ci", "off", "--quiet", "--name", "r"])
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let dir = out.path().join("r");
    let report = gilbench().arg("report").arg(&dir).output().expect("report");
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let data = gilbench::report::data::RunData::load(&dir).expect("the run loads");
    let markdown = std::fs::read_to_string(dir.join("report.md")).expect("report.md");
    (out, data.runs, data.tasks, markdown)
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The unpacked free-threaded 3.13t and the 3.13 environment `make pythons` prepares, or
/// `None` (and a skip notice) where they are missing and GILBENCH_SKIP_FREE_THREADED=1.
fn pythons_313() -> Option<(PathBuf, PathBuf)> {
    let free = repo().join(".pythons/3.13t/bin/python3.13t");
    let gil = repo().join(".pythons/cpython-3.13/bin/python");
    if free.is_file() && gil.is_file() {
        return Some((free, gil));
    }
    let skip = std::env::var("GILBENCH_SKIP_FREE_THREADED").is_ok_and(|value| value == "1");
    assert!(skip, "no .pythons/3.13t or .pythons/cpython-3.13: run `make pythons` first");
    eprintln!("SKIPPED: no free-threaded 3.13t and 3.13 environment here");
    None
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

#[test]
fn the_free_threaded_build_runs_three_arms_and_its_workers_say_which() {
    let Some((free, gil)) = pythons_313() else { return };
    let pythons = format!("{},{}", path(&free), path(&gil));
    let (_dir, runs, tasks, markdown) = run_and_report(&[
        "--profile",
        "quick",
        "--python",
        &pythons,
        "--runtimes",
        "cpython",
        "--scenarios",
        "cpu",
        "--workers",
        "1,2",
        "--tasks",
        "4",
        "--cpu-task-ms",
        "5",
    ]);
    let runtimes = Runtime::present(runs.iter().map(|r| r.point.runtime));
    let names: Vec<String> = runtimes.iter().map(ToString::to_string).collect();
    assert_eq!(names, ["cpython-3.13", "cpython-3.13t", "cpython-3.13t-gil"]);
    let gil_of = |name: &str| -> Vec<Option<bool>> {
        tasks.iter().filter(|t| t.runtime.to_string() == name).map(|t| t.gil).collect()
    };
    // sys._is_gil_enabled() in every worker: on with PYTHON_GIL=1, off without it.
    assert!(gil_of("cpython-3.13t-gil").iter().all(|g| *g == Some(true)));
    assert!(gil_of("cpython-3.13t").iter().all(|g| *g == Some(false)));
    assert!(gil_of("cpython-3.13").iter().all(|g| *g == Some(true)));
    assert!(markdown.contains("### The free-threaded build's price"), "{markdown}");
    assert!(
        markdown.contains(
            "| cpython-3.13 threads | cpython-3.13 processes | cpython-3.13t-gil threads |"
        )
    );
    assert!(markdown.contains("One worker of cpython-3.13t"), "the slowdown is stated");
    assert!(markdown.contains("the GIL stayed off in all"), "the workers' check is stated");
    assert!(markdown.contains("free-threaded, run with PYTHON\\_GIL=1"), "the interpreter line");
}

#[test]
fn the_cost_scenario_reads_start_up_and_memory_per_start_method() {
    let Some(python) = python3("the cost scenario") else { return };
    let (_dir, runs, tasks, markdown) = run_and_report(&[
        "--profile",
        "quick",
        "--python",
        path(&python),
        "--runtimes",
        "rust,cpython",
        "--scenarios",
        "cost",
        "--workers",
        "1,3",
        "--executors",
        "threads,processes",
        "--start-method",
        "fork,forkserver,spawn",
    ]);
    let cost: Vec<&RunRow> = runs.iter().filter(|r| r.point.scenario == Scenario::Cost).collect();
    for executor in [
        ExecutorKind::ProcessesFork,
        ExecutorKind::ProcessesForkserver,
        ExecutorKind::ProcessesSpawn,
    ] {
        let rows: Vec<&&RunRow> = cost.iter().filter(|r| r.point.executor == executor).collect();
        assert_eq!(rows.len(), 6, "{executor}: 2 worker counts, 3 repeats");
        assert!(rows.iter().all(|r| r.point.runtime == Runtime::Cpython), "CPython's alone");
    }
    // Every worker of a pool of 3 took exactly one task, and the pool's memory was read.
    for row in cost.iter().filter(|r| r.point.workers == 3) {
        let workers: std::collections::BTreeSet<u32> =
            tasks.iter().filter(|t| t.measurement == row.measurement).map(|t| t.worker).collect();
        assert_eq!(workers.len(), 3, "{}", row.point);
        let memory = row.memory.expect("memory read on Linux");
        // A thread may add nothing resident: the C library reuses the stacks of threads
        // that ended.
        assert!(
            memory.pool.rss + memory.workers.rss >= memory.idle.rss,
            "{}: {memory:?}",
            row.point
        );
        let (_, uss, pss) = memory.per_worker(3);
        if row.point.executor.is_process_pool() && !row.point.runtime.is_cpython() {
            // gilbench's worker program: a small static binary, but pages of its own.
            assert!(memory.workers.uss > 0 && uss > 0.0, "{}: {memory:?}", row.point);
        } else if row.point.executor.is_process_pool() {
            // Three CPython processes hold pages of their own, whatever the start method
            // (a forked one least: it shares its parent's).
            assert!(memory.workers.uss > 1 << 20, "{}: {memory:?}", row.point);
            assert!(uss > 256e3 && pss > 256e3, "{}: {memory:?}", row.point);
        } else {
            assert_eq!(memory.workers, Default::default(), "{}: no process started", row.point);
        }
    }
    assert!(markdown.contains("### What one worker costs"), "{markdown}");
    assert!(markdown.contains("| cpython | processes-spawn |"), "{markdown}");
    assert!(markdown.contains("processes (fork, the default)"), "{markdown}");
    assert!(markdown.contains("rust: no processes-spawn pool"), "the notice is in the report");
}

#[test]
fn the_contention_ladder_runs_every_rung_on_every_runtime() {
    let Some(python) = python3("the contention ladder") else { return };
    let (_dir, runs, _tasks, markdown) = run_and_report(&[
        "--profile",
        "quick",
        "--python",
        path(&python),
        "--runtimes",
        "rust,rust-gil,cpython",
        "--scenarios",
        "contention",
        "--workers",
        "2",
        "--tasks",
        "4",
        "--cpu-task-ms",
        "4",
        "--executors",
        "threads,processes",
    ]);
    for runtime in [Runtime::Rust, Runtime::RustGil, Runtime::Cpython] {
        for &rung in gilbench::model::Rung::ALL {
            let measured = runs
                .iter()
                .filter(|r| r.point.runtime == runtime && r.point.rung() == Some(rung) && r.ok)
                .count();
            assert_eq!(measured, 9, "{runtime} {rung}: serial, threads, processes x 3");
        }
    }
    assert!(markdown.contains("### Sharing"), "{markdown}");
    assert!(markdown.contains("| cpython: rung | threads | threads, against private |"));
    assert!(markdown.contains("| dict-write |"));
}

#[test]
fn asyncio_runs_waiting_work_on_cpython_only() {
    let Some(python) = python3("asyncio") else { return };
    let (_dir, runs, tasks, markdown) = run_and_report(&[
        "--profile",
        "quick",
        "--python",
        path(&python),
        "--runtimes",
        "rust,cpython",
        "--scenarios",
        "cpu,io,mixed",
        "--workers",
        "2",
        "--tasks",
        "4",
        "--cpu-task-ms",
        "4",
        "--io-seconds",
        "0.02",
        "--cpu-fractions",
        "0.5",
        "--mixed-task-ms",
        "10",
        "--executors",
        "threads,asyncio,asyncio-threads",
    ]);
    let asyncio: Vec<&RunRow> = runs.iter().filter(|r| r.point.executor.is_asyncio()).collect();
    assert_eq!(asyncio.len(), 2 * 2 * 3, "two executors, io and mixed, 3 repeats");
    assert!(asyncio.iter().all(|r| r.point.runtime == Runtime::Cpython && r.ok));
    let scenarios: std::collections::BTreeSet<Scenario> =
        asyncio.iter().map(|r| r.point.scenario).collect();
    assert_eq!(scenarios, [Scenario::Io, Scenario::Mixed].into(), "no CPU-bound asyncio");
    // Four 20 ms waits, two at a time: about 40 ms, far from the 80 ms of one at a time.
    let io: Vec<f64> =
        asyncio.iter().filter(|r| r.point.scenario == Scenario::Io).map(|r| r.elapsed_s).collect();
    assert!(io.iter().all(|&s| s < 0.075), "{io:?}");
    assert!(markdown.contains("### asyncio"), "{markdown}");
    assert!(markdown.contains(
        "| cpython: workload | workers (tasks in flight) | threads | processes | asyncio | asyncio \
         against threads | asyncio, a loop per thread | threads with a worker per task |"
    ));
    // A loop per thread runs its tasks on threads of their own, one per worker.
    let loops: std::collections::BTreeSet<u32> = tasks
        .iter()
        .filter(|t| t.executor == ExecutorKind::AsyncioThreads && t.scenario == Scenario::Io)
        .map(|t| t.worker)
        .collect();
    assert_eq!(loops.len(), 2, "{loops:?}");
    assert!(markdown.contains("rust: no asyncio pool"), "the report says why Rust has none");
}

/// A loop per thread holds every task in flight at any worker count: threads and
/// asyncio-threads on io at 2 and 8 workers, 16 tasks, and no table, line or chart of the
/// report sets the two side by side without naming the tasks each held.
#[test]
fn unequal_concurrency_is_named_wherever_asyncio_threads_meets_a_pool() {
    let Some(python) = python3("asyncio-threads") else { return };
    let (dir, runs, _, markdown) = run_and_report(&[
        "--profile",
        "quick",
        "--python",
        path(&python),
        "--runtimes",
        "cpython",
        "--scenarios",
        "io",
        "--workers",
        "2,8",
        "--tasks",
        "16",
        "--io-seconds",
        "0.01",
        "--executors",
        "threads,asyncio-threads",
    ]);
    assert!(runs.iter().any(|r| r.point.executor == ExecutorKind::AsyncioThreads && r.ok));
    // The choice table: both picks say how many tasks they held.
    let choice =
        markdown.lines().find(|l| l.starts_with("| cpython | io |")).expect("a tool choice for io");
    assert_eq!(choice.matches("tasks in flight").count(), 2, "{choice}");
    // The asyncio table: the loop per thread's cell says it held all 16.
    assert!(markdown.contains("(16 in flight)"), "{markdown}");
    assert!(markdown.contains("a loop per thread held all 16 tasks in flight at once"));
    // The curves and the spread leave it out, and their captions say why.
    for chart in ["wall_time_io", "speedup_io", "efficiency_io", "spread_io"] {
        let svg = std::fs::read_to_string(dir.path().join("r/plots").join(format!("{chart}.svg")))
            .expect(chart);
        assert!(!svg.contains("asyncio-threads"), "{chart} draws asyncio-threads");
    }
    assert!(markdown.matches("asyncio-threads is not drawn").count() >= 4 * 2, "{markdown}");
}
