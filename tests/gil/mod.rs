//! The `rust-gil` model checked from its own instrumentation, not from timing: hold intervals
//! of different threads never overlap, waits end after a bounded number of hand-offs,
//! sleeping threads do not hold the lock. And the `cpython` runtime against Rust, bit for bit.

use std::sync::Arc;
use std::time::Duration;

use gilbench::executor::gil::{Gil, first_overlap};
use gilbench::executor::{Executor, ExecutorKind, ThreadPool, as_completed};
use gilbench::runtime::{CpythonDriver, Measurer, Runtime, cpython};
use gilbench::{Task, bench_with};

use crate::common::{gilbench, pool, python3};

fn run_on_gil(threads: usize, tasks: Vec<Task>) -> Arc<Gil> {
    let gil = Arc::new(Gil::new(Duration::from_millis(1)));
    let mut executor = ThreadPool::new(threads, Some(Arc::clone(&gil))).expect("pool");
    let futures: Vec<_> = tasks.into_iter().map(|t| executor.submit(t).expect("submit")).collect();
    for future in as_completed(&futures) {
        future.result().expect("task");
    }
    executor.shutdown().expect("shutdown");
    gil
}

#[test]
fn no_two_threads_ever_hold_the_lock_at_once() {
    let gil = run_on_gil(4, vec![Task::BurnCpu { iterations: 3_000_000 }; 8]);
    let intervals = gil.hold_intervals();
    assert!(intervals.len() > 8, "the lock changed hands only {} times", intervals.len());
    assert!(gil.drop_requests() > 0, "no thread ever asked for the lock");
    let threads: std::collections::HashSet<usize> = intervals.iter().map(|i| i.thread).collect();
    assert_eq!(threads.len(), 4, "every thread held the lock at some point");
    assert_eq!(first_overlap(&intervals), None);
}

#[test]
fn waiting_threads_get_the_lock_within_a_bounded_number_of_hand_offs() {
    let threads = 4;
    let gil = run_on_gil(threads, vec![Task::BurnCpu { iterations: 4_000_000 }; 8]);
    // Forced switching hands the lock on at every request; with 4 threads a waiter can lose
    // a few draws to the others, never an unbounded number.
    let bound = 8 * threads as u64;
    assert!(
        gil.max_handoffs_waited() <= bound,
        "a thread waited through {} hand-offs",
        gil.max_handoffs_waited()
    );
}

#[test]
fn sleeping_threads_do_not_hold_the_lock() {
    let gil = run_on_gil(4, vec![Task::FakeIo { seconds: 0.08, chunks: 4 }; 4]);
    let intervals = gil.hold_intervals();
    // Each sleep of 20 ms runs with the lock released: no hold comes near a sleep's length,
    // and all holds together are a sliver of the 320 ms the threads slept.
    let longest = intervals.iter().map(|i| i.end_s - i.start_s).fold(0.0, f64::max);
    let total: f64 = intervals.iter().map(|i| i.end_s - i.start_s).sum();
    assert!(longest < 0.01, "a hold lasted {longest} s");
    assert!(total < 0.05, "the threads held the lock for {total} s in all");
    assert_eq!(first_overlap(&intervals), None);
}

#[test]
fn rust_gil_threads_share_one_lock_but_processes_each_have_their_own() {
    // A process pool under the GIL model still computes the lesson's sums, in parallel processes.
    let tasks = vec![Task::BurnCpu { iterations: 200_000 }; 4];
    let builder = pool(ExecutorKind::Processes, 2).gil(Some(Duration::from_millis(5)));
    let measured = bench_with(builder, &tasks).expect("bench");
    assert_eq!(measured.runtime, Runtime::RustGil);
    assert_eq!(measured.result_sum().to_bits(), (4.0 * gilbench::burn_cpu(200_000)).to_bits());
    let workers: std::collections::HashSet<usize> =
        measured.spans.iter().map(|s| s.worker).collect();
    assert_eq!(workers.len(), 2);
}

