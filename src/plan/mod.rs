//! What a run measures: runtimes x executors x scenarios x worker counts x repeats, with
//! named profiles (`lesson`, `quick`, `standard`, `full`) that flags override.
//!
//! A plan is validated once, before anything runs, and expanded into an ordered list of
//! [`Step`]s. Repeats are the outer loop and the executors alternate inside each repeat, so
//! slow drift of the machine (heat, other load) does not favour one executor. Every
//! (runtime, scenario) also gets a 1-worker `Serial` baseline per repeat, which speedups are
//! measured against.

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::executor::ExecutorKind;
use crate::function::{FunctionInfo, FunctionSpec};
use crate::limits;
use crate::model::{Pin, Rung};
use crate::point::{Milli, Point, Variant};
use crate::runtime::Runtime;
use crate::workload::Task;

mod function;
mod kinds;
mod tiers;
mod valid;
pub use kinds::{CONVOY_CHUNKS, CONVOY_CPU_MS, CONVOY_IO_SECONDS, CONVOY_PAIRS, Profile, Scenario};
pub use tiers::Tier;
pub use valid::ValidPlan;

/// A whole run's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// The profile the plan started from.
    pub profile: Profile,
    /// Who runs the tasks.
    pub runtimes: Vec<Runtime>,
    /// Pools to compare (the serial baseline is added on its own).
    pub executors: Vec<ExecutorKind>,
    /// Workloads.
    pub scenarios: Vec<Scenario>,
    /// Worker counts of the sweep (cpu and io scenarios).
    pub workers: Vec<usize>,
    /// Tasks per measurement, the same at every worker count (strong scaling).
    pub tasks: usize,
    /// Measured repeats of every step.
    pub repeat: usize,
    /// Unrecorded-in-summary warm-up repeats before them.
    pub warmup: usize,
    /// How long one CPU task should last, in ms (iterations are calibrated per runtime).
    pub cpu_task_ms: f64,
    /// A fixed iteration count for every runtime instead of calibrating.
    pub cpu_iterations: Option<u64>,
    /// Seconds one I/O task waits.
    pub io_seconds: f64,
    /// Sleeps an I/O task's wait is split into.
    pub io_chunks: u32,
    /// The fractions of a mixed task's time spent computing.
    pub cpu_fractions: Vec<f64>,
    /// How long one mixed task lasts, in ms.
    pub mixed_task_ms: f64,
    /// Workers for the mixed scenario (the lesson's count).
    pub mixed_workers: usize,
    /// The GIL switch interval (rust-gil, and CPython's `sys.setswitchinterval`), ms.
    pub switch_interval_ms: f64,
    /// Measure until confident: the largest relative half-width of a median's interval, in
    /// percent (None: exactly `repeat` repeats).
    #[serde(default)]
    pub target_ci_pct: Option<f64>,
    /// With a target: the most repeats any point gets.
    #[serde(default)]
    pub max_repeats: usize,
    /// With a target: no further round starts once measuring has taken this long, seconds.
    #[serde(default)]
    pub max_time_s: Option<f64>,
    /// How long measuring may take, seconds (`--budget`; None: the whole plan). The run
    /// measures tier by tier ([`Tier`]) and starts no measurement that would not end inside
    /// the budget; each invocation (a `--resume` too) gets a budget of its own.
    #[serde(default)]
    pub budget_s: Option<f64>,
    /// Bytes each payload task takes and gives back, one point per size (payload scenario).
    #[serde(default = "default_payload_sizes")]
    pub payload_sizes: Vec<u64>,
    /// The user's own function (`--task`): the run measures it in every CPython, and the
    /// rust-gil model at its compute fraction (see [`Plan::measures`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<FunctionSpec>,
    /// Where the pools' workers run (`--pin`): worker `i` on the `i`th CPU of the order the
    /// setting gives (see [`crate::machine::topology::Topology::cpu_order`]).
    #[serde(default)]
    pub pin: Pin,
}

