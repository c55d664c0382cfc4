//! Runtimes: who executes the tasks. `rust` (native threads and processes), `rust-gil` (the
//! same pools under a model of CPython's interpreter lock) and `cpython` (real python3 with
//! `concurrent.futures`, measured in the same run).

pub mod cpython;
pub mod isolated;
pub mod pythons;
pub mod scripted;

use std::path::Path;
use std::time::Duration;

use crate::bench::{Measurement, bench_with};
use crate::error::ExecutorError;
use crate::executor::{ExecutorKind, PoolBuilder, WorkerProgram};
use crate::function::{FunctionInfo, FunctionSpec};
pub use crate::model::{PythonTag, Runtime};
use crate::workload::{Task, calibrate_iterations};
pub use cpython::{CpythonDriver, CpythonError, PythonInfo};
pub use isolated::IsolatedDrivers;

/// Why a measurement failed, whichever runtime ran it.
#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    /// One of gilbench's pools failed (a task error, a broken pool).
    #[error(transparent)]
    Executor(#[from] ExecutorError),
    /// The CPython driver failed or reported an error.
    #[error(transparent)]
    Cpython(#[from] CpythonError),
}

impl MeasureError {
    /// True for CPython's intermittent failure to start a subinterpreter while other threads
    /// start theirs ("Failed to import encodings module", python/cpython#131485 and #128381):
    /// an interpreter pool then reports that a thread initializer failed. The same pool
    /// started again works, so a runner may measure it again.
    pub fn is_interpreter_start_race(&self) -> bool {
        matches!(self, MeasureError::Cpython(CpythonError::Reported(message))
            if message.starts_with("BrokenInterpreterPool") && message.contains("initializer failed"))
    }

    /// True when the CPython driver's process ended in the middle of the measurement: with
    /// an interpreter pool, CPython 3.13's subinterpreters (the backport) crash it now and
    /// then; a fresh driver measures the same pool again.
    pub fn is_driver_crash(&self) -> bool {
        matches!(self, MeasureError::Cpython(CpythonError::Exited(_)))
    }
}

/// What runs measurements for one runtime: [`Measurer`] (gilbench's pools, or a CPython
/// driver) measures for real; [`scripted::Scripted`] answers with preset times, for tests of
/// what is built on measurements.
pub trait Measure {
    /// Which runtime this measurer runs.
    fn runtime(&self) -> Runtime;

    /// Runs `tasks` on a new executor of `kind` with `workers` workers.
    fn measure(
        &mut self,
        kind: ExecutorKind,
        tasks: &[Task],
        workers: usize,
    ) -> Result<Measurement, MeasureError>;

    /// The iteration count that makes one CPU task last about `target` in this runtime.
    fn calibrate(&mut self, target: Duration) -> Result<u64, MeasureError>;

    /// The CPython driver's interpreter, for a CPython runtime.
    fn python(&self) -> Option<&PythonInfo> {
        None
    }

    /// Loads the user's function for `tasks` tasks (a CPython runtime; `None` for a runtime
    /// that runs no Python).
    fn load_function(
        &mut self,
        _spec: &FunctionSpec,
        _tasks: usize,
    ) -> Result<Option<FunctionInfo>, MeasureError> {
        Ok(None)
    }

    /// How long a measurement of the user's function may go without a task finishing.
    fn set_task_timeout(&mut self, _timeout: Option<Duration>) {}

    /// Pins every pool's worker `i` to `cpus[i % len]` from now on (`None`: not pinned); a
    /// runtime without pools of its own ignores it.
    fn set_pin(&mut self, _cpus: Option<Vec<usize>>) {}
}

/// Runs measurements for one runtime: gilbench's pools (with or without the GIL model) or a
/// CPython driver.
pub enum Measurer {
    /// `rust` or `rust-gil`.
    Native {
        /// The modelled GIL's switch interval (`None` for native Rust).
        gil: Option<Duration>,
        /// The process-pool worker program (located when `None`).
        program: Option<WorkerProgram>,
        /// The CPUs the pools' workers are pinned to (`--pin`).
        pin: Option<std::sync::Arc<[usize]>>,
    },
    /// `cpython`: one driver process per executor kind (see [`isolated`]).
    Cpython(Box<IsolatedDrivers>),
}

impl Measurer {
    /// A measurer for `rust` (no `switch_interval`) or `rust-gil`.
    pub fn native(switch_interval: Option<Duration>) -> Self {
        Measurer::Native { gil: switch_interval, program: None, pin: None }
    }

    /// Starts a CPython driver with `python` (with `root`: see [`pythons::start_driver`]).
    pub fn cpython(
        python: &Path,
        switch_interval: Duration,
        root: Option<&Path>,
    ) -> Result<Self, CpythonError> {
        Ok(Self::from(pythons::start_driver(python, switch_interval, root)?))
    }

    /// A measurer for `runtime`; `python` (default: python3 on PATH) is the interpreter of a
    /// CPython runtime, whose measurements carry `runtime` as their label.
    pub fn for_runtime(
        runtime: Runtime,
        switch_interval: Duration,
        python: Option<&Path>,
    ) -> Result<Self, CpythonError> {
        Self::for_runtime_in(runtime, switch_interval, python, None)
    }

    /// [`Measurer::for_runtime`]; with `root`, a base CPython finds the backport of the
    /// environment `make pythons` prepared from it there (see [`pythons::start_driver`]).
    pub fn for_runtime_in(
        runtime: Runtime,
        switch_interval: Duration,
        python: Option<&Path>,
        root: Option<&Path>,
    ) -> Result<Self, CpythonError> {
        match runtime {
            Runtime::Rust => Ok(Self::native(None)),
            Runtime::RustGil => Ok(Self::native(Some(switch_interval))),
            Runtime::Cpython | Runtime::CpythonAt(_) => {
                let python = cpython::find_python(python)?;
                let force_gil = runtime.python_tag().is_some_and(|tag| tag.gil_forced);
                let mut driver =
                    pythons::start_driver_for(&python, switch_interval, root, force_gil)?;
                driver.set_runtime(runtime);
                Ok(Self::from(driver))
            }
        }
    }

    /// Which runtime this measurer runs.
    pub fn runtime(&self) -> Runtime {
        match self {
            Measurer::Native { gil: None, .. } => Runtime::Rust,
            Measurer::Native { gil: Some(_), .. } => Runtime::RustGil,
            Measurer::Cpython(driver) => driver.runtime(),
        }
    }

    /// The CPython driver's interpreter, for the `cpython` runtime.
    pub fn python(&self) -> Option<&PythonInfo> {
        match self {
            Measurer::Cpython(driver) => Some(driver.info()),
            Measurer::Native { .. } => None,
        }
    }

    /// Runs `tasks` on a new executor of `kind` with `workers` workers.
    pub fn measure(
        &mut self,
        kind: ExecutorKind,
        tasks: &[Task],
        workers: usize,
    ) -> Result<Measurement, MeasureError> {
        match self {
            Measurer::Native { gil, program, pin } => {
                let mut pool = PoolBuilder::new(kind).workers(workers).gil(*gil).pin(pin.clone());
                if let Some(program) = program {
                    pool = pool.worker_program(program.clone());
                }
                Ok(bench_with(pool, tasks)?)
            }
            Measurer::Cpython(driver) => Ok(driver.measure(kind, tasks, workers)?),
        }
    }

    /// The iteration count that makes one CPU task last about `target` in this runtime.
    pub fn calibrate(&mut self, target: Duration) -> Result<u64, MeasureError> {
        match self {
            Measurer::Native { .. } => Ok(calibrate_iterations(target)),
            Measurer::Cpython(drivers) => Ok(drivers.home().calibrate(target)?),
        }
    }

    /// Loads the user's function for `tasks` tasks ([`Task::Python`] 0 to `tasks - 1`): a
    /// CPython measurer answers what it found; a native one runs no Python (`None`).
    pub fn load_function(
        &mut self,
        spec: &FunctionSpec,
        tasks: usize,
    ) -> Result<Option<FunctionInfo>, MeasureError> {
        match self {
            Measurer::Cpython(drivers) => Ok(Some(drivers.load_function(spec, tasks)?)),
            Measurer::Native { .. } => Ok(None),
        }
    }

    /// How long a measurement of the user's function may go without a task finishing
    /// before its driver and pool are killed (`None`: no limit).
    pub fn set_task_timeout(&mut self, timeout: Option<Duration>) {
        if let Measurer::Cpython(drivers) = self {
            drivers.set_task_timeout(timeout);
        }
    }

    /// Pins every pool's worker `i` to `cpus[i % len]` from now on (`None`: not pinned).
    pub fn set_pin(&mut self, cpus: Option<Vec<usize>>) {
        match self {
            Measurer::Native { pin, .. } => *pin = cpus.map(std::sync::Arc::from),
            Measurer::Cpython(drivers) => drivers.set_pin(cpus),
        }
    }
}

impl From<CpythonDriver> for Measurer {
    /// A CPython measurer whose pools each start a driver process like `driver`.
    fn from(driver: CpythonDriver) -> Self {
        Measurer::Cpython(Box::new(IsolatedDrivers::from(driver)))
    }
}

/// The trait forwards to the inherent methods, so a program (a notebook) calls them without
/// importing the trait.
impl Measure for Measurer {
    fn runtime(&self) -> Runtime {
        Measurer::runtime(self)
    }

    fn measure(
        &mut self,
        kind: ExecutorKind,
        tasks: &[Task],
        workers: usize,
    ) -> Result<Measurement, MeasureError> {
        Measurer::measure(self, kind, tasks, workers)
    }

    fn calibrate(&mut self, target: Duration) -> Result<u64, MeasureError> {
        Measurer::calibrate(self, target)
    }

    fn python(&self) -> Option<&PythonInfo> {
        Measurer::python(self)
    }

    fn load_function(
        &mut self,
        spec: &FunctionSpec,
        tasks: usize,
    ) -> Result<Option<FunctionInfo>, MeasureError> {
        Measurer::load_function(self, spec, tasks)
    }

    fn set_task_timeout(&mut self, timeout: Option<Duration>) {
        Measurer::set_task_timeout(self, timeout);
    }

    fn set_pin(&mut self, cpus: Option<Vec<usize>>) {
        Measurer::set_pin(self, cpus);
    }
}
