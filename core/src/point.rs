//! One measurement point, spelled once: who runs ([`Runtime`]), on which pool
//! ([`ExecutorKind`]), which workload ([`Scenario`]) in which variant (plain, a compute
//! fraction or a payload size) and with how many workers. [`Point`] is the only key the
//! layers above use: the plan's steps, the adaptive rounds, the summary, the findings and the
//! choice guide all group and look up by it, and it prints itself the one way labels read
//! ("rust-gil threads mixed cpu=0.5 workers=4").
//!
//! A compute fraction is kept in thousandths, so it is exact as a key; a point cannot hold
//! both a fraction and a payload size ([`Variant`] is one or the other).

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::model::{ExecutorKind, Runtime, Scenario};

/// A compute fraction from 0 to 1 in whole thousandths: exact, ordered and hashable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Milli(u16);

impl Milli {
    /// The fraction `fraction` (0 to 1, a whole number of thousandths), or `None`.
    pub fn from_fraction(fraction: f64) -> Option<Self> {
        let thousandths = fraction * 1000.0;
        let rounded = thousandths.round();
        let whole = (thousandths - rounded).abs() <= 1e-6;
        ((0.0..=1000.0).contains(&rounded) && whole).then_some(Milli(rounded as u16))
    }

    /// The fraction as a number from 0 to 1 (the nearest f64 to the decimal).
    pub fn fraction(self) -> f64 {
        f64::from(self.0) / 1000.0
    }
}

impl fmt::Display for Milli {
    /// Like the decimal it stands for: "0.25", "1", "0".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.fraction())
    }
}

/// What tells points of one scenario apart besides their executor and workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Variant {
    /// Nothing: the cpu, io and convoy scenarios.
    #[default]
    Plain,
    /// The fraction of each mixed task's time spent computing.
    Fraction(Milli),
    /// The bytes each payload task takes and gives back.
    Payload(u64),
}

/// Why a point could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PointError {
    /// Both a compute fraction and a payload size.
    #[error("a point has a compute fraction ({fraction}) or a payload size ({bytes} B), not both")]
    Both {
        /// The fraction.
        fraction: f64,
        /// The size.
        bytes: u64,
    },
    /// A fraction outside 0..=1 or not a whole number of thousandths.
    #[error("compute fraction {0} is not between 0 and 1 in steps of 0.001")]
    Fraction(f64),
}

impl Variant {
    /// The variant of a row's optional fraction and size.
    pub fn new(cpu_fraction: Option<f64>, payload_bytes: Option<u64>) -> Result<Self, PointError> {
        match (cpu_fraction, payload_bytes) {
            (None, None) => Ok(Variant::Plain),
            (Some(fraction), None) => Milli::from_fraction(fraction)
                .map(Variant::Fraction)
                .ok_or(PointError::Fraction(fraction)),
            (None, Some(bytes)) => Ok(Variant::Payload(bytes)),
            (Some(fraction), Some(bytes)) => Err(PointError::Both { fraction, bytes }),
        }
    }

    /// The variant as the tables' columns hold it: (cpu_fraction, payload_bytes), the
    /// inverse of [`Variant::new`]. The match is exhaustive, so a new variant cannot reach a
    /// table without a column of its own.
    pub fn columns(self) -> (Option<f64>, Option<u64>) {
        match self {
            Variant::Plain => (None, None),
            Variant::Fraction(milli) => (Some(milli.fraction()), None),
            Variant::Payload(bytes) => (None, Some(bytes)),
        }
    }

    /// The compute fraction of a mixed point.
    pub fn cpu_fraction(self) -> Option<f64> {
        self.columns().0
    }

    /// The payload size of a payload point.
    pub fn payload_bytes(self) -> Option<u64> {
        self.columns().1
    }
}

impl fmt::Display for Variant {
    /// What labels add after the scenario: "", " cpu=0.5", " bytes=65536".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Variant::Plain => Ok(()),
            Variant::Fraction(milli) => write!(f, " cpu={milli}"),
            Variant::Payload(bytes) => write!(f, " bytes={bytes}"),
        }
    }
}

