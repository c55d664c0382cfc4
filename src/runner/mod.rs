//! Executes a [`ValidPlan`]: one run folder per run, every measurement appended to the journal as
//! it finishes, and the tables (CSV, Parquet), the summary and the warnings written at the
//! end, atomically.
//!
//! A run cut short (Ctrl-C, a broken pool, a failing runtime) keeps every row it measured,
//! stops and reaps its workers, marks itself `partial` in plan.json, and can be finished
//! with [`resume`], which runs only the measurements the journal does not hold yet, with the
//! task sizes calibrated when the run started.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::analysis;
use crate::error::ConfigError;
use crate::machine::Machine;
use crate::plan::{Plan, Scenario, Step, ValidPlan};
use crate::progress::{Progress, ProgressMode};
use crate::results::journal::{self, Journal};
use crate::results::store::{self, StoreError};
use crate::results::{JournalEntry, RunRow, TaskRow, frames};
use crate::runtime::{CpythonError, Measurer, Runtime, cpython};
use crate::workload::Task;

mod manifest;
pub use manifest::{RunManifest, RunStatus};

/// Settings of a run that are not part of the plan.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The folder that holds run folders.
    pub out: PathBuf,
    /// The run folder's name (default: time and host).
    pub name: Option<String>,
    /// The Python interpreter for the cpython runtime.
    pub python: Option<PathBuf>,
    /// True when the user named the runtimes: a missing python3 is then an error.
    pub runtimes_explicit: bool,
    /// How progress is shown.
    pub progress: ProgressMode,
    /// The command line, recorded for reproducing the run.
    pub command: String,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEnd {
    /// Every measurement is in.
    Complete,
    /// Stopped by the caller's stop flag (Ctrl-C).
    Interrupted,
    /// A measurement failed; the reason.
    Failed(String),
}

/// The result of [`run`] or [`resume`].
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The run folder.
    pub dir: PathBuf,
    /// How it ended.
    pub end: RunEnd,
    /// Its warnings and notices.
    pub warnings: Vec<String>,
}

/// Why a run could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Bad input.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A file of the run folder.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The CPython runtime could not start.
    #[error(transparent)]
    Cpython(#[from] CpythonError),
    /// Calibration failed.
    #[error("calibrating {runtime}: {message}")]
    Calibration {
        /// The runtime.
        runtime: Runtime,
        /// What failed.
        message: String,
    },
    /// The tables could not be built.
    #[error("building the result tables: {0}")]
    Polars(#[from] polars::error::PolarsError),
}

/// The calibration target: one CPU millisecond is measured over this long a task.
const CALIBRATION_MS: f64 = 20.0;

/// Checks a run name: 1 to 64 of `A-Z a-z 0-9 . _ -`, not starting with a dot.
pub fn validate_name(name: &str) -> Result<(), ConfigError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if name.is_empty()
        || name.len() > 64
        || name.starts_with('.')
        || !name.chars().all(allowed)
        || name == "latest"
    {
        return Err(ConfigError::new(format!(
            "run name {name:?} must be 1 to 64 letters, digits, '.', '_' or '-', not start with '.', and not be 'latest'"
        )));
    }
    Ok(())
}

fn default_run_id(machine: &Machine) -> String {
    let host: String = machine
        .hostname
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
        .take(32)
        .collect();
    format!("{}-{host}", chrono::Local::now().format("%Y%m%d-%H%M%S"))
}

