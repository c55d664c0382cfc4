//! What a run folder's plan.json holds: the plan, how its tasks were sized, and how far the
//! run got (the state `--resume` starts from).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use std::path::Path;

use crate::plan::{Setup, Unsupported, ValidPlan};
use crate::results::store::{self, StoreError};
use crate::runtime::Runtime;

/// The version of plan.json's layout this gilbench writes.
pub const SCHEMA: u32 = 3;

/// plan.json's layout version: 1 (no `schema` field: the first version), 2 (before steps were
/// counted as planned, added and done) or [`SCHEMA`]; all are read, and a newer one is refused
/// where plan.json is read, naming the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Schema(u32);

impl Default for Schema {
    fn default() -> Self {
        Schema(1)
    }
}

impl Schema {
    /// The version this gilbench writes.
    pub fn current() -> Self {
        Schema(SCHEMA)
    }
}

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match u32::deserialize(deserializer)? {
            version @ 1..=SCHEMA => Ok(Schema(version)),
            other => Err(serde::de::Error::custom(format!(
                "schema version {other}, but this gilbench reads versions 1 to {SCHEMA}"
            ))),
        }
    }
}

/// What plan.json holds: the plan, how its tasks were sized, and how far the run got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunManifest {
    /// The layout version.
    #[serde(default)]
    pub schema: Schema,
    /// The run folder's name.
    pub run_id: String,
    /// running, partial or complete.
    pub status: RunStatus,
    /// What was asked (validated again when plan.json is read), as the user asked it.
    pub plan: ValidPlan,
    /// What set-up found on this machine: the runtimes as they ran and the pools they lack
    /// (schema 1 and 2 kept these inside the plan; [`RunManifest::read`] moves them here).
    #[serde(default)]
    pub setup: Setup,
    /// burn_cpu iterations per millisecond of each runtime, as calibrated at the start.
    pub iterations_per_ms: BTreeMap<Runtime, f64>,
    /// Runtimes of the plan that could not run here, with the reason.
    pub skipped: BTreeMap<Runtime, String>,
    /// The command that reproduces the run.
    pub command: String,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// When it last stopped.
    pub finished_at: Option<String>,
    /// Measurements planned, warm-ups included (schema 1 and 2 called it `steps_total`).
    #[serde(alias = "steps_total")]
    pub steps_planned: usize,
    /// Measurements the adaptive rounds added after the planned ones (0 before schema 3).
    #[serde(default)]
    pub rounds_added: usize,
    /// Distinct measurements done successfully: planned ones and added ones (a failed
    /// measurement that was measured again counts once).
    pub steps_done: usize,
    /// Notices from setting the run up (a skipped runtime, a busy machine).
    pub warnings: Vec<String>,
    /// Noise warnings from the summary, rewritten each time the tables are.
    #[serde(default)]
    pub noise: Vec<String>,
    /// Stolen and other processes' CPU time over the last session of the run.
    #[serde(default)]
    pub noise_probe: Option<crate::machine::noise::NoiseReport>,
    /// Each runtime's CPU task length as it ran against the calibration's target, rewritten
    /// each time the tables are (see [`super::task_length`]).
    #[serde(default)]
    pub task_lengths: Vec<super::task_length::TaskLength>,
    /// With a target interval: the groups that did not reach it.
    #[serde(default)]
    pub unconverged: Vec<String>,
    /// Each CPython runtime's interpreter: its path and what it said about itself.
    #[serde(default)]
    pub pythons: BTreeMap<Runtime, crate::runtime::pythons::FoundPython>,
    /// What measuring spent against its budget, tier by tier (absent before budgets, and in a
    /// run killed before it stopped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spending: Option<Spending>,
}

/// What a run spent measuring, and on what.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Spending {
    /// The last invocation's budget, seconds (None: it had none).
    pub budget_s: Option<f64>,
    /// Seconds spent measuring, every invocation of the run together.
    pub spent_s: f64,
    /// Seconds the last invocation spent measuring.
    pub invocation_s: f64,
    /// True when the last invocation stopped because the next measurement would not fit.
    pub stopped_by_budget: bool,
    /// Each tier's planned measurements, those measured and the seconds they took.
    pub tiers: Vec<TierSpending>,
    /// Seconds of measuring until the lesson table was complete and its comparisons settled,
    /// or had every repeat the limits allowed them.
    pub lesson_decided_s: Option<f64>,
    /// The lesson table's comparisons still open then.
    #[serde(default)]
    pub lesson_open: usize,
    /// What the plan holds that was not measured, one line each.
    pub left_out: Vec<String>,
}

