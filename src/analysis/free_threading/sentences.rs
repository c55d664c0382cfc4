//! What a free-threaded build's price says, in sentences chosen by the intervals: a
//! slowdown is claimed only where its interval leaves 1 out, an overtaking point only where
//! the threads' interval lies above the processes', and a GIL that came back is named with
//! the count of tasks that saw it.

use super::{BuildPrice, GilFlags, Standing};
use crate::analysis::stats::{Against, Estimate};

/// The sentences of `price`, in the order the report gives them.
pub(super) fn sentences(price: &BuildPrice, flags: &GilFlags) -> Vec<String> {
    let mut out = vec![slowdown(price)];
    out.extend(forced(price));
    out.extend(overtaking(price));
    out.extend(gil_flags(price, flags));
    out
}

/// "12.3% [8.1, 15.0]": how much longer a ratio of times is than 1, with its interval.
fn percent_longer(ratio: &Estimate) -> String {
    ratio.map(|x| x - 1.0).shown(crate::stats::Unit::Percent)
}

fn slowdown(price: &BuildPrice) -> String {
    let (build, Some(gil)) = (price.build, price.gil_build) else {
        let tag = price.build.python_tag().map(|t| t.build().to_string()).unwrap_or_default();
        let minor = tag.trim_end_matches('t');
        return format!(
            "No GIL build of CPython {minor} was measured beside {}, so the build's single-thread price is not known here; the speedups below are against {}'s own one worker (add a GIL build of {minor} with --python).",
            price.build, price.build
        );
    };
    let Some(s) = price.slowdown else {
        return format!(
            "{build} or {gil} has no serial CPU measurement, so the single-thread price is not known here."
        );
    };
    match s.against(1.0) {
        Against::Above => format!(
            "One worker of {build} takes {s} as long per iteration as one of {gil}: the free-threaded build's single-thread price on this machine is {} longer.",
            percent_longer(&s)
        ),
        Against::Below => format!(
            "One worker of {build} takes {s} as long per iteration as one of {gil}: here the free-threaded build was faster alone, not slower."
        ),
        Against::Unresolved => format!(
            "One worker of {build} and one of {gil} could not be told apart ({s} the time per iteration): no single-thread price shows at this noise."
        ),
    }
}

fn forced(price: &BuildPrice) -> Option<String> {
    let forced = price.forced?;
    let ratio = price.forced_over_free?;
    let lead = format!(
        "{forced} is the same build started with PYTHON_GIL=1: one worker takes {ratio} as long per iteration as with the GIL off"
    );
    Some(match ratio.against(1.0) {
        Against::Unresolved => format!(
            "{lead}, which this run cannot tell from 1, so the single-thread price belongs to the build, not to the lock."
        ),
        Against::Above => {
            format!("{lead}: the lock itself costs one thread {}.", percent_longer(&ratio))
        }
        Against::Below => format!("{lead}: one thread runs faster with the lock on."),
    })
}

fn overtaking(price: &BuildPrice) -> Option<String> {
    let gil = price.gil_build?;
    let build = price.build;
    Some(match super::standing(price)? {
        Standing::Overtakes { workers, ratio } => format!(
            "{build}'s threads overtake {gil}'s processes from {workers} workers ({ratio} their rate): from there the free-threaded build's threads compute more per second than a GIL build's best pool."
        ),
        Standing::Behind { workers, ratio } => format!(
            "{build}'s threads did not overtake {gil}'s processes at any worker count measured: at {workers} workers they computed {ratio} as much per second."
        ),
        Standing::Unresolved { workers, ratio } => {
            let counts: Vec<String> = workers.iter().map(u32::to_string).collect();
            format!(
                "{build}'s threads and {gil}'s processes could not be told apart at {} workers (at {}: {ratio} the rate), and were never ahead, so this run names no overtaking point.",
                counts.join(", "),
                counts.last().map_or("", String::as_str)
            )
        }
    })
}

fn gil_flags(price: &BuildPrice, flags: &GilFlags) -> Vec<String> {
    let build = price.build;
    let mut out = Vec::new();
    let (back, said) = flags.came_back;
    if back > 0 {
        out.push(format!(
            "The GIL came back in {build}: {back} of {said} tasks saw sys._is_gil_enabled() true in their worker (an extension module that does not declare itself safe without it, or PYTHON_GIL in the environment), so those tasks measured a GIL, not a free-threaded build."
        ));
    }
    if price.forced.is_none() && back == 0 && said > 0 {
        out.push(format!(
            "Every task checked sys._is_gil_enabled() in its worker: the GIL stayed off in all {said} of {build}'s."
        ));
    }
    if let Some(forced) = price.forced {
        let (off, forced_said) = flags.stayed_off;
        if off > 0 {
            out.push(format!(
                "PYTHON_GIL=1 did not turn the lock on in {forced}: {off} of {forced_said} tasks saw it off."
            ));
        } else if back == 0 && said > 0 && forced_said > 0 {
            out.push(format!(
                "Every task checked sys._is_gil_enabled() in its worker: the GIL stayed off in all {said} of {build}'s and was on in all {forced_said} of {forced}'s."
            ));
        }
    }
    out
}
