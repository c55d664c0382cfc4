//! The lesson as text: what `gilbench lesson` prints and a notebook can print too, from a
//! [`LessonReport`] alone. The figures are laid beside the reference lesson's; every ratio
//! prints as its [`Estimate`] does; the sentences are [`verdict`]'s.

use std::fmt::Write as _;

use super::{Comparison, LessonReport, reference};
use crate::stats::Estimate;
use crate::verdict;

fn secs(value: f64) -> String {
    format!("{value:.3} s")
}

fn ratio(value: f64) -> String {
    format!("{value:.2}x")
}

/// How the CPU task's size was chosen, for the header.
fn sized(report: &LessonReport, calibrated_ms: Option<f64>) -> String {
    match calibrated_ms {
        Some(ms) => format!(
            "calibrated to about {ms} ms per task here (the lesson runs 1000000 in CPython; \
             --cpu-iterations 1000000 reproduces it literally)"
        ),
        None if report.settings.cpu_iterations == reference::CPU_ITERATIONS => {
            "the lesson's own count".to_string()
        }
        None => "as given with --cpu-iterations".to_string(),
    }
}

/// The sums of both workloads, one line each.
fn sums(out: &mut String, r: &LessonReport) {
    let interpreters = r.cpu.interpreters.is_some();
    let _ = writeln!(
        out,
        "{}",
        if interpreters {
            "Sums (threads, processes, interpreters):"
        } else {
            "Sums (threads, processes):"
        }
    );
    for (name, c) in [("CPU", &r.cpu), ("I/O", &r.io)] {
        let verdict = if c.sums_match() { "match" } else { "MISMATCH" };
        let third = c.interpreters.map_or(String::new(), |i| format!("{:<22} ", i.sum));
        let (t, p) = (c.threads.sum, c.processes.sum);
        let _ = writeln!(out, "  {name:<4} {t:<22} {p:<22} {third}{verdict}");
    }
}

/// The table of times and ratios beside the reference lesson's.
fn table(out: &mut String, r: &LessonReport) {
    let measured = match r.repeats {
        1 => "this machine, one sample".to_string(),
        n => format!("this machine, median of {n}"),
    };
    let _ = writeln!(out, "  {:<20} {:>28} {:>18}", "", measured, "reference lesson");
    let rows = [
        ("CPU threads", secs(r.cpu.threads.seconds), secs(reference::CPU_THREADS_S)),
        ("CPU processes", secs(r.cpu.processes.seconds), secs(reference::CPU_PROCESSES_S)),
        ("CPU threads/procs", r.cpu.ratio.to_string(), ratio(reference::CPU_RATIO)),
        ("I/O threads", secs(r.io.threads.seconds), secs(reference::IO_THREADS_S)),
        ("I/O processes", secs(r.io.processes.seconds), secs(reference::IO_PROCESSES_S)),
        ("I/O threads/procs", r.io.ratio.to_string(), ratio(reference::IO_RATIO)),
    ];
    for (name, here, there) in rows {
        let _ = writeln!(out, "  {name:<20} {here:>28} {there:>18}");
    }
    for (name, c) in [("CPU interpreters", &r.cpu), ("I/O interpreters", &r.io)] {
        interpreter_rows(out, name, c);
    }
}

fn interpreter_rows(out: &mut String, name: &str, c: &Comparison) {
    let Some(pool) = c.interpreters else { return };
    let _ = writeln!(out, "  {name:<20} {:>28} {:>18}", secs(pool.seconds), "-");
    if let Some(shown) = c.interpreters_ratio.as_ref().map(Estimate::to_string) {
        let _ = writeln!(out, "  {:<20} {shown:>28} {:>18}", "  interp./procs", "-");
    }
}

/// What the table's ratios and intervals are.
fn legend(out: &mut String, r: &LessonReport) {
    if r.repeats > 1 {
        let _ = writeln!(
            out,
            "  threads/procs: the median of the per-repeat ratios (threads and processes of one \
             repeat run back to back), which can differ from the ratio of the median times"
        );
    }
    if r.cpu.interpreters_ratio.is_some() || r.io.interpreters_ratio.is_some() {
        let _ = writeln!(
            out,
            "  interp./procs: interpreters over processes, paired the same way (above 1: the \
             interpreter pool was slower, its start-up included)"
        );
    }
    let level = r.cpu.ratio.interval.or(r.io.ratio.interval).map(|i| i.level);
    if let Some(level) = level {
        let _ = writeln!(
            out,
            "  [low, high]: an interval of the median ratio from the {} paired repeats, \
             covering it with probability {:.1}%",
            r.repeats,
            level * 100.0
        );
    } else if r.repeats == 1 {
        let _ = writeln!(
            out,
            "  One sample of each: no interval, so no difference can be told from noise \
             (--repeat 5 or more)."
        );
    }
}

impl LessonReport {
    /// The lesson's printout; `calibrated_ms` is the task length the CPU iterations were
    /// calibrated to, when they were.
    pub fn render(&self, calibrated_ms: Option<f64>) -> String {
        let s = &self.settings;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "gilbench lesson: runtime {}, {}, {} tasks per workload, {}",
            s.runtime,
            verdict::count(s.workers, "worker"),
            s.tasks,
            verdict::count(self.cores, "logical core")
        );
        let _ = writeln!(
            out,
            "CPU task: burn_cpu({}), {}",
            s.cpu_iterations,
            sized(self, calibrated_ms)
        );
        let _ = writeln!(
            out,
            "I/O task: fake_io({} s, {} chunks)",
            verdict::trim(s.io_seconds),
            s.io_chunks
        );
        out.push('\n');
        sums(&mut out, self);
        out.push('\n');
        table(&mut out, self);
        legend(&mut out, self);
        out.push('\n');
        let _ = writeln!(out, "{}", self.cpu_sentence());
        let _ = writeln!(out, "{}", self.io_sentence());
        out
    }
}
