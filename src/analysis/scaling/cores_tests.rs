//! The fits against the machine's usable CPUs: work that computes is fitted only within
//! them, the points past them are oversubscription, predictions are shown only where the
//! hold-out check landed inside, and the sentences name a cause only where its numbers hold.

use super::sentences::view;
use super::*;

const CPU: Sweep = Sweep {
    runtime: Runtime::RustGil,
    executor: ExecutorKind::Processes,
    scenario: Scenario::Cpu,
    variant: Variant::Plain,
};

/// Per-repeat speedups that follow `speedup(n)`, each with log-normal noise of `cv`.
fn sweep_of(speedup: impl Fn(f64) -> f64, workers: &[u32], cv: f64, seed: u64) -> Ratios {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut noise = || {
        let u = rng.f64().max(f64::MIN_POSITIVE);
        (cv * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * rng.f64()).cos()).exp()
    };
    let mut ratios = Ratios::new();
    for repeat in 0..8 {
        for &n in workers {
            let value = speedup(f64::from(n)) * noise();
            ratios.entry(n).or_default().push((repeat, value));
        }
    }
    ratios
}

/// Processes with no serial part on a 2-CPU machine: linear to 2 workers, flat after.
fn flat_past_two(seed: u64) -> Ratios {
    sweep_of(|n| n.min(2.0), &[1, 2, 3, 4], 0.03, seed)
}

#[test]
fn work_that_computes_is_fitted_within_the_usable_cpus_only() {
    for seed in 0..10 {
        let ratios = flat_past_two(seed);
        let everything = fit_sweep(CPU, &ratios, 200).expect("a fit");
        let old = everything.serial_fraction;
        assert!(old.value >= 0.2, "fitted past the cores, the ceiling reads as serial: {old}");
        let fit = fit_within(CPU, &ratios, 2, 200).expect("a fit within 2 CPUs");
        assert_eq!(fit.largest(), 2);
        assert_eq!(fit.beyond, vec![3, 4]);
        assert!(fit.serial_fraction.value < 0.1, "seed {seed}: {}", fit.serial_fraction);
        assert!(fit.usl.is_none() && !fit.predicts(), "two counts fit no USL: {fit:?}");
    }
}

#[test]
fn waiting_needs_no_core_so_every_count_is_fitted() {
    let io = Sweep { scenario: Scenario::Io, ..CPU };
    let ratios = sweep_of(|n| n, &[1, 2, 4, 8], 0.02, 1);
    let fit = fit_within(io, &ratios, 2, 200).expect("a fit");
    assert_eq!((fit.largest(), fit.beyond.len()), (8, 0));
    assert!(fit.usl.is_some() && fit.holdout.is_some());
    assert!(oversubscribed::points(io, &ratios, 2).is_empty());
}

#[test]
fn points_past_the_cpus_are_set_against_the_largest_count_within() {
    let ratios = sweep_of(
        |n| if n <= 2.0 { n } else { 2.0 / (1.0 + 0.1 * (n - 2.0)) },
        &[1, 2, 4, 8],
        0.01,
        3,
    );
    let past = oversubscribed::points(CPU, &ratios, 2);
    assert_eq!(past.iter().map(|p| (p.workers, p.within)).collect::<Vec<_>>(), [(4, 2), (8, 2)]);
    let eight = past[1].time_ratio.expect("paired");
    assert!((eight.value - 1.6).abs() < 0.1, "8 workers take 1.6x as long: {eight}");
    let scaling =
        Scaling { usable: 2, fits: vec![fit_within(CPU, &ratios, 2, 200).expect("fit")], past };
    let shown = view(&scaling, &[]).expect("a view");
    assert_eq!(shown.past_workers, [4, 8]);
    let said = shown.sentences.join(" ");
    assert!(said.contains("2 took longer") && said.contains("add switching"), "{said}");
}

#[test]
fn a_law_that_missed_its_hold_out_predicts_nothing() {
    // Amdahl up to 8 workers, then a collapse at 16 the law cannot foresee.
    let collapse = |n: f64| if n < 16.0 { n / (1.0 + 0.05 * (n - 1.0)) } else { 2.0 };
    let ratios = sweep_of(collapse, &[1, 2, 4, 8, 16], 0.02, 5);
    let fit = fit_within(CPU, &ratios, 64, 200).expect("a fit");
    let holdout = fit.holdout.expect("five counts");
    assert!(!holdout.within() && !fit.predicts(), "{holdout:?}");
    let scaling = Scaling { usable: 64, fits: vec![fit], past: Vec::new() };
    let shown = view(&scaling, &[]).expect("a view");
    assert!(shown.predictions[0].predicted.iter().all(|p| p == "not shown" || p == "measured"));
    let said = shown.sentences.join(" ");
    assert!(said.contains("missed its own held-out point"), "{said}");
}

#[test]
fn a_law_whose_hold_out_landed_inside_shows_its_predictions() {
    let law = law::Law { sigma: 0.05, kappa: 0.0005 };
    let ratios = sweep_of(|n| law.speedup(n), &[1, 2, 4, 8, 16], 0.02, 7);
    let fit = fit_within(CPU, &ratios, 16, 200).expect("a fit");
    assert!(fit.predicts(), "{:?}", fit.holdout);
    let scaling = Scaling { usable: 16, fits: vec![fit.clone()], past: Vec::new() };
    let shown = view(&scaling, &[]).expect("a view");
    let [row] = shown.predictions.as_slice() else { panic!("one row") };
    assert!(row.predicted.iter().any(|p| p.contains('[') && p.contains("x")), "{row:?}");
    // With 32 tasks, 64 and 128 workers would have nothing to do: no prediction there.
    let fit = SweepFit { tasks: Some(32), ..fit };
    let scaling = Scaling { usable: 16, fits: vec![fit], past: Vec::new() };
    let shown = view(&scaling, &[]).expect("a view");
    assert_eq!(shown.predictions[0].predicted[1..], ["past its 32 tasks", "past its 32 tasks"]);
}

#[test]
fn workers_that_take_turns_blame_the_gil_only_for_threads_under_one() {
    let serial = sweep_of(|_| 1.0, &[1, 2], 0.01, 9);
    let said = |sweep: Sweep| {
        let scaling = Scaling {
            usable: 2,
            fits: vec![fit_sweep(sweep, &serial, 200).expect("fit")],
            past: Vec::new(),
        };
        view(&scaling, &[]).expect("a view").sentences.join(" ")
    };
    let gil_threads = Sweep { executor: ExecutorKind::Threads, ..CPU };
    assert!(said(gil_threads).contains("as threads under one GIL do"), "{}", said(gil_threads));
    let native = Sweep { runtime: Runtime::Rust, executor: ExecutorKind::Threads, ..CPU };
    let text = said(native);
    assert!(text.contains("took turns") && !text.contains("GIL"), "{text}");
    assert!(!said(CPU).contains("GIL"), "processes have a lock each");
}