/// One tier's share of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierSpending {
    /// The tier.
    pub tier: crate::plan::Tier,
    /// Planned measurements (repeats and warm-ups) still to run when the invocation started.
    pub planned: usize,
    /// Its estimate of them, seconds.
    pub estimated_s: f64,
    /// Measurements taken, the adaptive rounds' included (warm-ups not).
    pub measurements: usize,
    /// Seconds spent on them.
    pub spent_s: f64,
}

impl Default for TierSpending {
    fn default() -> Self {
        TierSpending {
            tier: crate::plan::Tier::Lesson,
            planned: 0,
            estimated_s: 0.0,
            measurements: 0,
            spent_s: 0.0,
        }
    }
}

impl RunManifest {
    /// Reads plan.json at `path`. A file of schema 1 or 2 kept set-up's findings inside its
    /// plan (runtimes labelled, `unsupported`): they are moved to [`RunManifest::setup`].
    pub fn read(path: &Path) -> Result<Self, StoreError> {
        let value: serde_json::Value = store::read_json(path)?;
        let mut manifest =
            RunManifest::deserialize(&value).map_err(|e| StoreError::json(path, e))?;
        if manifest.schema < Schema(3) && value.get("setup").is_none() {
            let unsupported = match value.pointer("/plan/unsupported") {
                None | Some(serde_json::Value::Null) => Vec::new(),
                Some(list) => {
                    Vec::<Unsupported>::deserialize(list).map_err(|e| StoreError::json(path, e))?
                }
            };
            manifest.setup =
                Setup { runtimes: manifest.plan.runtimes.clone(), unsupported, function: None };
        }
        Ok(manifest)
    }

    /// The set-up notices, then the noise warnings (each marked as such).
    pub fn all_warnings(&self) -> Vec<String> {
        let noise = self.noise.iter().map(|w| format!("noise: {w}"));
        let missed = (!self.unconverged.is_empty()).then(|| {
            let shown: Vec<&str> = self.unconverged.iter().take(3).map(String::as_str).collect();
            format!(
                "{} groups did not reach the target within the limits (all in plan.json's \
                 unconverged), among them: {}",
                self.unconverged.len(),
                shown.join("; ")
            )
        });
        self.warnings.iter().cloned().chain(noise).chain(missed).collect()
    }

    /// The runtimes whose calibrated CPU tasks ran more than 15% off their target (none
    /// when the plan gave a fixed iteration count: nothing was aimed at).
    pub fn task_lengths_off(&self) -> Vec<super::task_length::TaskLength> {
        if self.plan.plan().cpu_iterations.is_some() {
            return Vec::new();
        }
        self.task_lengths.iter().copied().filter(|length| length.off_target()).collect()
    }
}

/// How far a run got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Still measuring (or killed without a chance to say so).
    Running,
    /// Stopped early; `gilbench run --resume` finishes it.
    Partial,
    /// Every planned measurement is in.
    Complete,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::ExecutorKind;
    use crate::runtime::Runtime;

    const FIXTURE: &str =
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runs/quick-fixture/plan.json");

    #[test]
    fn older_schemas_move_set_up_findings_out_of_the_plan() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("plan.json");
        let mut value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(FIXTURE).expect("fixture"))
                .expect("json");
        value["schema"] = 2.into();
        value["plan"]["unsupported"] = serde_json::json!([
            {"runtime": "rust", "executor": "interpreters", "reason": "no lock to split"}
        ]);
        std::fs::write(&path, value.to_string()).expect("write");
        let manifest = RunManifest::read(&path).expect("read");
        assert_eq!(manifest.setup.runtimes, manifest.plan.runtimes);
        assert!(manifest.setup.lacks(Runtime::Rust, ExecutorKind::Interpreters));
        assert!(!manifest.setup.lacks(Runtime::RustGil, ExecutorKind::Interpreters));
        // Written again, it is schema 3: the plan as asked, the findings beside it.
        let written = serde_json::to_value(RunManifest { schema: Schema::current(), ..manifest })
            .expect("json");
        assert!(written["plan"].get("unsupported").is_none());
        assert_eq!(written["setup"]["unsupported"][0]["runtime"], "rust");
        value["schema"] = 4.into();
        std::fs::write(&path, value.to_string()).expect("write");
        let error = RunManifest::read(&path).expect_err("a newer schema").to_string();
        assert!(error.contains("schema version 4") && error.contains("plan.json"), "{error}");
    }
}
