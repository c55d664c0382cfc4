//! `gilbench machine`: what this machine is, as a run's machine.json records it.

use std::process::ExitCode;

use clap::Args;

use anyhow::Context;
use gilbench::error::ConfigError;
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
    let interval = std::time::Duration::from_millis(5);
    // Without --python a missing python3 only leaves the version out; a named interpreter
    // that does not exist, or a driver that fails, is an error the user sees.
    let python = match (cpython::find_python(args.python.as_deref()), &args.python) {
        (Ok(python), _) => Some(python),
        (Err(error), Some(_)) => return Err(ConfigError::new(error.to_string()).into()),
        (Err(_), None) => None,
    };
    if let Some(python) = python {
        let driver = cpython::CpythonDriver::start(&python, interval)
            .with_context(|| format!("starting the CPython driver with {}", python.display()))?;
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
