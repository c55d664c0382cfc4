//! The cause oracle: synthetic runs at the corners of the lesson (no computing, all
//! computing, one worker, workers past the cores, equal and unequal concurrency, sweeps of
//! one, two and many counts, with and without a GIL), every section's sentences rendered
//! from them, and every sentence that names a cause (the GIL, the cores, oversubscription,
//! start-up, computing on one thread, tasks in flight) checked against the numbers of the
//! corner it was written for. A cause may be named only where the corner holds it.

use super::summary::{SummaryRow, summarize};
use super::{answer, asyncio, findings, scaling, startup};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::point::{Milli, Point, Variant};
use crate::results::RunRow;
use crate::runtime::Runtime;

/// One task's length, seconds.
const TASK_S: f64 = 0.02;
/// Repeats per point.
const REPEATS: u32 = 7;

/// A corner: what ran, on how many cores.
#[derive(Debug, Clone)]
struct Corner {
    runtime: Runtime,
    cores: u32,
    workers: Vec<u32>,
    tasks: u32,
    /// `None`: the plain cpu and io scenarios; a fraction: the mixed scenario at it.
    fraction: Option<f64>,
    executors: Vec<ExecutorKind>,
}

impl Corner {
    fn largest(&self) -> u32 {
        self.workers.iter().copied().max().unwrap_or(1)
    }

    /// The computing share of the work that can be told.
    fn computes(&self) -> bool {
        self.fraction.is_none_or(|f| f > 0.0)
    }

    fn threads_take_turns(&self) -> bool {
        self.runtime.has_gil() && self.executors.contains(&ExecutorKind::Threads)
    }
}

/// The modelled seconds of one measurement: a GIL serialises threads' computing, the cores
/// bound everyone else's, waits overlap as far as tasks are in flight, one event loop
/// computes alone and costs a little of its own, and oversubscription costs 1% a worker.
fn seconds(c: &Corner, point: Point) -> f64 {
    let tasks = f64::from(c.tasks);
    let w = point.workers;
    let rounds = |n: u32| (tasks / f64::from(n.max(1))).ceil();
    let in_flight = point.executor.in_flight(w, c.tasks);
    let parallel = w.min(c.cores);
    let crowd = 1.0 + 0.01 * f64::from(w.saturating_sub(c.cores));
    let one_thread = match point.executor {
        ExecutorKind::Serial | ExecutorKind::Asyncio => true,
        ExecutorKind::Threads | ExecutorKind::AsyncioThreads => c.runtime.has_gil(),
        _ => false,
    };
    let computing = |cpu: f64| {
        if one_thread { tasks * cpu } else { rounds(parallel) * cpu * crowd }
    };
    let own = if point.executor == ExecutorKind::Asyncio { 1.03 } else { 1.0 };
    match point.scenario {
        Scenario::Cpu => computing(TASK_S),
        Scenario::Io if point.executor == ExecutorKind::Serial => tasks * TASK_S,
        Scenario::Io => rounds(in_flight) * TASK_S * own,
        Scenario::Startup => {
            f64::from(w) * if point.executor.is_process_pool() { 0.01 } else { 0.001 }
        }
        _ => {
            let f = point.cpu_fraction().unwrap_or(0.0);
            let wait =
                if point.executor == ExecutorKind::Serial { tasks } else { rounds(in_flight) };
            (computing(f * TASK_S) + wait * (1.0 - f) * TASK_S) * own
        }
    }
}

/// Every measurement of a corner, with a deterministic wobble of up to 0.8%.
fn runs(c: &Corner) -> Vec<RunRow> {
    let variant = match c.fraction {
        Some(f) => Variant::Fraction(Milli::from_fraction(f).expect("a fraction")),
        None => Variant::Plain,
    };
    let scenarios: Vec<Scenario> = if c.fraction.is_some() {
        vec![Scenario::Mixed]
    } else {
        vec![Scenario::Cpu, Scenario::Io, Scenario::Startup]
    };
    let mut rows = Vec::new();
    for repeat in 0..REPEATS {
        for &scenario in &scenarios {
            let plain = if scenario == Scenario::Mixed { variant } else { Variant::Plain };
            let base = Point {
                runtime: c.runtime,
                executor: ExecutorKind::Serial,
                scenario,
                variant: plain,
                workers: 1,
            };
            let mut points = if scenario.has_serial_baseline() { vec![base] } else { Vec::new() };
            for &executor in c.executors.iter().filter(|e| e.runs(scenario)) {
                points.extend(c.workers.iter().map(|&workers| Point { executor, workers, ..base }));
            }
            for point in points {
                let wobble = 1.0 + 0.002 * f64::from((repeat * 7 + point.workers) % 5) - 0.004;
                let measurement = u32::try_from(rows.len()).expect("few");
                rows.push(RunRow {
                    repeat,
                    tasks: c.tasks,
                    ..RunRow::example(measurement, point, seconds(c, point) * wobble)
                });
            }
        }
    }
    rows
}

