//! `gilbench-worker`: the process-pool worker on its own. It comes from `gilbench-core`, so it
//! links the workloads, the worker loop and serde_json, and nothing of the report pipeline:
//! small, and quick to start.

use std::process::ExitCode;

fn main() -> ExitCode {
    gilbench_core::executor::worker::main(std::env::args().skip(1))
}
