//! The scaling laws on real runs through the real binary: scaling.csv and the report's
//! section, the GIL model's signature (its threads take turns, its processes do not), and
//! `gilbench compare` on two run folders with different plans.

use std::path::{Path, PathBuf};

use gilbench::ExecutorKind;
use gilbench::analysis::scaling;
use gilbench::results::frames;
use gilbench::runtime::Runtime;

use crate::common::gilbench;

/// Runs a small rust/rust-gil plan into `out/name` with `extra` flags.
fn run(out: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let output = gilbench()
        .args(["run", "--quiet", "--profile", "quick", "--target-ci", "off", "--warmup", "1"])
        .args(["--executors", "threads,processes", "--io-seconds", "0.01"])
        .args(extra)
        .arg("--out")
        .arg(out)
        .args(["--name", name])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    out.join(name)
}

#[test]
fn a_sweep_of_four_counts_writes_its_laws_with_intervals_and_a_hold_out() {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = run(
        out.path(),
        "four",
        &[
            "--runtimes",
            "rust",
            "--scenarios",
            "cpu,io",
            "--workers",
            "1,2,4,8",
            "--tasks",
            "8",
            "--cpu-task-ms",
            "5",
        ],
    );
    let table = gilbench::results::store::read_csv(&dir.join("scaling.csv")).expect("csv");
    let columns: Vec<String> = table.get_column_names().iter().map(|c| c.to_string()).collect();
    for column in [
        "runtime",
        "executor",
        "scenario",
        "model",
        "parameter",
        "estimate",
        "ci_low",
        "ci_high",
        "level",
        "fitted_points",
        "residual",
    ] {
        assert!(columns.contains(&column.to_string()), "{column} missing from {columns:?}");
    }
    let text = std::fs::read_to_string(dir.join("scaling.csv")).expect("text");
    // CPU work is fitted within the usable CPUs; waiting at every count.
    let cores = gilbench::machine::logical_cores();
    let law = ["usl,sigma", "usl,kappa", "usl,holdout_error"];
    let fitted = ["amdahl,serial_fraction", "karp_flatt,serial_fraction"];
    for (sweep, computes) in [
        ("rust,threads,cpu", true),
        ("rust,processes,cpu", true),
        ("rust,threads,io", false),
        ("rust,processes,io", false),
    ] {
        let whole = !computes || cores >= 8;
        let usl = !computes || cores >= 4;
        for parameter in fitted.iter().chain(if usl { &law[..2] } else { &[] }) {
            assert!(text.contains(&format!("{sweep},,,{parameter}")), "{sweep} {parameter}");
        }
        assert_eq!(text.contains(&format!("{sweep},,,usl,holdout_error")), whole, "{sweep}");
        let past = format!("{sweep},,,oversubscribed,oversubscribed_time_ratio");
        assert_eq!(text.contains(&past), !whole, "{sweep}: oversubscribed points");
    }
    let report = gilbench().arg("report").arg(&dir).output().expect("report");
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let markdown = std::fs::read_to_string(dir.join("report.md")).expect("report.md");
    assert!(markdown.contains("### Scaling within this machine's cores"));
    assert!(
        markdown.contains("| 128 workers on 128 cores |")
            && markdown.contains("extrapolated, not measured")
    );
    assert!(markdown.contains("Hold-out check"));
    if cores < 8 {
        assert!(markdown.contains("8 workers: time against it"), "oversubscription table");
        assert!(markdown.contains("which measures oversubscription, not scaling"));
    }
    assert!(
        dir.join("plots/scaling_cpu.svg").is_file() && dir.join("plots/scaling_io.svg").is_file()
    );
    let svg = std::fs::read_to_string(dir.join("plots/scaling_io.svg")).expect("svg");
    assert!(svg.contains("fitted law"), "the lines are labelled");
    // A shown prediction prints as "12 [10, 14]x" in the predictions table (the
    // oversubscription table's ratios print as "0.51x [0.48, 0.55]" and predict nothing).
    let predicts = markdown.lines().any(|l| l.starts_with("| rust") && l.contains("]x"));
    assert!(svg.contains("extrapolated") || !predicts, "a shown prediction is drawn");
}

