//! Executes a [`ValidPlan`]: one run folder per run, every measurement appended to the journal
//! as it finishes. The runner hands the finished rows to its caller ([`Finished`]); it computes
//! no statistics beyond the adaptive rounds' precision, and writes no table: `crate::session`
//! writes the tables, the summary and plan.json from the rows, in one batch.
//!
//! A run cut short (Ctrl-C, a broken pool, a failing runtime) keeps every row it measured,
//! stops and reaps its workers, marks itself `partial` in plan.json, and can be finished
//! with [`resume`], which runs only the measurements the journal does not hold yet, with the
//! task sizes calibrated when the run started.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use crate::error::ConfigError;
use crate::machine::Machine;
use crate::plan::{Setup, ValidPlan};
use crate::progress::ProgressMode;
use crate::results::store::{self, StoreError};
use crate::runtime::pythons::FoundPython;
use crate::runtime::{CpythonDriver, CpythonError, Measure, Measurer, Runtime};

pub mod adaptive;
mod budget;
mod execute;
mod function;
pub mod setup;
pub use crate::results::manifest::{self, RunManifest, RunStatus, SCHEMA, Schema};
pub use budget::lesson_clause;
use execute::execute;

/// Settings of a run that are not part of the plan.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The folder that holds run folders.
    pub out: PathBuf,
    /// The run folder's name (default: time and host).
    pub name: Option<String>,
    /// The Python interpreters of the CPython runtimes (default: python3 on PATH).
    pub pythons: Vec<PathBuf>,
    /// True when the user named the runtimes: a missing python3 is then an error.
    pub runtimes_explicit: bool,
    /// How progress is shown.
    pub progress: ProgressMode,
    /// The command line, recorded for reproducing the run.
    pub command: String,
    /// Where to look for the environments `make pythons` prepares (the nearest `.pythons`
    /// from this folder up), so a base CPython finds its backport there; `None`: nowhere.
    /// The command line gives its working directory.
    pub environments: Option<PathBuf>,
    /// With a target interval: the cells a comparison of the caller's still leaves
    /// undecided, measured again in the adaptive rounds (see [`adaptive::Undecided`]). The
    /// runner computes no statistics beyond precision: `crate::session` hands it the fidelity
    /// check's.
    pub undecided: Option<adaptive::Undecided>,
    /// This invocation's budget where it is not the plan's: `--resume RUN --budget +3m`
    /// spends 3 more minutes (`Some(None)`: no budget). A resume given one also takes a run
    /// that is complete, and spends the time on its open comparisons.
    pub budget_s: Option<Option<f64>>,
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

/// Where [`run`] or [`resume`] left a run: every row of its journal and its manifest, for
/// the caller to write the run folder's tables and plan.json from (see
/// `crate::session`, which does).
#[derive(Debug, Clone)]
pub struct Finished {
    /// The run folder.
    pub dir: PathBuf,
    /// plan.json's content, status and counts up to date.
    pub manifest: RunManifest,
    /// Every measurement in the journal, in order.
    pub entries: Vec<crate::results::JournalEntry>,
    /// How it ended.
    pub end: RunEnd,
}

