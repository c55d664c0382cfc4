//! Sentences computed from measurements: what a threads/processes ratio shows and why.
//!
//! The CLI's lesson output and the report both use these, so a claim is made in one place and
//! always follows the numbers. A sentence is chosen by the ratio's interval, never by its
//! point estimate alone: "faster" or "slower" only when the whole interval lies on one side of
//! 1, otherwise "no difference this machine can resolve". Counts are spelled with their
//! grammatical number, and a cause is named only where it applies (the interpreter lock only
//! for a runtime that has one; overlapping waits only when the waits could overlap).

use crate::model::Runtime;
use crate::stats::{Against, Estimate, LEVEL, digits_apart};

/// What one CPU-bound comparison showed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuComparison {
    /// Who ran the tasks.
    pub runtime: Runtime,
    /// Threads' wall time over processes', with its interval.
    pub ratio: Estimate,
    /// Workers per pool.
    pub workers: usize,
    /// Logical cores of the machine.
    pub cores: usize,
}

/// What one I/O-bound comparison showed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IoComparison {
    /// Threads' wall time over processes', with its interval.
    pub ratio: Estimate,
    /// Threads' wall time, seconds (median).
    pub threads_s: f64,
    /// Number of tasks.
    pub tasks: usize,
    /// Workers per pool.
    pub workers: usize,
    /// Seconds each task waits.
    pub task_seconds: f64,
}

/// "1 worker", "8 workers", "2 processes".
pub fn count(n: usize, noun: &str) -> String {
    match (n, noun.ends_with('s')) {
        (1, _) => format!("1 {noun}"),
        (_, true) => format!("{n} {noun}es"),
        (_, false) => format!("{n} {noun}s"),
    }
}

/// How much faster, in words a reader can compare: "2.02x faster", or under 1.1x "4.3%
/// faster" (a factor of 1.00x would read as no difference).
pub fn faster(factor: f64) -> String {
    if factor < 1.1 {
        format!("{:.1}% faster", (factor - 1.0) * 100.0)
    } else {
        format!("{factor:.2}x faster")
    }
}

/// A direction's factor and what it rests on, both of one quantity: the faster pool's
/// advantage `factor` (at least 1, with its interval). Returns ("1.16x faster", "95% interval
/// 1.09x to 1.28x over 10 repeats"), or under 1.1x in percent ("4.3% faster", "95% interval
/// 2.1% to 6.0% over 5 repeats"). The factor is printed with its interval's decimals, so it
/// lies inside the interval as printed.
pub fn directed(factor: &Estimate) -> (String, String) {
    let Some(i) = factor.interval else {
        return (faster(factor.value), evidence(factor));
    };
    if factor.value >= 1.1 {
        return (format!("{} faster", factor.value_shown()), evidence(factor));
    }
    let pct = |x: f64| (x - 1.0) * 100.0;
    let (low, high) = (pct(i.low), pct(i.high));
    let d = digits_apart(low, high, 0.0, 1..=4);
    let over = count(factor.n, "repeat");
    let why = format!("{} interval {low:.d$}% to {high:.d$}% over {over}", level(i));
    (format!("{:.d$}% faster", pct(factor.value)), why)
}

/// "95%", or the interval's real coverage where it falls short of it ("93.8%").
fn level(interval: crate::stats::Interval) -> String {
    if interval.reaches(LEVEL) {
        format!("{:.0}%", LEVEL * 100.0)
    } else {
        format!("{:.1}%", interval.level * 100.0)
    }
}

/// What an estimate rests on: "95% interval 1.90x to 2.30x over 5 repeats", or why there is
/// none ("a single sample, so no interval").
pub fn evidence(ratio: &Estimate) -> String {
    match ratio.interval {
        Some(i) => {
            let (low, high) = i.ends();
            format!("{} interval {low}x to {high}x over {}", level(i), count(ratio.n, "repeat"))
        }
        None if ratio.n <= 1 => "a single sample, so no interval".to_string(),
        None => format!("{}: too few for an interval", count(ratio.n, "repeat")),
    }
}

/// The faster side's advantage: the ratio where it lies above 1, its inverse where below.
/// It is taken from the ratio as printed (the lesson table's and the report's figures), so a
/// reader who inverts the printed ratio finds the sentence's numbers.
pub fn advantage(ratio: &Estimate) -> Estimate {
    let printed = ratio.as_printed();
    if printed.value >= 1.0 { printed } else { printed.inverse() }
}

/// Two pools whose times lie within this factor of each other took "about as long": a
/// ratio's interval inside [1/PARITY, PARITY] settles a comparison as surely as one that
/// leaves 1 out, and the prose says "about as long" for it.
pub const PARITY: f64 = 1.05;

