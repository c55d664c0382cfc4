//! `gilbench lesson` through the real binary: its table, its JSON, and the one-line error with
//! exit code 2 for every kind of bad input; and burn_cpu against real CPython.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::gilbench;

const QUICK: [&str; 6] = ["--workers", "2", "--cpu-iterations", "200000", "--io-seconds", "0.02"];

#[test]
fn lesson_json_has_every_field_and_matching_sums() {
    let output = gilbench().arg("lesson").args(QUICK).arg("--json").output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    // Schema 2: the settings, then one comparison per workload.
    assert_eq!(report["schema"], 2);
    for pointer in [
        "/settings/runtime",
        "/settings/workers",
        "/settings/tasks",
        "/settings/cpu_iterations",
        "/settings/switch_interval_ms",
        "/cores",
        "/repeats",
        "/cpu/threads/seconds",
        "/cpu/processes/seconds",
        "/cpu/ratio/value",
        "/cpu/ratio/interval/low",
        "/cpu/ratio/interval/level",
        "/cpu/ratio/shown",
        "/io/threads/seconds",
        "/io/processes/sum",
        "/io/ratio/n",
    ] {
        assert!(report.pointer(pointer).is_some(), "missing {pointer}: {report}");
    }
    assert_eq!(report["settings"]["runtime"], "rust");
    assert_eq!(report["settings"]["workers"], 2);
    assert_eq!(report["settings"]["tasks"], 4);
    assert!(report["cpu"]["interpreters"].is_null(), "none asked for");
    let expected = 4.0 * gilbench::burn_cpu(200_000);
    assert_eq!(report["cpu"]["threads"]["sum"].as_f64(), Some(expected));
    assert_eq!(report["cpu"]["processes"]["sum"].as_f64(), Some(expected));
    assert_eq!(report["io"]["threads"]["sum"].as_f64(), Some(0.08));
    // Five repeats by default: the ratio is the median of the paired ratios, inside its interval.
    assert_eq!(report["repeats"], 5);
    for workload in ["cpu", "io"] {
        let ratio = &report[workload]["ratio"];
        let value = ratio["value"].as_f64().expect("ratio");
        let (low, high) = (ratio["interval"]["low"].as_f64(), ratio["interval"]["high"].as_f64());
        let (low, high) = (low.expect("low"), high.expect("high"));
        assert!(low <= value && value <= high, "{workload}: [{low}, {high}] around {value}");
        assert_eq!(ratio["n"], 5);
    }
}

#[test]
fn a_single_lesson_run_is_one_sample_and_says_so() {
    let output = gilbench()
        .arg("lesson")
        .args(QUICK)
        .args(["--repeat", "1", "--json"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(report["repeats"], 1);
    assert!(report["cpu"]["ratio"]["interval"].is_null());
    let cpu_ratio = report["cpu"]["ratio"]["value"].as_f64().expect("ratio");
    let threads = report["cpu"]["threads"]["seconds"].as_f64().expect("time");
    let processes = report["cpu"]["processes"]["seconds"].as_f64().expect("time");
    assert!((cpu_ratio - threads / processes).abs() < 1e-9);
    let table = gilbench().arg("lesson").args(QUICK).args(["--repeat", "1"]).output().expect("run");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("one sample") && text.contains("a single sample, so no interval"),
        "{text}"
    );
    assert!(!text.contains("x faster"), "one sample cannot say faster: {text}");
}

#[test]
fn lesson_text_shows_sums_times_ratios_and_the_reference() {
    gilbench()
        .arg("lesson")
        .args(QUICK)
        .assert()
        .success()
        .stdout(predicate::str::contains("reference lesson"))
        .stdout(predicate::str::contains("1.381 s"))
        .stdout(predicate::str::contains("2.15x"))
        .stdout(predicate::str::contains("match").count(2))
        .stdout(predicate::str::contains("burn_cpu(200000)"))
        .stdout(predicate::str::contains("no GIL"));
}

#[test]
fn lesson_calibrates_the_iterations_by_default_and_says_so() {
    gilbench()
        .args(["lesson", "--workers", "2", "--cpu-task-ms", "5", "--io-seconds", "0.01"])
        .assert()
        .success()
        .stdout(predicate::str::contains("calibrated to about 5 ms per task"));
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let cases: &[&[&str]] = &[
        &["--workers", "0"],
        &["--workers", "1025"],
        &["--workers", "-3"],
        &["--workers", "two"],
        &["--cpu-iterations", "0"],
        &["--cpu-iterations", "-5"],
        &["--cpu-task-ms", "0"],
        &["--cpu-task-ms", "NaN"],
        &["--io-seconds", "-1"],
        &["--io-seconds", "nan"],
        &["--io-seconds", "inf"],
        &["--io-chunks", "0"],
        &["--tasks", "0"],
        &["--runtime", "jython"],
        &["--switch-interval-ms", "0"],
        &["--cpu-iterations", "1000", "--cpu-task-ms", "10"],
        &["--no-such-flag"],
        &["--runtime", "cpython-3.99"],
        &["--runtime", "cpython-x"],
        &["--runtime", "rust", "--interpreters"],
    ];
    for case in cases {
        let output = gilbench().arg("lesson").args(*case).output().expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{case:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{case:?}: {stderr}");
        assert!(stderr.starts_with("gilbench: error: "), "{case:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{case:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{case:?} printed to stdout");
    }
}

#[test]
fn a_missing_worker_program_is_a_clear_error() {
    gilbench()
        .args(["lesson"])
        .args(QUICK)
        .env("GILBENCH_WORKER", "/nonexistent/gilbench-worker")
        .assert()
        .failure()
        .stderr(predicate::str::contains("GILBENCH_WORKER"));
}

#[test]
fn the_cli_runs_workers_as_gilbench_worker_when_no_worker_binary_is_beside_it() {
    // A copy of gilbench alone in a folder: it must fall back to `gilbench worker`.
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("gilbench");
    std::fs::copy(crate::common::gilbench_path(), &copy).expect("copy");
    let output = std::process::Command::new(&copy)
        .args(["lesson", "--json"])
        .args(QUICK)
        .env_remove("GILBENCH_WORKER")
        .env("CARGO_TARGET_DIR", dir.path())
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn the_lesson_measures_an_interpreter_pool_when_asked() {
    let output = gilbench()
        .args(["lesson", "--runtime", "rust-gil", "--interpreters", "--json", "--repeat", "3"])
        .args(QUICK)
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    for pointer in
        ["/cpu/interpreters/seconds", "/io/interpreters/seconds", "/cpu/interpreters_ratio/value"]
    {
        let value = report.pointer(pointer).and_then(Value::as_f64);
        assert!(value.is_some_and(|v| v > 0.0), "{pointer}: {report}");
    }
    assert!(report["cpu"]["interpreters_ratio"]["interval"].is_object(), "{report}");
    assert_eq!(report["cpu"]["interpreters"]["sum"], report["cpu"]["threads"]["sum"]);
    let text = gilbench()
        .args(["lesson", "--runtime", "rust-gil", "--interpreters", "--repeat", "1"])
        .args(QUICK)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("CPU interpreters") && text.contains("interp./procs"), "{text}");
    assert!(text.contains("above 1: the interpreter pool was slower"), "says what the ratio means");
    gilbench()
        .args(["lesson", "--runtime", "rust", "--interpreters"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no interpreter lock to split"));
}
