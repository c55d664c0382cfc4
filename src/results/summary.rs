//! Summary statistics of a run's measurements, computed with polars lazy group-bys: per
//! (runtime, executor, scenario, cpu fraction, workers) the count, median, min, max, mean,
//! standard deviation, coefficient of variation and a 95% confidence interval of the median;
//! the speedup over the serial baseline, the ideal speedup and time, the efficiency; and the
//! threads/processes ratio, the lesson's headline.
//!
//! The confidence interval uses order statistics (no distribution assumed): with n sorted
//! times, the j-th and k-th, where j = floor(n/2 - 0.98 sqrt(n)) and
//! k = ceil(1 + n/2 + 0.98 sqrt(n)), clamped to 1..=n. Fewer than 3 repeats give none.
//!
//! Ideal times make the batching explicit: with w workers and `tasks` tasks, I/O work needs
//! ceil(tasks / w) rounds of one task's wait; CPU work can use at most min(w, cores) cores,
//! so it needs ceil(tasks / min(w, cores)) rounds of one task's computing.

use polars::prelude::*;

/// The median of plain values outside a frame (sorted in place); `None` when there are none.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The columns a summary is grouped by.
pub const KEYS: [&str; 5] = ["runtime", "executor", "scenario", "cpu_fraction", "workers"];

/// A coefficient of variation above this earns a noise warning.
pub const NOISY_CV: f64 = 0.10;

fn keys(names: &[&str]) -> Vec<Expr> {
    names.iter().map(|name| col(*name)).collect()
}

fn left_join_on(left: LazyFrame, right: LazyFrame, on: &[&str]) -> LazyFrame {
    let mut args = JoinArgs::new(JoinType::Left);
    // cpu_fraction is null outside the mixed scenario; nulls must match nulls.
    args.nulls_equal = true;
    left.join(right, keys(on), keys(on), args)
}

fn smaller(a: Expr, b: Expr) -> Expr {
    when(a.clone().lt_eq(b.clone())).then(a).otherwise(b)
}

fn larger(a: Expr, b: Expr) -> Expr {
    when(a.clone().gt_eq(b.clone())).then(a).otherwise(b)
}

