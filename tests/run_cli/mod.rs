//! `gilbench run` through the real binary: the files and row counts of a run folder, bad plans
//! (exit 2, no folder), an interrupted run that keeps its rows and resumes, `machine`.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use gilbench::plan::Scenario;
use gilbench::runner::{RunManifest, RunStatus};
use polars::prelude::*;

use crate::common::{eventually, gilbench, reaped};

/// A small plan: native runtimes, two worker counts, tiny tasks.
const SMALL: [&str; 18] = [
    "--profile",
    "quick",
    "--target-ci",
    "off",
    "--runtimes",
    "rust,rust-gil",
    "--workers",
    "1,2",
    "--tasks",
    "3",
    "--repeat",
    "2",
    "--warmup",
    "1",
    "--cpu-task-ms",
    "2",
    "--io-seconds",
    "0.005",
];

fn manifest(dir: &Path) -> RunManifest {
    let text = std::fs::read_to_string(dir.join("plan.json")).expect("plan.json");
    serde_json::from_str(&text).expect("a manifest")
}

fn rows(path: &Path) -> usize {
    gilbench::results::store::read_csv(path).expect("csv").height()
}

#[test]
fn a_run_writes_every_file_with_the_planned_rows() {
    let out = tempfile::tempdir().expect("tempdir");
    let output = gilbench()
        .arg("run")
        .args(SMALL)
        .args(["--scenarios", "cpu,io,mixed", "--cpu-fractions", "0,1", "--mixed-task-ms", "2"])
        .arg("--out")
        .arg(out.path())
        .args(["--name", "small"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let dir = out.path().join("small");
    assert_eq!(stdout.lines().last(), Some(dir.to_str().expect("path")));
    for file in [
        "plan.json",
        "machine.json",
        "journal.jsonl",
        "runs.csv",
        "runs.parquet",
        "tasks.csv",
        "tasks.parquet",
        "summary.csv",
        "scaling.csv",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let latest = std::fs::read_link(out.path().join("latest")).expect("latest link");
    assert_eq!(latest, Path::new("small"));
    let plan = manifest(&dir);
    assert_eq!(plan.status, RunStatus::Complete);
    // Per runtime and pass: cpu and io each 1 serial + 2 worker counts x 2 executors, mixed
    // 2 fractions x (1 serial + 2 executors at the lesson's worker count); a pool warms up
    // once per scenario, in its first tier: cpu's and io's 1-worker pools start warm (2 x 2
    // warm-ups fewer), and the second mixed fraction's 3.
    let per_pass = 2 * (1 + 4) + 2 * 3;
    assert_eq!(plan.steps_planned, 2 * (3 * per_pass - 4 - 3));
    assert_eq!(rows(&dir.join("runs.csv")), plan.steps_planned);
    assert_eq!(rows(&dir.join("tasks.csv")), plan.steps_planned * 3);
    let runs = gilbench::results::store::read_parquet(&dir.join("runs.parquet")).expect("parquet");
    assert_eq!(runs.height(), plan.steps_planned);
    let ok = runs.column("ok").expect("ok").bool().expect("bool");
    assert!(ok.all(), "every measurement succeeded");
    let summary = gilbench::results::store::read_csv(&dir.join("summary.csv")).expect("summary");
    assert_eq!(summary.height(), 2 * per_pass);
    let n = summary.column("n").expect("n").cast(&DataType::UInt32).expect("cast");
    let n = n.u32().expect("u32");
    assert_eq!((n.min(), n.max()), (Some(2), Some(2)), "warm-ups must not count");
    let machine: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("machine.json")).expect("machine"))
            .expect("json");
    assert!(machine["logical_cores"].as_u64().expect("cores") >= 1);
    assert!(machine["git_commit"].is_string());
}

#[test]
fn bad_plans_exit_2_and_create_no_folder() {
    let out = tempfile::tempdir().expect("tempdir");
    let target = out.path().join("runs");
    let file = out.path().join("a-file");
    std::fs::write(&file, "x").expect("write");
    let cases: &[&[&str]] = &[
        &["--workers", "0"],
        &["--workers", "5..2"],
        &["--workers", "1,,2"],
        &["--workers", "1..2000"],
        &["--repeat", "0"],
        &["--warmup", "-1"],
        &["--tasks", "0"],
        &["--runtimes", "rust,jython"],
        &["--runtimes", ""],
        &["--executors", "fibers"],
        &["--scenarios", "gpu"],
        &["--profile", "huge"],
        &["--io-seconds", "NaN"],
        &["--cpu-fractions", "0.5,1.5"],
        &["--cpu-task-ms", "5", "--cpu-iterations", "10"],
        &["--name", "../escape"],
        &["--name", ".hidden"],
        &["--name", "latest"],
        &["--switch-interval-ms", "inf"],
        &["--python", "/nonexistent/python3"],
        &["--resume", "/nonexistent/run"],
        &["--resume", "x", "--workers", "2"],
        &["--target-ci", "0"],
        &["--target-ci", "150"],
        &["--target-ci", "soon"],
        &["--max-time", "0s"],
        &["--max-time", "forever"],
        &["--target-ci", "5", "--repeat", "6", "--max-repeats", "3"],
        &["--resume", "x", "--target-ci", "5"],
        &["--payload-sizes", "1TiB"],
        &["--payload-sizes", "-1"],
        &["--payload-sizes", "0,,1"],
        &["--resume", "x", "--payload-sizes", "1KiB"],
        &["--executors", "threads,subinterpreters"],
        &["--runtimes", "cpython-3"],
    ];
    for case in cases {
        let output =
            gilbench().arg("run").args(*case).arg("--out").arg(&target).output().expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{case:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{case:?}: {stderr}");
        assert!(!target.exists(), "{case:?} created {}", target.display());
    }
    let output = gilbench().args(["run", "--out"]).arg(&file).args(SMALL).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn a_run_name_in_use_is_refused() {
    let out = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(out.path().join("taken")).expect("mkdir");
    let output = gilbench()
        .arg("run")
        .args(SMALL)
        .arg("--out")
        .arg(out.path())
        .args(["--name", "taken"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("exists already"));
}

#[test]
fn an_interrupted_run_keeps_its_rows_reaps_its_workers_and_resumes() {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("cut");
    let child = std::process::Command::new(crate::common::gilbench_path())
        .args([
            "run",
            "--profile",
            "quick",
            "--runtimes",
            "rust",
            "--scenarios",
            "io",
            "--workers",
            "1,2",
        ])
        .args([
            "--tasks",
            "2",
            "--repeat",
            "6",
            // Exactly 6 repeats: an open comparison's rounds would add measurements past the
            // plan, on a noisy machine only, and this test counts them.
            "--target-ci",
            "off",
            "--io-seconds",
            "0.05",
            "--quiet",
            "--name",
            "cut",
            "--out",
        ])
        .arg(out.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let journal = dir.join("journal.jsonl");
    let lines = || std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count());
    assert!(eventually(Duration::from_secs(20), || lines() >= 4), "no progress");
    // SAFETY: kill has no memory-safety preconditions.
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGINT) }, 0);
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(130), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(stdout.lines().last(), Some(dir.to_str().expect("path")));
    let partial = manifest(&dir);
    assert_eq!(partial.status, RunStatus::Partial);
    assert!(partial.steps_done < partial.steps_planned);
    assert_eq!(rows(&dir.join("runs.csv")), partial.steps_done);
    assert_eq!(lines(), partial.steps_done);
    // No worker of the interrupted run is left.
    let workers_of_run = || {
        std::fs::read_dir("/proc").expect("/proc").flatten().any(|entry| {
            let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
            let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
            cmdline.contains("gilbench-worker") && cmdline.contains(&format!("--parent {pid}"))
        })
    };
    assert!(eventually(Duration::from_secs(2), || !workers_of_run()), "workers left behind");
    assert!(reaped(pid) || !crate::common::alive(pid));

    let resumed = gilbench()
        .args(["run", "--quiet", "--resume"])
        .arg(out.path().join("latest"))
        .output()
        .expect("resume");
    assert!(resumed.status.success(), "{}", String::from_utf8_lossy(&resumed.stderr));
    let complete = manifest(&dir);
    assert_eq!(complete.status, RunStatus::Complete);
    assert_eq!(complete.steps_done, complete.steps_planned);
    let runs = gilbench::results::store::read_parquet(&dir.join("runs.parquet")).expect("runs");
    assert_eq!(runs.height(), complete.steps_planned);
    let ids = runs.column("measurement").expect("ids").n_unique().expect("unique");
    assert_eq!(ids, complete.steps_planned, "measurement ids must stay unique after resuming");
    assert_eq!(std::fs::read_link(out.path().join("latest")).expect("link"), Path::new("cut"));
    let again = gilbench().args(["run", "--resume"]).arg(&dir).output().expect("resume twice");
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn machine_reports_json() {
    let output = gilbench().args(["machine", "--json"]).output().expect("machine");
    assert!(output.status.success());
    let machine: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    for field in [
        "cpu_brand",
        "physical_cores",
        "logical_cores",
        "memory_bytes",
        "os",
        "kernel",
        "hostname",
        "load_average",
        "gilbench_version",
        "git_commit",
        "rustc_version",
    ] {
        assert!(machine.get(field).is_some(), "{field}");
    }
}

#[test]
fn overhead_reports_every_metric_beside_cpython_and_saves_into_a_run() {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("run");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("plan.json"), "{}").expect("write");
    let output = gilbench()
        .args(["overhead", "--repeat", "1", "--json", "--run"])
        .arg(&dir)
        .output()
        .expect("overhead");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).expect("json rows");
    for metric in [
        "I/O floor",
        "dispatch throughput",
        "pool lifecycle",
        "I/O overhead over ideal",
        "CPU efficiency at workers = cores",
        "NoGil hooks",
    ] {
        assert!(
            rows.iter().any(|r| r["metric"].as_str().is_some_and(|m| m.starts_with(metric))),
            "{metric} missing"
        );
    }
    if crate::common::python3("the overhead suite's CPython side").is_some() {
        assert!(
            rows.iter()
                .filter(|r| !r["metric"].as_str().is_some_and(|m| m.starts_with("NoGil")))
                .all(|r| r["cpython"].is_number())
        );
    }
    assert!(dir.join("overhead.json").is_file());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("process pools start "), "{stderr}");
}

