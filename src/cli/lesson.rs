//! `gilbench lesson`: the lesson's experiment, repeated (5 times by default; `--repeat 1` is
//! the lesson's literal single run), printed as the lesson prints it beside the reference
//! lesson's figures: medians, an interval on each ratio, and sentences chosen by the intervals.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use gilbench::error::ConfigError;
use gilbench::lesson::{self, LessonReport, LessonSettings, reference};
use gilbench::runtime::{CpythonError, Measurer, Runtime};
use gilbench::stats::{Estimate, Interval, LEVEL};
use gilbench::verdict;

use super::args;

#[derive(Debug, Args)]
pub struct LessonArgs {
    /// Who runs the tasks: rust, rust-gil or cpython.
    #[arg(long, default_value = "rust", value_parser = parse_runtime)]
    runtime: Runtime,
    /// Workers per pool (default: logical cores clamped to 2..=8, as the lesson does).
    #[arg(long, value_parser = args::workers)]
    workers: Option<usize>,
    /// Tasks per workload (default: 2 x workers).
    #[arg(long, value_parser = args::task_count)]
    tasks: Option<usize>,
    /// Iterations per CPU task (1000000 reproduces the lesson literally).
    #[arg(long, value_parser = args::iterations, conflicts_with = "cpu_task_ms")]
    cpu_iterations: Option<u64>,
    /// Calibrate the iterations so one CPU task lasts about this long [default: 75].
    #[arg(long, value_parser = args::milliseconds)]
    cpu_task_ms: Option<f64>,
    /// Seconds each I/O task waits.
    #[arg(long, default_value = "0.3", value_parser = args::seconds)]
    io_seconds: f64,
    /// Sleeps each I/O task's wait is split into.
    #[arg(long, default_value = "10", value_parser = args::chunks)]
    io_chunks: u32,
    /// The modelled GIL's switch interval in ms (rust-gil).
    #[arg(long, default_value = "5", value_parser = args::switch_interval_ms)]
    switch_interval_ms: f64,
    /// The Python interpreter for the cpython runtime [default: python3 on PATH].
    #[arg(long)]
    python: Option<std::path::PathBuf>,
    /// Times each scenario is measured (threads and processes alternating); medians and
    /// intervals are reported. 1 is the lesson's single run: one sample, no interval.
    #[arg(long, default_value = "5", value_parser = args::repeat_count)]
    repeat: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
    /// Also measure an interpreter pool (CPython's InterpreterPoolExecutor, 3.14 or the
    /// backport on 3.13; rust-gil's threads with a lock each).
    #[arg(long)]
    interpreters: bool,
}

fn parse_runtime(text: &str) -> Result<Runtime, String> {
    text.parse()
}