/// (threads' sigma, processes' sigma) of rust-gil on CPU work at `workers`, from a run in
/// `out/name`.
fn gil_sigmas(out: &Path, name: &str, workers: &str) -> (f64, f64) {
    let dir = run(
        out,
        name,
        &["--runtimes", "rust-gil", "--scenarios", "cpu", "--workers", workers, "--tasks", "8"]
            .into_iter()
            .chain(["--repeat", "5", "--cpu-task-ms", "20"])
            .collect::<Vec<_>>(),
    );
    let runs_frame =
        gilbench::results::store::read_parquet(&dir.join("runs.parquet")).expect("runs");
    let rows = frames::run_rows(&runs_frame).expect("rows");
    let speedups = scaling::speedups(&rows);
    let sigma = |executor: ExecutorKind| {
        let (sweep, ratios) = speedups
            .iter()
            .find(|(s, _)| s.runtime == Runtime::RustGil && s.executor == executor)
            .expect("a sweep");
        let usable = gilbench::machine::logical_cores() as u32;
        scaling::fit_within(*sweep, ratios, usable, 400).expect("a fit").serial_fraction.value
    };
    (sigma(ExecutorKind::Threads), sigma(ExecutorKind::Processes))
}

/// The modelled GIL's signature: on CPU work its threads take turns (a serial fraction near
/// 1), its processes do not (near 0). The sweep runs 1 to 4 workers whatever the machine;
/// the fit keeps the counts within its usable CPUs, so on 2 cores the counts 3 and 4 (which
/// measure oversubscription) no longer read as a serial fraction of 0.3. Other tests share
/// the cores, so the processes get a few tries at a free machine; the threads' turns do not
/// depend on it and hold at every try.
#[test]
fn the_gil_models_threads_take_turns_and_its_processes_do_not() {
    let workers = ["1", "2", "3", "4"];
    let out = tempfile::tempdir().expect("tempdir");
    let mut tries = Vec::new();
    for attempt in 0..5 {
        let (threads, processes) =
            gil_sigmas(out.path(), &format!("gil{attempt}"), &workers.join(","));
        assert!(threads > 0.8, "rust-gil threads: sigma {threads}, not near 1");
        tries.push(processes);
        if processes < 0.25 {
            return;
        }
    }
    panic!("rust-gil processes: sigma {tries:?} at every try, never near 0");
}

#[test]
fn compare_puts_two_runs_on_one_page_on_the_points_they_share() {
    let out = tempfile::tempdir().expect("tempdir");
    let common = ["--runtimes", "rust", "--scenarios", "cpu,io", "--tasks", "4", "--repeat", "3"];
    let common = [&common[..], &["--cpu-task-ms", "5"]].concat();
    let a = run(out.path(), "a", &[&common[..], &["--workers", "1,2,4"]].concat());
    let b = run(out.path(), "b", &[&common[..], &["--workers", "1,2,3"]].concat());
    let page = out.path().join("side-by-side.html");
    let output = gilbench()
        .arg("compare")
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(&page)
        .output()
        .expect("compare");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), page.to_str().expect("path"));
    let html = std::fs::read_to_string(&page).expect("page");
    assert!(html.contains("run 1") && html.contains("run 2"));
    // 2 executors x 2 scenarios x workers 1 and 2: the points both measured.
    assert!(html.contains("on the 8 points"), "the shared points are counted");
    assert!(
        html.contains("rust threads cpu workers=4") && html.contains("rust threads cpu workers=3"),
        "left-out points are named"
    );
    assert!(html.contains("<svg") && !html.contains("src=\"plots/"), "self-contained");
    assert!(html.contains("1 NUMA node") || html.contains("NUMA nodes not shown"), "topology");
    let one = gilbench().arg("compare").arg(&a).output().expect("compare");
    assert_eq!(one.status.code(), Some(2));
    let missing =
        gilbench().arg("compare").arg(&a).arg(out.path().join("nope")).output().expect("compare");
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&missing.stderr).lines().count(), 1);
}
