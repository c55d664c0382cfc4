//! The scaling section's sentences, each chosen by what the fits and the points past the
//! usable CPUs show: a cause (the cores, a GIL, oversubscription) is named only where the
//! numbers behind the sentence hold it.

use super::super::{
    HOLDOUT_WORKER_COUNTS, MIN_WORKER_COUNTS, PREDICTED_WORKERS, Past, SweepFit, TOO_WIDE, shown,
};
use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::results::task_length::TaskLength;
use crate::stats::{Against, Estimate, Unit};

/// Above this, the serial fraction's whole interval says the workers took turns.
pub const TAKING_TURNS: f64 = 0.8;

fn listed(counts: impl IntoIterator<Item = u32>) -> String {
    counts.into_iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ")
}

/// How far the fits reach: what the usable CPUs allowed, where some count lay past them.
pub fn within(fits: &[&SweepFit], past: &[&Past], usable: u32) -> Option<String> {
    if past.is_empty() && fits.iter().all(|f| f.beyond.is_empty()) {
        return None;
    }
    let mut counts: Vec<u32> = past.iter().map(|p| p.workers).collect();
    counts.sort_unstable();
    counts.dedup();
    let waits = fits.iter().any(|f| !f.sweep.needs_cores());
    let waiting = if waits {
        " Work that only waits needs no core while it waits, so its sweeps are fitted at every \
         count."
    } else {
        ""
    };
    Some(format!(
        "This run could use {usable} CPUs at once, so the laws are fitted to work that computes \
         only up to {usable} workers: its counts past that ({}) ran more workers than CPUs, \
         which measures oversubscription, not scaling, and they are in the table above, not in \
         the fits.{waiting}",
        listed(counts)
    ))
}

/// What the oversubscribed points cost, against the largest count within the CPUs.
pub fn oversubscription(past: &[&Past], usable: u32) -> Option<String> {
    let judged: Vec<(&Past, Against)> =
        past.iter().filter_map(|p| Some((*p, p.time_ratio?.against(1.0)))).collect();
    if judged.is_empty() {
        return None;
    }
    let count = |a: Against| judged.iter().filter(|(_, b)| *b == a).count();
    let (slower, faster, unresolved) =
        (count(Against::Above), count(Against::Below), count(Against::Unresolved));
    let mut parts = Vec::new();
    if slower > 0 {
        let worst = judged
            .iter()
            .filter(|(_, a)| *a == Against::Above)
            .filter_map(|(p, _)| Some((*p, p.time_ratio?)))
            .max_by(|a, b| a.1.value.total_cmp(&b.1.value));
        let most = worst.map_or(String::new(), |(p, r)| {
            format!(
                " (the most {r} as long, {} at {} workers against {})",
                p.sweep, p.workers, p.within
            )
        });
        parts.push(format!(
            "{slower} took longer than their sweep's largest count within the CPUs{most}"
        ));
    }
    if unresolved > 0 {
        parts.push(format!("{unresolved} could not be told from it"));
    }
    if faster > 0 {
        parts.push(format!("{faster} ran faster than it"));
    }
    let why = if faster == 0 {
        format!(
            ": workers past {usable} share the same {usable} CPUs, so they add switching, not computing power"
        )
    } else {
        String::new()
    };
    Some(format!(
        "Of the {} points past {usable} workers, {}{why}.",
        judged.len(),
        parts.join(", ")
    ))
}

/// The sweeps without a USL, and the machine that would allow one.
pub fn no_usl(fits: &[&SweepFit], usable: u32) -> Option<String> {
    let bare: Vec<&&SweepFit> = fits.iter().filter(|f| f.usl.is_none()).collect();
    let first = bare.first()?;
    let by_cores = bare.iter().any(|f| !f.beyond.is_empty());
    let counts = listed(first.measured.iter().map(|o| o.workers as u32));
    let mut text = format!(
        "{} of {} sweeps have fewer than {MIN_WORKER_COUNTS} worker counts to fit (such as {}: \
         {counts}), so no Universal Scalability Law is fitted to them: their row gives Amdahl's \
         serial fraction only.",
        bare.len(),
        fits.len(),
        first.sweep
    );
    if by_cores {
        let largest = bare
            .iter()
            .flat_map(|f| f.beyond.iter().copied().chain(std::iter::once(f.largest())))
            .max()
            .unwrap_or(usable);
        let needed = HOLDOUT_WORKER_COUNTS as u32;
        text.push_str(&format!(
            " This machine runs {usable} workers at once; a machine with at least {needed} usable \
             CPUs would allow the USL and its hold-out check over counts 1 to {needed}"
        ));
        if largest > needed {
            text.push_str(&format!(
                ", and one with {largest} would fit every count this run measured"
            ));
        }
        text.push('.');
    }
    Some(text)
}

/// The CPU fits whose serial baseline ran tasks of another length than planned.
pub fn off_baseline(fits: &[&SweepFit], off: &[TaskLength]) -> Option<String> {
    let named: Vec<String> = off
        .iter()
        .filter(|length| {
            fits.iter()
                .any(|f| f.sweep.runtime == length.runtime && f.sweep.scenario == Scenario::Cpu)
        })
        .map(|length| {
            format!(
                "{} ({} ms against {} ms)",
                length.runtime,
                shown(length.realised_ms),
                shown(length.target_ms)
            )
        })
        .collect();
    (!named.is_empty()).then(|| {
        format!(
            "The CPU fits of {} rest on serial tasks that did not last what was planned (see the \
             task lengths under the experiment): the machine ran the loop at another speed then, \
             and every speedup of those sweeps, so their fitted parameters, moves with that \
             baseline; a rerun can give other figures.",
            named.join(", ")
        )
    })
}

