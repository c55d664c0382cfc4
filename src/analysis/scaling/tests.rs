use super::law::{self, Law, Model, Observed};
use super::*;
use crate::point::Variant;

const SWEEP: Sweep = Sweep {
    runtime: Runtime::Rust,
    executor: ExecutorKind::Processes,
    scenario: Scenario::Cpu,
    variant: Variant::Plain,
};

/// A standard normal draw (Box-Muller).
fn normal(rng: &mut fastrand::Rng) -> f64 {
    let u = rng.f64().max(f64::MIN_POSITIVE);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * rng.f64()).cos()
}

/// Per-repeat speedups of a synthetic sweep that follows `truth`, each time measured with
/// log-normal noise of `cv`, the serial baseline drawn once per repeat as in a real run.
fn synthetic(truth: Law, workers: &[u32], repeats: u32, cv: f64, seed: u64) -> Ratios {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut ratios = Ratios::new();
    for repeat in 0..repeats {
        let serial = (cv * normal(&mut rng)).exp();
        for &n in workers {
            let time = (cv * normal(&mut rng)).exp() / truth.speedup(f64::from(n));
            ratios.entry(n).or_default().push((repeat, serial / time));
        }
    }
    ratios
}

fn observed(law: Law, workers: &[u32]) -> Vec<Observed> {
    workers
        .iter()
        .map(|&n| Observed { workers: f64::from(n), speedup: law.speedup(f64::from(n)) })
        .collect()
}

#[test]
fn exact_data_gives_back_the_parameters_of_either_law() {
    let workers = [1, 2, 4, 8, 16, 32];
    for truth in [
        Law { sigma: 0.05, kappa: 0.001 },
        Law { sigma: 0.3, kappa: 0.0 },
        Law { sigma: 0.0, kappa: 0.02 },
        Law { sigma: 1.0, kappa: 0.0 },
    ] {
        let fit = law::fit(&observed(truth, &workers), Model::Usl).expect("a fit");
        assert!((fit.sigma - truth.sigma).abs() < 1e-9, "{fit:?} != {truth:?}");
        assert!((fit.kappa - truth.kappa).abs() < 1e-9, "{fit:?} != {truth:?}");
        assert!(law::residual(&observed(truth, &workers), &fit) < 1e-9);
    }
    let amdahl = Law { sigma: 0.25, kappa: 0.0 };
    let fit = law::fit(&observed(amdahl, &workers), Model::Amdahl).expect("a fit");
    assert!((fit.sigma - 0.25).abs() < 1e-9 && fit.kappa == 0.0);
}

#[test]
fn the_parameters_stay_inside_the_laws_bounds() {
    // Faster than linear (sigma would be negative) and slower than serial (above 1).
    let superlinear = [(2.0, 2.2), (4.0, 4.6), (8.0, 9.0)];
    let retrograde = [(2.0, 0.9), (4.0, 0.7), (8.0, 0.5)];
    for data in [superlinear, retrograde] {
        let points: Vec<Observed> =
            data.iter().map(|&(workers, speedup)| Observed { workers, speedup }).collect();
        let fit = law::fit(&points, Model::Usl).expect("a fit");
        assert!((0.0..=1.0).contains(&fit.sigma) && fit.kappa >= 0.0, "{fit:?}");
    }
    assert_eq!(law::fit(&[Observed { workers: 1.0, speedup: 1.0 }], Model::Usl), None);
}

#[test]
fn the_peak_and_karp_flatt_follow_their_formulas() {
    let law = Law { sigma: 0.1, kappa: 0.001 };
    let peak = law.peak_workers().expect("a peak");
    assert!((peak - (0.9_f64 / 0.001).sqrt()).abs() < 1e-9);
    assert!(
        law.speedup(peak) > law.speedup(peak - 1.0) && law.speedup(peak) > law.speedup(peak + 1.0)
    );
    assert_eq!(Law { sigma: 0.1, kappa: 0.0 }.peak_workers(), None);
    // Karp-Flatt of an Amdahl speedup is its serial fraction at every count.
    let amdahl = Law { sigma: 0.2, kappa: 0.0 };
    for n in [2.0, 4.0, 16.0] {
        let e = law::karp_flatt(n, amdahl.speedup(n)).expect("a fraction");
        assert!((e - 0.2).abs() < 1e-9, "{n}: {e}");
    }
    assert_eq!(law::karp_flatt(1.0, 1.0), None);
}

