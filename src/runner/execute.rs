//! Running a plan's steps into the journal: the planned passes first, then, with a target
//! interval, further rounds for the points that have not reached it (see [`super::adaptive`]),
//! within the plan's repeat and time limits. Every measurement is appended to the journal as
//! it finishes; the tables are written once at the end (or when the run stops early).

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::adaptive;
use super::human_duration;
use super::{Finished, Measurers, RunEnd, RunError, RunManifest, RunOptions, RunStatus};
use crate::executor::ExecutorKind;
use crate::machine::noise;
use crate::plan::{Plan, Scenario, Step};
use crate::progress::Progress;
use crate::runtime::Runtime;

/// How many times a measurement hit by CPython's subinterpreter start race is measured again.
const START_RACE_RETRIES: usize = 2;
use crate::results::journal::{self, Journal};
use crate::results::{JournalEntry, RunRow};
use crate::workload::Task;

/// What a run carries while it measures.
struct Session<'a> {
    manifest: RunManifest,
    plan: Plan,
    measurers: &'a mut Measurers,
    journal: Journal,
    entries: Vec<JournalEntry>,
    next_measurement: u32,
    progress: Progress,
    cores: usize,
    undecided: Option<adaptive::Undecided>,
    /// The user's function's pools that failed in this invocation, with the first failure.
    failed_pools: Failures,
}

/// The pools of the user's function that failed: a failure there is data (a task raised, a
/// result cannot be pickled), so the run goes on with the other pools and leaves these out.
#[derive(Default)]
struct Failures {
    pools: HashSet<(Runtime, ExecutorKind)>,
    first: Option<String>,
}

impl Failures {
    fn holds(&self, step: &Step) -> bool {
        self.pools.contains(&(step.point.runtime, step.point.executor))
    }
}

impl Session<'_> {
    /// Measures `steps` in order; stops at the first failure (a failing pool of the user's
    /// function is left out instead) or when `stop` is set.
    fn run_steps(&mut self, steps: &[Step], stop: &AtomicBool) -> Result<RunEnd, RunError> {
        for step in steps {
            if stop.load(Ordering::SeqCst) {
                return Ok(RunEnd::Interrupted);
            }
            if self.failed_pools.holds(step) {
                continue;
            }
            match self.run_step(step)? {
                RunEnd::Failed(reason) if step.point.scenario == Scenario::Function => {
                    let point = step.point;
                    self.progress.note(&format!(
                        "{} {} left out of this run: {reason}",
                        point.runtime, point.executor
                    ));
                    self.failed_pools.pools.insert((point.runtime, point.executor));
                    self.failed_pools.first.get_or_insert(reason);
                }
                RunEnd::Failed(reason) => return Ok(RunEnd::Failed(reason)),
                _ => {}
            }
        }
        Ok(RunEnd::Complete)
    }

    fn run_step(&mut self, step: &Step) -> Result<RunEnd, RunError> {
        let runtime = step.point.runtime;
        let Some((_, measurer)) = self.measurers.iter_mut().find(|(r, _)| *r == runtime) else {
            return Ok(RunEnd::Complete);
        };
        let ipm = self.manifest.iterations_per_ms.get(&runtime).copied().unwrap_or(1.0);
        let tasks = self.plan.tasks_for(step, ipm);
        let label = step.label();
        self.progress.begin(&label);
        let workers = step.point.workers as usize;
        let mut measured = measurer.measure(step.point.executor, &tasks, workers);
        for _ in 0..START_RACE_RETRIES {
            match &measured {
                Err(error) if error.is_interpreter_start_race() => {
                    self.manifest.warnings.push(format!(
                        "{label}: CPython failed to start a subinterpreter ({error}), an \
                         intermittent race of CPython's own (python/cpython#131485); measured again"
                    ));
                    measured = measurer.measure(step.point.executor, &tasks, workers);
                }
                Err(error)
                    if error.is_driver_crash()
                        && step.point.executor == ExecutorKind::Interpreters =>
                {
                    self.manifest.warnings.push(format!(
                        "{label}: {error} (a crash of CPython's subinterpreters; its stacks are                          on stderr); measured again in a fresh driver"
                    ));
                    measured = measurer.measure(step.point.executor, &tasks, workers);
                }
                _ => break,
            }
        }
        let run_id = &self.manifest.run_id;
        let mut row = run_row(run_id, self.next_measurement, step, &tasks, &self.plan, ipm);
        self.next_measurement += 1;
        let estimate_s = self.plan.estimate_step_s(step, self.cores);
        let (entry, end) = match measured {
            Ok(measurement) => {
                row.elapsed_s = measurement.elapsed_s;
                row.result_sum = measurement.result_sum();
                row.memory = measurement.memory;
                self.progress.end(&label, Ok(measurement.elapsed_s), estimate_s);
                (JournalEntry { run: row, spans: measurement.spans }, RunEnd::Complete)
            }
            Err(error) => {
                let message = error.to_string();
                self.progress.end(&label, Err(&message), estimate_s);
                row.ok = false;
                row.error = Some(message.clone());
                let end = RunEnd::Failed(format!("{label}: {message}"));
                (JournalEntry { run: row, spans: Vec::new() }, end)
            }
        };
        self.journal.append(&entry)?;
        self.entries.push(entry);
        Ok(end)
    }

    /// Further rounds until every point reaches the target, a point its repeat limit, or the
    /// run its time limit; `started` is when this invocation began measuring.
    fn run_rounds(&mut self, started: Instant, stop: &AtomicBool) -> Result<RunEnd, RunError> {
        let Some(target) = adaptive::Target::of(&self.plan) else {
            return Ok(RunEnd::Complete);
        };
        // A plan whose planned measurements alone pass the limit (several CPythons) still
        // gets rounds: half again the time they took.
        let deadline_s =
            target.max_time_s.max(crate::plan::ROUNDS_SHARE * started.elapsed().as_secs_f64());
        loop {
            let round = adaptive::next_round(
                &self.plan,
                &self.manifest.setup,
                &target,
                &self.entries,
                self.undecided,
                &self.failed_pools.pools,
            );
            let round: Vec<Step> =
                round.into_iter().filter(|s| !self.failed_pools.holds(s)).collect();
            if round.is_empty() {
                return Ok(RunEnd::Complete);
            }
            let estimate: f64 =
                round.iter().map(|s| self.plan.estimate_step_s(s, self.cores)).sum();
            if started.elapsed().as_secs_f64() + estimate > deadline_s {
                self.progress.note("the time limit leaves no room for another round");
                return Ok(RunEnd::Complete);
            }
            self.progress.extend(round.len(), estimate);
            let end = self.run_steps(&round, stop)?;
            if end != RunEnd::Complete {
                return Ok(end);
            }
        }
    }
}