/// Every sentence the sections write for a corner, with the section's name.
fn sentences(c: &Corner, runs: &[RunRow], summary: &[SummaryRow]) -> Vec<(&'static str, String)> {
    let mut said: Vec<(&'static str, String)> = Vec::new();
    for view in asyncio::views(summary, runs) {
        said.extend(view.sentences.into_iter().map(|s| ("asyncio", s)));
    }
    let fits = scaling::fit_sweeps(runs, c.cores);
    if let Some(view) = scaling::sentences::view(&fits, &[]) {
        said.extend(view.sentences.into_iter().map(|s| ("scaling", s)));
    }
    said.extend(
        startup::slower_than_serial(summary, c.cores as usize).into_iter().map(|s| ("startup", s)),
    );
    let lesson = c.workers.iter().copied().filter(|&w| w <= c.cores).max().unwrap_or(1);
    for line in answer::answer(summary, lesson, c.cores as usize) {
        said.push(("answer", line.text));
    }
    said
}

/// The causes a sentence names, each checked against the corner.
fn check(c: &Corner, section: &str, sentence: &str) {
    let says = |words: &str| sentence.contains(words);
    let fail = |why: &str| panic!("{section} names {why} where {c:?} does not hold it: {sentence}");
    if (says("CPU part") || says("computes every task")) && !c.computes() {
        fail("computing on one thread");
    }
    if says("GIL") && says("took turns") && !c.threads_take_turns() {
        fail("a GIL");
    }
    if (says("oversubscription") || says("more workers than") || says("add switching"))
        && c.largest() <= c.cores
    {
        fail("oversubscription");
    }
    if says("the lock passing") && !c.threads_take_turns() {
        fail("a lock");
    }
    if says("tasks in flight at once") && !c.executors.contains(&ExecutorKind::AsyncioThreads) {
        fail("a loop per thread's concurrency");
    }
    if let Some(at) = sentence.find("(the machine has ") {
        // "past K workers no worker count ..." or "... clearly faster than K workers (...".
        let head = &sentence[..at];
        let after = |marker: &str| {
            let from = head.rfind(marker)? + marker.len();
            head[from..].split(' ').next()?.parse::<u32>().ok()
        };
        if after("past ").or_else(|| after("faster than ")) != Some(c.cores) {
            fail("the cores as the limit");
        }
    }
    if says("no Universal Scalability Law is fitted") {
        let within = c.workers.iter().filter(|&&w| w <= c.cores).count();
        if within >= scaling::MIN_WORKER_COUNTS && c.workers.len() >= scaling::MIN_WORKER_COUNTS {
            fail("too few counts");
        }
    }
}

/// The tool choices name the tasks in flight exactly where a pick's worker count is not the
/// number it held.
fn check_choices(summary: &[SummaryRow]) {
    for choice in findings::tool_choices(summary) {
        let flights = |pick: &str| pick.contains("in flight");
        assert_eq!(flights(&choice.best), flights(&choice.other), "{choice:?}");
        let row = |pick: &str| {
            summary.iter().find(|r| {
                r.point.runtime == choice.runtime
                    && pick.starts_with(&format!("{} x {}", r.point.executor, r.point.workers))
                    && pick[format!("{} x {}", r.point.executor, r.point.workers).len()..]
                        .chars()
                        .next()
                        .is_none_or(|next| next == ' ')
            })
        };
        if let (Some(best), Some(other)) = (row(&choice.best), row(&choice.other)) {
            let hidden = |r: &SummaryRow| {
                r.point.executor.in_flight(r.point.workers, r.tasks) != r.point.workers
            };
            assert_eq!(flights(&choice.best), hidden(best) || hidden(other), "{choice:?}");
        }
    }
}

fn corners() -> Vec<Corner> {
    let pythons = vec![
        ExecutorKind::Threads,
        ExecutorKind::Processes,
        ExecutorKind::Asyncio,
        ExecutorKind::AsyncioThreads,
    ];
    let native = vec![ExecutorKind::Threads, ExecutorKind::Processes];
    let sweeps: [(u32, &[u32]); 5] =
        [(2, &[1]), (2, &[1, 2]), (2, &[1, 2, 4, 8]), (4, &[1, 2, 3, 4]), (16, &[1, 2, 4, 8, 16])];
    let mut all = Vec::new();
    for (runtime, executors) in
        [(Runtime::Cpython, &pythons), (Runtime::Rust, &native), (Runtime::RustGil, &native)]
    {
        for (cores, workers) in sweeps {
            for fraction in [None, Some(0.0), Some(0.5), Some(1.0)] {
                for tasks in [4, 16] {
                    all.push(Corner {
                        runtime,
                        cores,
                        workers: workers.to_vec(),
                        tasks,
                        fraction,
                        executors: executors.clone(),
                    });
                }
            }
        }
    }
    all
}

#[test]
fn every_cause_a_sentence_names_is_one_its_corner_holds() {
    let mut checked = 0;
    for corner in corners() {
        let runs = runs(&corner);
        let summary = summarize(&runs, corner.cores);
        for (section, sentence) in sentences(&corner, &runs, &summary) {
            check(&corner, section, &sentence);
            checked += 1;
        }
        check_choices(&summary);
    }
    assert!(checked > 300, "the corners wrote {checked} sentences");
}

#[test]
fn the_corners_reach_every_cause_the_oracle_checks() {
    // An oracle whose causes never appear checks nothing: each must show up somewhere.
    let mut seen = std::collections::BTreeSet::new();
    for corner in corners() {
        let runs = runs(&corner);
        let summary = summarize(&runs, corner.cores);
        for (_, sentence) in sentences(&corner, &runs, &summary) {
            for cause in [
                "CPU part",
                "GIL",
                "add switching",
                "tasks in flight at once",
                "(the machine has ",
                "no Universal Scalability Law is fitted",
                "only wait, so it is the loop's own cost",
            ] {
                if sentence.contains(cause) {
                    seen.insert(cause);
                }
            }
        }
    }
    assert_eq!(seen.len(), 7, "causes seen: {seen:?}");
}