#[test]
fn cpython_computes_bit_identical_sums_and_reports_spans() {
    if python3("the CPython runtime checks").is_none() {
        return;
    }
    let python = cpython::find_python(None).expect("python3");
    let mut driver = CpythonDriver::start(&python, Duration::from_millis(5)).expect("driver");
    assert!(driver.info().version.starts_with('3'));
    // The one bit-identity check of burn_cpu against CPython's math.sqrt loop: edges of the
    // i % 1000 cycle, and the lesson's own count.
    let counts = [1_u64, 2, 999, 1000, 1001, 12_345, 1_000_000];
    let reprs = driver.burn_cpu_reprs(&counts).expect("burn");
    for (n, text) in counts.iter().zip(reprs) {
        let theirs: f64 = text.parse().expect("a float");
        assert_eq!(gilbench::burn_cpu(*n).to_bits(), theirs.to_bits(), "n = {n}");
    }
    let interpreters = driver.info().interpreters.is_some();
    let mut measurer = Measurer::from(driver);
    let tasks = vec![
        Task::BurnCpu { iterations: 20_000 },
        Task::FakeIo { seconds: 0.01, chunks: 2 },
        Task::BurnCpu { iterations: 30_000 },
    ];
    let rust = bench_with(pool(ExecutorKind::Threads, 2), &tasks).expect("rust");
    for &kind in ExecutorKind::ALL {
        if kind == ExecutorKind::Interpreters && !interpreters {
            // An interpreter without InterpreterPoolExecutor says why, and measures nothing.
            let error = measurer.measure(kind, &tasks, 2).expect_err("no interpreter pool");
            assert!(error.to_string().contains("InterpreterPoolExecutor"), "{error}");
            continue;
        }
        let measured = measurer.measure(kind, &tasks, 2).expect("cpython");
        assert_eq!(measured.runtime, Runtime::Cpython);
        assert_eq!(measured.result_sum().to_bits(), rust.result_sum().to_bits(), "{kind}");
        assert_eq!(measured.spans.len(), 3);
        assert!(
            measured
                .spans
                .iter()
                .all(|s| s.end_s >= s.start_s && s.end_s <= measured.elapsed_s + 0.05)
        );
    }
    let failing =
        measurer.measure(ExecutorKind::Threads, &[Task::Fail { message: "nope".into() }], 1);
    let error = failing.expect_err("a raising task fails the measurement").to_string();
    assert!(error.contains("nope"), "{error}");
}

#[test]
fn lesson_runs_with_every_runtime() {
    let runtimes: &[&str] = if python3("the cpython lesson").is_some() {
        &["rust-gil", "cpython"]
    } else {
        &["rust-gil"]
    };
    for runtime in runtimes {
        let output = gilbench()
            .args([
                "lesson",
                "--runtime",
                runtime,
                "--workers",
                "2",
                "--cpu-task-ms",
                "5",
                "--io-seconds",
                "0.02",
                "--json",
            ])
            .output()
            .expect("lesson");
        assert!(output.status.success(), "{runtime}: {}", String::from_utf8_lossy(&output.stderr));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(report["settings"]["runtime"], *runtime);
        assert_eq!(report["cpu"]["threads"]["sum"], report["cpu"]["processes"]["sum"]);
    }
}

#[test]
fn without_python3_the_cpython_runtime_is_skipped_with_a_notice() {
    let out = tempfile::tempdir().expect("tempdir");
    let empty_path = tempfile::tempdir().expect("tempdir");
    let output = gilbench()
        .env("PATH", empty_path.path())
        .args([
            "run",
            "--profile",
            "quick",
            "--scenarios",
            "io",
            "--workers",
            "1",
            "--repeat",
            "1",
            "--io-seconds",
            "0.001",
            "--name",
            "nopy",
            "--out",
        ])
        .arg(out.path())
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.matches("cpython runtime was skipped").count(),
        2,
        "one notice, repeated in the final warnings: {stderr}"
    );
    let plan: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("nopy/plan.json")).expect("plan"),
    )
    .expect("json");
    assert!(plan["skipped"]["cpython"].is_string());
    // The plan stays as asked; set-up's record says what ran.
    assert_eq!(plan["plan"]["runtimes"], serde_json::json!(["rust", "rust-gil", "cpython"]));
    assert_eq!(plan["setup"]["runtimes"], serde_json::json!(["rust", "rust-gil"]));
    let report = gilbench().args(["report"]).arg(out.path().join("nopy")).output().expect("report");
    assert!(report.status.success());
    let markdown = std::fs::read_to_string(out.path().join("nopy/report.md")).expect("md");
    assert!(markdown.contains("The cpython runtime was skipped"));
}