/// The result of a whole run or resume, tables written.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The run folder.
    pub dir: PathBuf,
    /// How it ended.
    pub end: RunEnd,
    /// Its warnings and notices.
    pub warnings: Vec<String>,
    /// The few lines a terminal gets at the end: what measuring spent, the comparisons
    /// settled and open, the noise in one line.
    pub closing: Vec<String>,
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
    /// A file of a started run could not be written (a full disk, a read-only folder): the
    /// journal keeps every row measured so far, and the previous tables are untouched.
    #[error(
        "{error}; the rows measured so far are kept: finish the run with `gilbench run --resume {}` once the folder can be written",
        dir.display()
    )]
    Unfinished {
        /// The run folder.
        dir: PathBuf,
        /// The write that failed.
        error: StoreError,
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

/// Measures `plan` into a new run folder under `options.out` (its journal and plan.json).
pub fn run(
    plan: &ValidPlan,
    options: &RunOptions,
    stop: &AtomicBool,
) -> Result<Finished, RunError> {
    if let Some(name) = &options.name {
        validate_name(name)?;
    }
    let setup::Resolved { setup, pythons, mut drivers, skipped, notices } =
        setup::resolve(plan, options)?;
    let start = |plan: &ValidPlan, setup: &Setup, pythons: &BTreeMap<Runtime, FoundPython>| {
        start_measurers(plan, setup, pythons, &mut drivers, options)
    };
    let chosen = Chosen { plan: plan.clone(), setup, pythons, skipped, notices };
    begin(chosen, start, options, stop)
}

/// [`run`] with measurers of the caller's (one per runtime of `plan`; no interpreter is
/// looked for): a scripted measurer makes the runner's bookkeeping testable in milliseconds.
pub fn run_with(
    plan: &ValidPlan,
    measurers: Measurers,
    options: &RunOptions,
    stop: &AtomicBool,
) -> Result<Finished, RunError> {
    if let Some(name) = &options.name {
        validate_name(name)?;
    }
    let chosen = Chosen {
        plan: plan.clone(),
        setup: Setup::as_planned(plan),
        pythons: BTreeMap::new(),
        skipped: BTreeMap::new(),
        notices: Vec::new(),
    };
    begin(chosen, |_: &ValidPlan, _: &Setup, _: &BTreeMap<_, _>| Ok(measurers), options, stop)
}

/// What set-up chose: the plan as it will run, its interpreters, what it set aside and said.
struct Chosen {
    plan: ValidPlan,
    setup: Setup,
    pythons: BTreeMap<Runtime, FoundPython>,
    skipped: BTreeMap<Runtime, String>,
    notices: Vec<String>,
}

/// Creates the run folder, starts and calibrates the measurers, writes machine.json and
/// plan.json, then measures.
fn begin(
    chosen: Chosen,
    start: impl FnOnce(
        &ValidPlan,
        &Setup,
        &BTreeMap<Runtime, FoundPython>,
    ) -> Result<Measurers, RunError>,
    options: &RunOptions,
    stop: &AtomicBool,
) -> Result<Finished, RunError> {
    let Chosen { plan, setup: mut found, pythons, skipped, notices: mut warnings } = chosen;
    let mut machine = Machine::snapshot();
    warnings.extend(machine.busy_warning());
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
    type Ready = (Measurers, BTreeMap<Runtime, f64>, ValidPlan);
    let setup = |found: &mut Setup| -> Result<Ready, RunError> {
        let mut measurers = start(&plan, found, &pythons)?;
        pin_measurers(&plan, &mut measurers);
        let iterations_per_ms = calibrate(&mut measurers, &mut machine)?;
        let (plan, probe) = function::prepare(&plan, &mut measurers)?;
        found.function = probe;
        store::write_json(&dir.join("machine.json"), &machine)?;
        Ok((measurers, iterations_per_ms, plan))
    };
    let (mut measurers, iterations_per_ms, plan) = match setup(&mut found) {
        Ok(ready) => ready,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(error);
        }
    };
    let manifest = RunManifest {
        schema: manifest::Schema::current(),
        run_id,
        status: RunStatus::Running,
        steps_planned: plan.steps_on(&found).len(),
        rounds_added: 0,
        plan,
        setup: found,
        iterations_per_ms,
        skipped,
        command: options.command.clone(),
        started_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        finished_at: None,
        steps_done: 0,
        warnings,
        noise: Vec::new(),
        noise_probe: None,
        unconverged: Vec::new(),
        task_lengths: Vec::new(),
        pythons,
        spending: None,
    };
    if let Err(error) = store::write_json(&dir.join("plan.json"), &manifest) {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(error.into());
    }
    execute(manifest, &dir, options, &mut measurers, stop)
}