/// What set-up found on this machine, kept beside the plan (which stays as the user asked
/// it): the runtimes as they run here, each CPython labelled, and the pools a runtime cannot
/// run here. The steps of a run are the plan's on its set-up ([`Plan::steps_on`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Setup {
    /// The runtimes that run, in order (`cpython` resolved to `cpython-3.13` and the like,
    /// a runtime that cannot run here left out).
    pub runtimes: Vec<Runtime>,
    /// Executors a runtime cannot run on this machine (an interpreter pool on CPython 3.11),
    /// left out of its steps, each with the reason.
    #[serde(default)]
    pub unsupported: Vec<Unsupported>,
    /// The user's function as its first serial run found it (a `--task` run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<FunctionProbe>,
}

/// What the first serial run of the user's function found, before anything was measured:
/// the length of its tasks and its compute fraction, which size the rust-gil model's tasks,
/// and the task timeout they give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionProbe {
    /// What each CPython's driver found when it loaded the function.
    pub loaded: Vec<(Runtime, FunctionInfo)>,
    /// The runtime that ran the probe.
    pub runtime: Runtime,
    /// The median task's wall time, seconds.
    pub task_s: f64,
    /// CPU time over wall time of its tasks, in thousandths: the model's fraction.
    pub cpu_fraction: f64,
    /// The task timeout in force, seconds.
    pub timeout_s: f64,
}

impl Setup {
    /// The set-up of a plan before anything was looked at: its runtimes as given, every pool
    /// supported.
    pub fn as_planned(plan: &Plan) -> Self {
        Setup { runtimes: plan.runtimes.clone(), unsupported: Vec::new(), function: None }
    }

    /// True when `runtime` cannot run `executor` here.
    pub fn lacks(&self, runtime: Runtime, executor: ExecutorKind) -> bool {
        self.unsupported.iter().any(|u| u.runtime == runtime && u.executor == executor)
    }
}

/// A pool a runtime cannot run here, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unsupported {
    /// The runtime.
    pub runtime: Runtime,
    /// The executor it lacks.
    pub executor: ExecutorKind,
    /// Why, in words.
    pub reason: String,
}

/// The worker counts of a sweep that spans the machine: powers of two up to
/// max(8, 2 x logical cores), the logical core count itself and the physical one (on an SMT
/// machine the speedup bends between them: siblings share a core).
pub fn sweep_workers(cores: usize, physical: usize) -> Vec<usize> {
    let top = 8.max(2 * cores);
    let mut workers: Vec<usize> =
        std::iter::successors(Some(1_usize), |w| Some(w * 2)).take_while(|&w| w <= top).collect();
    workers.push(cores.clamp(1, top));
    workers.push(physical.clamp(1, cores.max(1)));
    workers.sort_unstable();
    workers.dedup();
    workers
}

/// The lesson's worker count on this machine.
fn lesson_workers() -> usize {
    crate::lesson::default_workers()
}

/// The standard profile's budget: 3 minutes of measuring.
pub const STANDARD_BUDGET_S: f64 = 180.0;
/// The quick profile's budget.
pub const QUICK_BUDGET_S: f64 = 30.0;
/// The quick profile's CPU task: about 40 ms, where CPython's process pool starts in a few
/// (5 ms tasks let start-up decide, and threads came out ahead).
pub const QUICK_CPU_TASK_MS: f64 = 40.0;

/// The quick profile's worker counts: one, and the lesson's.
fn quick_workers() -> Vec<usize> {
    let mut workers = vec![1, lesson_workers()];
    workers.dedup();
    workers
}

/// The payload scenario's sizes: nothing, 1 KiB, 64 KiB, 1 MiB and 8 MiB.
pub fn default_payload_sizes() -> Vec<u64> {
    vec![0, 1 << 10, 64 << 10, 1 << 20, 8 << 20]
}

/// The Rust runtimes' shared rungs run this fraction of a CPU task's iterations: a Rust step
/// on a shared object (an atomic read-modify-write, a lock) costs about twenty `burn_cpu`
/// iterations uncontended, where a CPython step costs about one of CPython's, so such a task
/// stays near a CPU task's length instead of seconds. The private and thread-local rungs,
/// as cheap as an iteration, run them all (a twentieth would leave tasks of 0.2 ms, which a
/// pool's own overhead swamps). Each rung's speedup is over its own serial run, so rungs of
/// different lengths still compare.
pub const NATIVE_LADDER_SHARE: u64 = 20;

/// The compute fraction a mixed step without one uses.
const DEFAULT_FRACTION: f64 = 0.5;

