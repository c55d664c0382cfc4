//! The command line: clap definitions, conversion of raw arguments into validated library
//! settings, and one module per subcommand. `anyhow` is used here and in `main.rs` only.
//!
//! Every user error ends the same way: one line on stderr (`gilbench: error: ...`) and exit
//! code 2, before anything is measured or written.

mod args;
mod compare;
#[cfg(test)]
mod doc_commands;
mod lesson;
mod lesson_function;
mod machine;
mod overhead;
mod pythons;
mod report;
mod run;
mod task;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use gilbench::error::ConfigError;
use gilbench::runner::RunError;

/// Threads vs processes, on CPU-bound vs I/O-bound work: measured, modelled and reported.
#[derive(Debug, Parser)]
#[command(name = "gilbench", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the lesson's four scenarios once and print its table.
    Lesson(lesson::LessonArgs),
    /// Measure a sweep of worker counts into a run folder (output/<run-id>).
    Run(Box<run::RunArgs>),
    /// Render report.md and report.html from saved runs (no measuring).
    Report(report::ReportArgs),
    /// Put several saved runs (machines, settings) side by side on one HTML page.
    Compare(compare::CompareArgs),
    /// Measure what the harness costs beside CPython's concurrent.futures.
    Overhead(overhead::OverheadArgs),
    /// Describe this machine (CPU, cores, memory, OS, load, versions).
    Machine(machine::MachineArgs),
    /// List the CPython interpreters found, their version, build and executors.
    Pythons(pythons::PythonsArgs),
}

/// Exit code for bad input.
const USAGE_ERROR: u8 = 2;

/// Parses `args` (including the program name), runs the command and returns the exit code.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("gilbench: error: {error:#}");
            if is_usage_error(&error) { ExitCode::from(USAGE_ERROR) } else { ExitCode::FAILURE }
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Lesson(args) => lesson::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Machine(args) => machine::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Overhead(args) => overhead::run(&args),
        Command::Pythons(args) => pythons::run(&args),
    }
}

/// Bad input anywhere in the chain: a `ConfigError`, also inside a run's error.
fn is_usage_error(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<ConfigError>().is_some()
            || matches!(cause.downcast_ref::<RunError>(), Some(RunError::Config(_)))
    })
}

/// Help and version go to stdout with code 0; every parse error is one line and code 2.
fn clap_exit(error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            ExitCode::SUCCESS
        }
        _ => {
            let rendered = error.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let message = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("gilbench: error: {message} (see gilbench --help)");
            ExitCode::from(USAGE_ERROR)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    /// Every flag of `run` that shapes a plan is in the `plan` group, so `--resume` (whose
    /// plan is in the run folder) refuses it; the others (where and how to run) go with it.
    #[test]
    fn resume_refuses_every_plan_flag() {
        let mut command = super::Cli::command();
        // Arguments join their groups as the command is built.
        command.build();
        let run = command.find_subcommand("run").expect("run");
        let plan = run.get_groups().find(|g| g.get_id() == "plan").expect("the plan group");
        let in_plan: Vec<&str> = plan.get_args().map(|id| id.as_str()).collect();
        // --budget goes with --resume too: a resume's own time (+3m).
        let outside = ["python", "out", "quiet", "dry_run", "resume", "budget", "help"];
        for arg in run.get_arguments() {
            let id = arg.get_id().as_str();
            assert!(
                in_plan.contains(&id) != outside.contains(&id),
                "--{id} must be in the plan group or among {outside:?}; the group: {in_plan:?}"
            );
        }
        for flag in ["--workers=2", "--profile=quick", "--name=x", "--target-ci=off"] {
            let parsed = super::Cli::command()
                .try_get_matches_from(["gilbench", "run", "--resume", "d", flag]);
            let error = parsed.expect_err(flag);
            assert_eq!(error.kind(), clap::error::ErrorKind::ArgumentConflict, "{flag}");
        }
        let with_python = [
            "gilbench", "run", "--resume", "d", "--python", "python3", "--quiet", "--budget", "+3m",
        ];
        assert!(super::Cli::command().try_get_matches_from(with_python).is_ok());
    }
}
