//! Budgeted, anytime runs through the real binary: a run killed with SIGKILL at seeded moments
//! after its first tier still renders a report whose lesson table is complete; `--budget`'s
//! forms and refusals; the quick profile decides CPython's CPU contrast in the lesson's
//! direction within its 30 seconds (or says that the machine was busy).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gilbench::plan::{Plan, Profile, Scenario, Setup, Tier};
use gilbench::runner::RunManifest;
use gilbench::runtime::Runtime;

use crate::common::{gilbench, gilbench_path};

/// Native runtimes only (no interpreter to find): the lesson's scenarios and two others.
const PLAN: [&str; 18] = [
    "--profile",
    "standard",
    "--runtimes",
    "rust,rust-gil",
    "--scenarios",
    "cpu,io,startup,cost",
    "--workers",
    "1,2,4",
    "--repeat",
    "3",
    "--cpu-task-ms",
    "5",
    "--io-seconds",
    "0.01",
    "--tasks",
    "8",
    "--budget",
    "none",
];

fn manifest(dir: &Path) -> RunManifest {
    let text = std::fs::read_to_string(dir.join("plan.json")).expect("plan.json");
    serde_json::from_str(&text).expect("a manifest")
}

/// The planned measurements of the lesson's tier for [`PLAN`] (warm-ups included).
fn lesson_steps() -> usize {
    let plan = Plan {
        runtimes: vec![Runtime::Rust, Runtime::RustGil],
        scenarios: vec![Scenario::Cpu, Scenario::Io, Scenario::Startup, Scenario::Cost],
        workers: vec![1, 2, 4],
        repeat: 3,
        ..Plan::profile(Profile::Standard)
    };
    let setup = Setup::as_planned(&plan);
    let steps = plan.steps_on(&setup);
    // rust has no interpreter pool and the plan has none: every step runs.
    steps.iter().filter(|s| plan.tier_of(&setup, s) == Tier::Lesson).count()
}

fn journal_lines(dir: &Path) -> usize {
    let text = std::fs::read_to_string(dir.join("journal.jsonl")).unwrap_or_default();
    text.lines().filter(|l| l.contains("\"ok\":true")).count()
}

/// The lesson table's rows in report.md: one per runtime, each with both ratios.
fn lesson_rows(report: &str) -> Vec<String> {
    // "| at N workers | CPU: ...": N is the lesson's count on this machine.
    let header = report.lines().find(|l| l.starts_with("| at ") && l.contains("CPU: threads"));
    let Some(start) = header.and_then(|h| report.find(h)) else { return Vec::new() };
    let rows = report[start..].lines().skip(2).take_while(|l| l.starts_with('|'));
    rows.filter(|l| !l.contains("reference lesson")).map(str::to_string).collect()
}