/// How often the intervals of `seeds` synthetic sweeps of `truth` hold each true value:
/// (sigma, kappa).
/// An interval that always held everything would pass, so the widest sigma interval is also
/// bounded: the intervals must be informative as well as right.
fn coverage(truth: Law, workers: &[u32], seeds: u64) -> (f64, f64) {
    let (mut sigma, mut kappa) = (0, 0);
    let mut widest: f64 = 0.0;
    for seed in 0..seeds {
        let ratios = synthetic(truth, workers, 10, 0.05, seed);
        let fit = fit_sweep(SWEEP, &ratios, 400).expect("a fit");
        let usl = fit.usl.expect("a USL");
        let holds = |f: Estimate, value: f64| f.low() - 1e-12 <= value && value <= f.high() + 1e-12;
        sigma += usize::from(holds(usl.sigma, truth.sigma));
        kappa += usize::from(holds(usl.kappa, truth.kappa));
        widest = widest.max(usl.sigma.high() - usl.sigma.low());
    }
    assert!(widest < 0.25, "{truth:?}: a sigma interval {widest} wide says nothing");
    (sigma as f64 / seeds as f64, kappa as f64 / seeds as f64)
}

/// The stated level less what 60 seeded sweeps and a percentile bootstrap on 10 repeats can
/// be expected to miss it by.
const COVERAGE_TOLERANCE: f64 = 0.12;

#[test]
fn bootstrap_intervals_hold_the_true_parameters_at_about_their_level() {
    let workers = [1, 2, 4, 8, 16, 32];
    for truth in [Law { sigma: 0.05, kappa: 0.0005 }, Law { sigma: 0.2, kappa: 0.002 }] {
        let (sigma, kappa) = coverage(truth, &workers, 60);
        eprintln!("{truth:?}: sigma {sigma:.2}, kappa {kappa:.2}");
        assert!(sigma >= LEVEL - COVERAGE_TOLERANCE, "{truth:?}: sigma covered {sigma}");
        assert!(kappa >= LEVEL - COVERAGE_TOLERANCE, "{truth:?}: kappa covered {kappa}");
    }
}

#[test]
fn amdahl_data_keeps_kappa_at_zero_and_finds_its_serial_fraction() {
    let truth = Law { sigma: 0.1, kappa: 0.0 };
    let (sigma, kappa) = coverage(truth, &[1, 2, 4, 8, 16], 60);
    assert!(sigma >= LEVEL - COVERAGE_TOLERANCE, "sigma covered {sigma}");
    assert!(kappa >= LEVEL - COVERAGE_TOLERANCE, "kappa covered {kappa}");
    let fit =
        fit_sweep(SWEEP, &synthetic(truth, &[1, 2, 4, 8, 16], 10, 0.05, 7), 400).expect("a fit");
    assert!(!fit.retrograde(), "{:?}", fit.usl);
    assert!(
        fit.serial_fraction.low() <= 0.1 && 0.1 <= fit.serial_fraction.high(),
        "{}",
        fit.serial_fraction
    );
}

#[test]
fn retrograde_data_is_named_and_its_peak_is_bounded() {
    // Peak at sqrt(0.95 / 0.01) = 9.7 workers: measured past it, the fall is plain.
    let truth = Law { sigma: 0.05, kappa: 0.01 };
    let mut found = 0;
    for seed in 0..20 {
        let fit = fit_sweep(SWEEP, &synthetic(truth, &[1, 2, 4, 8, 16, 32], 10, 0.05, seed), 400)
            .expect("a fit");
        let peak = fit.usl.as_ref().and_then(|u| u.peak).expect("a peak");
        if fit.retrograde() && peak.low() <= 9.75 && 9.75 <= peak.high() && peak.high().is_finite()
        {
            found += 1;
        }
    }
    assert!(found >= 17, "retrograde with a bounded peak in {found} of 20");
}

