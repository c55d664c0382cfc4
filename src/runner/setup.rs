//! Finding what the plan's runtimes are on this machine, beside the untouched plan: each CPython interpreter given
//! (`--python a,b`; python3 on PATH by default) asked what it is and labelled (`cpython`, or
//! `cpython-3.13` and `cpython-3.14t` beside others), and the executors a runtime cannot run
//! here set aside with one notice each (an interpreter pool on CPython 3.11, or on native
//! Rust, whose threads have no lock to split).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use super::{RunError, RunOptions};
use crate::error::ConfigError;
use crate::executor::ExecutorKind;
use crate::plan::{Setup, Unsupported, ValidPlan};
use crate::runtime::Runtime;
use crate::runtime::cpython::{self, CpythonDriver};
use crate::runtime::pythons::{self, FoundPython};

/// What set-up found, and what was set aside.
pub(super) struct Resolved {
    /// The runtimes as they run here (concrete labels) and their unsupported executors.
    pub setup: Setup,
    /// Each CPython runtime's interpreter.
    pub pythons: BTreeMap<Runtime, FoundPython>,
    /// Each CPython runtime's driver, started while asking what the interpreter is, and
    /// handed on to measure (an interpreter is started once).
    pub drivers: BTreeMap<Runtime, CpythonDriver>,
    /// Runtimes that cannot run here, with the reason.
    pub skipped: BTreeMap<Runtime, String>,
    /// One notice per runtime or executor set aside.
    pub notices: Vec<String>,
}

/// Why native Rust measures no interpreter pool.
pub const RUST_INTERPRETERS: &str = "native Rust threads have no interpreter lock to split, so an interpreter pool would be its thread pool";

/// Why the Rust runtimes measure no asyncio.
pub const NO_ASYNCIO: &str = "asyncio is CPython's event loop; gilbench's Rust pools have no coroutines of the lesson's kind, and an async Rust runtime would measure another design, not CPython's";

/// Resolves `plan`'s runtimes against the interpreters `options` names.
pub(super) fn resolve(plan: &ValidPlan, options: &RunOptions) -> Result<Resolved, RunError> {
    let mut resolved = Resolved {
        setup: Setup::default(),
        pythons: BTreeMap::new(),
        drivers: BTreeMap::new(),
        skipped: BTreeMap::new(),
        notices: Vec::new(),
    };
    let wanted: Vec<Runtime> = plan.runtimes.iter().copied().filter(|r| r.is_cpython()).collect();
    let mut runtimes: Vec<Runtime> =
        plan.runtimes.iter().copied().filter(|r| !r.is_cpython()).collect();
    if !wanted.is_empty() {
        let explicit = options.runtimes_explicit || !options.pythons.is_empty();
        let interval = Duration::from_secs_f64(plan.switch_interval_ms / 1000.0);
        match find_pythons(options, interval) {
            Ok(started) => {
                let (found, drivers): (Vec<FoundPython>, Vec<CpythonDriver>) =
                    started.into_iter().unzip();
                let labelled = labels(&found, &wanted)?;
                for ((label, python), driver) in labelled.into_iter().zip(found).zip(drivers) {
                    if let Some(runtime) = label {
                        let arm = forced_arm(runtime, &wanted);
                        runtimes.extend(add_python(&mut resolved, runtime, python, driver, arm)?);
                    }
                }
            }
            Err(error) if !explicit => {
                resolved.notices.push(format!("the cpython runtime was skipped: {error}"));
                resolved.skipped.insert(Runtime::Cpython, error.to_string());
            }
            Err(error) => return Err(ConfigError::new(error.to_string()).into()),
        }
    }
    if runtimes.is_empty() {
        return Err(ConfigError::new("no runtime to measure").into());
    }
    let mut setup = Setup { runtimes, unsupported: Vec::new(), function: None };
    set_aside(plan, &mut setup, &mut resolved);
    resolved.setup = setup;
    Ok(resolved)
}

/// Each interpreter of `--python` (python3 on PATH without it), started and asked what it is;
/// the error names the interpreter that failed.
fn find_pythons(
    options: &RunOptions,
    switch_interval: Duration,
) -> Result<Vec<(FoundPython, CpythonDriver)>, String> {
    let paths: Vec<PathBuf> = if options.pythons.is_empty() {
        vec![cpython::find_python(None).map_err(|e| e.to_string())?]
    } else {
        options.pythons.clone()
    };
    paths
        .iter()
        .map(|path| {
            let root = options.environments.as_deref();
            FoundPython::start(path, switch_interval, root).map_err(|error| match error {
                cpython::CpythonError::NotFound | cpython::CpythonError::Missing(_) => {
                    error.to_string()
                }
                other => format!("{}: not a CPython gilbench can drive: {other}", path.display()),
            })
        })
        .collect()
}

