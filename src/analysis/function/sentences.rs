//! The words of "Your function": each sentence chosen by a [`Reading`] and its intervals.

use std::collections::BTreeMap;

use super::{FunctionRow, Inputs, Reading};
use crate::analysis::decisions::Pairing;
use crate::analysis::payload::size;
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::stats::{Against, Estimate};

/// A fraction with its interval, in percent: "99.6% [99.4, 99.8]".
pub(crate) fn percent(estimate: &Estimate) -> String {
    estimate.shown(crate::stats::Unit::Percent)
}

fn millis(seconds: f64) -> String {
    match seconds {
        s if s >= 1.0 => format!("{s:.2} s"),
        s if s >= 0.001 => format!("{:.1} ms", s * 1000.0),
        s => format!("{:.0} µs", s * 1e6),
    }
}

fn bytes(reading: &Reading) -> String {
    let shown = |b: Option<u64>| b.map_or_else(|| "cannot be pickled".to_string(), size);
    format!("{} in, {} out", shown(reading.bytes_in), shown(reading.bytes_out))
}

fn gil(reading: &Reading) -> String {
    let (on, all) = reading.gil_on;
    match (reading.runtime.is_free_threaded(), on) {
        (_, _) if all == 0 => "-".into(),
        (false, _) => "on (a GIL build)".into(),
        (true, 0) => "off".into(),
        (true, _) if on == all => "on again: re-enabled after its imports".into(),
        (true, _) => format!("on in {on} of {all} tasks"),
    }
}

/// The section's table row of one CPython.
pub(crate) fn row(reading: &Reading) -> FunctionRow {
    FunctionRow {
        runtime: reading.runtime,
        compute: reading.compute.as_ref().map_or_else(|| "-".into(), percent),
        task: reading.task_s.map_or_else(|| "-".into(), millis),
        bytes: bytes(reading),
        gil: gil(reading),
        pick: pick(reading).unwrap_or_else(|| "-".into()),
    }
}

/// The pick at the largest worker count, by the paired interval of the two fastest pools;
/// serial where every pool measured there was clearly slower than serial.
fn pick(reading: &Reading) -> Option<String> {
    let workers = reading.workers?;
    let pools: Vec<(ExecutorKind, Estimate)> = [
        (ExecutorKind::Threads, reading.threads),
        (ExecutorKind::Processes, reading.processes),
        (ExecutorKind::Interpreters, reading.interpreters),
    ]
    .into_iter()
    .filter_map(|(e, s)| Some((e, s?)))
    .collect();
    let best = pools.iter().max_by(|a, b| a.1.value.total_cmp(&b.1.value)).copied();
    if let Some((fastest, speedup)) = best
        && pools.iter().all(|(_, s)| s.against(1.0) == Against::Below)
    {
        return Some(format!(
            "serial: every pool was slower at {workers} workers ({fastest}: {speedup} of serial's speed)"
        ));
    }
    let Some(Pairing { winner, second, factor }) = reading.pairing else {
        let (only, speedup) = best?;
        return Some(format!(
            "{only}, the only pool measured: {speedup} over serial at {workers} workers"
        ));
    };
    Some(if reading.pairing?.decided() {
        format!("{winner}, {factor} faster than {second} at {workers} workers")
    } else {
        format!("no clear pick at {workers} workers: {winner} and {second} within {factor}")
    })
}

/// One answer-block line.
pub(crate) fn answer(reading: &Reading, name: &str) -> String {
    let compute = reading
        .compute
        .as_ref()
        .map_or_else(String::new, |c| format!(" (computes {} of its time)", percent(c)));
    match pick(reading) {
        Some(pick) => format!("`{name}` on {}{compute}: {pick}.", reading.runtime),
        None => format!(
            "`{name}` on {}{compute}: no pool was measured beside another.",
            reading.runtime
        ),
    }
}

/// The reading, sentence by sentence.
pub(crate) fn reading(
    readings: &[Reading],
    model: &BTreeMap<u32, Estimate>,
    inputs: &Inputs<'_>,
) -> Vec<String> {
    let name = inputs.spec.name();
    let mut lines = Vec::new();
    for reading in readings {
        let mut text = format!("**{}**: ", reading.runtime);
        if let (Some(compute), Some(task_s)) = (&reading.compute, reading.task_s) {
            text += &format!(
                "`{name}` computes {} of its time (CPU time over wall time of its serial tasks, whose median lasts {}) and moves {} per task, pickled.",
                percent(compute),
                millis(task_s),
                bytes(reading)
            );
        }
        text += &gil_allows(reading, model, inputs.cores);
        if let Some(pick) = pick(reading) {
            text += &format!(" Pick {pick}.");
        }
        lines.push(text);
    }
    lines.extend(across_builds(readings));
    lines
}

