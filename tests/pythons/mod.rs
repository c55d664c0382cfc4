//! Several CPythons: InterpreterPoolExecutor on a real CPython that has it (the environment
//! `make pythons` prepares), free-threaded builds detected and labelled (on a real one where
//! installed, and through the driver's own detection with a python3 made to look
//! free-threaded, so the path is covered on every machine), and the labels checked at the
//! command line.

use std::path::{Path, PathBuf};
use std::time::Duration;

use gilbench::runtime::pythons::{self, FoundPython};
use gilbench::runtime::{CpythonDriver, Measurer};
use gilbench::{ExecutorKind, Task};

use crate::common::{gilbench, python3};

mod prepared;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every interpreter found on this machine, asked what it is.
fn found() -> Vec<FoundPython> {
    pythons::discover(&repo()).iter().filter_map(|path| FoundPython::probe(path).ok()).collect()
}

#[test]
fn interpreter_pools_compute_the_same_sums_on_their_own_threads() {
    let Some(python) = found().into_iter().find(|p| p.info.interpreters.is_some()) else {
        let skip = std::env::var("GILBENCH_SKIP_PYTHON").is_ok_and(|value| value == "1");
        assert!(
            skip,
            "no CPython with InterpreterPoolExecutor here: run `make pythons` (CPython 3.13 with \
             the backport, or 3.14), or set GILBENCH_SKIP_PYTHON=1 to skip"
        );
        eprintln!("SKIPPED: interpreter pools: no CPython with InterpreterPoolExecutor");
        return;
    };
    let driver = CpythonDriver::start(&python.path, Duration::from_millis(5)).expect("driver");
    let mut measurer = Measurer::from(driver);
    let tasks: Vec<Task> = (0..4).map(|i| Task::BurnCpu { iterations: 50_000 + i }).collect();
    let measured = measurer.measure(ExecutorKind::Interpreters, &tasks, 2).expect("interpreters");
    let rust = gilbench::bench(ExecutorKind::Serial, &tasks, 1).expect("rust");
    assert_eq!(measured.result_sum().to_bits(), rust.result_sum().to_bits());
    let mut workers: Vec<usize> = measured.spans.iter().map(|s| s.worker).collect();
    workers.sort_unstable();
    workers.dedup();
    assert!(!workers.is_empty() && workers.len() <= 2, "{workers:?}");
}

/// A folder with a sitecustomize.py that makes any CPython report a free-threaded build
/// with its GIL off, as a 3.13t does.
fn looks_free_threaded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let patch = "import sys, sysconfig\n\
                 _get = sysconfig.get_config_var\n\
                 sysconfig.get_config_var = lambda name: 1 if name == 'Py_GIL_DISABLED' else _get(name)\n\
                 sys._is_gil_enabled = lambda: False\n";
    std::fs::write(dir.path().join("sitecustomize.py"), patch).expect("write");
    dir
}

#[test]
fn a_free_threaded_build_is_detected_labelled_and_explained() {
    let Some(python) = python3("free-threaded detection") else { return };
    let patch = looks_free_threaded();
    let output = gilbench()
        .env("PYTHONPATH", patch.path())
        .args(["pythons", "--json", "--python"])
        .arg(&python)
        .output()
        .expect("pythons");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let ours = listed.as_array().and_then(|all| all.last()).expect("the --python one");
    assert_eq!(ours["free_threaded"], true, "{ours}");
    assert_eq!(ours["gil_enabled"], false, "{ours}");
    assert!(ours["label"].as_str().is_some_and(|l| l.ends_with('t')), "{ours}");
    let out = tempfile::tempdir().expect("tempdir");
    let run = gilbench()
        .env("PYTHONPATH", patch.path())
        .args(["run", "--quiet", "--profile", "quick", "--runtimes", "rust,cpython"])
        .args(["--scenarios", "cpu", "--repeat", "3", "--cpu-task-ms", "2", "--python"])
        .arg(&python)
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("run");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let dir = out.path().join("latest");
    let plan = std::fs::read_to_string(dir.join("plan.json")).expect("plan.json");
    let label = ours["label"].as_str().expect("label");
    assert!(plan.contains(&format!("\"{label}\"")), "the runtime is labelled {label}");
    let report = gilbench().arg("report").arg(&dir).output().expect("report");
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let markdown = std::fs::read_to_string(dir.join("report.md")).expect("report.md");
    assert!(markdown.contains(&format!("| {label} | none (free-threaded build) |")), "{markdown}");
    assert!(markdown.contains("(this build has no GIL)"), "the report explains it");
}

#[test]
fn real_free_threaded_builds_are_detected_where_installed() {
    let free: Vec<PathBuf> = pythons::discover(&repo())
        .into_iter()
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with('t')))
        .collect();
    if free.is_empty() {
        let skip = std::env::var("GILBENCH_SKIP_FREE_THREADED").is_ok_and(|value| value == "1");
        assert!(
            skip,
            "no free-threaded CPython (python3.13t, python3.14t) here: `make pythons` unpacks \
             ../shared/pythons' 3.13t where it exists; install one (uv python install 3.14t), or \
             set GILBENCH_SKIP_FREE_THREADED=1 to skip"
        );
        eprintln!("SKIPPED: no free-threaded CPython (python3.13t, python3.14t) is installed");
        return;
    }
    for path in free {
        let python = FoundPython::probe(&path).expect("probe");
        assert!(python.info.free_threaded, "{}", path.display());
        let label = pythons::label(std::slice::from_ref(&python)).expect("label");
        assert!(label[0].to_string().ends_with('t') && !label[0].has_gil());
    }
}

#[test]
fn labels_that_cannot_be_told_apart_or_found_are_refused() {
    let Some(python) = python3("labels of several CPythons") else { return };
    let python = python.to_string_lossy().into_owned();
    let twice = format!("{python},{}", Path::new("/usr/bin/env").display());
    let cases: [(Vec<String>, &str); 3] = [
        (vec!["--python".into(), format!("{python},{python}")], "both CPython"),
        (vec!["--runtimes".into(), "cpython-3.99".into()], "cpython-3.99"),
        (vec!["--python".into(), twice], "/usr/bin/env"),
    ];
    for (args, says) in cases {
        let out = tempfile::tempdir().expect("tempdir");
        let output = gilbench()
            .args(["run", "--quiet", "--profile", "quick", "--out"])
            .arg(out.path())
            .args(&args)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(std::fs::read_dir(out.path()).expect("out").next().is_none(), "nothing written");
    }
}