#[test]
fn a_run_whose_runtime_cannot_start_leaves_no_folder() {
    let out = tempfile::tempdir().expect("tempdir");
    // /bin/false exists but is no Python: the driver dies before it says hello.
    let output = gilbench()
        .args([
            "run",
            "--profile",
            "quick",
            "--runtimes",
            "cpython",
            "--python",
            "/bin/false",
            "--name",
            "broken",
            "--out",
        ])
        .arg(out.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("CPython driver"), "{stderr}");
    assert!(!out.path().join("broken").exists(), "a half-made run folder was left behind");
}

#[test]
fn a_target_adds_paired_rounds_only_where_the_medians_are_not_yet_precise() {
    let out = tempfile::tempdir().expect("tempdir");
    let output = gilbench()
        .args(["run", "--profile", "quick", "--runtimes", "rust", "--scenarios", "cpu,io"])
        .args(["--repeat", "3", "--target-ci", "0.01", "--max-repeats", "5", "--quiet"])
        .args(["--name", "target", "--out"])
        .arg(out.path())
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let dir = out.path().join("target");
    let plan = manifest(&dir);
    assert_eq!(plan.status, RunStatus::Complete);
    // A 0.01% target is out of reach: every point is measured up to its 5 repeats, in pairs.
    let runs = std::fs::read_to_string(dir.join("runs.csv")).expect("runs.csv");
    let mut repeats: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
    for line in runs.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let key = format!("{} {} {} {}", f[2], f[3], f[4], f[6]);
        repeats.entry(key).or_default().push(f[8].parse().expect("repeat"));
    }
    // Repeats 0 to 2 planned, then two rounds each: a round's number is past every earlier
    // one (the rounds of other points take numbers too), and the serial baseline shares it.
    // A serial baseline is measured in the rounds of every point it is the baseline of.
    for (key, mut list) in repeats {
        list.sort_unstable();
        list.dedup();
        if key.contains("serial") {
            assert!(list.len() >= 5, "{key}: {list:?}");
        } else {
            assert_eq!(list.len(), 5, "{key}: {list:?}");
        }
        assert_eq!(list[..3], [0, 1, 2], "{key}");
    }
    assert!(!plan.unconverged.is_empty());
    let pools = plan.unconverged.iter().filter(|cell| !cell.contains("serial"));
    assert!(pools.clone().count() > 0 && pools.clone().all(|c| c.contains("after 5 repeats")));
}