/// The USL fits whose kappa the run cannot pin down.
pub fn unpinned(fits: &[&SweepFit]) -> Option<String> {
    let usl: Vec<(&SweepFit, &super::super::Usl)> =
        fits.iter().filter_map(|f| Some((*f, f.usl.as_ref()?))).collect();
    let open: Vec<&(&SweepFit, &super::super::Usl)> = usl
        .iter()
        .filter(|(_, u)| u.kappa.low() <= 0.0 && !u.peak.is_some_and(|p| p.high().is_finite()))
        .collect();
    let largest = open.iter().map(|(f, _)| f.largest()).max().unwrap_or(1);
    let widest = open.iter().map(|(_, u)| u.kappa.high()).fold(0.0, f64::max);
    (!open.is_empty()).then(|| {
        format!(
            "For {} of {} USL fits κ's interval holds 0 (the widest runs to {}): with worker \
             counts up to {largest} this run cannot pin κ down, so whether and where those \
             sweeps would peak is not known.",
            open.len(),
            usl.len(),
            shown(widest)
        )
    })
}

/// The USL fits that peak and fall.
pub fn retrograde(fits: &[&SweepFit]) -> Option<String> {
    let with_usl = fits.iter().filter(|f| f.usl.is_some()).count();
    let falling: Vec<String> = fits
        .iter()
        .filter(|f| f.retrograde())
        .map(|f| match f.usl.as_ref().and_then(|u| u.peak) {
            Some(peak) => format!("{} (N* ≈ {})", f.sweep, shown(peak.value)),
            None => f.sweep.to_string(),
        })
        .collect();
    (!falling.is_empty()).then(|| {
        format!(
            "Retrograde scaling, where κ's interval leaves 0 out, so the speedup peaks and then \
             falls, in {} of {with_usl} USL fits: {}.",
            falling.len(),
            falling.join(", ")
        )
    })
}

/// The sweeps whose workers took turns, with the GIL named only for threads under one.
pub fn taking_turns(fits: &[&SweepFit]) -> Option<String> {
    let turns: Vec<&&SweepFit> =
        fits.iter().filter(|f| f.serial_fraction.low() >= TAKING_TURNS).collect();
    let named: Vec<String> = turns
        .iter()
        .map(|f| format!("{} ({})", f.sweep, f.serial_fraction.shown(Unit::Parameter)))
        .collect();
    let gil = turns.iter().all(|f| {
        f.sweep.executor == ExecutorKind::Threads
            && f.sweep.runtime.has_gil()
            && f.sweep.needs_cores()
    });
    let why = if gil { ", as threads under one GIL do on work that computes" } else { "" };
    (!turns.is_empty()).then(|| {
        format!(
            "The serial fraction's whole interval lies above {TAKING_TURNS} for {}: their \
             workers took turns{why}.",
            named.join(", ")
        )
    })
}

/// The shown predictions too wide to mean anything.
pub fn too_wide(fits: &[&SweepFit]) -> Option<String> {
    let predictions: Vec<Estimate> = fits
        .iter()
        .filter(|f| f.predicts())
        .flat_map(|f| {
            PREDICTED_WORKERS
                .iter()
                .filter(|&&w| w > f.largest() && f.has_work_for(w))
                .filter_map(|&w| f.predict(f64::from(w)))
        })
        .collect();
    let wide = predictions.iter().filter(|p| super::super::fitted::too_wide(p)).count();
    (wide > 0).then(|| {
        format!(
            "{wide} of the {} predictions shown are marked \"too wide\": their interval spans \
             more than a factor of {TOO_WIDE}, so they say only that the law allows anything \
             in it.",
            predictions.len()
        )
    })
}

/// The hold-out checks: how far off, how many landed inside, which predictions are shown.
pub fn holdouts(fits: &[&SweepFit]) -> Option<String> {
    if !fits.iter().any(|f| f.usl.is_some()) {
        return None;
    }
    let checked: Vec<(&SweepFit, super::super::Holdout)> =
        fits.iter().filter_map(|f| Some((*f, f.holdout?))).collect();
    let Some(worst) = checked.iter().max_by(|a, b| a.1.error().abs().total_cmp(&b.1.error().abs()))
    else {
        return Some(format!(
            "No sweep has {HOLDOUT_WORKER_COUNTS} worker counts to fit, so no hold-out check \
             was made, and no prediction is shown: a law that was not checked against a \
             measurement it did not see predicts nothing here."
        ));
    };
    let mut errors: Vec<f64> = checked.iter().map(|(_, h)| 100.0 * h.error().abs()).collect();
    let median = crate::stats::median(&mut errors).unwrap_or(f64::NAN);
    let inside = checked.iter().filter(|(_, h)| h.within()).count();
    let missed: Vec<String> = checked
        .iter()
        .filter(|(_, h)| !h.within())
        .map(|(f, h)| format!("{} ({:+.0}% at {})", f.sweep, 100.0 * h.error(), h.workers))
        .collect();
    let shown_note = if missed.is_empty() {
        " Every checked sweep's predictions are shown.".to_string()
    } else {
        format!(
            " The law missed its own held-out point for {}, so those sweeps' predictions are \
             not shown.",
            missed.join(", ")
        )
    };
    Some(format!(
        "Hold-out check: each sweep was fitted again without its largest worker count and \
         predicted it. The median error was {median:.0}% (the largest {:+.0}%, {} at {} \
         workers); the measured speedup lay inside the predicted interval in {inside} of {}.\
         {shown_note}",
        100.0 * worst.1.error(),
        worst.0.sweep,
        worst.1.workers,
        checked.len()
    ))
}
