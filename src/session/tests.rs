//! The runner's bookkeeping with scripted measurers: which steps run, in which order, how the
//! adaptive rounds spend their repeats, what `--resume` measures after a stop or a failure,
//! and what plan.json then says. Exact expectations, no timing, milliseconds each.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::executor::ExecutorKind;
use crate::plan::{Plan, Profile, Scenario};
use crate::progress::ProgressMode;
use crate::results::journal;
use crate::results::manifest::{RunManifest, RunStatus};
use crate::runtime::Runtime;
use crate::runtime::scripted::{Answer, Asked, Scripted};

/// rust, threads and processes, cpu at 1 and 2 workers, 2 tasks: 5 steps a pass.
fn plan(repeat: usize, warmup: usize, target: Option<f64>, max_repeats: usize) -> Plan {
    Plan {
        runtimes: vec![Runtime::Rust],
        executors: vec![ExecutorKind::Threads, ExecutorKind::Processes],
        scenarios: vec![Scenario::Cpu],
        workers: vec![1, 2],
        tasks: 2,
        repeat,
        warmup,
        target_ci_pct: target,
        max_repeats,
        max_time_s: None,
        ..Plan::profile(Profile::Quick)
    }
}

pub(super) fn options(out: &Path) -> RunOptions {
    RunOptions {
        out: out.to_path_buf(),
        name: Some("scripted".into()),
        pythons: Vec::new(),
        runtimes_explicit: true,
        progress: ProgressMode::Quiet,
        command: "test".into(),
        environments: None,
        undecided: None,
        budget_s: None,
    }
}

fn scripted(script: impl FnMut(Asked<'_>) -> Answer + 'static) -> runner::Measurers {
    vec![(Runtime::Rust, Box::new(Scripted::new(Runtime::Rust, 1000, script)) as Box<_>)]
}

fn manifest(dir: &Path) -> RunManifest {
    store::read_json(&dir.join("plan.json")).expect("plan.json")
}

fn labels(dir: &Path) -> Vec<String> {
    journal::read(dir)
        .expect("journal")
        .iter()
        .map(|e| {
            format!("{} {}{}", e.run.point, e.run.repeat, if e.run.ok { "" } else { " failed" })
        })
        .collect()
}

#[test]
fn the_planned_steps_run_in_order_and_plan_json_counts_them() {
    let out = tempfile::tempdir().expect("tempdir");
    let plan = plan(2, 1, None, 2).validated().expect("valid");
    let outcome =
        run_with(&plan, scripted(|_| Ok(0.1)), &options(out.path()), &AtomicBool::new(false))
            .expect("run");
    assert_eq!(outcome.end, RunEnd::Complete);
    let expected: Vec<String> =
        plan.steps().iter().map(|s| format!("{} {}", s.point, s.repeat)).collect();
    assert_eq!(labels(&outcome.dir), expected);
    // (1 serial + 2 executors x 2 worker counts) x 3 passes, less the sweep's 2 warm-ups
    // (its pools were warmed up at the lesson's worker count).
    assert_eq!(expected.len(), 13);
    // The lesson's worker count first (its tier), then the sweep; the executors alternate
    // which goes first from pass to pass.
    assert_eq!(
        expected[..3],
        [
            "rust serial cpu workers=1 0",
            "rust threads cpu workers=2 0",
            "rust processes cpu workers=2 0"
        ]
    );
    assert_eq!(expected[4], "rust processes cpu workers=2 0");
    assert_eq!(expected[9], "rust processes cpu workers=1 0");
    let m = manifest(&outcome.dir);
    assert_eq!(
        (m.status, m.steps_planned, m.rounds_added, m.steps_done),
        (RunStatus::Complete, 13, 0, 13)
    );
    let summary = std::fs::read_to_string(outcome.dir.join("summary.csv")).expect("summary");
    assert_eq!(summary.lines().count(), 1 + 5, "a header and one row per point");
}

#[test]
fn rounds_go_where_the_noise_is_and_stop_at_the_repeat_limit() {
    let out = tempfile::tempdir().expect("tempdir");
    let plan = plan(3, 0, Some(5.0), 6).validated().expect("valid");
    // Threads at 2 workers alternate 0.1 s and 0.3 s; every other point is steady.
    let mut seen: HashMap<(ExecutorKind, usize), usize> = HashMap::new();
    let script = move |asked: Asked<'_>| {
        let n = seen.entry((asked.executor, asked.workers)).or_default();
        *n += 1;
        let noisy = asked.executor == ExecutorKind::Threads && asked.workers == 2;
        Ok(if noisy && n.is_multiple_of(2) { 0.3 } else { 0.1 })
    };
    let outcome = run_with(&plan, scripted(script), &options(out.path()), &AtomicBool::new(false))
        .expect("run");
    let m = manifest(&outcome.dir);
    // Three rounds of the noisy point's serial baseline and both executors at 2 workers.
    assert_eq!((m.steps_planned, m.rounds_added, m.steps_done), (15, 9, 24));
    assert_eq!(m.status, RunStatus::Complete);
    assert_eq!(
        m.unconverged,
        ["rust threads cpu workers=2: +/-50.0% after 6 repeats (target +/-5%)"]
    );
    let added: Vec<String> = labels(&outcome.dir).split_off(15);
    assert_eq!(
        added[..3],
        [
            "rust serial cpu workers=1 3",
            "rust processes cpu workers=2 3",
            "rust threads cpu workers=2 3"
        ]
    );
}

