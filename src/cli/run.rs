//! `gilbench run`: the worker-count sweep of a profile (flags override it) into a run folder,
//! with progress, Ctrl-C, SIGTERM and SIGHUP handling (the rows measured so far are kept;
//! exit code 128 + the signal) and `--resume` for a partial run. The last line on stdout is
//! the run folder's path.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use anyhow::Context;
use clap::Args;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use gilbench::ExecutorKind;
use gilbench::error::ConfigError;
use gilbench::model::{Pin, StartMethod};
use gilbench::plan::{Plan, Profile, Scenario};
use gilbench::progress::ProgressMode;
use gilbench::runner::{self, RunEnd, RunOptions};
use gilbench::runtime::Runtime;

use super::args;

/// Set by the first Ctrl-C: the run stops after the measurement in progress.
static STOP: AtomicBool = AtomicBool::new(false);

/// The flags that describe a plan form the group `plan`, which `--resume` (whose plan is
/// in the run folder) conflicts with; those of `--task` (shared with `lesson`) are listed here.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("plan").multiple(true).args([
    "task", "task_path", "task_args", "task_setup", "task_check", "task_timeout"
])))]
pub struct RunArgs {
    /// The named plan flags start from: lesson, quick, standard or full.
    #[arg(long, group = "plan", default_value = "standard", value_parser = parse_profile)]
    profile: Profile,
    /// Runtimes, comma-separated: rust, rust-gil, cpython (every --python), cpython-3.N[t]
    /// (one of them) [default: all available].
    #[arg(long, group = "plan", value_delimiter = ',', value_parser = item::<Runtime>)]
    runtimes: Option<Vec<Runtime>>,
    /// Executors to compare, comma-separated: threads, processes, interpreters, asyncio,
    /// asyncio-threads, processes-fork, processes-forkserver, processes-spawn (serial is
    /// always the baseline).
    #[arg(long, group = "plan", value_delimiter = ',', value_parser = item::<ExecutorKind>)]
    executors: Option<Vec<ExecutorKind>>,
    /// CPython process pools to add, one per start method, comma-separated: fork,
    /// forkserver, spawn (each measured as processes-METHOD beside the plain processes pool,
    /// which keeps the interpreter's default method).
    #[arg(long, group = "plan", value_delimiter = ',', value_parser = item::<StartMethod>)]
    start_method: Option<Vec<StartMethod>>,
    /// Pin each worker to a CPU: none, compact (a core's SMT siblings first) or spread (one
    /// worker per physical core first); the largest pool needs as many CPUs as workers.
    #[arg(long, group = "plan", value_parser = item::<Pin>)]
    pin: Option<Pin>,
    /// Scenarios, comma-separated: cpu, io, mixed, convoy, payload, startup, cost,
    /// contention, function.
    #[arg(long, group = "plan", value_delimiter = ',', value_parser = item::<Scenario>)]
    scenarios: Option<Vec<Scenario>>,
    /// Worker counts: a list (1,2,4,8) or a range (1..8).
    #[arg(long, group = "plan", value_parser = worker_list)]
    workers: Option<WorkerCounts>,
    /// Tasks per measurement, the same at every worker count.
    #[arg(long, group = "plan", value_parser = args::task_count)]
    tasks: Option<usize>,
    /// Measured repeats of every measurement.
    #[arg(long, group = "plan", value_parser = args::repeat_count)]
    repeat: Option<usize>,
    /// Warm-up repeats, left out of the summary.
    #[arg(long, group = "plan", value_parser = args::warmup_count)]
    warmup: Option<usize>,
    /// Calibrate CPU tasks to last about this long in each runtime.
    #[arg(long, group = "plan", value_parser = args::milliseconds, conflicts_with = "cpu_iterations")]
    cpu_task_ms: Option<f64>,
    /// A fixed burn_cpu iteration count for every runtime.
    #[arg(long, group = "plan", value_parser = args::iterations)]
    cpu_iterations: Option<u64>,
    /// Seconds each I/O task waits.
    #[arg(long, group = "plan", value_parser = args::seconds)]
    io_seconds: Option<f64>,
    /// Sleeps an I/O task's wait is split into.
    #[arg(long, group = "plan", value_parser = args::chunks)]
    io_chunks: Option<u32>,
    /// Compute fractions of the mixed scenario, comma-separated, each from 0 to 1.
    #[arg(long, group = "plan", value_delimiter = ',', value_parser = args::fraction)]
    cpu_fractions: Option<Vec<f64>>,
    /// Payload sizes of the payload scenario, comma-separated (0,1KiB,64KiB,1MiB,8MiB).
    #[arg(long, group = "plan", value_delimiter = ',', value_parser = args::payload_bytes)]
    payload_sizes: Option<Vec<u64>>,
    /// How long one mixed task lasts, in ms.
    #[arg(long, group = "plan", value_parser = args::milliseconds)]
    mixed_task_ms: Option<f64>,
    /// The GIL switch interval in ms (rust-gil, and CPython's sys.setswitchinterval).
    #[arg(long, group = "plan", value_parser = args::switch_interval_ms)]
    switch_interval_ms: Option<f64>,
    /// Measure until confident: repeat each point until its medians' intervals are within
    /// this many percent (relative half-width), or "off" for exactly --repeat repeats (no
    /// rounds for open comparisons either).
    #[arg(long, group = "plan", value_parser = target_ci)]
    target_ci: Option<TargetCi>,
    /// With a target: the most repeats any point gets.
    #[arg(long, group = "plan", value_parser = args::repeat_count)]
    max_repeats: Option<usize>,
    /// With a target: start no further round once measuring has taken this long (3m, 90s).
    #[arg(long, group = "plan", value_parser = args::duration_s)]
    max_time: Option<f64>,
    /// How long to measure: a duration (3m, 90s) or "none" for the whole plan; the run
    /// measures what the report needs first and stops inside it. With --resume, +3m spends 3
    /// more minutes [default: the profile's: standard 3m, quick 30s, full and lesson none].
    #[arg(long, value_parser = budget)]
    budget: Option<Budget>,
    /// The Python interpreters of the CPython runtimes, comma-separated; each is a runtime
    /// of its own, labelled by version when there are several [default: python3 on PATH].
    #[arg(long, value_delimiter = ',')]
    python: Option<Vec<PathBuf>>,
    /// The folder that holds run folders.
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// The run folder's name [default: date, time and host].
    #[arg(long, group = "plan")]
    name: Option<String>,
    /// No progress output (the run folder's path is still printed).
    #[arg(long)]
    quiet: bool,
    /// Print the plan and its estimated duration, and measure nothing.
    #[arg(long)]
    dry_run: bool,
    /// Finish the partial run in this folder.
    #[arg(long, conflicts_with = "plan")]
    resume: Option<PathBuf>,
    /// Your own function, measured instead of the lesson's workloads.
    #[command(flatten)]
    task: super::task::TaskArgs,
}

