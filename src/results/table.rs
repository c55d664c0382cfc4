//! Records and frames, both ways, from one list of columns: [`record!`] declares a flat
//! record struct (a row of runs.csv, tasks.csv or summary.csv) and derives, from the same
//! field list, the polars frame of many records and the records of a frame (CSV or Parquet).
//! A column name is therefore typed once, as a field, and the table's column order is the
//! field order.
//!
//! Each field's type says how it is stored through [`Cell`]: numbers and flags as themselves,
//! runtimes, executors and scenarios by name, `Option`s as nullable columns. Reading refuses a
//! missing value in a column that cannot hold one, and reads a missing optional column (added
//! after a table was written) as all `None`.

use polars::prelude::*;

use crate::executor::ExecutorKind;
use crate::plan::Scenario;
use crate::runtime::Runtime;

/// A value that can be one cell of a table.
pub trait Cell: Sized {
    /// The column `name` holding `values`.
    fn column(name: &str, values: Vec<Self>) -> Column;
    /// The values of column `name` of `frame`.
    fn read(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Self>>;
}

/// A table's rows as a frame and back.
pub trait Table: Sized {
    /// The column names, in order.
    const COLUMNS: &'static [&'static str];
    /// The frame of `rows`, one column per field.
    fn frame(rows: &[Self]) -> PolarsResult<DataFrame>;
    /// The rows of `frame`.
    fn rows(frame: &DataFrame) -> PolarsResult<Vec<Self>>;
}

fn missing(name: &str, row: usize) -> PolarsError {
    polars_err!(ComputeError: "column {}: no value in row {}", name, row + 1)
}

/// The values of a column cast to `dtype`, each `None` where null.
fn cast<T>(
    frame: &DataFrame,
    name: &str,
    dtype: &DataType,
    values: impl Fn(&Series) -> PolarsResult<Vec<Option<T>>>,
) -> PolarsResult<Vec<Option<T>>> {
    let series = frame.column(name)?.cast(dtype)?.as_materialized_series().clone();
    values(&series)
}

/// The values of a column that must exist and hold a value in every row.
fn required<T>(frame: &DataFrame, name: &str) -> PolarsResult<Vec<T>>
where
    Option<T>: Cell,
{
    frame.column(name)?;
    let values = <Option<T> as Cell>::read(frame, name)?;
    values.into_iter().enumerate().map(|(i, v)| v.ok_or_else(|| missing(name, i))).collect()
}

/// True when `frame` lacks the optional column `name` (added after a table was written):
/// every value is `None` then.
fn absent(frame: &DataFrame, name: &str) -> bool {
    frame.column(name).is_err()
}

macro_rules! numeric_cell {
    ($ty:ty, $dtype:expr, $accessor:ident) => {
        impl Cell for Option<$ty> {
            fn column(name: &str, values: Vec<Self>) -> Column {
                Column::new(name.into(), values)
            }
            fn read(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Self>> {
                if absent(frame, name) {
                    return Ok(vec![None; frame.height()]);
                }
                cast(frame, name, &$dtype, |s| Ok(s.$accessor()?.iter().collect()))
            }
        }
        impl Cell for $ty {
            fn column(name: &str, values: Vec<Self>) -> Column {
                Column::new(name.into(), values)
            }
            fn read(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Self>> {
                required(frame, name)
            }
        }
    };
}

numeric_cell!(u32, DataType::UInt32, u32);
numeric_cell!(u64, DataType::UInt64, u64);
numeric_cell!(bool, DataType::Boolean, bool);

impl Cell for f64 {
    fn column(name: &str, values: Vec<Self>) -> Column {
        Column::new(name.into(), values)
    }
    /// A missing value reads as NaN (a failed measurement's time).
    fn read(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Self>> {
        frame.column(name)?;
        let values = cast(frame, name, &DataType::Float64, |s| Ok(s.f64()?.iter().collect()))?;
        Ok(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    }
}

impl Cell for Option<f64> {
    fn column(name: &str, values: Vec<Self>) -> Column {
        Column::new(name.into(), values)
    }
    /// Read from a column older tables may lack; a NaN reads as `None`.
    fn read(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Self>> {
        if absent(frame, name) {
            return Ok(vec![None; frame.height()]);
        }
        let values = cast(frame, name, &DataType::Float64, |s| Ok(s.f64()?.iter().collect()))?;
        Ok(values.into_iter().map(|v| v.filter(|x| x.is_finite())).collect())
    }
}

impl Cell for Option<String> {
    fn column(name: &str, values: Vec<Self>) -> Column {
        Column::new(name.into(), values)
    }
    fn read(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Self>> {
        if absent(frame, name) {
            return Ok(vec![None; frame.height()]);
        }
        cast(frame, name, &DataType::String, |s| {
            Ok(s.str()?.iter().map(|v| v.map(str::to_string)).collect())
        })
    }
}

impl Cell for String {
    fn column(name: &str, values: Vec<Self>) -> Column {
        Column::new(name.into(), values)
    }
    fn read(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Self>> {
        required(frame, name)
    }
}

/// Kinds stored by name.
macro_rules! named_cell {
    ($ty:ty) => {
        impl Cell for $ty {
            fn column(name: &str, values: Vec<Self>) -> Column {
                let names: Vec<String> = values.iter().map(ToString::to_string).collect();
                Column::new(name.into(), names)
            }
            fn read(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Self>> {
                String::read(frame, name)?
                    .iter()
                    .map(|text| {
                        text.parse().map_err(|e: String| polars_err!(ComputeError: "column {}: {}", name, e))
                    })
                    .collect()
            }
        }
    };
}

named_cell!(Runtime);
named_cell!(ExecutorKind);
named_cell!(Scenario);

/// An optional kind stored by name, null where absent (a column older tables may lack).
impl Cell for Option<crate::model::Rung> {
    fn column(name: &str, values: Vec<Self>) -> Column {
        let names: Vec<Option<String>> =
            values.iter().map(|v| v.map(|kind| kind.to_string())).collect();
        Column::new(name.into(), names)
    }
    fn read(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Self>> {
        <Option<String> as Cell>::read(frame, name)?
            .into_iter()
            .map(|text| {
                text.map(|t| {
                    t.parse()
                        .map_err(|e: String| polars_err!(ComputeError: "column {}: {}", name, e))
                })
                .transpose()
            })
            .collect()
    }
}

/// Declares a flat record and its [`Table`] implementation from one field list.
#[macro_export]
macro_rules! record {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        pub struct $name { $($(#[$fmeta])* pub $field: $ty,)* }

        impl $crate::results::table::Table for $name {
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),*];

            fn frame(rows: &[Self]) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
                use $crate::results::table::Cell;
                polars::prelude::DataFrame::new_infer_height(vec![$(
                    <$ty as Cell>::column(
                        stringify!($field),
                        rows.iter().map(|row| row.$field.clone()).collect(),
                    )
                ),*])
            }

            fn rows(frame: &polars::prelude::DataFrame) -> polars::prelude::PolarsResult<Vec<Self>> {
                use $crate::results::table::Cell;
                $(let mut $field = <$ty as Cell>::read(frame, stringify!($field))?.into_iter();)*
                (0..frame.height())
                    .map(|row| {
                        Ok($name { $($field: $field.next().ok_or_else(|| {
                            polars::prelude::polars_err!(ComputeError: "column {}: short at row {}", stringify!($field), row + 1)
                        })?,)* })
                    })
                    .collect()
            }
        }
    };
}
