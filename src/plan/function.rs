//! The plan of a run of the user's own function (`--task`): which runtime measures what
//! (CPython the function, the rust-gil model the mixed scenario at the function's compute
//! fraction), its checks, and the sizes the function's first serial run gives the model.

use super::{FunctionProbe, Plan, Scenario};
use crate::error::ConfigError;
use crate::executor::ExecutorKind;
use crate::function::FunctionSpec;
use crate::runtime::Runtime;

impl Plan {
    /// True when the plan measures `scenario` with `executor` in `runtime`. Every pair, except
    /// in a run of the user's function: only CPython runs the function, and the rust-gil model
    /// runs the mixed scenario at its compute fraction, serially and in threads (what the GIL
    /// lets threads gain).
    pub fn measures(&self, runtime: Runtime, scenario: Scenario, executor: ExecutorKind) -> bool {
        if !executor.runs(scenario) {
            return false;
        }
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
        if let Some(seconds) = function.timeout_s {
            crate::limits::TASK_TIMEOUT_S.check(seconds)?;
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Profile;

    fn function_plan() -> Plan {
        let spec = FunctionSpec::named("module:function", std::path::Path::new(".")).expect("spec");
        Plan::profile(Profile::Quick).with_function(spec, false)
    }

    #[test]
    fn cpython_runs_the_function_and_rust_gil_the_model_in_threads() {
        let plan = function_plan();
        plan.validate().expect("valid");
        let py = Runtime::Cpython;
        assert!(plan.measures(py, Scenario::Function, ExecutorKind::Processes));
        assert!(!plan.measures(py, Scenario::Mixed, ExecutorKind::Threads));
        assert!(plan.measures(Runtime::RustGil, Scenario::Mixed, ExecutorKind::Threads));
        assert!(plan.measures(Runtime::RustGil, Scenario::Mixed, ExecutorKind::Serial));
        assert!(!plan.measures(Runtime::RustGil, Scenario::Mixed, ExecutorKind::Processes));
        assert!(!plan.measures(Runtime::RustGil, Scenario::Function, ExecutorKind::Serial));
        assert!(!plan.measures(Runtime::Rust, Scenario::Cpu, ExecutorKind::Threads));
        let lesson = Plan::profile(Profile::Quick);
        assert!(!lesson.measures(py, Scenario::Function, ExecutorKind::Serial));
        assert!(lesson.measures(py, Scenario::Cpu, ExecutorKind::Serial));
    }

    #[test]
    fn a_function_plan_is_refused_without_cpython_or_beside_other_workloads() {
        let plan = function_plan();
        let rust = Plan { runtimes: vec![Runtime::Rust, Runtime::RustGil], ..plan.clone() };
        let error = rust.validate().expect_err("no CPython").to_string();
        assert!(error.contains("runs in CPython only"), "{error}");
        let cpu = Plan { scenarios: vec![Scenario::Function, Scenario::Cpu], ..plan.clone() };
        assert!(cpu.validate().expect_err("cpu too").to_string().contains("not the cpu scenario"));
        let mut hour = plan.clone();
        if let Some(f) = hour.function.as_mut() {
            f.timeout_s = Some(0.0);
        }
        assert!(hour.validate().is_err(), "a zero timeout");
        let orphan = Plan { scenarios: vec![Scenario::Function], ..Plan::profile(Profile::Quick) };
        assert!(orphan.validate().expect_err("no --task").to_string().contains("--task"));
    }

    #[test]
    fn the_first_serial_run_sizes_the_model() {
        let probe = FunctionProbe {
            loaded: Vec::new(),
            runtime: Runtime::Cpython,
            task_s: 0.0123,
            cpu_fraction: 0.875,
            timeout_s: 60.0,
        };
        let sized = function_plan().sized_by(&probe);
        assert_eq!(sized.cpu_fractions, vec![0.875]);
        assert!((sized.mixed_task_ms - 12.3).abs() < 1e-9);
        sized.validate().expect("still valid");
        let tiny = FunctionProbe { task_s: 0.0, ..probe };
        assert_eq!(function_plan().sized_by(&tiny).mixed_task_ms, 0.1, "a task of 0.1 ms at least");
    }
}
