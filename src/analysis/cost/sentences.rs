//! What the cost table says: the task length under which a pool that computes in parallel
//! does not pay for its start-up (with the interval its start-up's interval gives), and idle
//! processes that grew over the run.

use super::WorkerCost;
use crate::executor::ExecutorKind;
use crate::stats::Unit;

/// Idle processes that grew by more than this fraction between the first and the last
/// measurement are named.
const GROWTH_NAMED: f64 = 0.10;

/// The sentences of the cost table: break-even task lengths, then growth.
pub(super) fn sentences(costs: &[WorkerCost], tasks: u32, cores: usize) -> Vec<String> {
    let mut out: Vec<String> = costs.iter().filter_map(|c| break_even(c, tasks, cores)).collect();
    out.extend(costs.iter().filter_map(growth));
    out
}

/// Starting N workers costs S; spreading T tasks of t seconds over p = min(N, cores) cores
/// saves T t (1 - 1/p). The pool pays for itself from t = S / (T (1 - 1/p)).
fn break_even(cost: &WorkerCost, tasks: u32, cores: usize) -> Option<String> {
    if !(cost.executor.is_process_pool() || cost.executor == ExecutorKind::Interpreters) {
        return None;
    }
    let start = cost.pool_start?;
    let parallel = (cost.workers as usize).min(cores.max(1));
    let pool = format!("{}'s {}", cost.runtime, cost.executor.name());
    if parallel < 2 || tasks == 0 {
        return Some(format!(
            "{pool}: with one core to compute on, no pool of CPU-bound tasks saves time here; starting {} of them took {}.",
            cost.workers,
            start.shown(Unit::Millis)
        ));
    }
    let saved_per_task_s = f64::from(tasks) * (1.0 - 1.0 / parallel as f64);
    let shorter = crate::stats::Estimate {
        value: start.value / saved_per_task_s,
        interval: start.interval.map(|i| crate::stats::Interval {
            low: i.low / saved_per_task_s,
            high: i.high / saved_per_task_s,
            level: i.level,
        }),
        n: start.n,
    };
    Some(format!(
        "{pool}: with {tasks} CPU-bound tasks shorter than {} each, starting {} workers ({}) costs more than computing on {parallel} cores saves here.",
        shorter.shown(Unit::Millis),
        cost.workers,
        start.shown(Unit::Millis),
    ))
}

/// A CPython driver that grew: only CPython's, since the Rust runtimes' idle process is
/// gilbench itself, which also holds the run's rows as it goes.
fn growth(cost: &WorkerCost) -> Option<String> {
    if !cost.runtime.is_cpython() {
        return None;
    }
    let (first, last) = cost.idle_growth?;
    let grew = last as f64 / (first as f64).max(1.0) - 1.0;
    (grew > GROWTH_NAMED).then(|| {
        let mib = |b: u64| b as f64 / f64::from(1 << 20);
        format!(
            "{}'s {} pools left their process bigger: before the first pool it held {:.1} MiB resident, before the last {:.1} MiB ({:+.0}%).",
            cost.runtime,
            cost.executor.name(),
            mib(first),
            mib(last),
            grew * 100.0
        )
    })
}