/// A comparison of the caller's that stays undecided at rust's 2 workers, whatever is measured.
fn undecided_at_two(_: &[JournalEntry]) -> Vec<crate::runner::adaptive::Open> {
    let cell = crate::runner::adaptive::Cell {
        runtime: Runtime::Rust,
        scenario: Scenario::Cpu,
        variant: crate::point::Variant::Plain,
        workers: 2,
    };
    vec![crate::runner::adaptive::Open { cell, repeats_to_decide: None }]
}

/// The labels of the measurements past the plan's `repeat` repeats: the adaptive rounds'.
fn added(dir: &Path, repeat: u32) -> Vec<String> {
    let entries = journal::read(dir).expect("journal");
    let rounds = entries.iter().filter(|e| e.run.repeat >= repeat && !e.run.warmup);
    rounds.map(|e| format!("{} {}", e.run.point, e.run.repeat)).collect()
}

#[test]
fn an_undecided_comparison_gets_rounds_of_its_cells_up_to_the_repeat_limit() {
    let out = tempfile::tempdir().expect("tempdir");
    let plan = plan(3, 0, Some(5.0), 6).validated().expect("valid");
    // Every point is steady: only the undecided cell asks for more.
    let script = |_: Asked<'_>| Ok(0.1);
    let options = RunOptions { undecided: Some(undecided_at_two), ..options(out.path()) };
    let outcome =
        run_with(&plan, scripted(script), &options, &AtomicBool::new(false)).expect("run");
    let m = manifest(&outcome.dir);
    // Three rounds of serial, threads and processes at 2 workers; nothing at 1 worker.
    assert_eq!((m.steps_planned, m.rounds_added, m.steps_done), (15, 9, 24));
    assert!(m.unconverged.is_empty(), "{:?}", m.unconverged);
    let added: Vec<String> = added(&outcome.dir, 3);
    assert_eq!(added.len(), 9);
    assert!(added.iter().all(|label| !label.contains("workers=1 ") || label.contains("serial")));
}

#[test]
fn an_undecided_comparison_gets_its_rounds_before_the_rounds_for_precision() {
    let out = tempfile::tempdir().expect("tempdir");
    let plan = plan(3, 0, Some(5.0), 5).validated().expect("valid");
    // Threads at 1 worker are noisy (precision rounds); the 2-worker cell is undecided.
    let mut noisy = 0;
    let script = move |asked: Asked<'_>| match (asked.executor, asked.workers) {
        (ExecutorKind::Threads, 1) => {
            noisy += 1;
            Ok(if noisy % 2 == 0 { 0.1 } else { 0.2 })
        }
        _ => Ok(0.1),
    };
    let options = RunOptions { undecided: Some(undecided_at_two), ..options(out.path()) };
    let outcome =
        run_with(&plan, scripted(script), &options, &AtomicBool::new(false)).expect("run");
    let added: Vec<String> = added(&outcome.dir, 3);
    // Two rounds of the undecided cell (serial, threads and processes at 2 workers) first.
    let first: Vec<&String> = added.iter().take(6).collect();
    assert!(first.iter().all(|l| l.contains("workers=2 ") || l.contains("serial")), "{first:?}");
    assert!(added[6..].iter().any(|l| l.contains("threads cpu workers=1 ")), "{added:?}");
}

