//! The two scaling laws on one sweep's speedups, as plain numbers.
//!
//! Gunther's Universal Scalability Law gives the speedup on `n` workers as
//! `n / (1 + sigma (n - 1) + kappa n (n - 1))`: `sigma` is the share of the work that
//! queues for something one at a time (contention), `kappa` the cost of keeping workers
//! coherent with one another, which grows with every pair of them. Amdahl's law is the same
//! curve with `kappa = 0`, `sigma` being the serial fraction. Both are linear in their
//! parameters once rewritten as `n / S - 1 = sigma (n - 1) + kappa n (n - 1)`, so a fit is a
//! least-squares solve in closed form. Each point is weighted by `(S^2 / n)^2`, the square of
//! d S / d(n / S), so the fit minimises (to first order) the misfit of the speedups
//! themselves, not of their transform, which would let the largest worker count dominate.
//!
//! The parameters are bounded as the law means them: `0 <= sigma <= 1`, `kappa >= 0`. A box
//! constrained convex quadratic has its minimum inside the box or on one of its faces, so
//! [`fit`] solves the free problem and each face and keeps the best feasible answer.

/// A speedup measured (or drawn) at a worker count.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed {
    /// Workers.
    pub workers: f64,
    /// Serial time over the pool's time.
    pub speedup: f64,
}

/// The fitted parameters of the Universal Scalability Law (Amdahl's when `kappa` is 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Law {
    /// Contention: the serial fraction.
    pub sigma: f64,
    /// Coherency: the pairwise cost.
    pub kappa: f64,
}

/// Which law a fit uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Model {
    /// `kappa` held at 0: only a serial fraction.
    Amdahl,
    /// `sigma` and `kappa`.
    Usl,
}

impl Law {
    /// The speedup the law predicts on `workers` workers.
    pub fn speedup(&self, workers: f64) -> f64 {
        workers / (1.0 + self.sigma * (workers - 1.0) + self.kappa * workers * (workers - 1.0))
    }

    /// The worker count of the highest speedup, `sqrt((1 - sigma) / kappa)` and at least one
    /// worker, when `kappa > 0` (without coherency cost the speedup never falls).
    pub fn peak_workers(&self) -> Option<f64> {
        (self.kappa > 0.0).then(|| ((1.0 - self.sigma).max(0.0) / self.kappa).sqrt().max(1.0))
    }
}

/// The Karp-Flatt metric at `workers` > 1: the serial fraction that alone would explain
/// `speedup`, `(1 / S - 1 / n) / (1 - 1 / n)`. A fraction that grows with `n` points at
/// overhead that grows with the pool, not at a fixed serial part.
pub fn karp_flatt(workers: f64, speedup: f64) -> Option<f64> {
    (workers > 1.0 && speedup > 0.0)
        .then(|| (1.0 / speedup - 1.0 / workers) / (1.0 - 1.0 / workers))
}

/// The sums of the weighted normal equations.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    x1x1: f64,
    x1x2: f64,
    x2x2: f64,
    x1y: f64,
    x2y: f64,
}

fn sums(points: &[Observed]) -> Sums {
    let mut s = Sums::default();
    for p in points.iter().filter(|p| p.workers > 1.0 && p.speedup > 0.0) {
        let n = p.workers;
        let (x1, x2, y) = (n - 1.0, n * (n - 1.0), n / p.speedup - 1.0);
        let w = (p.speedup * p.speedup / n).powi(2);
        s.x1x1 += w * x1 * x1;
        s.x1x2 += w * x1 * x2;
        s.x2x2 += w * x2 * x2;
        s.x1y += w * x1 * y;
        s.x2y += w * x2 * y;
    }
    s
}

/// The weighted squared misfit of `law` in the transformed space, up to a constant.
fn misfit(s: &Sums, law: &Law) -> f64 {
    let (a, b) = (law.sigma, law.kappa);
    a * a * s.x1x1 + 2.0 * a * b * s.x1x2 + b * b * s.x2x2 - 2.0 * a * s.x1y - 2.0 * b * s.x2y
}

/// The best `kappa >= 0` with `sigma` held.
fn kappa_given(s: &Sums, sigma: f64) -> f64 {
    if s.x2x2 > 0.0 { ((s.x2y - sigma * s.x1x2) / s.x2x2).max(0.0) } else { 0.0 }
}

/// The best `0 <= sigma <= 1` with `kappa` held.
fn sigma_given(s: &Sums, kappa: f64) -> f64 {
    if s.x1x1 > 0.0 { ((s.x1y - kappa * s.x1x2) / s.x1x1).clamp(0.0, 1.0) } else { 0.0 }
}

/// Fits `model` to `points` (those at one worker carry no information: the law is 1 there).
/// `None` without a point past one worker.
pub fn fit(points: &[Observed], model: Model) -> Option<Law> {
    let s = sums(points);
    if s.x1x1 <= 0.0 {
        return None;
    }
    let amdahl = Law { sigma: sigma_given(&s, 0.0), kappa: 0.0 };
    if model == Model::Amdahl {
        return Some(amdahl);
    }
    let mut candidates = vec![
        amdahl,
        Law { sigma: 0.0, kappa: kappa_given(&s, 0.0) },
        Law { sigma: 1.0, kappa: kappa_given(&s, 1.0) },
    ];
    let det = s.x1x1 * s.x2x2 - s.x1x2 * s.x1x2;
    if det.abs() > f64::EPSILON * s.x1x1 * s.x2x2 {
        let sigma = (s.x1y * s.x2x2 - s.x2y * s.x1x2) / det;
        let kappa = (s.x2y * s.x1x1 - s.x1y * s.x1x2) / det;
        if (0.0..=1.0).contains(&sigma) && kappa >= 0.0 {
            candidates.push(Law { sigma, kappa });
        }
    }
    candidates.into_iter().min_by(|a, b| misfit(&s, a).total_cmp(&misfit(&s, b)))
}

/// The root-mean-square difference between `law`'s speedups and the observed ones.
pub fn residual(points: &[Observed], law: &Law) -> f64 {
    let n = points.len().max(1) as f64;
    (points.iter().map(|p| (law.speedup(p.workers) - p.speedup).powi(2)).sum::<f64>() / n).sqrt()
}