/// A comparison is settled only on an interval of at least this coverage (5 paired repeats
/// give 93.8%, 3 give 75%).
pub const DECIDING_LEVEL: f64 = 0.9;

/// True when the ratio's interval lies inside the parity margin.
pub fn about_as_long(ratio: &Estimate) -> bool {
    ratio.interval.is_some_and(|i| i.low >= 1.0 / PARITY && i.high <= PARITY)
}

/// True when the ratio's interval (of enough coverage) leaves 1 out or lies inside the parity
/// margin: more repeats would not change what the report says of it.
pub fn settled(ratio: &Estimate) -> bool {
    let covered = ratio.interval.is_some_and(|i| i.level >= DECIDING_LEVEL);
    covered && (ratio.against(1.0) != Against::Unresolved || about_as_long(ratio))
}

/// About how many more paired repeats would settle `ratio`: its interval's half-width (on a
/// log scale) shrinks as 1/sqrt(n) until it clears 1 or fits inside the parity margin. None
/// where neither is in sight (the ratio sits on the margin's edge); at least enough repeats
/// for an interval of [`DECIDING_LEVEL`].
pub fn repeats_to_settle(ratio: &Estimate) -> Option<f64> {
    let at_least = (5_usize.saturating_sub(ratio.n)).max(1) as f64;
    let Some(interval) = ratio.interval else {
        return Some(at_least);
    };
    if settled(ratio) {
        return Some(0.0);
    }
    let (low, high) = (interval.low.max(1e-12).ln(), interval.high.max(1e-12).ln());
    let (center, half) = ((low + high) / 2.0, (high - low) / 2.0);
    let n = ratio.n.max(1) as f64;
    let margin = PARITY.ln();
    let apart = (center.abs() > 0.0).then(|| n * (half / center.abs()).powi(2));
    let inside = (center.abs() < margin).then(|| n * (half / (margin - center.abs())).powi(2));
    let total = match (apart, inside) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    let floor = if interval.level >= DECIDING_LEVEL { 1.0 } else { at_least };
    Some((total - n).ceil().max(floor))
}

/// One or two sentences on CPU-bound work.
pub fn explain_cpu(c: &CpuComparison) -> String {
    let why = evidence(&c.ratio);
    if c.cores == 1 {
        return format!(
            "This machine has one core, so neither threads nor processes could compute in \
             parallel (threads/processes {}; {why}); run it on a machine with more cores \
             to see the difference.",
            c.ratio.value_shown()
        );
    }
    let (how, why_directed) = directed(&advantage(&c.ratio));
    match (c.ratio.against(1.0), c.runtime.has_gil()) {
        (Against::Above, true) => processes_win_under_lock(c, &how, &why_directed),
        (Against::Above, false) => format!(
            "Processes finished the CPU-bound work {how} than threads ({why_directed}), \
             although {}: this gap is not an interpreter lock, so suspect other load on the \
             machine or start-up costs, and repeat the measurement.",
            lockless(c.runtime)
        ),
        (Against::Below, true) => threads_win_under_lock(c, &how, &why_directed),
        (Against::Below, false) if c.workers == 1 => format!(
            "Threads finished the CPU-bound work {how} than processes ({why_directed}): {}, \
             but with one worker neither pool computes in parallel; threads skip the cost of \
             starting 1 process.",
            lockless(c.runtime)
        ),
        (Against::Below, false) => format!(
            "Threads finished the CPU-bound work {how} than processes ({why_directed}): {}, so \
             they ran in parallel as processes do, and they skip the cost of starting {}.",
            lockless(c.runtime),
            count(c.workers, "process")
        ),
        (Against::Unresolved, gil) => cpu_unresolved(c, gil, &why),
    }
}

fn processes_win_under_lock(c: &CpuComparison, how: &str, why: &str) -> String {
    let parallel = c.workers.min(c.cores);
    format!(
        "Processes finished the CPU-bound work {how} than threads ({why}): {} lets one thread \
         compute at a time, while each process has its own lock, so processes can compute on \
         separate cores (up to {parallel} at once with {} on {} logical cores).",
        lock_name(c.runtime),
        count(c.workers, "worker"),
        c.cores
    )
}