/// Runs what the journal in `dir` lacks of `manifest`'s plan, then the rounds a target asks
/// for; returns every row and how far the run got, for the caller to write the tables.
pub(super) fn execute(
    manifest: RunManifest,
    dir: &Path,
    options: &RunOptions,
    measurers: &mut Measurers,
    stop: &AtomicBool,
) -> Result<Finished, RunError> {
    let plan = manifest.plan.plan().clone();
    let cores = crate::machine::logical_cores();
    // The journal is read once; new entries are kept beside it for the final tables.
    let entries = journal::read(dir)?;
    // A failed measurement is measured again.
    let mut done: HashSet<Step> = successful_steps(&entries);
    let next_measurement = entries.iter().map(|e| e.run.measurement + 1).max().unwrap_or(0);
    let planned = plan.steps_on(&manifest.setup);
    let todo: Vec<Step> = planned.iter().filter(|s| !done.contains(s)).copied().collect();
    let estimate: f64 = todo.iter().map(|s| plan.estimate_step_s(s, cores)).sum();
    let progress = Progress::start(options.progress, todo.len(), estimate);
    progress.note(&format!(
        "Plan {}: {} measurements to run ({} done), about {}; folder {}",
        plan.profile.name(),
        todo.len(),
        done.len(),
        human_duration(estimate),
        dir.display()
    ));
    for warning in &manifest.warnings {
        progress.note(&format!("warning: {warning}"));
    }
    // From here on, a write that fails leaves a run to finish with `--resume`.
    let unfinished = |error: RunError| match error {
        RunError::Store(error) => RunError::Unfinished { dir: dir.to_path_buf(), error },
        other => other,
    };
    let journal = Journal::open(dir).map_err(|e| unfinished(e.into()))?;
    // Entries up to here are in `done` already; those measured now are added at the end.
    let read = entries.len();
    let mut session = Session {
        manifest,
        plan,
        measurers,
        journal,
        entries,
        next_measurement,
        progress,
        cores,
        undecided: options.undecided,
        failed_pools: Failures::default(),
    };
    let probe = noise::Probe::start();
    let started = Instant::now();
    let mut end = session.run_steps(&todo, stop).map_err(unfinished)?;
    if end == RunEnd::Complete {
        end = session.run_rounds(started, stop).map_err(unfinished)?;
    }
    session.progress.finish();
    if let (RunEnd::Complete, Some(first)) = (&end, session.failed_pools.first.take()) {
        end = RunEnd::Failed(first);
    }
    let Session { mut manifest, entries, plan, .. } = session;
    manifest.noise_probe = probe.finish().or(manifest.noise_probe);
    manifest.unconverged = adaptive::Target::of(&plan)
        .map(|target| adaptive::unconverged(&target, &entries))
        .unwrap_or_default();
    done.extend(successful_steps(&entries[read..]));
    account(&mut manifest, &planned.into_iter().collect(), &done, &end);
    Ok(Finished { dir: dir.to_path_buf(), manifest, entries, end })
}