fn parse_profile(text: &str) -> Result<Profile, String> {
    text.parse()
}

fn item<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T, String> {
    if text.trim().is_empty() {
        return Err("an empty item in the list".into());
    }
    text.trim().parse()
}

/// Worker counts of a sweep, sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WorkerCounts(Vec<usize>);

fn worker_list(text: &str) -> Result<WorkerCounts, String> {
    let mut counts = match text.split_once("..") {
        Some((low, high)) => {
            let low = args::workers(low)?;
            let high = args::workers(high.trim_start_matches('='))?;
            if low > high {
                return Err(format!("the range {text} is empty"));
            }
            (low..=high).collect()
        }
        None => text.split(',').map(args::workers).collect::<Result<Vec<_>, _>>()?,
    };
    counts.sort_unstable();
    counts.dedup();
    Ok(WorkerCounts(counts))
}

fn dedup<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    let mut unique: Vec<T> = Vec::new();
    for item in items {
        if !unique.contains(item) {
            unique.push(item.clone());
        }
    }
    unique
}

/// `--target-ci`: a percentage, or off.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TargetCi(Option<f64>);

fn target_ci(text: &str) -> Result<TargetCi, String> {
    if text.trim() == "off" {
        return Ok(TargetCi(None));
    }
    let pct = gilbench::limits::TARGET_CI_PCT.parse(text.trim_end_matches('%'));
    pct.map(|p| TargetCi(Some(p))).map_err(|error| error.to_string())
}