/// Measures `plan` into a new run folder under `options.out`.
pub fn run(
    plan: &ValidPlan,
    options: &RunOptions,
    stop: &AtomicBool,
) -> Result<RunOutcome, RunError> {
    if let Some(name) = &options.name {
        validate_name(name)?;
    }
    let mut plan = plan.clone();
    let mut skipped = BTreeMap::new();
    let mut warnings = Vec::new();
    if plan.runtimes.contains(&Runtime::Cpython)
        && let Err(error) = cpython::find_python(options.python.as_deref())
    {
        if options.runtimes_explicit || options.python.is_some() {
            return Err(ConfigError::new(error.to_string()).into());
        }
        warnings.push(format!("the cpython runtime was skipped: {error}"));
        skipped.insert(Runtime::Cpython, error.to_string());
        plan = plan.without(Runtime::Cpython)?;
    }
    let mut machine = Machine::snapshot();
    warnings.extend(machine.load_warning());
    let run_id = options.name.clone().unwrap_or_else(|| default_run_id(&machine));
    std::fs::create_dir_all(&options.out).map_err(|e| StoreError::io(&options.out, e))?;
    let dir = options.out.join(&run_id);
    if let Err(error) = std::fs::create_dir(&dir) {
        let message = if error.kind() == std::io::ErrorKind::AlreadyExists {
            format!("the run folder {} exists already (choose another --name)", dir.display())
        } else {
            format!("cannot create the run folder {}: {error}", dir.display())
        };
        return Err(ConfigError::new(message).into());
    }
    // Until plan.json exists the folder is no run at all: remove it if setting up fails.
    let mut setup = || -> Result<(Measurers, BTreeMap<Runtime, f64>), RunError> {
        let mut measurers = start_measurers(&plan, options)?;
        let mut iterations_per_ms = BTreeMap::new();
        for (runtime, measurer) in &mut measurers {
            let target = Duration::from_secs_f64(CALIBRATION_MS / 1000.0);
            let iterations = measurer
                .calibrate(target)
                .map_err(|e| RunError::Calibration { runtime: *runtime, message: e.to_string() })?;
            iterations_per_ms.insert(*runtime, iterations as f64 / CALIBRATION_MS);
            if let Some(info) = measurer.python() {
                machine.python_version = Some(info.version.clone());
                machine.python_executable = Some(info.executable.clone());
            }
        }
        store::write_json(&dir.join("machine.json"), &machine)?;
        Ok((measurers, iterations_per_ms))
    };
    let (mut measurers, iterations_per_ms) = match setup() {
        Ok(ready) => ready,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(error);
        }
    };
    let manifest = RunManifest {
        run_id,
        status: RunStatus::Running,
        steps_total: plan.steps().len(),
        plan,
        iterations_per_ms,
        skipped,
        command: options.command.clone(),
        started_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        finished_at: None,
        steps_done: 0,
        warnings,
        noise: Vec::new(),
    };
    store::write_json(&dir.join("plan.json"), &manifest)?;
    execute(manifest, &dir, options, &mut measurers, stop)
}

/// Finishes the partial run in `dir`: runs only what its journal lacks, then rewrites its tables.
pub fn resume(dir: &Path, options: &RunOptions, stop: &AtomicBool) -> Result<RunOutcome, RunError> {
    // `output/latest` is a link: work on the folder it names, so `latest` is re-pointed right.
    let dir = &dir.canonicalize().map_err(|error| {
        ConfigError::new(format!("cannot open the run folder {}: {error}", dir.display()))
    })?;
    let plan_path = dir.join("plan.json");
    if !plan_path.is_file() {
        return Err(ConfigError::new(format!(
            "{} is not a gilbench run folder (no plan.json)",
            dir.display()
        ))
        .into());
    }
    let manifest: RunManifest = store::read_json(&plan_path)?;
    if manifest.status == RunStatus::Complete {
        return Err(
            ConfigError::new(format!("the run in {} is complete already", dir.display())).into()
        );
    }
    // Reading plan.json validated its plan (a `ValidPlan` is checked as it is read).
    let mut measurers = start_measurers(&manifest.plan, options)?;
    execute(manifest, dir, options, &mut measurers, stop)
}

/// One measurer per runtime of a plan.
type Measurers = Vec<(Runtime, Measurer)>;

fn start_measurers(plan: &ValidPlan, options: &RunOptions) -> Result<Measurers, RunError> {
    let interval = Duration::from_secs_f64(plan.switch_interval_ms / 1000.0);
    plan.runtimes
        .iter()
        .map(|&runtime| {
            Ok((runtime, Measurer::for_runtime(runtime, interval, options.python.as_deref())?))
        })
        .collect()
}

fn execute(
    mut manifest: RunManifest,
    dir: &Path,
    options: &RunOptions,
    measurers: &mut [(Runtime, Measurer)],
    stop: &AtomicBool,
) -> Result<RunOutcome, RunError> {
    let plan = manifest.plan.clone();
    let cores = crate::machine::logical_cores();
    // The journal is read once; new entries are kept beside it for the final tables.
    let mut entries = journal::read(dir)?;
    let done: HashSet<String> = entries.iter().map(|e| step_of(&e.run).key()).collect();
    let mut next_measurement = entries.iter().map(|e| e.run.measurement + 1).max().unwrap_or(0);
    let todo: Vec<Step> = plan.steps().into_iter().filter(|s| !done.contains(&s.key())).collect();
    let estimate: f64 = todo.iter().map(|s| plan.estimate_step_s(s, cores)).sum();
    let mut progress = Progress::start(options.progress, todo.len(), estimate);
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
    let mut journal = Journal::open(dir)?;
    let mut end = RunEnd::Complete;
    for step in &todo {
        if stop.load(Ordering::SeqCst) {
            end = RunEnd::Interrupted;
            break;
        }
        let Some((_, measurer)) = measurers.iter_mut().find(|(r, _)| *r == step.runtime) else {
            continue;
        };
        let ipm = manifest.iterations_per_ms.get(&step.runtime).copied().unwrap_or(1.0);
        let tasks = plan.tasks_for(step, ipm);
        let label = step.label();
        progress.begin(&label);
        let measured = measurer.measure(step.executor, &tasks, step.workers);
        let mut row = run_row(&manifest.run_id, next_measurement, step, &tasks, &plan, ipm);
        next_measurement += 1;
        let estimate_s = plan.estimate_step_s(step, cores);
        let entry = match measured {
            Ok(measurement) => {
                row.elapsed_s = measurement.elapsed_s;
                row.result_sum = measurement.result_sum();
                progress.end(&label, Ok(measurement.elapsed_s), estimate_s);
                JournalEntry { run: row, spans: measurement.spans }
            }
            Err(error) => {
                let message = error.to_string();
                progress.end(&label, Err(&message), estimate_s);
                row.ok = false;
                row.error = Some(message.clone());
                end = RunEnd::Failed(format!("{label}: {message}"));
                JournalEntry { run: row, spans: Vec::new() }
            }
        };
        journal.append(&entry)?;
        entries.push(entry);
        if matches!(end, RunEnd::Failed(_)) {
            break;
        }
    }
    progress.finish();
    let warnings = finalize(&mut manifest, dir, &entries, &end, cores)?;
    if let Some(out) = dir.parent() {
        store::point_latest(out, dir)?;
    }
    Ok(RunOutcome { dir: dir.to_path_buf(), end, warnings })
}

