//! Sentences of the report that depend on a run's numbers, computed here so that the
//! templates state no figure the run did not produce: how the CPU tasks were sized, the
//! speedups the charts show, the real coverage of the intervals, and the noise the machine
//! had.

use super::stats::{self, LEVEL};
use crate::analysis::summary::SummaryRow;
use crate::executor::ExecutorKind;
use crate::plan::{Plan, Scenario};
use crate::results::task_length::{self, TaskLength};
use crate::runtime::Runtime;
use crate::view::section::{Block, Chapter, SectionView, markdown};
use gilbench_core::workload::{PROBE_MIN, PROBES};

/// How the CPU tasks were sized: the same count for every runtime, or calibrated; then the
/// length each runtime's serial tasks really had (`lengths`, from the run's rows), one
/// sentence for each more than 15% off its target, and how much faster native Rust ran the
/// loop than each CPython, at the speeds the tasks ran (not the calibration's).
pub fn calibration(plan: &Plan, lengths: &[TaskLength]) -> String {
    if let Some(iterations) = plan.cpu_iterations {
        return format!("Every runtime ran the same count, `burn_cpu({iterations})`, as given.");
    }
    let mut text = format!(
        "Each runtime's iteration count was calibrated to make one CPU task last about {} ms \
         (after a warm-up, the median speed of {PROBES} probes of at least {} ms, in the \
         process that runs the serial tasks); the counts above are what ran",
        task_length::shown_ms(plan.cpu_task_ms),
        PROBE_MIN.as_millis()
    );
    if !lengths.is_empty() {
        let shown: Vec<String> = lengths
            .iter()
            .map(|l| format!("{} {} ms", l.runtime, task_length::shown_ms(l.realised_ms)))
            .collect();
        text.push_str(&format!(
            ". Run alone, the tasks lasted (median of the serial repeats): {}",
            shown.join(", ")
        ));
    }
    text.push('.');
    for length in lengths.iter().filter(|l| l.off_target()) {
        text.push_str(&format!(" {}.", length.warning()));
    }
    let native = lengths.iter().find(|l| !l.runtime.is_cpython());
    let pythons: Vec<(f64, Runtime)> = lengths
        .iter()
        .filter(|l| l.runtime.is_cpython())
        .filter_map(|python| {
            Some((native?.realised_rate() / python.realised_rate(), python.runtime))
        })
        .collect();
    if let (Some(native), Some(((first, runtime), rest))) = (native, pythons.split_first()) {
        let others: String = rest
            .iter()
            .map(|(times, runtime)| format!(", {times:.0} times as many as {runtime}"))
            .collect();
        text.push_str(&format!(
            " In the same time {} ran {first:.0} times as many iterations of the loop as \
             {runtime}{others}, at the speeds the tasks ran.",
            native.runtime
        ));
    }
    text
}

/// One line per runtime: the CPU speedups of its threads and processes at the largest worker
/// count measured, with their intervals.
pub fn cpu_speedups(summary: &[SummaryRow]) -> Vec<String> {
    let largest = summary
        .iter()
        .filter(|r| r.point.scenario == Scenario::Cpu && r.point.executor != ExecutorKind::Serial)
        .map(|r| r.point.workers)
        .max();
    let Some(workers) = largest else { return Vec::new() };
    Runtime::present(summary.iter().map(|r| r.point.runtime))
        .into_iter()
        .filter_map(|runtime| {
            let at = |executor| {
                summary.iter().find(|r| {
                    r.point.runtime == runtime
                        && r.point.scenario == Scenario::Cpu
                        && r.point.executor == executor
                        && r.point.workers == workers
                })
            };
            let show = |row: Option<&SummaryRow>| Some(row?.speedup?.to_string());
            let threads = show(at(ExecutorKind::Threads))?;
            let processes = show(at(ExecutorKind::Processes))?;
            let interpreters = show(at(ExecutorKind::Interpreters))
                .map_or(String::new(), |shown| format!(", interpreters {shown}"));
            Some(format!(
                "{runtime}: threads {threads}, processes {processes}{interpreters} the serial \
                 speed at {workers} workers"
            ))
        })
        .collect()
}