/// `--budget`: a duration, "none", or "+DURATION" (more time for a resumed run).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Budget {
    seconds: Option<f64>,
    more: bool,
}

fn budget(text: &str) -> Result<Budget, String> {
    let text = text.trim();
    if matches!(text, "none" | "off") {
        return Ok(Budget { seconds: None, more: false });
    }
    let (more, duration) = match text.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let seconds = args::duration_within(gilbench::limits::BUDGET_S, duration)?;
    Ok(Budget { seconds: Some(seconds), more })
}

#[cfg(test)]
impl RunArgs {
    /// True for `--resume`, whose plan is the run folder's.
    pub(super) fn resumes(&self) -> bool {
        self.resume.is_some()
    }

    /// True for `--task`, whose plan needs the function loaded.
    pub(super) fn has_task(&self) -> bool {
        self.task.task.is_some()
    }

    /// The plan as `gilbench run` checks it before measuring.
    pub(super) fn checked_plan(&self) -> Result<gilbench::plan::ValidPlan, ConfigError> {
        self.plan().validated()
    }
}

impl RunArgs {
    /// The profile's plan with every given flag applied.
    fn plan(&self) -> Plan {
        let mut plan = Plan::profile(self.profile);
        if let Some(runtimes) = &self.runtimes {
            plan.runtimes = dedup(runtimes);
        }
        if let Some(executors) = &self.executors {
            plan.executors = dedup(executors);
        }
        if let Some(methods) = &self.start_method {
            plan.executors.extend(methods.iter().map(|m| m.executor()));
            plan.executors = dedup(&plan.executors);
        }
        if let Some(scenarios) = &self.scenarios {
            plan.scenarios = dedup(scenarios);
        }
        plan.pin = self.pin.unwrap_or(plan.pin);
        if let Some(WorkerCounts(workers)) = &self.workers {
            plan.workers = workers.clone();
        }
        plan.tasks = self.tasks.unwrap_or(plan.tasks);
        plan.repeat = self.repeat.unwrap_or(plan.repeat);
        plan.warmup = self.warmup.unwrap_or(plan.warmup);
        plan.cpu_task_ms = self.cpu_task_ms.unwrap_or(plan.cpu_task_ms);
        plan.cpu_iterations = self.cpu_iterations.or(plan.cpu_iterations);
        plan.io_seconds = self.io_seconds.unwrap_or(plan.io_seconds);
        plan.io_chunks = self.io_chunks.unwrap_or(plan.io_chunks);
        if let Some(fractions) = &self.cpu_fractions {
            plan.cpu_fractions = dedup(fractions);
        }
        if let Some(sizes) = &self.payload_sizes {
            let mut sizes = dedup(sizes);
            sizes.sort_unstable();
            plan.payload_sizes = sizes;
        }
        plan.mixed_task_ms = self.mixed_task_ms.unwrap_or(plan.mixed_task_ms);
        plan.switch_interval_ms = self.switch_interval_ms.unwrap_or(plan.switch_interval_ms);
        if let Some(TargetCi(target)) = self.target_ci {
            plan.target_ci_pct = target;
            // "off": exactly --repeat repeats, no rounds of any kind (--max-repeats reopens
            // the rounds for open comparisons).
            if target.is_none() {
                plan.max_repeats = plan.repeat;
            }
        }
        if plan.target_ci_pct.is_some() {
            // A target needs room above the planned repeats.
            plan.max_repeats = plan.max_repeats.max(2 * plan.repeat);
        }
        plan.max_repeats = self.max_repeats.unwrap_or(plan.max_repeats);
        plan.max_time_s = self.max_time.or(plan.max_time_s);
        if let Some(budget) = self.budget {
            plan.budget_s = budget.seconds;
        }
        plan
    }
}