impl Plan {
    /// The named profile's plan on this machine, with every runtime.
    pub fn profile(profile: Profile) -> Self {
        let cores = crate::machine::logical_cores();
        let physical = crate::machine::physical_cores().unwrap_or(cores);
        let base = Plan {
            profile,
            runtimes: Runtime::ALL.to_vec(),
            executors: vec![ExecutorKind::Threads, ExecutorKind::Processes],
            scenarios: vec![
                Scenario::Cpu,
                Scenario::Io,
                Scenario::Mixed,
                Scenario::Convoy,
                Scenario::Startup,
                Scenario::Cost,
                Scenario::Contention,
            ],
            workers: sweep_workers(cores, physical),
            // Enough tasks for two rounds at the largest worker count.
            tasks: 16.max(2 * sweep_workers(cores, physical).last().copied().unwrap_or(8)),
            repeat: 5,
            warmup: 1,
            cpu_task_ms: 20.0,
            cpu_iterations: None,
            io_seconds: 0.03,
            io_chunks: 3,
            cpu_fractions: vec![0.0, 0.25, 0.5, 0.75, 1.0],
            mixed_task_ms: 20.0,
            mixed_workers: lesson_workers(),
            switch_interval_ms: 5.0,
            // Repeats go where a comparison is still open, not toward a precision target
            // (`--target-ci` sets one).
            target_ci_pct: None,
            max_repeats: 10,
            max_time_s: None,
            budget_s: Some(STANDARD_BUDGET_S),
            payload_sizes: default_payload_sizes(),
            function: None,
            pin: Pin::None,
        };
        match profile {
            Profile::Standard => base,
            // Tasks long enough that a process pool's start-up (a fork: milliseconds) does
            // not hide the GIL's contrast, and enough repeats for an interval.
            Profile::Quick => Plan {
                scenarios: vec![Scenario::Cpu, Scenario::Io, Scenario::Startup, Scenario::Cost],
                workers: quick_workers(),
                tasks: 2 * lesson_workers(),
                repeat: 5,
                warmup: 0,
                cpu_task_ms: QUICK_CPU_TASK_MS,
                io_seconds: 0.02,
                io_chunks: 2,
                cpu_fractions: vec![0.0, 0.5, 1.0],
                mixed_task_ms: 10.0,
                max_repeats: 8,
                budget_s: Some(QUICK_BUDGET_S),
                ..base
            },
            Profile::Lesson => Plan {
                scenarios: vec![Scenario::Cpu, Scenario::Io, Scenario::Startup],
                workers: vec![lesson_workers()],
                tasks: 2 * lesson_workers(),
                repeat: 1,
                warmup: 0,
                cpu_task_ms: crate::lesson::reference::CPU_TASK_MS,
                io_seconds: 0.3,
                io_chunks: 10,
                max_repeats: 1,
                budget_s: None,
                ..base
            },
            Profile::Full => {
                let mut workers: Vec<usize> = std::iter::successors(Some(1_usize), |w| Some(w * 2))
                    .take_while(|&w| w <= 2 * cores)
                    .collect();
                if workers.last() != Some(&(2 * cores)) {
                    workers.push(2 * cores);
                }
                Plan {
                    workers,
                    tasks: (4 * cores).max(16),
                    repeat: 10,
                    warmup: 2,
                    target_ci_pct: Some(3.0),
                    max_repeats: 30,
                    budget_s: None,
                    cpu_task_ms: crate::lesson::reference::CPU_TASK_MS,
                    io_seconds: 0.3,
                    io_chunks: 10,
                    mixed_task_ms: 100.0,
                    ..base
                }
            }
        }
    }