/// What the intervals of the run's medians really cover.
pub fn coverage(summary: &[SummaryRow]) -> String {
    let mut levels: Vec<(usize, f64)> =
        summary.iter().filter_map(|r| Some((r.n(), r.median.interval?.level))).collect();
    levels.sort_by_key(|(n, _)| *n);
    levels.dedup_by(|a, b| a.0 == b.0);
    let method = format!(
        "Intervals: a median's interval runs from the j-th to the (n+1-j)-th smallest of its n \
         samples, with j chosen for at least {:.0}% coverage, computed exactly from the \
         binomial distribution (no distribution of the times is assumed); ratios and speedups \
         take theirs the same way from the per-repeat ratios, paired because the executors \
         alternate inside each repeat",
        LEVEL * 100.0
    );
    let short: Vec<String> = levels
        .iter()
        .filter(|(_, level)| *level < LEVEL - 1e-12)
        .map(|(n, level)| format!("{n} repeats reach only {:.1}%", level * 100.0))
        .collect();
    match (levels.is_empty(), short.is_empty()) {
        (true, _) => format!(
            "{method}. This run has fewer than {} repeats per group, so it shows none.",
            stats::MIN_SAMPLES
        ),
        (false, true) => format!("{method}. Every interval shown reaches {:.0}%.", LEVEL * 100.0),
        (false, false) => format!(
            "{method}. Below 6 repeats none can: here {}, and the intervals shown are those \
             (from the fastest to the slowest sample).",
            short.join(", ")
        ),
    }
}

/// For `gilbench lesson`: what else used the CPU while it measured, in cores, where that is
/// enough to change what the CPU rows show (5% of the machine's CPU time or more); `None` on
/// a quiet machine or where the probe could not read the counters.
pub fn lesson_noise(
    probe: Option<&crate::machine::noise::NoiseReport>,
    cores: usize,
) -> Option<String> {
    let probe = probe?;
    let taken_pct = probe.others_pct + probe.steal_pct;
    if taken_pct < LESSON_BUSY_PCT {
        return None;
    }
    let cores_f = cores.max(1) as f64;
    let taken = taken_pct / 100.0 * cores_f;
    Some(format!(
        "The machine was busy: over the {:.0} s of the lesson, other processes used {:.0}% of \
         its CPU time and the hypervisor took {:.1}%, about {:.1} of its {} logical cores on \
         average. The pools shared the cores with that work, so CPU-bound times are longer, and \
         speedups smaller, than on a quiet machine; the I/O-bound rows wait, and barely change.",
        probe.seconds, probe.others_pct, probe.steal_pct, taken, cores
    ))
}

/// The share of the machine's CPU time, taken by others, past which the lesson says so.
const LESSON_BUSY_PCT: f64 = 5.0;

/// What else used the CPU during the run, and whether it explains the spread the noise
/// warnings flag.
pub fn noise(
    machine: &crate::machine::Machine,
    probe: Option<&crate::machine::noise::NoiseReport>,
    noisy: bool,
) -> String {
    let unknown = "not shown by this system";
    let settings = format!(
        "CPU governor {}, turbo {}; 1-minute load {:.2} on {} logical cores when the run started",
        machine.cpu_governor.as_deref().unwrap_or(unknown),
        machine.turbo.as_deref().unwrap_or(unknown),
        machine.load_average[0],
        machine.logical_cores
    );
    let Some(probe) = probe else {
        return format!(
            "Noise: {settings}; stolen and other processes' CPU time were not measured."
        );
    };
    let measured = format!(
        "{settings}. Over {:.0} s of measuring, the hypervisor stole {:.1}% of the CPU time and \
         other processes used {:.1}%",
        probe.seconds, probe.steal_pct, probe.others_pct
    );
    let busy = probe.steal_pct >= 1.0 || probe.others_pct >= 5.0;
    match (noisy, busy) {
        (true, true) => format!(
            "Noise: {measured}: time the measurements competed for, which explains at least part \
             of the spread the warnings flag."
        ),
        (true, false) => format!(
            "Noise: {measured}: too little to explain the spread the warnings flag, which comes \
             from the runtimes or the machine itself."
        ),
        (false, _) => format!("Noise: {measured}."),
    }
}

/// The CPU speedups of threads and processes per runtime, as the measured chapter's first
/// part (no heading: the chapter's own prose leads into it).
pub fn cpu_speedups_section(input: &super::input::Input) -> Vec<SectionView> {
    let sentences = cpu_speedups(input.summary);
    if sentences.is_empty() {
        return Vec::new();
    }
    vec![SectionView::part(Chapter::Measured).block(Block::List(markdown(sentences)))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::machine::noise::NoiseReport;

    #[test]
    fn a_busy_machine_is_named_in_cores_and_a_quiet_one_is_not() {
        let busy = NoiseReport { seconds: 9.6, steal_pct: 0.2, others_pct: 48.3 };
        let said = lesson_noise(Some(&busy), 2).expect("a sentence");
        assert!(said.contains("other processes used 48% of its CPU time"), "{said}");
        assert!(said.contains("about 1.0 of its 2 logical cores"), "{said}");
        // Not "the pools had 1.0 core": a loop that shares 2 cores with 2 processes gets 2/3
        // of them while the processes run, so the processes had more than the average left.
        assert!(said.contains("about 1.0 of its 2 logical cores on average"), "{said}");
        assert!(!said.contains("to compute on"), "{said}");
        let quiet = NoiseReport { others_pct: 2.0, ..busy };
        assert_eq!(lesson_noise(Some(&quiet), 2), None);
        assert_eq!(lesson_noise(None, 2), None);
    }
}