#[test]
fn the_holdout_predicts_the_largest_count_from_the_others() {
    let truth = Law { sigma: 0.05, kappa: 0.0005 };
    let fit =
        fit_sweep(SWEEP, &synthetic(truth, &[1, 2, 4, 8, 16], 10, 0.03, 3), 400).expect("a fit");
    let holdout = fit.holdout.expect("five counts have a hold-out");
    assert_eq!(holdout.workers, 16);
    assert!(holdout.error().abs() < 0.15, "error {}", holdout.error());
    let three = fit_sweep(SWEEP, &synthetic(truth, &[1, 2, 4], 10, 0.03, 3), 400).expect("a fit");
    assert_eq!(three.holdout, None, "three counts leave two to fit: no hold-out");
    assert!(!three.predicts(), "an unchecked law predicts nothing");
    let two = fit_sweep(SWEEP, &synthetic(truth, &[1, 2], 10, 0.03, 3), 400).expect("Amdahl");
    assert!(two.usl.is_none() && two.holdout.is_none(), "{two:?}");
    assert_eq!(fit_sweep(SWEEP, &synthetic(truth, &[2], 10, 0.03, 3), 400), None);
}

#[test]
fn a_fit_is_the_same_every_time() {
    let ratios = synthetic(Law { sigma: 0.1, kappa: 0.001 }, &[1, 2, 4, 8], 6, 0.1, 11);
    assert_eq!(fit_sweep(SWEEP, &ratios, 200), fit_sweep(SWEEP, &ratios, 200));
}

#[test]
fn fitted_values_print_in_two_significant_digits() {
    let f = Estimate::with_interval(0.0123, 0.004, f64::INFINITY, LEVEL, 100);
    assert_eq!(f.shown(crate::stats::Unit::Parameter), "0.012 [0.0040, unbounded]");
    assert!(fitted::too_wide(&f));
    assert!(!fitted::too_wide(&Estimate::with_interval(10.0, 9.0, 12.0, LEVEL, 100)));
}

#[test]
fn an_estimate_always_sits_inside_its_interval() {
    let mut draws = vec![2.0, 2.5, 3.0, 3.5];
    let fitted = fitted::of(1.0, &mut draws);
    assert!(fitted.low() <= 1.0 && 1.0 <= fitted.high(), "{fitted:?}");
    for seed in 0..30 {
        let ratios = synthetic(Law { sigma: 0.3, kappa: 0.01 }, &[1, 2, 4, 8], 4, 0.2, seed);
        let Some(fit) = fit_sweep(SWEEP, &ratios, 200) else { continue };
        let usl = fit.usl.clone().expect("a USL");
        let predicted = fit.predict(64.0).expect("a prediction");
        for f in [usl.sigma, usl.kappa, fit.serial_fraction, predicted] {
            assert!(f.low() <= f.value && f.value <= f.high(), "seed {seed}: {f:?}");
        }
    }
}

#[test]
fn the_report_names_cpu_fits_whose_baseline_ran_other_tasks_than_planned() {
    let fit =
        fit_sweep(SWEEP, &synthetic(Law { sigma: 0.1, kappa: 0.001 }, &[1, 2, 4], 5, 0.02, 1), 200)
            .expect("a fit");
    let length = |runtime, realised_ms| crate::results::task_length::TaskLength {
        runtime,
        target_ms: 20.0,
        realised_ms,
        realised_low_ms: None,
        realised_high_ms: None,
        iterations: 1000,
        repeats: 5,
    };
    let fits = Scaling { usable: 2, fits: vec![fit], past: Vec::new() };
    let quiet = sentences::view(&fits, &[]).expect("a view");
    assert!(!quiet.sentences.iter().any(|s| s.contains("did not last what was planned")));
    let off = [length(Runtime::Rust, 15.0), length(Runtime::RustGil, 30.0)];
    let noisy = sentences::view(&fits, &off).expect("a view");
    let named: Vec<&String> =
        noisy.sentences.iter().filter(|s| s.contains("did not last what was planned")).collect();
    assert_eq!(named.len(), 1, "{:?}", noisy.sentences);
    assert!(named[0].contains("rust (15 ms against 20 ms)"), "{}", named[0]);
    assert!(
        !named[0].contains("rust-gil"),
        "a runtime without a CPU fit is not named: {}",
        named[0]
    );
}
