//! Sentences computed from measurements: what a threads/processes ratio shows and why.
//!
//! The CLI's lesson output and the report both use these, so a claim is made in one place and
//! always follows the numbers: a sentence is chosen by the measured ratio, the runtime (with
//! or without an interpreter lock) and the machine's cores, never written in advance.

use crate::model::Runtime;

/// Ratios within this band of 1 count as "about the same" for CPU work.
pub const CPU_SAME_BAND: f64 = 0.15;
/// Ratios within this band of 1 count as "about the same" for I/O work.
pub const IO_SAME_BAND: f64 = 0.10;

/// What one CPU-bound comparison showed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuComparison {
    /// Who ran the tasks.
    pub runtime: Runtime,
    /// Threads' wall time over processes' wall time.
    pub ratio: f64,
    /// Workers per pool.
    pub workers: usize,
    /// Logical cores of the machine.
    pub cores: usize,
}

/// What one I/O-bound comparison showed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IoComparison {
    /// Threads' wall time over processes' wall time.
    pub ratio: f64,
    /// Threads' wall time, seconds.
    pub threads_s: f64,
    /// Number of tasks.
    pub tasks: usize,
    /// Workers per pool.
    pub workers: usize,
    /// Seconds each task waits.
    pub task_seconds: f64,
}

/// One or two sentences on CPU-bound work.
pub fn explain_cpu(c: &CpuComparison) -> String {
    let parallel = c.workers.min(c.cores);
    if c.cores == 1 {
        return format!(
            "This machine has one core, so neither threads nor processes could compute in \
             parallel (threads/processes = {:.2}); run it on a machine with more cores to see \
             the difference.",
            c.ratio
        );
    }
    if c.runtime.has_gil() {
        if c.ratio > 1.0 + CPU_SAME_BAND {
            format!(
                "Processes finished the CPU-bound work {:.2}x faster than threads: {} let \
                 one thread compute at a time, while each process has its \
                 own lock and ran on its own core (at most {parallel}x with {} workers on {} cores).",
                c.ratio,
                lock_name(c.runtime),
                c.workers,
                c.cores
            )
        } else {
            format!(
                "Threads and processes took about as long on the CPU-bound work ({:.2}x), which \
                 a GIL explains only when processes cannot run in parallel either: look for a \
                 busy machine or start-up costs that outweigh short tasks.",
                c.ratio
            )
        }
    } else if c.ratio < 1.0 - CPU_SAME_BAND {
        format!(
            "Threads finished the CPU-bound work {:.2}x faster than processes: native Rust \
             threads have no GIL, so they ran in parallel as processes do, and they skip the \
             cost of starting {} processes.",
            1.0 / c.ratio,
            c.workers
        )
    } else if c.ratio <= 1.0 + CPU_SAME_BAND {
        format!(
            "Threads and processes took about as long on the CPU-bound work ({:.2}x): native \
             Rust threads have no GIL, so both spread the tasks over {parallel} cores. Under \
             CPython's GIL the threads would have run one at a time (the lesson measured {:.2}x).",
            c.ratio,
            crate::reference::CPU_RATIO
        )
    } else {
        format!(
            "Processes finished the CPU-bound work {:.2}x faster than threads, although native \
             Rust threads have no GIL: this gap is not an interpreter lock, so suspect noise or \
             other load on the machine, and repeat the measurement (gilbench run gives medians).",
            c.ratio
        )
    }
}

/// One or two sentences on I/O-bound work.
pub fn explain_io(c: &IoComparison) -> String {
    let waited = c.tasks as f64 * c.task_seconds;
    let rounds = c.tasks.div_ceil(c.workers.max(1));
    let ideal = rounds as f64 * c.task_seconds;
    let overlap = format!(
        "{} tasks waiting {} s each ({} s of waiting) took {:.3} s with threads, against an \
         ideal of {:.3} s ({rounds} rounds of {} workers)",
        c.tasks,
        trim(c.task_seconds),
        trim((waited * 1000.0).round() / 1000.0),
        c.threads_s,
        ideal,
        c.workers
    );
    if (c.ratio - 1.0).abs() <= IO_SAME_BAND {
        format!(
            "On the I/O-bound work threads and processes finished within {:.1}% of each other: \
             {overlap}, because the waits overlapped; a blocking wait needs no core and releases \
             CPython's GIL too.",
            (c.ratio - 1.0).abs() * 100.0
        )
    } else if c.ratio < 1.0 {
        format!(
            "Threads finished the I/O-bound work {:.2}x faster than processes: {overlap}; \
             waiting needs no extra cores, and threads skip process start-up.",
            1.0 / c.ratio
        )
    } else {
        format!(
            "Processes finished the I/O-bound work {:.2}x faster than threads, which waiting \
             alone does not explain: {overlap}; suspect noise and repeat the measurement.",
            c.ratio
        )
    }
}

fn lock_name(runtime: Runtime) -> &'static str {
    match runtime {
        Runtime::Cpython => "CPython's GIL",
        _ => "the modelled GIL",
    }
}

/// A number without trailing zeros: 0.3, 1, 0.25.
pub fn trim(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu(runtime: Runtime, ratio: f64, cores: usize) -> String {
        explain_cpu(&CpuComparison { runtime, ratio, workers: 4, cores })
    }

    #[test]
    fn cpu_sentences_follow_the_ratio_and_the_runtime() {
        assert!(cpu(Runtime::Cpython, 2.1, 2).contains("2.10x faster than threads"));
        assert!(cpu(Runtime::Cpython, 1.0, 2).contains("about as long"));
        assert!(cpu(Runtime::Rust, 1.02, 2).contains("no GIL"));
        assert!(cpu(Runtime::Rust, 0.5, 2).contains("Threads finished the CPU-bound work 2.00x"));
        assert!(cpu(Runtime::Rust, 1.6, 2).contains("not an interpreter lock"));
        assert!(cpu(Runtime::RustGil, 2.0, 1).contains("one core"));
    }

    #[test]
    fn io_sentences_state_the_ideal_and_the_winner() {
        let c = IoComparison {
            ratio: 1.01,
            threads_s: 0.605,
            tasks: 16,
            workers: 8,
            task_seconds: 0.3,
        };
        let text = explain_io(&c);
        assert!(text.contains("within 1.0%"), "{text}");
        assert!(text.contains("ideal of 0.600 s (2 rounds of 8 workers)"), "{text}");
        let slow = explain_io(&IoComparison { ratio: 0.5, ..c });
        assert!(slow.contains("Threads finished the I/O-bound work 2.00x"), "{slow}");
        assert!(explain_io(&IoComparison { ratio: 1.5, ..c }).contains("suspect noise"));
    }

    #[test]
    fn trim_drops_trailing_zeros() {
        assert_eq!(trim(0.3), "0.3");
        assert_eq!(trim(1.0), "1");
    }
}