/// Summarises the `runs` table of a run measured on a machine with `cores` logical cores.
/// Warm-ups and failed measurements are left out.
pub fn summarize(runs: &DataFrame, cores: u32) -> PolarsResult<DataFrame> {
    let f64_col = |name: &str| col(name).cast(DataType::Float64);
    let stats = runs
        .clone()
        .lazy()
        .filter(col("ok").and(col("warmup").not()))
        .group_by_stable(keys(&KEYS))
        .agg([
            len().cast(DataType::UInt32).alias("n"),
            col("tasks").first().alias("tasks"),
            col("task_s").first().alias("task_s"),
            col("io_seconds").first().alias("io_seconds"),
            col("elapsed_s").median().alias("median_s"),
            col("elapsed_s").min().alias("min_s"),
            col("elapsed_s").max().alias("max_s"),
            col("elapsed_s").mean().alias("mean_s"),
            col("elapsed_s").std(1).alias("stddev_s"),
            col("elapsed_s").sort(SortOptions::default()).alias("sorted_s"),
        ]);
    let n = f64_col("n");
    let spread = lit(0.98) * n.clone().sqrt();
    let low_rank = (n.clone() / lit(2.0) - spread.clone()).floor();
    let high_rank = (lit(1.0) + n.clone() / lit(2.0) + spread).ceil();
    let low_index = (larger(low_rank, lit(1.0)) - lit(1.0)).cast(DataType::Int64);
    let high_index = (smaller(high_rank, n.clone()) - lit(1.0)).cast(DataType::Int64);
    let enough = col("n").gt_eq(lit(3u32));
    let stats = stats.with_columns([
        (col("stddev_s") / col("mean_s")).alias("cv"),
        when(enough.clone())
            .then(col("sorted_s").list().get(low_index, true))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("ci_low_s"),
        when(enough)
            .then(col("sorted_s").list().get(high_index, true))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("ci_high_s"),
    ]);
    let stats = stats.select([all().exclude_cols(["sorted_s"]).as_expr()]);

    let baseline = stats.clone().filter(col("executor").eq(lit("serial"))).select([
        col("runtime"),
        col("scenario"),
        col("cpu_fraction"),
        col("median_s").alias("baseline_s"),
    ]);
    let with_baseline = left_join_on(stats, baseline, &["runtime", "scenario", "cpu_fraction"]);

    let tasks = f64_col("tasks");
    let workers = f64_col("workers");
    let usable = smaller(workers.clone(), lit(f64::from(cores.max(1))));
    let io_rounds = (tasks.clone() / workers.clone()).ceil();
    let cpu_rounds = (tasks.clone() / usable.clone()).ceil();
    let fraction = col("cpu_fraction").fill_null(lit(0.0));
    let mixed_ideal = larger(
        io_rounds.clone() * col("task_s"),
        tasks.clone() * fraction * col("task_s") / usable.clone(),
    );
    let scenario = || col("scenario");
    let ideal_s = when(scenario().eq(lit("cpu")))
        .then(cpu_rounds * col("baseline_s") / tasks.clone())
        .when(scenario().eq(lit("io")))
        .then(io_rounds * col("io_seconds"))
        .otherwise(mixed_ideal.clone());
    let ideal_speedup = when(scenario().eq(lit("cpu")))
        .then(usable)
        .when(scenario().eq(lit("io")))
        .then(workers)
        .otherwise(tasks * col("task_s") / mixed_ideal);
    let summary = with_baseline.with_columns([
        ideal_s.alias("ideal_s"),
        ideal_speedup.alias("ideal_speedup"),
        (col("baseline_s") / col("median_s")).alias("speedup"),
    ]);
    let summary =
        summary.with_columns([(col("speedup") / col("ideal_speedup")).alias("efficiency")]);

    let ratio_keys = ["runtime", "scenario", "cpu_fraction", "workers"];
    let median_of = |executor: &str, name: &str| {
        summary.clone().filter(col("executor").eq(lit(executor))).select([
            col("runtime"),
            col("scenario"),
            col("cpu_fraction"),
            col("workers"),
            col("median_s").alias(name),
        ])
    };
    let ratio = left_join_on(
        median_of("threads", "threads_s"),
        median_of("processes", "processes_s"),
        &ratio_keys,
    )
    .select([
        col("runtime"),
        col("scenario"),
        col("cpu_fraction"),
        col("workers"),
        (col("threads_s") / col("processes_s")).alias("threads_over_processes"),
    ]);
    left_join_on(summary, ratio, &ratio_keys)
        .sort(
            ["runtime", "scenario", "cpu_fraction", "executor", "workers"],
            SortMultipleOptions::default().with_nulls_last(false),
        )
        .collect()
}

/// Noise warnings for a summary: groups whose coefficient of variation is over 10%, and
/// groups with too few repeats for a confidence interval.
pub fn noise_warnings(summary: &DataFrame) -> PolarsResult<Vec<String>> {
    let text = |name: &str| -> PolarsResult<Vec<String>> {
        let values = summary.column(name)?.str()?;
        Ok((0..values.len()).map(|i| values.get(i).unwrap_or("").to_string()).collect())
    };
    let (runtimes, executors, scenarios) = (text("runtime")?, text("executor")?, text("scenario")?);
    let workers = summary.column("workers")?.cast(&DataType::UInt32)?;
    let workers = workers.u32()?;
    let fractions = summary.column("cpu_fraction")?.f64()?;
    let cvs = summary.column("cv")?.f64()?;
    let counts = summary.column("n")?.u32()?;
    let mut warnings = Vec::new();
    let mut few = false;
    for row in 0..summary.height() {
        let fraction = fractions.get(row).map_or(String::new(), |f| format!(" cpu={f}"));
        let label = format!(
            "{} {} {}{fraction} workers={}",
            runtimes[row],
            executors[row],
            scenarios[row],
            workers.get(row).unwrap_or(0)
        );
        if let Some(cv) = cvs.get(row).filter(|cv| *cv > NOISY_CV) {
            warnings.push(format!(
                "{label}: the times vary by {:.0}% (coefficient of variation over 10%)",
                cv * 100.0
            ));
        }
        few |= counts.get(row).unwrap_or(0) < 3;
    }
    if few {
        warnings.push("fewer than 3 repeats: no confidence interval of the median".to_string());
    }
    Ok(warnings)
}