/// The steps of `entries` that were measured successfully.
fn successful_steps(entries: &[JournalEntry]) -> HashSet<Step> {
    entries.iter().filter(|e| e.run.ok).map(|e| step_of(&e.run)).collect()
}

/// plan.json's counts and status once measuring stops.
fn account(
    manifest: &mut RunManifest,
    planned: &HashSet<Step>,
    done: &HashSet<Step>,
    end: &RunEnd,
) {
    manifest.steps_planned = planned.len();
    manifest.steps_done = done.len();
    manifest.rounds_added = done.difference(planned).count();
    manifest.status = if *end == RunEnd::Complete && planned.is_subset(done) {
        RunStatus::Complete
    } else {
        RunStatus::Partial
    };
    manifest.finished_at =
        Some(chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
}

fn step_of(row: &RunRow) -> Step {
    Step { point: row.point, repeat: row.repeat, warmup: row.warmup }
}

fn run_row(
    run_id: &str,
    measurement: u32,
    step: &Step,
    tasks: &[Task],
    plan: &Plan,
    ipm: f64,
) -> RunRow {
    // A convoy's first task is its CPU task and its second its I/O task: record both.
    let io_of = |task: Option<&Task>| match task {
        Some(Task::FakeIo { seconds, .. }) => *seconds,
        _ => 0.0,
    };
    let (cpu_iterations, io_seconds) = match tasks.first() {
        Some(Task::BurnCpu { iterations }) if step.point.scenario == Scenario::Convoy => {
            (*iterations, io_of(tasks.get(1)))
        }
        Some(Task::BurnCpu { iterations }) => (*iterations, 0.0),
        Some(Task::FakeIo { seconds, .. }) => (0, *seconds),
        Some(Task::Mixed { iterations, seconds, .. }) => (*iterations, *seconds),
        Some(Task::Payload { iterations, .. }) => (*iterations, 0.0),
        Some(Task::Contend { steps, .. }) => (*steps, 0.0),
        _ => (0, 0.0),
    };
    let task_s = match step.point.scenario {
        // A convoy's longest task is its CPU task.
        Scenario::Cpu | Scenario::Convoy | Scenario::Payload => {
            cpu_iterations as f64 / ipm.max(1e-9) / 1000.0
        }
        Scenario::Io => io_seconds,
        Scenario::Mixed => plan.mixed_task_ms / 1000.0,
        Scenario::Startup | Scenario::Cost => 0.0,
        // A rung's step costs what its objects cost (a CPython rung's task lasted 8 to 50 ms
        // where a CPU task's lasts 20): its length is measured, not planned.
        Scenario::Contention => 0.0,
        // The user's function has no planned length: each CPython's is measured (its serial
        // tasks), and the first one's would be wrong for the others.
        Scenario::Function => 0.0,
    };
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    RunRow {
        run_id: run_id.to_string(),
        measurement,
        point: step.point,
        tasks: count(tasks.len()),
        repeat: step.repeat,
        warmup: step.warmup,
        elapsed_s: f64::NAN,
        result_sum: f64::NAN,
        ok: true,
        error: None,
        cpu_iterations,
        io_seconds,
        task_s,
        memory: None,
    }
}
