//! The `gilbench` binary: a thin command-line front over the library. `gilbench worker` (not
//! shown in the help) is the process-pool worker loop, for when the dedicated
//! `gilbench-worker` binary is not at hand.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|arg| arg == "worker") {
        let rest = args.iter().skip(2).map(|arg| arg.to_string_lossy().into_owned());
        return gilbench::executor::worker::main(rest);
    }
    cli::main(args)
}
