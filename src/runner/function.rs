//! Getting a run of the user's function ready: loading it into every CPython (a missing
//! file, a syntax error or a name that is no function is a one-line error before anything is
//! written), one serial run of it that sizes the rust-gil model and sets the task timeout, and
//! on `--resume` the same function loaded again with the timeout the run started with.

use std::time::Duration;

use super::{Measurers, RunError};
use crate::error::ConfigError;
use crate::executor::ExecutorKind;
use crate::function::FunctionSpec;
use crate::plan::{FunctionProbe, Plan, ValidPlan};
use crate::runtime::{CpythonError, MeasureError};
use crate::stats;
use crate::workload::Task;

/// The driver's message without the protocol's prefix.
fn reported(error: &MeasureError) -> String {
    let text = match error {
        MeasureError::Cpython(CpythonError::Reported(text)) => text.clone(),
        other => other.to_string(),
    };
    text.strip_prefix("LoadError: ").unwrap_or(&text).to_string()
}

/// Loads `spec` into every CPython measurer; the first failure is the error.
fn load_all(
    spec: &FunctionSpec,
    tasks: usize,
    measurers: &mut Measurers,
) -> Result<Vec<(crate::runtime::Runtime, crate::function::FunctionInfo)>, RunError> {
    let mut loaded = Vec::new();
    for (runtime, measurer) in measurers.iter_mut() {
        match measurer.load_function(spec, tasks) {
            Ok(Some(info)) => loaded.push((*runtime, info)),
            Ok(None) => {}
            Err(error) => {
                let message = format!("--task {} in {runtime}: {}", spec.target, reported(&error));
                return Err(ConfigError::new(message).into());
            }
        }
    }
    Ok(loaded)
}

/// Loads the plan's function, runs it once serially in the first CPython, and returns the
/// plan sized by that run with what it found; a plan without a function is returned as is.
pub(super) fn prepare(
    plan: &ValidPlan,
    measurers: &mut Measurers,
) -> Result<(ValidPlan, Option<FunctionProbe>), RunError> {
    let Some(spec) = &plan.function else {
        return Ok((plan.clone(), None));
    };
    let loaded = load_all(spec, plan.tasks, measurers)?;
    let Some((runtime, measurer)) = measurers.iter_mut().find(|(r, _)| r.is_cpython()) else {
        return Err(ConfigError::new("--task needs a CPython to run the function").into());
    };
    let runtime = *runtime;
    let first_timeout = spec.timeout_for(None);
    measurer.set_task_timeout(Some(Duration::from_secs_f64(first_timeout)));
    let tasks = Task::python_tasks(plan.tasks);
    let measured = measurer.measure(ExecutorKind::Serial, &tasks, 1).map_err(|error| {
        ConfigError::new(format!(
            "{} failed in its first serial run ({runtime}), before anything was measured: {}",
            spec.name(),
            reported(&error)
        ))
    })?;
    let mut walls: Vec<f64> = measured.spans.iter().map(|s| s.end_s - s.start_s).collect();
    let task_s = stats::median(&mut walls).unwrap_or(0.0);
    let cpu: f64 = measured.spans.iter().filter_map(|s| s.cpu_s).sum();
    let wall: f64 = walls.iter().sum();
    let fraction = if wall > 0.0 { (cpu / wall).clamp(0.0, 1.0) } else { 1.0 };
    let probe = FunctionProbe {
        loaded,
        runtime,
        task_s,
        cpu_fraction: (fraction * 1000.0).round() / 1000.0,
        timeout_s: spec.timeout_for(Some(task_s)),
    };
    set_timeouts(measurers, probe.timeout_s);
    let sized: Plan = plan.sized_by(&probe);
    Ok((sized.validated()?, Some(probe)))
}

/// On `--resume`: the function loaded again in every CPython, with the run's task timeout.
pub(super) fn reload(
    plan: &Plan,
    probe: Option<&FunctionProbe>,
    measurers: &mut Measurers,
) -> Result<(), RunError> {
    let (Some(spec), Some(probe)) = (&plan.function, probe) else {
        return Ok(());
    };
    load_all(spec, plan.tasks, measurers)?;
    set_timeouts(measurers, probe.timeout_s);
    Ok(())
}

fn set_timeouts(measurers: &mut Measurers, seconds: f64) {
    for (_, measurer) in measurers.iter_mut() {
        measurer.set_task_timeout(Some(Duration::from_secs_f64(seconds)));
    }
}
