//! `gilbench lesson`: the lesson's experiment, repeated (5 times by default; `--repeat 1` is
//! the lesson's literal single run), printed as the lesson prints it beside the reference
//! lesson's figures: medians, an interval on each ratio, and sentences chosen by the intervals.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use gilbench::error::ConfigError;
use gilbench::lesson::{self, LessonSettings, reference};
use gilbench::runtime::{CpythonError, Measurer, Runtime};

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
    /// Your own function instead of the lesson's workloads, measured in CPython.
    #[command(flatten)]
    task: super::task::TaskArgs,
}

fn parse_runtime(text: &str) -> Result<Runtime, String> {
    text.parse()
}

pub fn run(args: &LessonArgs) -> anyhow::Result<ExitCode> {
    if let Some(spec) = args.task.spec()? {
        let workers = args.workers.unwrap_or_else(gilbench::lesson::default_workers);
        return super::lesson_function::run(super::lesson_function::FunctionLesson {
            spec,
            workers,
            tasks: args.tasks.unwrap_or(2 * workers),
            repeat: args.repeat,
            python: args.python.clone(),
            json: args.json,
        });
    }
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
    let here = std::env::current_dir().ok();
    let python = args.python.as_deref();
    let mut measurer =
        Measurer::for_runtime_in(args.runtime, switch_interval, python, here.as_deref()).map_err(
            |error| match error {
                CpythonError::NotFound | CpythonError::Missing(_) => {
                    anyhow::Error::new(ConfigError::new(error.to_string()))
                }
                other => anyhow::Error::new(other),
            },
        )?;
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
    let probe = gilbench::machine::noise::Probe::start();
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
    let cores = gilbench::machine::logical_cores();
    let busy = gilbench::analysis::sentences::lesson_noise(probe.finish().as_ref(), cores);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render(calibrated));
        if let Some(sentence) = busy {
            println!("{sentence}");
        }
    }
    if !report.sums_match() {
        eprintln!("gilbench: error: threads and processes computed different sums");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