fn threads_win_under_lock(c: &CpuComparison, how: &str, why: &str) -> String {
    let cause = if c.workers == 1 {
        "with one worker neither pool computes in parallel, so the lock costs nothing and the \
         process pool only adds its start-up and the copying of tasks and results"
            .to_string()
    } else {
        format!(
            "the lock did not cost the threads more than the process pool spent starting {} \
             and moving tasks and results between them: tasks that short, or a machine that \
             busy, hide what parallel processes gain",
            count(c.workers, "process")
        )
    };
    format!(
        "Threads finished the CPU-bound work {how} than processes ({why}) despite {}: {cause}.",
        lock_name(c.runtime)
    )
}

fn cpu_unresolved(c: &CpuComparison, gil: bool, why: &str) -> String {
    let head = format!(
        "On the CPU-bound work threads and processes showed no difference this machine can \
         resolve (threads/processes {}; {why})",
        c.ratio.value_shown()
    );
    if c.workers == 1 {
        return format!("{head}: with one worker neither pool computes in parallel.");
    }
    if c.ratio.interval.is_none() {
        return format!("{head}. More repeats are needed to tell a difference from noise.");
    }
    if gil {
        format!(
            "{head}. Under {} processes can gain up to {}x here over threads, so look for a busy \
             machine or start-up costs that outweigh short tasks.",
            lock_name(c.runtime),
            c.workers.min(c.cores)
        )
    } else {
        format!(
            "{head}: {}, so both pools spread the tasks over up to {} cores. Under CPython's \
             GIL threads take turns (the reference lesson measured {:.2}x).",
            lockless(c.runtime),
            c.workers.min(c.cores),
            crate::reference::CPU_RATIO
        )
    }
}

/// One or two sentences on I/O-bound work.
pub fn explain_io(c: &IoComparison) -> String {
    let r = c.ratio.value_shown();
    let why = evidence(&c.ratio);
    let (how, why_directed) = directed(&advantage(&c.ratio));
    let overlap = overlap(c);
    match c.ratio.against(1.0) {
        Against::Unresolved => {
            let within = c.ratio.as_printed().interval.map_or(String::new(), |i| {
                let pct = (i.low - 1.0).abs().max((i.high - 1.0).abs()) * 100.0;
                format!(", within {pct:.1}% of each other")
            });
            format!(
                "On the I/O-bound work threads and processes showed no difference this machine \
                 can resolve (threads/processes {r}; {why}){within}: {overlap}{}.",
                waits_explained(c)
            )
        }
        Against::Below => format!(
            "Threads finished the I/O-bound work {how} than processes ({why_directed}): \
             {overlap}; waiting needs no extra cores, and threads skip process start-up."
        ),
        Against::Above => format!(
            "Processes finished the I/O-bound work {how} than threads ({why_directed}), which \
             waiting alone does not explain: {overlap}; suspect noise and repeat the \
             measurement."
        ),
    }
}

/// True when the threads' waits overlapped: more than one worker, and the threads finished
/// well before the waits laid end to end would have.
fn waits_overlapped(c: &IoComparison) -> bool {
    c.workers > 1 && c.tasks > 1 && c.threads_s < 0.9 * c.tasks as f64 * c.task_seconds
}

fn waits_explained(c: &IoComparison) -> &'static str {
    if waits_overlapped(c) {
        "; the waits overlapped, because a blocking wait needs no core and releases CPython's \
         GIL too"
    } else if c.workers == 1 {
        "; with one worker the waits ran one after another in both pools"
    } else {
        ""
    }
}

fn overlap(c: &IoComparison) -> String {
    let waited = c.tasks as f64 * c.task_seconds;
    let busy = c.workers.min(c.tasks).max(1);
    let rounds = c.tasks.div_ceil(c.workers.max(1));
    let ideal = rounds as f64 * c.task_seconds;
    format!(
        "{} waiting {} s each ({} s of waiting) took {:.3} s with threads, against an ideal of \
         {ideal:.3} s ({} of {})",
        count(c.tasks, "task"),
        trim(c.task_seconds),
        trim((waited * 1000.0).round() / 1000.0),
        c.threads_s,
        count(rounds, "round"),
        count(busy, "worker")
    )
}

fn lock_name(runtime: Runtime) -> &'static str {
    match runtime {
        Runtime::Cpython | Runtime::CpythonAt(_) => "CPython's GIL",
        _ => "the modelled GIL",
    }
}

/// What a runtime without a GIL is, for sentences: native Rust, or a free-threaded CPython.
fn lockless(runtime: Runtime) -> &'static str {
    match runtime {
        Runtime::CpythonAt(_) => "this free-threaded CPython's threads have no GIL",
        _ => "native Rust threads have no GIL",
    }
}

/// A number without trailing zeros: 0.3, 1, 0.25.
pub fn trim(value: f64) -> String {
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

#[cfg(test)]
mod tests;
