//! Value parsers shared by the subcommands: each turns one raw argument into a checked value
//! against the one table of limits (`gilbench::limits`), or a message that names the range.

use gilbench::limits::{self, Count};

fn count(limit: Count, text: &str) -> Result<u64, String> {
    limit.parse(text).map_err(|error| error.to_string())
}

/// A worker count: 1 to 1024.
pub fn workers(text: &str) -> Result<usize, String> {
    count(limits::WORKERS, text).map(|value| value as usize)
}

/// A count of iterations: at least 1.
pub fn iterations(text: &str) -> Result<u64, String> {
    count(limits::ITERATIONS, text)
}

/// A count of sleeps: at least 1, fitting in 32 bits.
pub fn chunks(text: &str) -> Result<u32, String> {
    count(limits::CHUNKS, text).map(|value| value as u32)
}

/// A task count: 1 to 100,000.
pub fn task_count(text: &str) -> Result<usize, String> {
    count(limits::TASKS, text).map(|value| value as usize)
}

/// Measured repeats: 1 to 1000.
pub fn repeat_count(text: &str) -> Result<usize, String> {
    count(limits::REPEAT, text).map(|value| value as usize)
}

/// Warm-up repeats: 0 to 100.
pub fn warmup_count(text: &str) -> Result<usize, String> {
    count(limits::WARMUP, text).map(|value| value as usize)
}

/// Seconds of waiting: a finite number from 0 to 3600.
pub fn seconds(text: &str) -> Result<f64, String> {
    limits::TASK_SECONDS.parse(text).map_err(|error| error.to_string())
}

/// Milliseconds: a finite number above 0, at most 60,000.
pub fn milliseconds(text: &str) -> Result<f64, String> {
    limits::TASK_MS.parse(text).map_err(|error| error.to_string())
}

/// The switch interval in milliseconds: above 0, at most 1000.
pub fn switch_interval_ms(text: &str) -> Result<f64, String> {
    limits::SWITCH_INTERVAL_MS.parse(text).map_err(|error| error.to_string())
}

/// A duration ("3m", "90s", "2m 30s", or plain seconds) in seconds, within the time limit.
pub fn duration_s(text: &str) -> Result<f64, String> {
    duration_within(limits::MAX_TIME_S, text)
}

/// A task timeout (a duration, as [`duration_s`]) in seconds, within its limit.
pub fn task_timeout_s(text: &str) -> Result<f64, String> {
    duration_within(limits::TASK_TIMEOUT_S, text)
}

/// A duration within `limit`, seconds.
pub fn duration_within(limit: limits::Span, text: &str) -> Result<f64, String> {
    let seconds = match text.trim().parse::<f64>() {
        Ok(seconds) => seconds,
        Err(_) => humantime::parse_duration(text.trim())
            .map_err(|error| format!("{text:?} is not a duration: {error}"))?
            .as_secs_f64(),
    };
    limit.check(seconds).map_err(|error| error.to_string())
}

/// A payload size: bytes, with an optional unit (`64KiB`, `1 MiB`, `8MB`), up to 256 MiB.
pub fn payload_bytes(text: &str) -> Result<u64, String> {
    let bytes = parse_size::parse_size(text.trim())
        .map_err(|error| format!("{text:?} is not a size such as 0, 64KiB or 8MiB: {error}"))?;
    limits::PAYLOAD_BYTES.check(bytes).map_err(|error| error.to_string())
}

/// A compute fraction: from 0 to 1.
pub fn fraction(text: &str) -> Result<f64, String> {
    limits::FRACTION.parse(text).map_err(|error| error.to_string())
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
        for bad in ["0", "1001", "-1"] {
            assert!(switch_interval_ms(bad).is_err(), "{bad}");
        }
        assert!(chunks("4294967296").is_err());
        assert!(fraction("1.01").is_err());
        assert_eq!(workers(" 8 "), Ok(8));
        assert_eq!(seconds("0.3"), Ok(0.3));
        assert_eq!(warmup_count("0"), Ok(0));
        assert_eq!(duration_s("3m"), Ok(180.0));
        assert_eq!(duration_s("90"), Ok(90.0));
        assert_eq!(payload_bytes("64KiB"), Ok(65_536));
        assert_eq!(payload_bytes("0"), Ok(0));
        for bad in ["-1", "1TiB", "lots", "", "300MiB"] {
            assert!(payload_bytes(bad).is_err(), "{bad}");
        }
        for bad in ["0", "-1s", "soon", "2d"] {
            assert!(duration_s(bad).is_err(), "{bad}");
        }
    }
}