    /// Checks every setting against [`crate::limits`]; the message names the first one out
    /// of range. [`Plan::validated`] is how a plan reaches the runner.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let empty = [
            (self.runtimes.is_empty(), "runtime"),
            (self.executors.is_empty(), "executor"),
            (self.scenarios.is_empty(), "scenario"),
            (self.workers.is_empty(), "worker count"),
        ];
        if let Some((_, what)) = empty.iter().find(|(is_empty, _)| *is_empty) {
            return Err(ConfigError::new(format!("no {what} to measure")));
        }
        for &workers in self.workers.iter().chain([&self.mixed_workers]) {
            limits::WORKERS.check_usize(workers)?;
        }
        limits::TASKS.check_usize(self.tasks)?;
        limits::REPEAT.check_usize(self.repeat)?;
        limits::WARMUP.check_usize(self.warmup)?;
        limits::TASK_MS.check(self.cpu_task_ms)?;
        limits::TASK_MS.check(self.mixed_task_ms)?;
        if let Some(iterations) = self.cpu_iterations {
            limits::ITERATIONS.check(iterations)?;
        }
        limits::TASK_SECONDS.check(self.io_seconds)?;
        limits::CHUNKS.check(u64::from(self.io_chunks))?;
        if self.scenarios.contains(&Scenario::Mixed) && self.cpu_fractions.is_empty() {
            return Err(ConfigError::new("the mixed scenario needs at least one cpu fraction"));
        }
        for &fraction in &self.cpu_fractions {
            limits::FRACTION.check(fraction)?;
            if Milli::from_fraction(fraction).is_none() {
                return Err(ConfigError::new(format!(
                    "cpu fraction {fraction} must be a multiple of 0.001"
                )));
            }
        }
        if self.scenarios.contains(&Scenario::Payload) && self.payload_sizes.is_empty() {
            return Err(ConfigError::new("the payload scenario needs at least one payload size"));
        }
        for &bytes in &self.payload_sizes {
            limits::PAYLOAD_BYTES.check(bytes)?;
        }
        limits::SWITCH_INTERVAL_MS.check(self.switch_interval_ms)?;
        if let Some(target) = self.target_ci_pct {
            limits::TARGET_CI_PCT.check(target)?;
            limits::REPEAT.check_usize(self.max_repeats)?;
            if self.max_repeats < self.repeat {
                return Err(ConfigError::new(format!(
                    "max repeats ({}) must be at least the repeats ({})",
                    self.max_repeats, self.repeat
                )));
            }
        }
        if let Some(seconds) = self.max_time_s {
            limits::MAX_TIME_S.check(seconds)?;
        }
        if let Some(seconds) = self.budget_s {
            limits::BUDGET_S.check(seconds)?;
        }
        self.validate_pin()?;
        self.validate_function()
    }

    /// The most workers any pool of the plan starts.
    pub fn largest_pool(&self) -> usize {
        let scenarios = self.scenarios.iter().copied();
        let counts = scenarios.flat_map(|s| self.points(s)).flat_map(|(_, workers)| workers);
        counts.max().map_or(1, |w| w as usize)
    }

    /// With `--pin`, every worker of the largest pool needs a CPU of its own.
    fn validate_pin(&self) -> Result<(), ConfigError> {
        if self.pin == Pin::None {
            return Ok(());
        }
        let allowed = crate::machine::topology::allowed_cpus()
            .unwrap_or_else(|| (0..crate::machine::logical_cores()).collect());
        let needed = self.largest_pool();
        if needed > allowed.len() {
            return Err(ConfigError::new(format!(
                "--pin {} needs {needed} CPUs (one per worker of the largest pool) but this \
                 process may use {} (CPUs {}): lower --workers or widen the affinity mask",
                self.pin,
                allowed.len(),
                crate::machine::topology::format_cpu_list(&allowed)
            )));
        }
        Ok(())
    }

    /// The measurements the plan runs before set-up has looked at the machine, in order.
    pub fn steps(&self) -> Vec<Step> {
        self.steps_on(&Setup::as_planned(self))
    }

    /// The measurements the plan runs on `setup`, in order: tier by tier ([`Tier`]; in the
    /// sweeps, cpu's before io's), and within a tier its warm-ups, then its repeats, one pass
    /// over its points each. A pool is warmed up once, in the first tier that runs it on a
    /// scenario: a later tier's points of it start warm.
    pub fn steps_on(&self, setup: &Setup) -> Vec<Step> {
        let passes = self.passes_on(setup);
        let order = |step: &Step| {
            let tier = self.tier_of(setup, step);
            (tier, tier == Tier::Sweeps && step.point.scenario != Scenario::Cpu)
        };
        let mut keyed: Vec<((Tier, bool), Step)> = passes.iter().map(|s| (order(s), *s)).collect();
        // Stable: each tier keeps the passes' order.
        keyed.sort_by_key(|(key, _)| *key);
        let mut warmed: std::collections::HashMap<(Runtime, ExecutorKind, Scenario), Tier> =
            std::collections::HashMap::new();
        keyed
            .into_iter()
            .filter(|((tier, _), step)| {
                let p = step.point;
                let first = *warmed.entry((p.runtime, p.executor, p.scenario)).or_insert(*tier);
                !step.warmup || first == *tier
            })
            .map(|(_, step)| step)
            .collect()
    }

    /// Every planned pass over the plan's points, warm-ups first.
    fn passes_on(&self, setup: &Setup) -> Vec<Step> {
        (0..self.warmup + self.repeat)
            .flat_map(|pass| {
                let warmup = pass < self.warmup;
                let repeat = if warmup { pass } else { pass - self.warmup };
                self.pass(setup, pass, repeat, warmup, |baseline, workers| {
                    (baseline.scenario.has_serial_baseline(), workers.to_vec())
                })
            })
            .collect()
    }

    /// One pass over the plan's points: for each serial baseline, `select` says whether it
    /// runs and at which worker counts its executors do. The executors alternate which goes
    /// first from pass to pass, so neither always runs on a colder cache.
    pub(crate) fn pass(
        &self,
        setup: &Setup,
        pass: usize,
        repeat: usize,
        warmup: bool,
        select: impl Fn(Point, &[u32]) -> (bool, Vec<u32>),
    ) -> Vec<Step> {
        let mut order: Vec<ExecutorKind> =
            self.executors.iter().copied().filter(|e| *e != ExecutorKind::Serial).collect();
        if pass % 2 == 1 {
            order.reverse();
        }
        let repeat = u32::try_from(repeat).unwrap_or(u32::MAX);
        let step = |point| Step { point, repeat, warmup };
        let mut steps = Vec::new();
        for &runtime in &setup.runtimes {
            let scenarios = self.scenarios.iter().copied();
            for scenario in scenarios.filter(|&s| self.measures(runtime, s, ExecutorKind::Serial)) {
                for (variant, workers) in self.points(scenario) {
                    let baseline = Point {
                        runtime,
                        executor: ExecutorKind::Serial,
                        scenario,
                        variant,
                        workers: 1,
                    };
                    let (serial, chosen) = select(baseline, &workers);
                    if serial {
                        steps.push(step(baseline));
                    }
                    let runs = |e: &&ExecutorKind| {
                        !setup.lacks(runtime, **e) && self.measures(runtime, scenario, **e)
                    };
                    for w in chosen {
                        let at = |&executor| step(Point { executor, workers: w, ..baseline });
                        steps.extend(order.iter().filter(runs).map(at));
                    }
                }
            }
        }
        steps
    }

    /// For a scenario: the variant and the worker counts of each of its points.
    pub(crate) fn points(&self, scenario: Scenario) -> Vec<(Variant, Vec<u32>)> {
        let count = |w: usize| u32::try_from(w).unwrap_or(u32::MAX);
        let mixed = vec![count(self.mixed_workers)];
        // The model of a function run follows the function's sweep.
        let mixed = if self.function.is_some() {
            self.workers.iter().map(|&w| count(w)).collect()
        } else {
            mixed
        };
        match scenario {
            Scenario::Mixed => self
                .cpu_fractions
                .iter()
                .filter_map(|&f| Milli::from_fraction(f))
                .map(|milli| (Variant::Fraction(milli), mixed.clone()))
                .collect(),
            Scenario::Payload => {
                self.payload_sizes.iter().map(|&b| (Variant::Payload(b), mixed.clone())).collect()
            }
            Scenario::Convoy => vec![(Variant::Plain, vec![count(2 * CONVOY_PAIRS)])],
            Scenario::Contention => {
                Rung::ALL.iter().map(|&rung| (Variant::Rung(rung), mixed.clone())).collect()
            }
            // One worker, and the sweep's largest pool: what one costs and what N cost.
            Scenario::Cost => {
                let largest = self.workers.iter().copied().max().unwrap_or(1);
                let mut counts = vec![1, count(largest)];
                counts.dedup();
                vec![(Variant::Plain, counts)]
            }
            _ => vec![(Variant::Plain, self.workers.iter().map(|&w| count(w)).collect())],
        }
    }

    /// How long one task of `scenario` is planned to last, in seconds, given the CPU task's
    /// iterations, the runtime's iterations per millisecond and the I/O task's wait; 0 where
    /// the length is measured, not planned.
    pub fn planned_task_s(
        &self,
        scenario: Scenario,
        cpu_iterations: u64,
        iterations_per_ms: f64,
        io_seconds: f64,
    ) -> f64 {
        match scenario {
            // A convoy's longest task is its CPU task.
            Scenario::Cpu | Scenario::Convoy | Scenario::Payload => {
                cpu_iterations as f64 / iterations_per_ms.max(1e-9) / 1000.0
            }
            Scenario::Io => io_seconds,
            Scenario::Mixed => self.mixed_task_ms / 1000.0,
            Scenario::Startup | Scenario::Cost => 0.0,
            // A rung's step costs what its objects cost (a CPython rung's task lasted 8 to 50
            // ms where a CPU task's lasts 20): its length is measured, not planned.
            Scenario::Contention => 0.0,
            // The user's function has no planned length: each CPython's is measured (its
            // serial tasks), and the first one's would be wrong for the others.
            Scenario::Function => 0.0,
        }
    }

    /// The task list of one step, given the runtime's iterations per CPU millisecond.
    pub fn tasks_for(&self, step: &Step, iterations_per_ms: f64) -> Vec<Task> {
        let iterations = |ms: f64| ((ms * iterations_per_ms).round() as u64).max(1);
        let task = match step.point.scenario {
            // One empty task per worker: what is left is the pool's start and shutdown.
            Scenario::Startup => return vec![Task::Noop; step.point.workers.max(1) as usize],
            // One meeting task per worker: the pool is up when the last one starts.
            Scenario::Cost => {
                let count = step.point.workers.max(1);
                return vec![Task::Gather { count, dir: String::new() }; count as usize];
            }
            Scenario::Function => return Task::python_tasks(self.tasks),
            Scenario::Convoy => {
                // CPU and I/O tasks alternate: even task indices compute, odd ones wait.
                let cpu = Task::BurnCpu { iterations: iterations(CONVOY_CPU_MS) };
                let io = Task::FakeIo { seconds: CONVOY_IO_SECONDS, chunks: CONVOY_CHUNKS };
                return [cpu, io].into_iter().cycle().take(2 * CONVOY_PAIRS).collect();
            }
            Scenario::Cpu => Task::BurnCpu {
                iterations: self.cpu_iterations.unwrap_or_else(|| iterations(self.cpu_task_ms)),
            },
            // As many steps as a CPU task has iterations.
            Scenario::Contention => {
                let steps = self.cpu_iterations.unwrap_or_else(|| iterations(self.cpu_task_ms));
                let rung = step.point.rung().unwrap_or(Rung::Private);
                let shared = !matches!(rung, Rung::Private | Rung::Local);
                let steps = if shared && !step.point.runtime.is_cpython() {
                    (steps / NATIVE_LADDER_SHARE).max(1)
                } else {
                    steps
                };
                Task::Contend { rung, steps, own_globals: false }
            }
            Scenario::Io => Task::FakeIo { seconds: self.io_seconds, chunks: self.io_chunks },
            // One buffer, cloned into every task: the clones share it.
            // The CPU task's computation, so that processes can win where little data moves.
            Scenario::Payload => {
                let iterations =
                    self.cpu_iterations.unwrap_or_else(|| iterations(self.cpu_task_ms));
                Task::payload(iterations, step.point.payload_bytes().unwrap_or(0))
            }
            Scenario::Mixed => {
                let fraction = step.point.cpu_fraction().unwrap_or(DEFAULT_FRACTION);
                let cpu_ms = self.mixed_task_ms * fraction;
                let io_seconds = self.mixed_task_ms * (1.0 - fraction) / 1000.0;
                Task::Mixed {
                    iterations: if cpu_ms > 0.0 { iterations(cpu_ms) } else { 1 },
                    seconds: io_seconds,
                    chunks: self.io_chunks,
                }
            }
        };
        vec![task; self.tasks]
    }

    /// A rough duration of a step in seconds, for the estimate and the progress bar.
    pub fn estimate_step_s(&self, step: &Step, cores: usize) -> f64 {
        let point = step.point;
        let tasks = self.tasks as f64;
        let workers = point.workers.max(1) as usize;
        let parallel_cpu = match (point.executor, point.runtime.has_gil()) {
            (ExecutorKind::Serial, _) | (ExecutorKind::Threads, true) => 1,
            _ => workers.min(cores.max(1)),
        } as f64;
        let rounds = self.tasks.div_ceil(workers) as f64;
        let work = match point.scenario {
            Scenario::Cpu | Scenario::Contention => {
                tasks * self.cpu_task_ms / 1000.0 / parallel_cpu
            }
            Scenario::Io => rounds * self.io_seconds,
            Scenario::Mixed | Scenario::Function => {
                let f = point.cpu_fraction().or(self.cpu_fractions.first().copied());
                let f = f.unwrap_or(DEFAULT_FRACTION);
                let ms = self.mixed_task_ms / 1000.0;
                (tasks * f * ms / parallel_cpu).max(rounds * ms)
            }
            Scenario::Convoy => CONVOY_PAIRS as f64 * CONVOY_CPU_MS / 1000.0 / parallel_cpu,
            // A process or an interpreter takes tens of milliseconds to start.
            Scenario::Startup | Scenario::Cost => match point.executor {
                ExecutorKind::Serial | ExecutorKind::Threads => 0.001,
                _ => 0.03 * workers as f64 / cores.max(1) as f64,
            },
            Scenario::Payload => {
                // Moving the bytes both ways at roughly 1 GB/s when a pool copies them.
                let copies = if point.executor == ExecutorKind::Processes
                    || point.executor == ExecutorKind::Interpreters
                {
                    2.0 * tasks * point.payload_bytes().unwrap_or(0) as f64 / 1e9
                } else {
                    0.0
                };
                tasks * self.cpu_task_ms / 1000.0 / parallel_cpu + copies
            }
        };
        let startup = match (point.runtime, point.executor) {
            (_, ExecutorKind::Serial) => 0.0,
            (runtime, ExecutorKind::Processes) if runtime.is_cpython() => {
                0.01 * workers as f64 + 0.02
            }
            // Each interpreter imports its own modules before it computes.
            (runtime, ExecutorKind::Interpreters) if runtime.is_cpython() => {
                0.03 * workers as f64 + 0.02
            }
            (_, ExecutorKind::Processes) => 0.002 * workers as f64,
            _ => 0.0005,
        };
        work + startup
    }

    /// The whole plan's rough duration in seconds.
    pub fn estimate_s(&self, cores: usize) -> f64 {
        self.steps().iter().map(|step| self.estimate_step_s(step, cores)).sum()
    }

    /// The range of durations, seconds: the planned repeats alone, and with a target, as many
    /// rounds as `max_repeats` and `max_time_s` allow.
    pub fn estimate_range_s(&self, cores: usize) -> (f64, f64) {
        let planned = self.estimate_s(cores);
        if self.target_ci_pct.is_none() {
            return (planned, planned);
        }
        let most = Plan { repeat: self.max_repeats.max(self.repeat), ..self.clone() };
        let longest = most.estimate_s(cores);
        let budget =
            self.max_time_s.map_or(longest, |limit| longest.min(limit.max(ROUNDS_SHARE * planned)));
        (planned, budget)
    }
}

/// The adaptive rounds may go on until the measuring has taken this many times as long as
/// the planned measurements did, where that is later than `max_time_s`: a plan whose planned
/// measurements alone pass the limit (several CPythons) still gets rounds.
pub const ROUNDS_SHARE: f64 = 1.5;

/// One measurement of a plan: a point, in one repeat (or warm-up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Step {
    /// What is measured.
    pub point: Point,
    /// Repeat number, from 0 (warm-ups have their own numbering).
    pub repeat: u32,
    /// True for a warm-up.
    pub warmup: bool,
}

impl Step {
    /// A short label for progress output.
    pub fn label(&self) -> String {
        let phase = if self.warmup { "warm-up" } else { "repeat" };
        format!("{} {phase} {}", self.point, self.repeat + 1)
    }
}

#[cfg(test)]
mod tests;