pub fn run(args: &RunArgs) -> anyhow::Result<ExitCode> {
    let options = RunOptions {
        out: args.out.clone(),
        name: args.name.clone(),
        pythons: args.python.clone().unwrap_or_default(),
        runtimes_explicit: args.runtimes.is_some(),
        progress: if args.quiet { ProgressMode::Quiet } else { ProgressMode::Auto },
        // args_os: clap accepted non-UTF-8 arguments, so recording them must not panic.
        command: std::env::args_os()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        environments: std::env::current_dir().ok(),
        undecided: None,
        budget_s: args.resume.as_ref().and(args.budget.map(|b| b.seconds)),
    };
    if args.budget.is_some_and(|b| b.more) && args.resume.is_none() {
        return Err(ConfigError::new(
            "--budget +DURATION adds time to a resumed run (--resume RUN); a new run takes --budget DURATION",
        )
        .into());
    }
    if let Some(name) = &args.name {
        runner::validate_name(name)?;
    }
    let mut plan = args.plan();
    if let Some(spec) = args.task.spec()? {
        if args.scenarios.is_some() {
            return Err(
                ConfigError::new("--task measures the function: leave out --scenarios").into()
            );
        }
        plan = plan.with_function(spec, args.runtimes.is_some());
    }
    let plan = plan.validated()?;
    if args.dry_run {
        let cores = gilbench::machine::logical_cores();
        println!("{}", serde_json::to_string_pretty(&plan)?);
        let (planned, longest) = plan.estimate_range_s(cores);
        let range = if longest > planned {
            format!(
                "about {} to {} (further rounds toward +/-{}%, at most {} repeats per point)",
                runner::human_duration(planned),
                runner::human_duration(longest),
                plan.target_ci_pct.unwrap_or_default(),
                plan.max_repeats
            )
        } else {
            format!("about {}", runner::human_duration(planned))
        };
        let budget = plan.budget_s.map_or(String::new(), |seconds| {
            format!("; measuring stops inside its budget of {}", runner::human_duration(seconds))
        });
        println!("{} measurements planned, {range}{budget}", plan.steps().len());
        return Ok(ExitCode::SUCCESS);
    }
    if args.resume.is_none() && args.out.exists() && !args.out.is_dir() {
        return Err(
            ConfigError::new(format!("--out {} is not a folder", args.out.display())).into()
        );
    }
    install_interrupt_handler();
    let outcome = match &args.resume {
        Some(dir) => gilbench::session::resume(dir, &options, &STOP),
        None => gilbench::session::run(&plan, &options, &STOP),
    }
    .context("the run failed")?;
    if !args.quiet {
        // A terminal gets a few closing lines; a log keeps every warning too.
        if !std::io::stderr().is_terminal() {
            for warning in &outcome.warnings {
                eprintln!("warning: {warning}");
            }
        }
        for line in &outcome.closing {
            eprintln!("{line}");
        }
    }
    let code = match &outcome.end {
        RunEnd::Complete => ExitCode::SUCCESS,
        RunEnd::Interrupted => {
            eprintln!(
                "gilbench: interrupted; the rows measured so far are kept. Finish with: gilbench run --resume {}",
                outcome.dir.display()
            );
            let signal = match SIGNAL.load(Ordering::SeqCst) {
                0 => SIGINT,
                signal => signal,
            };
            ExitCode::from(u8::try_from(128 + signal).unwrap_or(130))
        }
        RunEnd::Failed(reason) => {
            eprintln!(
                "gilbench: error: {reason}; the run is partial (gilbench run --resume {} retries)",
                outcome.dir.display()
            );
            ExitCode::FAILURE
        }
    };
    println!("{}", outcome.dir.display());
    Ok(code)
}

/// The signal that asked the run to stop (0 until one did).
static SIGNAL: AtomicI32 = AtomicI32::new(0);

fn install_interrupt_handler() {
    // The first SIGINT (Ctrl-C), SIGTERM or SIGHUP asks the run to stop after the measurement
    // in progress; a second quits at once (the journal keeps every finished measurement either
    // way). Both exit with 128 + the signal's number.
    let signals = Signals::new([SIGINT, SIGTERM, SIGHUP]);
    let mut signals = match signals {
        Ok(signals) => signals,
        Err(error) => {
            eprintln!("gilbench: warning: signals will not stop the run cleanly: {error}");
            return;
        }
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            if STOP.swap(true, Ordering::SeqCst) {
                std::process::exit(128 + signal);
            }
            SIGNAL.store(signal, Ordering::SeqCst);
            eprintln!("\ngilbench: stopping after the current measurement (again to quit now)");
        }
    });
}
