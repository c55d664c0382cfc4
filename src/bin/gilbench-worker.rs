//! `gilbench-worker`: the process-pool worker on its own. It links only the workload and the
//! worker loop, so it is small and starts faster than the full `gilbench` binary.

use std::process::ExitCode;

fn main() -> ExitCode {
    gilbench::executor::worker::main(std::env::args().skip(1))
}
