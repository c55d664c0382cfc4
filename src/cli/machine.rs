//! `gilbench machine`: what this machine is, as a run's machine.json records it.

use std::process::ExitCode;

use clap::Args;

use gilbench::machine::Machine;
use gilbench::runtime::cpython;

#[derive(Debug, Args)]
pub struct MachineArgs {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Also report this Python interpreter's version [default: python3 on PATH, if any].
    #[arg(long)]
    python: Option<std::path::PathBuf>,
}

pub fn run(args: &MachineArgs) -> anyhow::Result<ExitCode> {
    let mut machine = Machine::snapshot();
    let python = cpython::find_python(args.python.as_deref()).ok();
    let interval = std::time::Duration::from_millis(5);
    if let Some(driver) = python.and_then(|p| cpython::CpythonDriver::start(&p, interval).ok()) {
        machine.python_version = Some(driver.info().version.clone());
        machine.python_executable = Some(driver.info().executable.clone());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&machine)?);
    } else {
        print!("{}", machine.describe());
    }
    Ok(ExitCode::SUCCESS)
}