pub fn run(args: &LessonArgs) -> anyhow::Result<ExitCode> {
    let switch_interval = Duration::from_secs_f64(args.switch_interval_ms / 1000.0);
    // Everything the user gave is checked before anything is started or measured.
    let mut settings = LessonSettings::new(args.runtime, args.cpu_iterations.unwrap_or(1));
    if let Some(workers) = args.workers {
        settings.workers = workers;
        settings.tasks = 2 * workers;
    }
    if let Some(tasks) = args.tasks {
        settings.tasks = tasks;
    }
    settings.io_seconds = args.io_seconds;
    settings.io_chunks = args.io_chunks;
    settings.switch_interval = switch_interval;
    settings.repeat = args.repeat;
    settings.interpreters = args.interpreters;
    settings.validate()?;
    if args.interpreters && args.runtime == Runtime::Rust {
        return Err(ConfigError::new(format!(
            "--interpreters: {} (try --runtime rust-gil or cpython)",
            gilbench::runner::setup::RUST_INTERPRETERS
        ))
        .into());
    }
    let mut measurer = Measurer::for_runtime(args.runtime, switch_interval, args.python.as_deref())
        .map_err(|error| match error {
            CpythonError::NotFound | CpythonError::Missing(_) => {
                anyhow::Error::new(ConfigError::new(error.to_string()))
            }
            other => anyhow::Error::new(other),
        })?;
    // `--runtime cpython-3.13` must have been given a 3.13 (with --python).
    if let (Some(wanted), Some(info)) = (args.runtime.python_tag(), measurer.python())
        && info.tag() != Some(wanted)
    {
        return Err(ConfigError::new(format!(
            "--runtime {} needs CPython {wanted}, but {} is {} (give it with --python)",
            args.runtime, info.executable, info.version
        ))
        .into());
    }
    // CPython runs the lesson's own count unless asked to calibrate; Rust calibrates.
    let literal = (args.runtime.is_cpython() && args.cpu_task_ms.is_none())
        .then_some(reference::CPU_ITERATIONS);
    let target_ms = args.cpu_task_ms.unwrap_or(reference::CPU_TASK_MS);
    let calibrated = match args.cpu_iterations.or(literal) {
        Some(iterations) => {
            settings.cpu_iterations = iterations;
            None
        }
        None => {
            let target = Duration::from_secs_f64(target_ms / 1000.0);
            settings.cpu_iterations = measurer.calibrate(target).context("calibrating burn_cpu")?;
            Some(target_ms)
        }
    };
    let report =
        lesson::run_lesson(&settings, &mut measurer).context("the lesson's experiment failed")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report, calibrated));
    }
    if !report.sums_match() {
        eprintln!("gilbench: error: threads and processes computed different sums");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The lesson's printout for one report.
pub fn render(r: &LessonReport, calibrated_ms: Option<f64>) -> String {
    let mut out = String::new();
    let line = |out: &mut String, text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    line(
        &mut out,
        format!(
            "gilbench lesson: runtime {}, {} workers, {} tasks per workload, {} logical cores",
            r.runtime, r.workers, r.tasks, r.cores
        ),
    );
    let how = match calibrated_ms {
        Some(ms) => format!(
            "calibrated to about {ms} ms per task here (the lesson runs 1000000 in CPython; \
             --cpu-iterations 1000000 reproduces it literally)"
        ),
        None if r.cpu_iterations == reference::CPU_ITERATIONS => {
            "the lesson's own count".to_string()
        }
        None => "as given with --cpu-iterations".to_string(),
    };
    line(&mut out, format!("CPU task: burn_cpu({}), {how}", r.cpu_iterations));
    line(
        &mut out,
        format!("I/O task: fake_io({} s, {} chunks)", verdict::trim(r.io_seconds), r.io_chunks),
    );
    line(&mut out, String::new());
    line(
        &mut out,
        if r.cpu_sum_interpreters.is_some() {
            "Sums (threads, processes, interpreters):".into()
        } else {
            "Sums (threads, processes):".into()
        },
    );
    for (name, t, p, i) in [
        ("CPU", r.cpu_sum_threads, r.cpu_sum_processes, r.cpu_sum_interpreters),
        ("I/O", r.io_sum_threads, r.io_sum_processes, r.io_sum_interpreters),
    ] {
        let same = t.to_bits() == p.to_bits() && i.is_none_or(|i| i.to_bits() == t.to_bits());
        let verdict = if same { "match" } else { "MISMATCH" };
        let third = i.map_or(String::new(), |i| format!("{i:<22} "));
        line(&mut out, format!("  {name:<4} {t:<22} {p:<22} {third}{verdict}"));
    }
    line(&mut out, String::new());
    let measured = match r.repeats {
        1 => "this machine, one sample".to_string(),
        n => format!("this machine, median of {n}"),
    };
    line(&mut out, format!("  {:<20} {:>28} {:>18}", "", measured, "reference lesson"));
    let rows = [
        ("CPU threads", secs(r.cpu_threads_s), secs(reference::CPU_THREADS_S)),
        ("CPU processes", secs(r.cpu_processes_s), secs(reference::CPU_PROCESSES_S)),
        ("CPU threads/procs", r.cpu_estimate().to_string(), ratio(reference::CPU_RATIO)),
        ("I/O threads", secs(r.io_threads_s), secs(reference::IO_THREADS_S)),
        ("I/O processes", secs(r.io_processes_s), secs(reference::IO_PROCESSES_S)),
        ("I/O threads/procs", r.io_estimate().to_string(), ratio(reference::IO_RATIO)),
    ];
    for (name, here, there) in rows {
        line(&mut out, format!("  {name:<20} {here:>28} {there:>18}"));
    }
    let interpreters = [
        (
            "CPU interpreters",
            r.cpu_interpreters_s,
            r.cpu_interpreters_ratio,
            r.cpu_interpreters_ratio_ci,
        ),
        (
            "I/O interpreters",
            r.io_interpreters_s,
            r.io_interpreters_ratio,
            r.io_interpreters_ratio_ci,
        ),
    ];
    for (name, seconds, ratio, ci) in interpreters {
        if let Some(seconds) = seconds {
            line(&mut out, format!("  {name:<20} {:>28} {:>18}", secs(seconds), "-"));
            if let Some(ratio) = ratio {
                let shown = with_ci(ratio, ci);
                line(&mut out, format!("  {:<20} {shown:>28} {:>18}", "  interp./procs", "-"));
            }
        }
    }
    if r.repeats > 1 {
        line(
            &mut out,
            "  threads/procs: the median of the per-repeat ratios (threads and processes of one \
             repeat run back to back), which can differ from the ratio of the median times"
                .into(),
        );
    }
    if r.cpu_interpreters_ratio.is_some() || r.io_interpreters_ratio.is_some() {
        line(
            &mut out,
            "  interp./procs: interpreters over processes, paired the same way (above 1: the \
             interpreter pool was slower, its start-up included)"
                .into(),
        );
    }
    if let Some(level) = r.cpu_ratio_ci_level.or(r.io_ratio_ci_level) {
        line(
            &mut out,
            format!(
                "  [low, high]: an interval of the median ratio from the {} paired repeats, \
                 covering it with probability {:.1}%",
                r.repeats,
                level * 100.0
            ),
        );
    } else if r.repeats == 1 {
        line(&mut out, "  One sample of each: no interval, so no difference can be told from noise (--repeat 5 or more).".into());
    }
    line(&mut out, String::new());
    line(&mut out, r.cpu_sentence());
    line(&mut out, r.io_sentence());
    out
}

fn secs(value: f64) -> String {
    format!("{value:.3} s")
}

fn ratio(value: f64) -> String {
    format!("{value:.2}x")
}

/// A ratio with the ends of its interval (the interpreter rows keep no level): printed as
/// every estimate is.
fn with_ci(value: f64, ci: Option<[f64; 2]>) -> String {
    let interval = ci.map(|[low, high]| Interval { low, high, level: LEVEL });
    Estimate { value, interval, n: 1 }.to_string()
}
