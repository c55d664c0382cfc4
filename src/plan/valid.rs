//! A plan that passed [`Plan::validate`]: the only kind of plan the runner accepts. It can only
//! be made by validating (from a [`Plan`], or while reading plan.json), so nothing downstream
//! checks a range again, and a plan.json edited out of range is refused where it is read.

use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize};

use super::Plan;
use crate::error::ConfigError;
use crate::runtime::Runtime;

/// A validated [`Plan`]; read it through `Deref`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ValidPlan(Plan);

impl ValidPlan {
    /// The plan's settings.
    pub fn plan(&self) -> &Plan {
        &self.0
    }

    /// The same plan without `runtime` (still valid: at least one runtime must remain).
    pub fn without(&self, runtime: Runtime) -> Result<ValidPlan, ConfigError> {
        let mut plan = self.0.clone();
        plan.runtimes.retain(|r| *r != runtime);
        plan.validated()
    }
}

impl Deref for ValidPlan {
    type Target = Plan;

    fn deref(&self) -> &Plan {
        &self.0
    }
}

impl TryFrom<Plan> for ValidPlan {
    type Error = ConfigError;

    fn try_from(plan: Plan) -> Result<Self, ConfigError> {
        plan.validate()?;
        Ok(ValidPlan(plan))
    }
}

impl<'de> Deserialize<'de> for ValidPlan {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let plan = Plan::deserialize(deserializer)?;
        ValidPlan::try_from(plan).map_err(serde::de::Error::custom)
    }
}

impl Plan {
    /// Validates the plan and wraps it for the runner.
    pub fn validated(self) -> Result<ValidPlan, ConfigError> {
        ValidPlan::try_from(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Profile;

    #[test]
    fn only_a_valid_plan_gets_through_and_plan_json_is_checked_on_reading() {
        let valid = Plan::profile(Profile::Quick).validated().expect("valid");
        let text = serde_json::to_string(&valid).expect("json");
        let back: ValidPlan = serde_json::from_str(&text).expect("read back");
        assert_eq!(back, valid);
        let bad = Plan { tasks: 0, ..Plan::profile(Profile::Quick) };
        assert!(bad.clone().validated().is_err());
        let bad_text = serde_json::to_string(&bad).expect("json");
        let error = serde_json::from_str::<ValidPlan>(&bad_text).unwrap_err().to_string();
        assert!(error.contains("tasks must be from 1 to 100000"), "{error}");
        let rust_only = Plan { runtimes: vec![Runtime::Rust], ..Plan::profile(Profile::Quick) };
        let rust_only = rust_only.validated().expect("valid");
        assert!(rust_only.without(Runtime::Rust).is_err());
        assert!(rust_only.without(Runtime::Cpython).is_ok());
    }
}