#[test]
fn the_payload_scenario_measures_every_size_and_pool() {
    let out = tempfile::tempdir().expect("tempdir");
    let output = gilbench()
        .arg("run")
        .args(SMALL)
        .args(["--scenarios", "cpu,io,payload", "--payload-sizes", "0,64KiB,1MiB"])
        .args(["--executors", "threads,processes,interpreters", "--name", "p", "--out"])
        .arg(out.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("rust: no interpreters pool"), "the notice: {stderr}");
    let dir = out.path().join("p");
    let runs = gilbench::results::store::read_parquet(&dir.join("runs.parquet")).expect("runs");
    let runs = gilbench::results::frames::run_rows(&runs).expect("rows");
    let mut seen: Vec<(String, String, u64)> = runs
        .iter()
        .filter(|r| !r.warmup && r.point.scenario == Scenario::Payload)
        .map(|r| {
            let p = r.point;
            (p.runtime.to_string(), p.executor.to_string(), p.payload_bytes().expect("size"))
        })
        .collect();
    seen.sort();
    seen.dedup();
    // rust: serial, threads, processes; rust-gil: those and interpreters; three sizes each.
    assert_eq!(seen.len(), 3 * 3 + 4 * 3, "{seen:?}");
    assert!(runs.iter().all(|r| r.ok), "every payload measurement succeeded");
    // Every pool of a runtime computed the same sum for a size: the bytes arrived whole.
    for runtime in [gilbench::runtime::Runtime::Rust, gilbench::runtime::Runtime::RustGil] {
        let sums: Vec<u64> = runs
            .iter()
            .filter(|r| r.point.runtime == runtime && r.point.payload_bytes() == Some(65_536))
            .map(|r| r.result_sum.to_bits())
            .collect();
        assert!(!sums.is_empty() && sums.windows(2).all(|w| w[0] == w[1]), "{runtime}: {sums:?}");
    }
    let report = gilbench().arg("report").arg(&dir).output().expect("report");
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let markdown = std::fs::read_to_string(dir.join("report.md")).expect("report.md");
    assert!(markdown.contains("### The cost of moving data"), "the payload section");
    assert!(markdown.contains("| rust-gil | 64 KiB |"), "a row per size");
    assert!(markdown.contains("CPU-bound, 1 MiB per task"), "the choice guide's heavy-data row");
    assert!(markdown.contains("| CPU, interpreters / processes | - |"), "the lesson table's rows");
    assert!(markdown.contains("### One lock per interpreter, or none"), "the locks section");
}
