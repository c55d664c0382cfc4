//! What the operating system lets this process use: its logical cores (hardware threads, so
//! an SMT machine counts each core twice). The lesson's worker count, calibration and every
//! "ideal" derive from it; `gilbench`'s machine snapshot reports it beside the physical count.

/// Logical cores this process may use.
pub fn logical_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
