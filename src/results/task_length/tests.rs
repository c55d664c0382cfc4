use super::*;

/// Serial CPU rows of `runtime` whose 2 tasks of `target_ms` took `per_task_ms` each.
fn serial(runtime: Runtime, target_ms: f64, per_task_ms: &[f64]) -> Vec<RunRow> {
    per_task_ms
        .iter()
        .enumerate()
        .map(|(i, ms)| RunRow {
            repeat: i as u32,
            task_s: target_ms / 1000.0,
            cpu_iterations: 1000,
            ..RunRow::for_test(i as u32, runtime, ExecutorKind::Serial, 1, 2.0 * ms / 1000.0)
        })
        .collect()
}

#[test]
fn the_realised_length_is_the_median_serial_task_over_the_repeats() {
    let mut runs = serial(Runtime::Rust, 20.0, &[19.0, 21.0, 20.0, 22.0, 18.0, 20.5, 19.5]);
    // Warm-ups, failures and pools do not count.
    runs.push(RunRow { warmup: true, ..serial(Runtime::Rust, 20.0, &[90.0])[0].clone() });
    runs.push(RunRow { ok: false, ..serial(Runtime::Rust, 20.0, &[90.0])[0].clone() });
    runs.push(RunRow::for_test(9, Runtime::Rust, ExecutorKind::Threads, 2, 9.0));
    let lengths = realised(&runs);
    assert_eq!(lengths.len(), 1);
    let length = lengths[0];
    assert!((length.realised_ms - 20.0).abs() < 1e-9, "{length:?}");
    assert_eq!(length.repeats, 7);
    assert!(length.realised_low_ms.is_some_and(|low| low <= 20.0));
    assert!(!length.off_target());
    assert!((length.realised_rate() - 50.0).abs() < 1e-9);
}

#[test]
fn a_length_more_than_15_percent_off_is_named_with_both_lengths() {
    let long = realised(&serial(Runtime::Cpython, 20.0, &[35.1, 35.1, 35.1]))[0];
    assert!(long.off_target());
    let warning = long.warning();
    assert!(
        warning.starts_with("The CPU tasks of cpython lasted 35.1 ms, not the 20 ms"),
        "{warning}"
    );
    assert!(warning.contains("(76% longer)"), "{warning}");
    let short = realised(&serial(Runtime::Cpython, 100.0, &[59.0; 3]))[0];
    assert!(short.warning().contains("(41% shorter)"), "{}", short.warning());
    for (ms, off) in [(17.1, false), (16.9, true), (22.9, false), (23.1, true)] {
        assert_eq!(realised(&serial(Runtime::Rust, 20.0, &[ms]))[0].off_target(), off, "{ms}");
    }
}

#[test]
fn milliseconds_are_shown_with_three_significant_digits_at_most() {
    for (ms, shown) in [(35.14, "35.1"), (20.0, "20"), (0.844, "0.84"), (123.4, "123"), (5.0, "5")]
    {
        assert_eq!(shown_ms(ms), shown);
    }
}