#[test]
fn a_run_killed_at_any_moment_after_its_first_tier_renders_its_lesson_table() {
    let tier = lesson_steps();
    // Seeded moments past the lesson's tier: at once, a little later, well into the rest.
    for (index, extra_ms) in [0_u64, 150, 600].into_iter().enumerate() {
        let out = tempfile::tempdir().expect("tempdir");
        let name = format!("killed-{index}");
        let mut child = Command::new(gilbench_path())
            .env_remove("GILBENCH_WORKER")
            .arg("run")
            .args(PLAN)
            .args(["--quiet", "--name", &name, "--out"])
            .arg(out.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let dir = out.path().join(&name);
        let started = Instant::now();
        while journal_lines(&dir) < tier {
            assert!(started.elapsed() < Duration::from_secs(120), "the lesson tier never ended");
            assert!(child.try_wait().expect("wait").is_none(), "the run ended before its kill");
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(extra_ms));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let report = gilbench().arg("report").arg(&dir).output().expect("report");
        assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
        let text = std::fs::read_to_string(dir.join("report.md")).expect("report.md");
        let rows = lesson_rows(&text);
        assert_eq!(rows.len(), 2, "a row per runtime after {extra_ms} ms:\n{text}");
        assert!(rows.iter().all(|r| r.matches('x').count() >= 2), "{rows:?}");
        assert!(text.contains("not measured") || text.contains("cut short"), "{text}");
        assert!(text.contains("--budget +3m"), "each left-out line says how to add it");
        // The HTML shows the same command as code, not an escaped entity as text.
        let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
        assert!(html.contains("--budget +3m</code>"), "the command, as code");
        assert!(!html.contains("&amp;#x2F;"), "a slash escaped twice in the left-out lines");
    }
}

#[test]
fn a_budget_is_a_duration_or_none_and_more_time_belongs_to_a_resume() {
    let out = tempfile::tempdir().expect("tempdir");
    for (budget, wanted) in [("+3m", "--resume"), ("soon", "not a duration"), ("0s", "budget")] {
        let output = gilbench()
            .args(["run", "--profile", "quick", "--runtimes", "rust", "--budget", budget])
            .arg("--out")
            .arg(out.path())
            .output()
            .expect("run");
        assert_eq!(output.status.code(), Some(2), "--budget {budget}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(wanted), "--budget {budget}: {stderr}");
    }
    assert!(std::fs::read_dir(out.path()).expect("out").next().is_none(), "nothing written");
    let dry = gilbench()
        .args(["run", "--profile", "quick", "--dry-run", "--budget", "45s"])
        .output()
        .expect("dry run");
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert!(stdout.contains("inside its budget of 45 s"), "{stdout}");
    assert!(stdout.contains("\"budget_s\": 45.0"), "{stdout}");
}

#[test]
fn more_budget_on_a_finished_run_goes_to_its_open_comparisons() {
    let out = tempfile::tempdir().expect("tempdir");
    let run = gilbench()
        .arg("run")
        .args(PLAN)
        .args(["--scenarios", "cpu", "--quiet", "--name", "more", "--out"])
        .arg(out.path())
        .output()
        .expect("run");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let dir = out.path().join("more");
    let again = gilbench().args(["run", "--quiet", "--resume"]).arg(&dir).output().expect("run");
    assert_eq!(again.status.code(), Some(2), "a complete run, no budget: refused");
    let before = manifest(&dir).steps_done;
    let more = gilbench()
        .args(["run", "--quiet", "--budget", "+5s", "--resume"])
        .arg(&dir)
        .output()
        .expect("resume");
    assert!(more.status.success(), "{}", String::from_utf8_lossy(&more.stderr));
    let after = manifest(&dir);
    let spending = after.spending.expect("spending");
    assert_eq!(spending.budget_s, Some(5.0));
    assert!(spending.invocation_s < 15.0, "{spending:?}");
    assert!(after.steps_done >= before, "{} then {}", before, after.steps_done);
}

/// CPython's threads/processes interval on CPU work at the lesson's worker count, from a
/// report.md's lesson table, with the run's measuring time.
fn quick_run(out: &Path, name: &str) -> (Option<(f64, f64)>, f64, Option<String>) {
    let run = gilbench()
        .args(["run", "--profile", "quick", "--runtimes", "cpython", "--quiet", "--name", name])
        .arg("--out")
        .arg(out)
        .output()
        .expect("run");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let dir = out.join(name);
    let report = gilbench().arg("report").arg(&dir).output().expect("report");
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let text = std::fs::read_to_string(dir.join("report.md")).expect("report.md");
    let row = lesson_rows(&text).into_iter().find(|r| r.contains("cpython"));
    let interval = row.and_then(|row| {
        let cpu = row.split('|').nth(2)?;
        let (low, high) = cpu.split_once('[')?.1.split_once(']')?.0.split_once(',')?;
        Some((low.trim().parse().ok()?, high.trim().parse().ok()?))
    });
    let m = manifest(&dir);
    let spent = m.spending.map_or(f64::NAN, |s| s.invocation_s);
    // Busy: the run said so when it started, or other processes took a share of the CPU
    // while it measured (the tests beside it, on a shared machine).
    let warned = m.warnings.iter().find(|w| w.contains("busy")).cloned();
    let others = m.noise_probe.map_or(0.0, |p| p.others_pct);
    let busy = warned.or_else(|| {
        (others > BUSY_OTHERS_PCT)
            .then(|| format!("other processes used {others:.0}% of the CPU time while it ran"))
    });
    (interval, spent, busy)
}

/// Other processes' share of the CPU time above which a quick run counts as disturbed.
const BUSY_OTHERS_PCT: f64 = 15.0;

#[test]
fn the_quick_profile_decides_cpythons_cpu_contrast_in_the_lessons_direction() {
    if crate::common::python3("the quick profile's CPython contrast").is_none() {
        return;
    }
    let out = tempfile::tempdir().expect("tempdir");
    // Other tests share the two cores: a few tries for a free machine, then "busy".
    for attempt in 0..3 {
        let (interval, spent, busy) = quick_run(out.path(), &format!("quick-{attempt}"));
        assert!(spent <= 33.0, "the quick profile measured for {spent} s (budget 30 s)");
        match (interval, busy) {
            (Some((low, _)), _) if low > 1.0 => return,
            (other, Some(busy)) => {
                eprintln!("busy: attempt {attempt}: CPU threads/processes {other:?}; {busy}")
            }
            (other, None) => {
                panic!("a quiet machine left CPython's CPU contrast at {other:?} (above 1 wanted)")
            }
        }
    }
    eprintln!("busy: the quick profile's contrast stayed undecided on a busy machine, 3 tries");
}
