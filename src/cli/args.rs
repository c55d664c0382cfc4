//! Value parsers shared by the subcommands: each turns one raw argument into a checked value
//! or a message that names the allowed range.

use gilbench::executor::MAX_WORKERS;
use gilbench::workload::MAX_TASK_SECONDS;

/// A worker count: 1 to 1024.
pub fn workers(text: &str) -> Result<usize, String> {
    let value: usize =
        text.trim().parse().map_err(|_| format!("{text:?} is not a whole number"))?;
    if value == 0 || value > MAX_WORKERS {
        return Err(format!("workers must be from 1 to {MAX_WORKERS}"));
    }
    Ok(value)
}

/// A count of at least 1.
pub fn positive_u64(text: &str) -> Result<u64, String> {
    let value: u64 = text.trim().parse().map_err(|_| format!("{text:?} is not a whole number"))?;
    if value == 0 {
        return Err("must be at least 1".into());
    }
    Ok(value)
}

/// A count of at least 1 that fits in 32 bits.
pub fn positive_u32(text: &str) -> Result<u32, String> {
    let value = positive_u64(text)?;
    u32::try_from(value).map_err(|_| "is too large".to_string())
}

/// A task count: 1 to 100,000.
pub fn task_count(text: &str) -> Result<usize, String> {
    let value = positive_u64(text)?;
    if value > 100_000 {
        return Err("tasks must be from 1 to 100000".into());
    }
    Ok(value as usize)
}

/// Seconds of waiting: a finite number from 0 to 3600.
pub fn seconds(text: &str) -> Result<f64, String> {
    finite_in(text, 0.0, MAX_TASK_SECONDS, "seconds")
}

/// Milliseconds: a finite number above 0, at most 60,000.
pub fn milliseconds(text: &str) -> Result<f64, String> {
    let value = finite_in(text, 0.0, 60_000.0, "milliseconds")?;
    if value == 0.0 {
        return Err("milliseconds must be above 0".into());
    }
    Ok(value)
}

fn finite_in(text: &str, low: f64, high: f64, unit: &str) -> Result<f64, String> {
    let value: f64 = text.trim().parse().map_err(|_| format!("{text:?} is not a number"))?;
    if !value.is_finite() || value < low || value > high {
        return Err(format!("{unit} must be a finite number from {low} to {high}"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers_reject_every_kind_of_bad_number() {
        for bad in ["0", "1025", "-1", "x", "", "1.5"] {
            assert!(workers(bad).is_err(), "{bad}");
        }
        for bad in ["-0.1", "NaN", "inf", "-inf", "1e9", "abc"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
        for bad in ["0", "-5", "nan", "1e300"] {
            assert!(milliseconds(bad).is_err(), "{bad}");
        }
        assert!(positive_u32("4294967296").is_err());
        assert_eq!(workers(" 8 "), Ok(8));
        assert_eq!(seconds("0.3"), Ok(0.3));
    }
}