#[test]
fn cpythons_subinterpreter_start_race_is_measured_again_and_said() {
    use crate::runtime::scripted::CPYTHON_REPORTED;
    let out = tempfile::tempdir().expect("tempdir");
    let plan = plan(1, 0, None, 1).validated().expect("valid");
    let race = "BrokenInterpreterPool: A thread initializer failed, the thread pool is not \
                usable anymore";
    // The third measurement fails twice, then works; a real failure is not retried.
    let script = move |asked: Asked<'_>| match asked.count {
        2 | 3 => Err(format!("{CPYTHON_REPORTED}{race}")),
        _ => Ok(0.1),
    };
    let outcome = run_with(&plan, scripted(script), &options(out.path()), &AtomicBool::new(false))
        .expect("run");
    assert_eq!(outcome.end, RunEnd::Complete);
    let m = manifest(&outcome.dir);
    assert_eq!((m.status, m.steps_done), (RunStatus::Complete, 5));
    let said: Vec<&String> = m.warnings.iter().filter(|w| w.contains("cpython#131485")).collect();
    assert_eq!(said.len(), 2, "{:?}", m.warnings);
    let broken = |asked: Asked<'_>| {
        if asked.count == 2 { Err("a task raised".to_string()) } else { Ok(0.1) }
    };
    let out = tempfile::tempdir().expect("tempdir");
    let failed = run_with(&plan, scripted(broken), &options(out.path()), &AtomicBool::new(false))
        .expect("run");
    assert!(matches!(failed.end, RunEnd::Failed(_)), "{:?}", failed.end);
}

#[test]
fn a_stopped_run_resumes_with_only_what_its_journal_lacks() {
    let out = tempfile::tempdir().expect("tempdir");
    let plan = plan(2, 1, None, 2).validated().expect("valid");
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let script = move |asked: Asked<'_>| {
        if asked.count == 3 {
            flag.store(true, Ordering::SeqCst);
        }
        Ok(0.1)
    };
    let outcome = run_with(&plan, scripted(script), &options(out.path()), &stop).expect("run");
    assert_eq!(outcome.end, RunEnd::Interrupted);
    let m = manifest(&outcome.dir);
    assert_eq!((m.status, m.steps_done), (RunStatus::Partial, 4));
    let counted = Arc::new(std::sync::Mutex::new(0_usize));
    let calls = Arc::clone(&counted);
    let script = move |_: Asked<'_>| {
        *calls.lock().expect("count") += 1;
        Ok(0.1)
    };
    let resumed =
        resume_with(&outcome.dir, scripted(script), &options(out.path()), &AtomicBool::new(false))
            .expect("resume");
    assert_eq!(resumed.end, RunEnd::Complete);
    assert_eq!(*counted.lock().expect("count"), 9, "13 planned, 4 measured before the stop");
    let m = manifest(&outcome.dir);
    assert_eq!((m.status, m.steps_done), (RunStatus::Complete, 13));
    let expected: Vec<String> =
        plan.steps().iter().map(|s| format!("{} {}", s.point, s.repeat)).collect();
    assert_eq!(labels(&outcome.dir), expected, "every step once, in plan order");
}

#[test]
fn a_failed_measurement_is_kept_and_measured_again_on_resume() {
    let out = tempfile::tempdir().expect("tempdir");
    let plan = plan(2, 1, None, 2).validated().expect("valid");
    let script =
        |asked: Asked<'_>| if asked.count == 2 { Err("a worker died".into()) } else { Ok(0.1) };
    let outcome = run_with(&plan, scripted(script), &options(out.path()), &AtomicBool::new(false))
        .expect("run");
    assert!(matches!(&outcome.end, RunEnd::Failed(reason) if reason.contains("a worker died")));
    assert_eq!(manifest(&outcome.dir).steps_done, 2);
    let resumed = resume_with(
        &outcome.dir,
        scripted(|_| Ok(0.1)),
        &options(out.path()),
        &AtomicBool::new(false),
    )
    .expect("resume");
    assert_eq!(resumed.end, RunEnd::Complete);
    let labels = labels(&outcome.dir);
    assert_eq!(labels.len(), 14, "13 steps and the failed attempt");
    assert_eq!(labels[2], "rust processes cpu workers=2 0 failed");
    assert_eq!(labels[3], "rust processes cpu workers=2 0", "measured again first");
    let m = manifest(&outcome.dir);
    assert_eq!((m.status, m.steps_done, m.rounds_added), (RunStatus::Complete, 13, 0));
    let runs = store::read_csv(&outcome.dir.join("runs.csv")).expect("runs.csv");
    let runs = crate::results::frames::run_rows(&runs).expect("rows");
    assert_eq!(runs.len(), 14);
    let failed: Vec<&str> =
        runs.iter().filter(|r| !r.ok).filter_map(|r| r.error.as_deref()).collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].contains("a worker died"), "{failed:?}");
}

