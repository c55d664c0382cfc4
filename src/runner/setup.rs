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
                for ((label, python), mut driver) in labelled.into_iter().zip(found).zip(drivers) {
                    if let Some(runtime) = label {
                        runtimes.push(runtime);
                        driver.set_runtime(runtime);
                        resolved.pythons.insert(runtime, python);
                        resolved.drivers.insert(runtime, driver);
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
    if plan.executors.contains(&ExecutorKind::Interpreters) {
        for &runtime in &setup.runtimes {
            let reason = match resolved.pythons.get(&runtime) {
                Some(python) => python.unsupported().into_iter().next().map(|(_, why)| why),
                None if runtime == Runtime::Rust => Some(RUST_INTERPRETERS.to_string()),
                None => None,
            };
            if let Some(reason) = reason {
                resolved.notices.push(format!("{runtime}: no interpreters pool: {reason}"));
                let executor = ExecutorKind::Interpreters;
                setup.unsupported.push(Unsupported { runtime, executor, reason });
            }
        }
    }
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

/// The label of each of `found`: versioned ones whenever the plan names a version
/// (`cpython-3.13`), and `None` for an interpreter of a version it does not name, unless it
/// asks for `cpython` (all of them).
fn labels(found: &[FoundPython], wanted: &[Runtime]) -> Result<Vec<Option<Runtime>>, RunError> {
    let config = |message: String| RunError::Config(ConfigError::new(message));
    let mut labels = pythons::label(found).map_err(|e| config(e.to_string()))?;
    let named: Vec<Runtime> = wanted.iter().copied().filter(|r| *r != Runtime::Cpython).collect();
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
