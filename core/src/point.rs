//! One measurement point, spelled once: who runs ([`Runtime`]), on which pool
//! ([`ExecutorKind`]), which workload ([`Scenario`]) in which variant (plain, a compute
//! fraction, a payload size or a contention rung) and with how many workers. [`Point`] is the only key the
//! layers above use: the plan's steps, the adaptive rounds, the summary, the findings and the
//! choice guide all group and look up by it, and it prints itself the one way labels read
//! ("rust-gil threads mixed cpu=0.5 workers=4").
//!
//! A compute fraction is kept in thousandths, so it is exact as a key; a point cannot hold
//! two of a fraction, a payload size and a rung ([`Variant`] is one of them).

use std::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use crate::model::{ExecutorKind, Rung, Runtime, Scenario};

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
    /// The contention ladder's rung.
    Rung(Rung),
}

/// A variant as the tables' columns hold it: at most one of them is set.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VariantColumns {
    /// The compute fraction of a mixed point.
    pub cpu_fraction: Option<f64>,
    /// The payload size of a payload point.
    pub payload_bytes: Option<u64>,
    /// The rung of a contention point.
    pub rung: Option<Rung>,
}

/// Why a point could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PointError {
    /// More than one of a compute fraction, a payload size and a rung.
    #[error("a point has at most one of a compute fraction, a payload size and a rung, not {0:?}")]
    Both(VariantColumns),
    /// A fraction outside 0..=1 or not a whole number of thousandths.
    #[error("compute fraction {0} is not between 0 and 1 in steps of 0.001")]
    Fraction(f64),
}

impl Variant {
    /// The variant of a row's optional fraction and size (no rung).
    pub fn new(cpu_fraction: Option<f64>, payload_bytes: Option<u64>) -> Result<Self, PointError> {
        Self::of_columns(VariantColumns { cpu_fraction, payload_bytes, rung: None })
    }

    /// The variant of a row's columns.
    pub fn of_columns(columns: VariantColumns) -> Result<Self, PointError> {
        match columns {
            VariantColumns { cpu_fraction: None, payload_bytes: None, rung: None } => {
                Ok(Variant::Plain)
            }
            VariantColumns { cpu_fraction: Some(fraction), payload_bytes: None, rung: None } => {
                Milli::from_fraction(fraction)
                    .map(Variant::Fraction)
                    .ok_or(PointError::Fraction(fraction))
            }
            VariantColumns { cpu_fraction: None, payload_bytes: Some(bytes), rung: None } => {
                Ok(Variant::Payload(bytes))
            }
            VariantColumns { cpu_fraction: None, payload_bytes: None, rung: Some(rung) } => {
                Ok(Variant::Rung(rung))
            }
            both => Err(PointError::Both(both)),
        }
    }

    /// The variant as the tables' columns hold it, the inverse of [`Variant::of_columns`].
    /// The match is exhaustive, so a new variant cannot reach a table without a column of
    /// its own.
    pub fn columns(self) -> VariantColumns {
        let none = VariantColumns::default();
        match self {
            Variant::Plain => none,
            Variant::Fraction(milli) => {
                VariantColumns { cpu_fraction: Some(milli.fraction()), ..none }
            }
            Variant::Payload(bytes) => VariantColumns { payload_bytes: Some(bytes), ..none },
            Variant::Rung(rung) => VariantColumns { rung: Some(rung), ..none },
        }
    }

    /// The compute fraction of a mixed point.
    pub fn cpu_fraction(self) -> Option<f64> {
        self.columns().cpu_fraction
    }

    /// The payload size of a payload point.
    pub fn payload_bytes(self) -> Option<u64> {
        self.columns().payload_bytes
    }

    /// The rung of a contention point.
    pub fn rung(self) -> Option<Rung> {
        self.columns().rung
    }
}

impl fmt::Display for Variant {
    /// What labels add after the scenario: "", " cpu=0.5", " bytes=65536".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Variant::Plain => Ok(()),
            Variant::Fraction(milli) => write!(f, " cpu={milli}"),
            Variant::Payload(bytes) => write!(f, " bytes={bytes}"),
            Variant::Rung(rung) => write!(f, " rung={rung}"),
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

    /// The rung of a contention point.
    pub fn rung(self) -> Option<Rung> {
        self.variant.rung()
    }
}

impl Serialize for Point {
    /// Flat, as the tables spell a point: runtime, executor, scenario, cpu_fraction,
    /// payload_bytes, rung, workers.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut fields = serializer.serialize_struct("Point", 7)?;
        fields.serialize_field("runtime", &self.runtime)?;
        fields.serialize_field("executor", &self.executor)?;
        fields.serialize_field("scenario", &self.scenario)?;
        fields.serialize_field("cpu_fraction", &self.cpu_fraction())?;
        fields.serialize_field("payload_bytes", &self.payload_bytes())?;
        fields.serialize_field("rung", &self.rung())?;
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
        assert!(matches!(Variant::new(Some(0.5), Some(1)), Err(PointError::Both(_))));
        assert!(matches!(Variant::new(Some(2.0), None), Err(PointError::Fraction(_))));
        let rung_and_size =
            VariantColumns { payload_bytes: Some(1), rung: Some(Rung::Lock), ..Default::default() };
        assert!(matches!(Variant::of_columns(rung_and_size), Err(PointError::Both(_))));
        for variant in [
            Variant::Plain,
            Variant::Payload(8),
            Variant::new(Some(0.25), None).expect("v"),
            Variant::Rung(Rung::DictWrite),
        ] {
            assert_eq!(Variant::of_columns(variant.columns()), Ok(variant), "columns and back");
        }
        assert_eq!(Variant::Rung(Rung::DictWrite).to_string(), " rung=dict-write");
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
