//! Running a plan's steps into the journal, tier by tier ([`Tier`]): each tier's planned
//! measurements, then rounds for its comparisons still open (see [`super::adaptive`]), then
//! the next tier; with a precision target, rounds toward it last. A budget stops the run
//! before a measurement that would not end inside it. Every measurement is appended to the
//! journal as it finishes; the tables are written once at the end (or when the run stops).

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::adaptive;
use super::budget::Budget;
use super::{Finished, Measurers, RunEnd, RunError, RunManifest, RunOptions, RunStatus};
use crate::executor::ExecutorKind;
use crate::machine::noise;
use crate::plan::{Plan, Scenario, Step, Tier};
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
    /// The time left to measure, and what each tier spent.
    budget: Budget,
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
    /// A step that would not end inside the budget stops them (the run ends complete for
    /// what it measured).
    fn run_steps(&mut self, steps: &[Step], stop: &AtomicBool) -> Result<RunEnd, RunError> {
        for step in steps {
            if stop.load(Ordering::SeqCst) {
                return Ok(RunEnd::Interrupted);
            }
            if self.failed_pools.holds(step) {
                continue;
            }
            if !self.budget.fits(self.plan.estimate_step_s(step, self.cores)) {
                return Ok(RunEnd::Complete);
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
        let clock = Instant::now();
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
                        "{label}: {error} (a crash of CPython's subinterpreters; its stacks are \
                 on stderr); measured again in a fresh driver"
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
        let tier = self.plan.tier_of(&self.manifest.setup, step);
        self.budget.record(step, tier, estimate_s, clock.elapsed().as_secs_f64());
        self.progress.spent(self.budget.elapsed_s());
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

    /// The planned steps `todo`, tier by tier, each tier followed by the rounds of its open
    /// comparisons (and the earlier tiers'); then, with a target, the rounds for precision.
    fn run_tiers(&mut self, todo: &[Step], stop: &AtomicBool) -> Result<RunEnd, RunError> {
        let setup = self.manifest.setup.clone();
        for (index, &tier) in Tier::ALL.iter().enumerate() {
            let steps: Vec<Step> =
                todo.iter().filter(|s| self.plan.tier_of(&setup, s) == tier).copied().collect();
            let estimate = steps.iter().map(|s| self.plan.estimate_step_s(s, self.cores)).sum();
            self.budget.plan_tier(tier, steps.len(), estimate);
            let end = self.run_steps(&steps, stop)?;
            if end != RunEnd::Complete || self.budget.exhausted() {
                return Ok(end);
            }
            let end = self.decide(&Tier::ALL[..=index], stop)?;
            if end != RunEnd::Complete || self.budget.exhausted() {
                return Ok(end);
            }
            if tier == Tier::Lesson {
                let open = self.undecided.map_or(Vec::new(), |open| open(&self.entries));
                let cells = open.iter().map(|o| o.cell.point(ExecutorKind::Threads));
                let open = cells.filter(|p| self.plan.tier(*p) == Tier::Lesson).count();
                self.budget.lesson_decided(open);
            }
        }
        self.run_precision_rounds(stop)
    }

    /// Decision rounds for the open comparisons of `tiers` while any can still decide.
    fn decide(&mut self, tiers: &[Tier], stop: &AtomicBool) -> Result<RunEnd, RunError> {
        let Some(undecided) = self.undecided else {
            return Ok(RunEnd::Complete);
        };
        loop {
            let open = undecided(&self.entries);
            let (plan, cores, budget) = (&self.plan, self.cores, &self.budget);
            let step_s = |step: &Step| budget.corrected(plan.estimate_step_s(step, cores));
            let allowance =
                adaptive::Allowance { tiers, seconds_left: budget.left_s(), step_s: &step_s };
            let round = adaptive::decision_round(
                plan,
                &self.manifest.setup,
                &self.entries,
                &open,
                &allowance,
                &self.failed_pools.pools,
            );
            let round: Vec<Step> =
                round.into_iter().filter(|s| !self.failed_pools.holds(s)).collect();
            if round.is_empty() {
                return Ok(RunEnd::Complete);
            }
            let end = self.run_round(&round, stop)?;
            if end != RunEnd::Complete || self.budget.exhausted() {
                return Ok(end);
            }
        }
    }

    fn run_round(&mut self, round: &[Step], stop: &AtomicBool) -> Result<RunEnd, RunError> {
        let estimate: f64 = round.iter().map(|s| self.plan.estimate_step_s(s, self.cores)).sum();
        self.progress.extend(round.len(), estimate);
        self.run_steps(round, stop)
    }

    /// Further rounds until every chased point reaches the target, a point its repeat limit,
    /// or the run its time limit (or budget).
    fn run_precision_rounds(&mut self, stop: &AtomicBool) -> Result<RunEnd, RunError> {
        let Some(target) = adaptive::Target::of(&self.plan) else {
            return Ok(RunEnd::Complete);
        };
        // A plan whose planned measurements alone pass the limit (several CPythons) still
        // gets rounds: half again the time they took.
        let elapsed = self.budget.elapsed_s();
        let deadline_s = target.max_time_s.max(crate::plan::ROUNDS_SHARE * elapsed);
        loop {
            let round = adaptive::precision_round(
                &self.plan,
                &self.manifest.setup,
                &target,
                &self.entries,
                &self.failed_pools.pools,
            );
            let round: Vec<Step> =
                round.into_iter().filter(|s| !self.failed_pools.holds(s)).collect();
            if round.is_empty() {
                return Ok(RunEnd::Complete);
            }
            let estimate: f64 =
                round.iter().map(|s| self.plan.estimate_step_s(s, self.cores)).sum();
            if self.budget.elapsed_s() + estimate > deadline_s {
                return Ok(RunEnd::Complete);
            }
            let end = self.run_round(&round, stop)?;
            if end != RunEnd::Complete || self.budget.exhausted() {
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
    let budget_s = options.budget_s.unwrap_or(plan.budget_s);
    let progress = Progress::start(options.progress, todo.len(), estimate, budget_s);
    progress.note(&super::budget::plan_line(&plan, &manifest, &todo, done.len(), budget_s, dir));
    // On a terminal the notices wait for the report; a log keeps them.
    for warning in &manifest.warnings {
        progress.log(&format!("warning: {warning}"));
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
        budget: Budget::start(budget_s),
    };
    let probe = noise::Probe::start();
    let mut end = session.run_tiers(&todo, stop).map_err(unfinished)?;
    session.progress.finish();
    if let (RunEnd::Complete, Some(first)) = (&end, session.failed_pools.first.take()) {
        end = RunEnd::Failed(first);
    }
    let Session { mut manifest, entries, plan, budget, .. } = session;
    manifest.noise_probe = probe.finish().or(manifest.noise_probe);
    manifest.unconverged = adaptive::Target::of(&plan)
        .map(|target| adaptive::unconverged(&target, &entries))
        .unwrap_or_default();
    done.extend(successful_steps(&entries[read..]));
    let left_out = plan.left_out(&manifest.setup, &done).iter().map(ToString::to_string).collect();
    manifest.spending = Some(budget.spending(manifest.spending.as_ref(), left_out));
    account(&mut manifest, &planned.into_iter().collect(), &done, &end);
    Ok(Finished { dir: dir.to_path_buf(), manifest, entries, end })
}

/// The steps of `entries` that were measured successfully.
fn successful_steps(entries: &[JournalEntry]) -> HashSet<Step> {
    entries.iter().filter(|e| e.run.ok).map(|e| e.run.step()).collect()
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
    let task_s = plan.planned_task_s(step.point.scenario, cpu_iterations, ipm, io_seconds);
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