fn step_of(row: &RunRow) -> Step {
    Step {
        runtime: row.runtime,
        executor: row.executor,
        scenario: row.scenario,
        cpu_fraction: row.cpu_fraction,
        workers: row.workers as usize,
        repeat: row.repeat as usize,
        warmup: row.warmup,
    }
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
        Some(Task::BurnCpu { iterations }) if step.scenario == Scenario::Convoy => {
            (*iterations, io_of(tasks.get(1)))
        }
        Some(Task::BurnCpu { iterations }) => (*iterations, 0.0),
        Some(Task::FakeIo { seconds, .. }) => (0, *seconds),
        Some(Task::Mixed { iterations, seconds, .. }) => (*iterations, *seconds),
        _ => (0, 0.0),
    };
    let task_s = match step.scenario {
        Scenario::Cpu => cpu_iterations as f64 / ipm.max(1e-9) / 1000.0,
        Scenario::Io => io_seconds,
        Scenario::Mixed => plan.mixed_task_ms / 1000.0,
        Scenario::Convoy => crate::plan::CONVOY_IO_SECONDS,
    };
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    RunRow {
        run_id: run_id.to_string(),
        measurement,
        runtime: step.runtime,
        executor: step.executor,
        scenario: step.scenario,
        cpu_fraction: step.cpu_fraction,
        workers: count(step.workers),
        tasks: count(tasks.len()),
        repeat: count(step.repeat),
        warmup: step.warmup,
        elapsed_s: f64::NAN,
        result_sum: f64::NAN,
        ok: true,
        error: None,
        cpu_iterations,
        io_seconds,
        task_s,
    }
}

/// Writes the tables, the summary and plan.json from the journal; returns the warnings.
fn finalize(
    manifest: &mut RunManifest,
    dir: &Path,
    entries: &[JournalEntry],
    end: &RunEnd,
    cores: usize,
) -> Result<Vec<String>, RunError> {
    let runs: Vec<RunRow> = entries.iter().map(|e| e.run.clone()).collect();
    let tasks: Vec<TaskRow> = entries.iter().flat_map(JournalEntry::task_rows).collect();
    let mut runs_frame = frames::runs_frame(&runs)?;
    let mut tasks_frame = frames::tasks_frame(&tasks)?;
    let summary = analysis::summary::summarize(&runs, u32::try_from(cores).unwrap_or(u32::MAX));
    let mut summary_frame = frames::summary_frame(&summary)?;
    store::write_csv(&dir.join("runs.csv"), &mut runs_frame)?;
    store::write_parquet(&dir.join("runs.parquet"), &mut runs_frame)?;
    store::write_csv(&dir.join("tasks.csv"), &mut tasks_frame)?;
    store::write_parquet(&dir.join("tasks.parquet"), &mut tasks_frame)?;
    store::write_csv(&dir.join("summary.csv"), &mut summary_frame)?;
    // Set-up notices stay; the noise warnings are those of the summary just written.
    manifest.noise = analysis::noise::warnings(&summary).iter().map(ToString::to_string).collect();
    let warnings = manifest.all_warnings();
    manifest.steps_done = entries.len();
    manifest.status = if *end == RunEnd::Complete && entries.len() >= manifest.steps_total {
        RunStatus::Complete
    } else {
        RunStatus::Partial
    };
    manifest.finished_at =
        Some(chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
    store::write_json(&dir.join("plan.json"), manifest)?;
    Ok(warnings)
}

/// "2 min 40 s", "12 s".
pub fn human_duration(seconds: f64) -> String {
    let total = seconds.round() as u64;
    match total {
        0..=59 => format!("{total} s"),
        _ => format!("{} min {} s", total / 60, total % 60),
    }
}
