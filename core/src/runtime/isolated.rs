//! Isolation between executors of one CPython runtime: each kind of pool is measured in a
//! driver process of its own, so nothing one executor leaves behind (an interpreter pool's
//! subinterpreters and their memory, a thread pool's stacks) is in the process another forks
//! its workers from or shares its interpreter with.
//!
//! Measured on CPython 3.13 with the interpreters backport, 2 cores, 16 tasks of 20 ms: with
//! interpreter pools run in the same driver process, the process pool at 8 workers took
//! 0.390 s where it took 0.197 s without them; `tests/isolation` keeps the two within their
//! intervals. The cause: every interpreter pool leaves about 30 MB behind in its process
//! (CPython 3.13 with the backport: 15 MB before the first pool, 375 MB after twelve), and a
//! larger process forks more slowly (0.107 s, then 0.236 s for the same process pool).
//!
//! The serial baseline, the calibration and `burn` run in the first driver (the one that
//! asked the interpreter what it is); each pool kind's driver starts the first time that kind
//! is measured. The interpreter pools' driver is replaced after
//! [`INTERPRETER_POOLS_PER_DRIVER`] pools, so a long run does not pile up gigabytes in it.

use std::collections::BTreeMap;
use std::time::Duration;

use super::Runtime;
use super::cpython::{CpythonDriver, CpythonError, PythonInfo};
use crate::bench::Measurement;
use crate::executor::ExecutorKind;
use crate::function::{Check, FunctionInfo, FunctionSpec};
use crate::workload::Task;

/// Interpreter pools measured in one driver process before it is replaced by a fresh one.
pub const INTERPRETER_POOLS_PER_DRIVER: usize = 8;

/// The driver processes of one CPython runtime: one for the serial baseline and calibration,
/// one per pool kind.
pub struct IsolatedDrivers {
    home: CpythonDriver,
    pools: BTreeMap<ExecutorKind, (CpythonDriver, usize)>,
    /// True while the home driver's serial results must still be handed to the pools'
    /// drivers (an `==` check of the user's function).
    share_reference: bool,
}

impl From<CpythonDriver> for IsolatedDrivers {
    fn from(home: CpythonDriver) -> Self {
        Self { home, pools: BTreeMap::new(), share_reference: false }
    }
}

impl IsolatedDrivers {
    /// The interpreter's version and settings.
    pub fn info(&self) -> &PythonInfo {
        self.home.info()
    }

    /// The runtime the measurements are labelled with.
    pub fn runtime(&self) -> Runtime {
        self.home.runtime()
    }

    /// Labels every driver's measurements with `runtime`.
    pub fn set_runtime(&mut self, runtime: Runtime) {
        self.home.set_runtime(runtime);
        self.pools.values_mut().for_each(|(driver, _)| driver.set_runtime(runtime));
    }

    /// The driver that runs `kind`: the first one for the serial baseline, else that pool
    /// kind's own (started now the first time, and replaced when its interpreter pools are
    /// used up).
    pub fn driver_for(&mut self, kind: ExecutorKind) -> Result<&mut CpythonDriver, CpythonError> {
        // A driver killed after a task timed out, or ended by the user's function, is
        // replaced by a fresh one.
        if self.home.is_dead() {
            self.home = self.home.sibling()?;
        }
        if kind == ExecutorKind::Serial {
            return Ok(&mut self.home);
        }
        let used_up = |(driver, uses): &mut (CpythonDriver, usize)| {
            driver.is_dead()
                || (kind == ExecutorKind::Interpreters && *uses >= INTERPRETER_POOLS_PER_DRIVER)
        };
        if self.pools.get_mut(&kind).is_none_or(used_up) {
            // Until the serial run has results to hand on, the pools' drivers go without
            // (their == checks then read "not compared").
            if self.share_reference && self.home.share_reference()? {
                self.share_reference = false;
            }
            // The old driver (if any) is dropped, and stopped, before the new one starts.
            self.pools.remove(&kind);
            self.pools.insert(kind, (self.home.sibling()?, 0));
        }
        let (driver, uses) = self
            .pools
            .get_mut(&kind)
            .ok_or_else(|| CpythonError::Protocol(format!("no driver for {}", kind.name())))?;
        *uses += 1;
        Ok(driver)
    }

    /// Runs `tasks` with `kind` and `workers` in that kind's own driver process.
    pub fn measure(
        &mut self,
        kind: ExecutorKind,
        tasks: &[Task],
        workers: usize,
    ) -> Result<Measurement, CpythonError> {
        self.driver_for(kind)?.measure(kind, tasks, workers)
    }

    /// Loads the user's function into every driver, now and as they start (see
    /// [`CpythonDriver::load_function`]).
    pub fn load_function(
        &mut self,
        spec: &FunctionSpec,
        tasks: usize,
    ) -> Result<FunctionInfo, CpythonError> {
        self.pools.clear();
        self.share_reference = spec.check == Check::Eq;
        self.home.load_function(spec, tasks)
    }

    /// Pins the pools' workers of every driver, now and as they start (see
    /// [`CpythonDriver::set_pin`]).
    pub fn set_pin(&mut self, cpus: Option<Vec<usize>>) {
        self.home.set_pin(cpus.clone());
        self.pools.values_mut().for_each(|(driver, _)| driver.set_pin(cpus.clone()));
    }

    /// Sets the task timeout of every driver, now and as they start.
    pub fn set_task_timeout(&mut self, timeout: Option<Duration>) {
        self.home.set_task_timeout(timeout);
        self.pools.values_mut().for_each(|(driver, _)| driver.set_task_timeout(timeout));
    }

    /// The first driver, which calibrates and runs the serial baseline.
    pub fn home(&mut self) -> &mut CpythonDriver {
        &mut self.home
    }

    /// How many driver processes run now (1 + one per pool kind measured so far).
    pub fn processes(&self) -> usize {
        1 + self.pools.len()
    }
}
