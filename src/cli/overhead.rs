//! `gilbench overhead`: what the harness costs beside CPython's `concurrent.futures`, measured
//! in one run on this machine, printed as a table of ratios and saved as `overhead.json` in a
//! run folder so its report shows it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Args;

use gilbench::error::ConfigError;
use gilbench::executor::WorkerProgram;
use gilbench::overhead::{self, OverheadOptions};
use gilbench::results::store;
use gilbench::runtime::{CpythonDriver, cpython};

#[derive(Debug, Args)]
pub struct OverheadArgs {
    /// Repeats of each measurement: medians with their intervals are reported, and a target
    /// is decided by the intervals (at least 3 repeats give one; 6 give 97% coverage).
    #[arg(long, default_value = "6", value_parser = clap::value_parser!(u16).range(1..=100))]
    repeat: u16,
    /// Print JSON instead of the table.
    #[arg(long)]
    json: bool,
    /// Save overhead.json into this run folder [default: output/latest, when it exists].
    #[arg(long)]
    run: Option<PathBuf>,
    /// The Python interpreter to compare with [default: python3 on PATH].
    #[arg(long)]
    python: Option<PathBuf>,
}

pub fn run(args: &OverheadArgs) -> anyhow::Result<ExitCode> {
    // --run names a run folder: refuse one that is not, before measuring anything.
    if let Some(run) = &args.run
        && !run.join("plan.json").is_file()
    {
        return Err(ConfigError::new(format!(
            "--run {} is not a gilbench run folder (no plan.json)",
            run.display()
        ))
        .into());
    }
    let mut driver = match cpython::find_python(args.python.as_deref()) {
        Ok(python) => Some(CpythonDriver::start(&python, Duration::from_millis(5))?),
        Err(error) if args.python.is_none() => {
            eprintln!("gilbench: note: {error}; measuring gilbench alone");
            None
        }
        Err(error) => return Err(ConfigError::new(error.to_string()).into()),
    };
    let options = OverheadOptions {
        repeat: usize::from(args.repeat),
        dispatch_tasks: 10_000,
        workers: vec![1, 2, 8],
        cores: gilbench::machine::logical_cores(),
    };
    if let Ok(worker) = WorkerProgram::locate() {
        eprintln!("gilbench: process pools start {}", worker.describe());
    }
    let rows = overhead::measure(&options, driver.as_mut()).context("measuring the overhead")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        print!("{}", overhead::render_table(&rows));
    }
    let target = args.run.clone().unwrap_or_else(|| PathBuf::from("output/latest"));
    if target.join("plan.json").is_file() {
        store::write_json(&target.join("overhead.json"), &rows)?;
        eprintln!("saved {}", target.join("overhead.json").display());
    }
    Ok(ExitCode::SUCCESS)
}
