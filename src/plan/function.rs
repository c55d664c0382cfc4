//! The plan of a run of the user's own function (`--task`): which runtime measures what
//! (CPython the function, the rust-gil model the mixed scenario at the function's compute
//! fraction), its checks, and the sizes the function's first serial run gives the model.

use super::{FunctionProbe, Plan, Scenario};
use crate::error::ConfigError;
use crate::executor::ExecutorKind;
use crate::function::FunctionSpec;
use crate::runtime::Runtime;

/// The longest task timeout accepted, seconds (a day).
const MAX_TIMEOUT_S: f64 = 86_400.0;

impl Plan {
    /// True when the plan measures `scenario` with `executor` in `runtime`. Every pair, except
    /// in a run of the user's function: only CPython runs the function, and the rust-gil model
    /// runs the mixed scenario at its compute fraction, serially and in threads (what the GIL
    /// lets threads gain).
    pub fn measures(&self, runtime: Runtime, scenario: Scenario, executor: ExecutorKind) -> bool {
        match (self.function.is_some(), scenario) {
            (false, Scenario::Function) => false,
            (false, _) => true,
            (true, Scenario::Function) => runtime.is_cpython(),
            (true, Scenario::Mixed) => {
                runtime == Runtime::RustGil
                    && matches!(executor, ExecutorKind::Serial | ExecutorKind::Threads)
            }
            (true, _) => false,
        }
    }

    /// The checks of a function run: a CPython to run it, no other workload, a timeout in
    /// range; and no function scenario without a function.
    pub(super) fn validate_function(&self) -> Result<(), ConfigError> {
        let Some(function) = &self.function else {
            if self.scenarios.contains(&Scenario::Function) {
                return Err(ConfigError::new(
                    "the function scenario needs --task FILE.py:FUNCTION",
                ));
            }
            return Ok(());
        };
        if !self.runtimes.iter().any(|r| r.is_cpython()) {
            return Err(ConfigError::new(format!(
                "--task {}: a Python function runs in CPython only (add cpython to --runtimes)",
                function.target
            )));
        }
        if let Some(other) =
            self.scenarios.iter().find(|s| !matches!(s, Scenario::Function | Scenario::Mixed))
        {
            return Err(ConfigError::new(format!(
                "--task measures the function alone, not the {other} scenario as well"
            )));
        }
        match function.timeout_s {
            Some(t) if !(t > 0.0 && t <= MAX_TIMEOUT_S) => Err(ConfigError::new(format!(
                "--task-timeout {t} s must be above 0 and at most a day"
            ))),
            _ => Ok(()),
        }
    }

    /// This plan measuring `function` instead of the lesson's workloads: in every CPython
    /// given, and in rust-gil for the model, unless `runtimes_given`.
    pub fn with_function(self, function: FunctionSpec, runtimes_given: bool) -> Plan {
        let runtimes = if runtimes_given {
            self.runtimes.clone()
        } else {
            vec![Runtime::Cpython, Runtime::RustGil]
        };
        Plan {
            function: Some(function),
            scenarios: vec![Scenario::Function, Scenario::Mixed],
            runtimes,
            ..self
        }
    }

    /// The plan its function's first serial run sizes: the model's tasks last as long as the
    /// function's median task and compute the same fraction of it.
    pub fn sized_by(&self, probe: &FunctionProbe) -> Plan {
        let task_ms = (probe.task_s * 1000.0).clamp(0.1, crate::limits::TASK_MS.max);
        Plan { mixed_task_ms: task_ms, cpu_fractions: vec![probe.cpu_fraction], ..self.clone() }
    }
}