/// Marks the executors a runtime cannot run here as unsupported, with one notice each: an
/// interpreter pool where CPython lacks one (or on native Rust), and asyncio and the start
/// methods' process pools, which only CPython has.
fn set_aside(plan: &ValidPlan, setup: &mut Setup, resolved: &mut Resolved) {
    let mut unsupported = Vec::new();
    for &executor in &plan.executors {
        for &runtime in &setup.runtimes {
            let python = resolved.pythons.get(&runtime);
            let reason = match executor {
                ExecutorKind::Interpreters => match python {
                    Some(python) => python.unsupported().into_iter().next().map(|(_, why)| why),
                    None if runtime == Runtime::Rust => Some(RUST_INTERPRETERS.to_string()),
                    None => None,
                },
                kind if kind.is_asyncio() && !runtime.is_cpython() => Some(NO_ASYNCIO.to_string()),
                kind if kind.start_method().is_some() && !runtime.is_cpython() => {
                    Some(crate::executor::NO_START_METHODS.to_string())
                }
                _ => None,
            };
            if let Some(reason) = reason {
                resolved.notices.push(format!("{runtime}: no {executor} pool: {reason}"));
                unsupported.push(Unsupported { runtime, executor, reason });
            }
        }
    }
    setup.unsupported = unsupported;
}

/// Keeps `python` and its `driver` as `runtime`, and with `arm` starts the interpreter again
/// with `PYTHON_GIL=1` as that runtime too; returns the runtimes added.
fn add_python(
    resolved: &mut Resolved,
    runtime: Runtime,
    python: FoundPython,
    mut driver: CpythonDriver,
    arm: Option<Runtime>,
) -> Result<Vec<Runtime>, RunError> {
    driver.set_runtime(runtime);
    let forced = arm.map(|arm| driver.forcing_gil(arm)).transpose().map_err(|e| {
        ConfigError::new(format!("{} with PYTHON_GIL=1: {e}", python.path.display()))
    })?;
    resolved.drivers.insert(runtime, driver);
    resolved.pythons.insert(runtime, python.clone());
    let mut added = vec![runtime];
    if let (Some(arm), Some(forced)) = (arm, forced) {
        let info = forced.info().clone();
        resolved.drivers.insert(arm, forced);
        resolved.pythons.insert(arm, FoundPython { path: python.path, info });
        added.push(arm);
    }
    Ok(added)
}

/// The free-threaded build's arm with its GIL forced back on (`cpython-3.13t-gil`) that
/// measuring `runtime` brings: every free-threaded runtime of a plan that asks for all
/// CPythons, or the arm the plan names itself.
fn forced_arm(runtime: Runtime, wanted: &[Runtime]) -> Option<Runtime> {
    let tag = runtime.python_tag().filter(|tag| tag.free_threaded && !tag.gil_forced)?;
    let arm = Runtime::CpythonAt(tag.with_gil_forced());
    (wanted.contains(&Runtime::Cpython) || wanted.contains(&arm)).then_some(arm)
}

/// The label of each of `found`: versioned ones whenever the plan names a version
/// (`cpython-3.13`), and `None` for an interpreter of a version it does not name, unless it
/// asks for `cpython` (all of them).
fn labels(found: &[FoundPython], wanted: &[Runtime]) -> Result<Vec<Option<Runtime>>, RunError> {
    let config = |message: String| RunError::Config(ConfigError::new(message));
    let mut labels = pythons::label(found).map_err(|e| config(e.to_string()))?;
    // A named `3.Nt-gil` arm is the free-threaded build's interpreter started again: it
    // names that build too.
    let named: Vec<Runtime> = wanted
        .iter()
        .filter(|r| **r != Runtime::Cpython)
        .map(|r| match r.python_tag() {
            Some(tag) => Runtime::CpythonAt(tag.build()),
            None => *r,
        })
        .collect();
    if named.is_empty() {
        return Ok(labels.into_iter().map(Some).collect());
    }
    if labels == [Runtime::Cpython] {
        let tags: Option<Vec<_>> = found.iter().map(|f| f.info.tag()).collect();
        let tags = tags.ok_or_else(|| config("cannot read the interpreter's version".into()))?;
        labels = tags.into_iter().map(Runtime::CpythonAt).collect();
    }
    for runtime in &named {
        if !labels.contains(runtime) {
            let given: Vec<String> = labels.iter().map(ToString::to_string).collect();
            return Err(config(format!(
                "--runtimes names {runtime}, but the interpreters given are {} (add it with --python)",
                given.join(", ")
            )));
        }
    }
    let all = wanted.contains(&Runtime::Cpython);
    Ok(labels.into_iter().map(|r| (all || named.contains(&r)).then_some(r)).collect())
}