/// A script whose measurements take `seconds` of wall time, as real ones do.
fn sleeping(seconds: f64) -> impl FnMut(Asked<'_>) -> Answer + 'static {
    move |_| {
        std::thread::sleep(std::time::Duration::from_secs_f64(seconds));
        Ok(seconds)
    }
}

#[test]
fn a_budget_stops_the_run_inside_it_after_the_lesson_table_and_says_what_it_left_out() {
    let out = tempfile::tempdir().expect("tempdir");
    // Lesson tier: 3 steps a pass (serial, threads and processes at 2 workers) x 5 passes;
    // each measurement takes 40 ms, so the whole plan (25 steps, 1 s) cannot fit in 0.8 s.
    let plan = Plan { budget_s: Some(0.8), ..plan(5, 0, None, 5) }.validated().expect("valid");
    let outcome =
        run_with(&plan, scripted(sleeping(0.04)), &options(out.path()), &AtomicBool::new(false))
            .expect("run");
    assert_eq!(outcome.end, RunEnd::Complete, "a budget's end is no failure");
    let m = manifest(&outcome.dir);
    let spending = m.spending.as_ref().expect("spending in plan.json");
    assert!(spending.stopped_by_budget);
    assert_eq!(spending.budget_s, Some(0.8));
    // Loose: one measurement may overrun, and the machine may be busy.
    assert!(spending.invocation_s < 1.5, "{spending:?}");
    assert_eq!(m.status, RunStatus::Partial, "a resume can finish it");
    let lesson = spending.tiers.iter().find(|t| t.tier == crate::plan::Tier::Lesson);
    assert_eq!(lesson.map(|t| t.measurements), Some(15), "the lesson table first, whole");
    assert!(spending.lesson_decided_s.is_some());
    assert_eq!(spending.left_out.len(), 1, "{:?}", spending.left_out);
    assert!(spending.left_out[0].starts_with("cpu (the worker sweeps)"), "{:?}", spending.left_out);
    assert!(outcome.closing.iter().any(|l| l.contains("budget")), "{:?}", outcome.closing);
}

#[test]
fn a_resume_with_more_budget_takes_a_complete_run_and_spends_it_on_open_comparisons() {
    let out = tempfile::tempdir().expect("tempdir");
    let plan = plan(3, 0, None, 5).validated().expect("valid");
    let run = run_with(&plan, scripted(|_| Ok(0.1)), &options(out.path()), &AtomicBool::new(false))
        .expect("run");
    assert_eq!(manifest(&run.dir).status, RunStatus::Complete);
    let refused =
        resume_with(&run.dir, scripted(|_| Ok(0.1)), &options(out.path()), &AtomicBool::new(false));
    assert!(refused.is_err(), "a complete run without more budget is refused");
    let more = RunOptions {
        budget_s: Some(Some(30.0)),
        undecided: Some(undecided_at_two),
        ..options(out.path())
    };
    let resumed = resume_with(&run.dir, scripted(|_| Ok(0.1)), &more, &AtomicBool::new(false))
        .expect("resume");
    assert_eq!(resumed.end, RunEnd::Complete);
    // Two rounds of the open cell (serial, threads and processes at 2 workers) to 5 repeats.
    assert_eq!(added(&run.dir, 3).len(), 6, "{:?}", added(&run.dir, 3));
    let m = manifest(&run.dir);
    assert_eq!((m.status, m.rounds_added), (RunStatus::Complete, 6));
    assert_eq!(m.spending.and_then(|s| s.budget_s), Some(30.0));
}

/// Settled as soon as both pools at 2 workers have 5 repeats: a comparison's rounds stop there.
fn settles_at_five(entries: &[JournalEntry]) -> Vec<crate::runner::adaptive::Open> {
    let measured = entries.iter().filter(|e| e.run.point.workers == 2 && !e.run.warmup).count();
    if measured >= 2 * 5 { Vec::new() } else { undecided_at_two(entries) }
}

#[test]
fn a_comparison_stops_taking_repeats_once_it_settles() {
    let out = tempfile::tempdir().expect("tempdir");
    let plan = plan(3, 0, None, 10).validated().expect("valid");
    let options = RunOptions { undecided: Some(settles_at_five), ..options(out.path()) };
    let outcome =
        run_with(&plan, scripted(|_| Ok(0.1)), &options, &AtomicBool::new(false)).expect("run");
    assert_eq!(outcome.end, RunEnd::Complete);
    // Two rounds (to 5 repeats), not seven (to the limit of 10).
    assert_eq!(manifest(&outcome.dir).rounds_added, 6);
}
