//! The vocabulary of plans: the scenarios a run can measure (and the fixed shape of the
//! convoy scenario) and the named profiles.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use gilbench_core::model::Scenario;

/// The convoy scenario: this many CPU tasks and as many I/O tasks, all running at once.
pub const CONVOY_PAIRS: usize = 2;
/// Seconds each convoy I/O task sleeps, in [`CONVOY_CHUNKS`] sleeps.
pub const CONVOY_IO_SECONDS: f64 = 0.05;
/// Sleeps of a convoy I/O task: each wake-up must win the interpreter lock back.
pub const CONVOY_CHUNKS: u32 = 10;
/// How long each convoy CPU task computes, in ms: longer than the I/O tasks wait.
pub const CONVOY_CPU_MS: f64 = 100.0;

/// Named plans, in lower case on the command line and in plan.json.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Profile {
    /// The lesson's experiment exactly: its worker count, 2 x workers tasks, one repeat.
    Lesson,
    /// A few seconds: for trying things and for tests.
    Quick,
    /// The default: powers of two up to max(8, 2 x cores) workers and the core count, at least
    /// 5 repeats and more where a median is not yet within 5%, within 3 minutes on 2 cores.
    Standard,
    /// For a patient user on a big machine: up to 2 x cores workers, 10 repeats.
    Full,
}

impl Profile {
    /// Every profile.
    pub const ALL: &'static [Profile] = <Self as strum::VariantArray>::VARIANTS;

    /// The profile's name.
    pub fn name(self) -> &'static str {
        self.into()
    }
}

impl FromStr for Profile {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        gilbench_core::model::variant_named(text, "profile")
    }
}