/// What the GIL lets threads gain (a GIL build: the model beside the measurement), or what
/// its absence gave them (a free-threaded build).
fn gil_allows(reading: &Reading, model: &BTreeMap<u32, Estimate>, cores: usize) -> String {
    let Some(workers) = reading.workers else {
        return String::new();
    };
    let measured = reading.threads.map_or_else(|| "not measured".into(), |t| t.to_string());
    if !reading.runtime.is_free_threaded() {
        return match model.get(&workers) {
            Some(modelled) => format!(
                " With the GIL, threads overlap only its waiting: the rust-gil model, run at that fraction, gives threads {modelled} at {workers} workers; CPython's threads measured {measured}."
            ),
            None => format!(
                " CPython's threads measured {measured} at {workers} workers (the model did not run: add rust-gil to --runtimes)."
            ),
        };
    }
    let (on, all) = reading.gil_on;
    if on > 0 {
        return format!(
            " This build has no GIL, yet it was on in {on} of {all} tasks' workers: a module the function imports re-enabled it (CPython does that for an extension that does not declare free-threading support), so threads measured {measured} at {workers} workers, taking turns as under a GIL."
        );
    }
    let usable = workers.min(u32::try_from(cores).unwrap_or(u32::MAX)).max(1);
    let computing = reading.compute.is_some_and(|c| c.value >= 0.5);
    let serial_bound = reading
        .threads
        .is_some_and(|t| t.interval.is_some_and(|i| i.high < 0.6 * f64::from(usable)));
    if computing && serial_bound && usable > 1 {
        return format!(
            " The GIL stayed off in every worker, yet threads measured only {measured} at {workers} workers on {cores} cores: what keeps them serial is the function itself, a lock or shared objects every task updates (each update of a shared dict or list takes that object's own lock)."
        );
    }
    format!(
        " The GIL stayed off in every worker, so threads may compute at once: they measured {measured} at {workers} workers."
    )
}

/// Where several CPythons ran: whether their picks agree.
fn across_builds(readings: &[Reading]) -> Option<String> {
    if readings.len() < 2 {
        return None;
    }
    let decided: Vec<(String, ExecutorKind)> = readings
        .iter()
        .filter_map(|r| {
            let p = r.pairing.filter(Pairing::decided)?;
            Some((r.runtime.to_string(), p.winner))
        })
        .collect();
    let mut winners: Vec<ExecutorKind> = decided.iter().map(|(_, w)| *w).collect();
    winners.sort_unstable();
    winners.dedup();
    match winners.len() {
        0 => Some("No CPython measured gives a clear pick at its largest worker count.".into()),
        1 if decided.len() == readings.len() => {
            Some(format!("Every CPython measured gives the same pick: {}.", winners[0]))
        }
        1 => Some(format!(
            "Only {} gives a clear pick ({}); the others leave it open.",
            decided.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>().join(", "),
            winners[0]
        )),
        _ => Some(format!(
            "The answer depends on the build: {}.",
            decided.iter().map(|(r, w)| format!("{w} on {r}")).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// The findings on the results: results that differ, a model that disagrees (the pools that
/// failed are [`failures`]).
pub(crate) fn findings(
    readings: &[Reading],
    model: &BTreeMap<u32, Estimate>,
    inputs: &Inputs<'_>,
) -> Vec<String> {
    let mut found = Vec::new();
    for reading in readings {
        let runtime = reading.runtime;
        if !reading.mismatched.is_empty() {
            let pools: Vec<&str> = reading.mismatched.iter().map(|e| e.name()).collect();
            found.push(format!(
                "{runtime}: {} returned results that differ from the serial run's (compared: {}). The function depends on something its executor changes (state shared between tasks, the process it runs in) or is not deterministic; if that is expected, say so with --task-check none.{}",
                pools.join(" and "),
                inputs.spec.check.describe(),
                if inputs.spec.check == crate::function::Check::Pickle {
                    " Equal results can pickle apart, too: a set (or a dict built from one) is pickled in its own iteration order, which another process may not share; --task-check eq compares with == instead."
                } else {
                    ""
                }
            ));
        } else if let Some(why) = reading.not_compared {
            found.push(format!("{runtime}: results were not compared ({why})."));
        }
        if let Some(text) = disagreement(reading, model) {
            found.push(text);
        }
    }
    found
}

/// A GIL build whose threads did not do what the model says its compute fraction allows.
fn disagreement(reading: &Reading, model: &BTreeMap<u32, Estimate>) -> Option<String> {
    if reading.runtime.is_free_threaded() {
        return None;
    }
    let workers = reading.workers?;
    let (modelled, measured) = (model.get(&workers)?, reading.threads?);
    let (m, c) = (modelled.interval?, measured.interval?);
    let apart = m.high < c.low || c.high < m.low;
    let far = (measured.value / modelled.value - 1.0).abs() > 0.10;
    (apart && far).then(|| format!(
        "{}: the model and the measurement disagree: at {workers} workers the model gives threads {modelled}, CPython's threads measured {measured}. The model knows only how much of its time the function computes: a function whose computing releases the GIL (hashing, compression or NumPy on large inputs), whose waiting holds it (a C call that does not release it), whose tasks contend for a lock of their own, or whose tasks are so short that what CPython's pool costs per task outweighs them, behaves otherwise.",
        reading.runtime
    ))
}

/// Pools of the function that failed, once each, with the error; a point measured after its
/// failure (a `--resume` that got through) is not one.
pub(crate) fn failures(inputs: &Inputs<'_>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let recovered = |failed: &crate::results::RunRow| {
        let later = |r: &&crate::results::RunRow| r.measurement > failed.measurement;
        inputs.runs.iter().filter(later).any(|r| r.ok && r.point == failed.point)
    };
    inputs
        .runs
        .iter()
        .filter(|r| r.point.scenario == Scenario::Function && !r.ok && !recovered(r))
        .filter(|r| seen.insert((r.point.runtime, r.point.executor)))
        .map(|r| {
            let error = r.error.as_deref().unwrap_or("failed");
            let error = error.strip_prefix("CPython reported: ").unwrap_or(error);
            format!(
                "{} {} at {} failed, and the run left that pool out: {error}",
                r.point.runtime,
                r.point.executor,
                crate::verdict::count(r.point.workers as usize, "worker")
            )
        })
        .collect()
}