/// Each runtime's iterations per CPU millisecond; a CPython measurer names its interpreter
/// in `machine`.
fn calibrate(
    measurers: &mut Measurers,
    machine: &mut Machine,
) -> Result<BTreeMap<Runtime, f64>, RunError> {
    let mut iterations_per_ms = BTreeMap::new();
    for (runtime, measurer) in measurers.iter_mut() {
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
    Ok(iterations_per_ms)
}

/// Finishes the partial run in `dir`: runs only what its journal lacks.
pub fn resume(dir: &Path, options: &RunOptions, stop: &AtomicBool) -> Result<Finished, RunError> {
    let (dir, manifest) = open_partial(dir, options)?;
    // Reading plan.json validated its plan (a `ValidPlan` is checked as it is read).
    let mut measurers = start_measurers(
        &manifest.plan,
        &manifest.setup,
        &manifest.pythons,
        &mut BTreeMap::new(),
        options,
    )?;
    pin_measurers(&manifest.plan, &mut measurers);
    function::reload(&manifest.plan, manifest.setup.function.as_ref(), &mut measurers)?;
    execute(manifest, &dir, options, &mut measurers, stop)
}

/// [`resume`] with measurers of the caller's.
pub fn resume_with(
    dir: &Path,
    mut measurers: Measurers,
    options: &RunOptions,
    stop: &AtomicBool,
) -> Result<Finished, RunError> {
    let (dir, manifest) = open_partial(dir, options)?;
    execute(manifest, &dir, options, &mut measurers, stop)
}

/// The run folder `dir` names (`output/latest` is a link: the folder it names, so `latest` is
/// re-pointed right) and its manifest; a complete run is refused unless the resume has a
/// budget of its own to spend on the run's open comparisons.
fn open_partial(dir: &Path, options: &RunOptions) -> Result<(PathBuf, RunManifest), RunError> {
    let dir = store::open_run_folder(dir)?;
    let manifest = RunManifest::read(&dir.join("plan.json"))?;
    if manifest.status == RunStatus::Complete && options.budget_s.is_none() {
        return Err(ConfigError::new(format!(
            "the run in {} is complete already (--budget +3m spends 3 more minutes on what it left undecided)",
            dir.display()
        ))
        .into());
    }
    Ok((dir, manifest))
}

/// Pins every measurer's pool workers as the plan's `--pin` asks: worker `i` on the `i`th
/// CPU of the topology's order for it (the allowed CPUs in order where sysfs shows no
/// topology). Serial runs stay where the scheduler puts them.
fn pin_measurers(plan: &crate::plan::Plan, measurers: &mut Measurers) {
    if plan.pin == crate::model::Pin::None {
        return;
    }
    let order = match crate::machine::topology::Topology::read() {
        Some(topology) => topology.cpu_order(plan.pin),
        None => crate::machine::topology::allowed_cpus()
            .unwrap_or_else(|| (0..crate::machine::logical_cores()).collect()),
    };
    for (_, measurer) in measurers.iter_mut() {
        measurer.set_pin(Some(order.clone()));
    }
}

/// One measurer per runtime of a plan.
pub type Measurers = Vec<(Runtime, Box<dyn Measure>)>;

/// One measurer per runtime of `plan`; a CPython runtime measures with its driver from
/// `drivers` where set-up started one, else starts the interpreter `pythons` holds for it (a
/// run folder from before several CPythons: the first `--python`, or python3).
fn start_measurers(
    plan: &ValidPlan,
    setup: &Setup,
    pythons: &BTreeMap<Runtime, FoundPython>,
    drivers: &mut BTreeMap<Runtime, CpythonDriver>,
    options: &RunOptions,
) -> Result<Measurers, RunError> {
    let interval = Duration::from_secs_f64(plan.switch_interval_ms / 1000.0);
    setup
        .runtimes
        .iter()
        .map(|&runtime| {
            if let Some(driver) = drivers.remove(&runtime) {
                return Ok((runtime, Box::new(Measurer::from(driver)) as Box<dyn Measure>));
            }
            let python = pythons.get(&runtime).map(|found| found.path.as_path());
            let python = python.or(options.pythons.first().map(PathBuf::as_path));
            Ok((
                runtime,
                Box::new(Measurer::for_runtime_in(
                    runtime,
                    interval,
                    python,
                    options.environments.as_deref(),
                )?) as Box<dyn Measure>,
            ))
        })
        .collect()
}

/// "2 min 40 s", "12 s".
pub fn human_duration(seconds: f64) -> String {
    let total = seconds.round() as u64;
    match total {
        0..=59 => format!("{total} s"),
        _ => format!("{} min {} s", total / 60, total % 60),
    }
}