/// One measurement point: every measurement of a run belongs to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Point {
    /// Who runs the tasks.
    pub runtime: Runtime,
    /// Which pool (serial for the baseline).
    pub executor: ExecutorKind,
    /// Which workload.
    pub scenario: Scenario,
    /// Plain, a compute fraction or a payload size.
    pub variant: Variant,
    /// Workers in the pool (1 for serial).
    pub workers: u32,
}

impl Point {
    /// The same point measured by another executor.
    pub fn with_executor(self, executor: ExecutorKind) -> Self {
        Point { executor, ..self }
    }

    /// The same point at another worker count.
    pub fn with_workers(self, workers: u32) -> Self {
        Point { workers, ..self }
    }

    /// The serial baseline this point's speedup is measured against: one worker in series.
    pub fn baseline(self) -> Self {
        Point { executor: ExecutorKind::Serial, workers: 1, ..self }
    }

    /// The compute fraction of a mixed point.
    pub fn cpu_fraction(self) -> Option<f64> {
        self.variant.cpu_fraction()
    }

    /// The payload size of a payload point.
    pub fn payload_bytes(self) -> Option<u64> {
        self.variant.payload_bytes()
    }
}

impl Serialize for Point {
    /// Flat, as the tables spell a point: runtime, executor, scenario, cpu_fraction,
    /// payload_bytes, workers.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = serializer.serialize_struct("Point", 6)?;
        fields.serialize_field("runtime", &self.runtime)?;
        fields.serialize_field("executor", &self.executor)?;
        fields.serialize_field("scenario", &self.scenario)?;
        fields.serialize_field("cpu_fraction", &self.cpu_fraction())?;
        fields.serialize_field("payload_bytes", &self.payload_bytes())?;
        fields.serialize_field("workers", &self.workers)?;
        fields.end()
    }
}

impl fmt::Display for Point {
    /// "rust-gil threads mixed cpu=0.5 workers=4".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}{} workers={}",
            self.runtime, self.executor, self.scenario, self.variant, self.workers
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_are_whole_thousandths_and_print_as_their_decimal() {
        for (fraction, text) in
            [(0.0, "0"), (0.25, "0.25"), (0.5, "0.5"), (1.0, "1"), (0.333, "0.333")]
        {
            let milli = Milli::from_fraction(fraction).expect("a fraction");
            assert_eq!(milli.fraction(), fraction);
            assert_eq!(milli.to_string(), text);
        }
        for bad in [-0.001, 1.001, 0.3333, f64::NAN, f64::INFINITY] {
            assert_eq!(Milli::from_fraction(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_point_has_a_fraction_or_a_size_never_both() {
        assert_eq!(Variant::new(None, None), Ok(Variant::Plain));
        assert_eq!(Variant::new(None, Some(64)).map(Variant::payload_bytes), Ok(Some(64)));
        assert_eq!(Variant::new(Some(0.75), None).map(Variant::cpu_fraction), Ok(Some(0.75)));
        assert!(matches!(Variant::new(Some(0.5), Some(1)), Err(PointError::Both { .. })));
        assert!(matches!(Variant::new(Some(2.0), None), Err(PointError::Fraction(_))));
        for variant in
            [Variant::Plain, Variant::Payload(8), Variant::new(Some(0.25), None).expect("v")]
        {
            let (fraction, bytes) = variant.columns();
            assert_eq!(Variant::new(fraction, bytes), Ok(variant), "columns and back");
        }
    }

    #[test]
    fn points_print_as_labels_read() {
        let point = Point {
            runtime: Runtime::RustGil,
            executor: ExecutorKind::Threads,
            scenario: Scenario::Mixed,
            variant: Variant::new(Some(0.5), None).expect("variant"),
            workers: 4,
        };
        assert_eq!(point.to_string(), "rust-gil threads mixed cpu=0.5 workers=4");
        let payload =
            Point { scenario: Scenario::Payload, variant: Variant::Payload(1024), ..point };
        assert_eq!(payload.baseline().to_string(), "rust-gil serial payload bytes=1024 workers=1");
    }
}
