//! Showing gilbench's results inline in a Jupyter notebook with the Rust kernel (evcxr): a
//! value whose type has an `evcxr_display` method is drawn by the notebook as the content it
//! prints between `EVCXR_BEGIN_CONTENT <mime>` and `EVCXR_END_CONTENT`.
//!
//! `Svg` shows a chart, `Html` any HTML, and [`frame`] turns a polars DataFrame into an HTML
//! table (escaped), so `gilbench::display::frame(&df)` as a cell's last line shows the table.

use polars::prelude::*;

use crate::view::table::{Cell, Column, Table};

/// An SVG image (a chart from `gilbench::charts`).
#[derive(Debug, Clone, PartialEq)]
pub struct Svg(pub String);

impl Svg {
    /// evcxr's display hook.
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT image/svg+xml\n{}\nEVCXR_END_CONTENT", self.0);
    }
}

/// A piece of HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Html(pub String);

impl Html {
    /// evcxr's display hook.
    pub fn evcxr_display(&self) {
        println!("EVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT", self.0);
    }
}

/// The first `max_rows` rows of a frame as an HTML table (the report's one table model, so
/// it escapes like every other table).
pub fn frame_rows(frame: &DataFrame, max_rows: usize) -> Html {
    let columns = frame.get_column_names().iter().map(|n| Column::text(n.as_str())).collect();
    let mut table = Table::new(columns);
    for row in 0..frame.height().min(max_rows) {
        let cells = frame.columns().iter().map(|column| match column.get(row) {
            Ok(AnyValue::Null) | Err(_) => Cell::Empty,
            Ok(AnyValue::Float64(v)) => Cell::shown(format!("{v:.6}")),
            Ok(AnyValue::String(s)) => Cell::text(s),
            Ok(value) => Cell::shown(value.to_string()),
        });
        table.push(cells.collect());
    }
    let mut html = table.html();
    if frame.height() > max_rows {
        html.push_str(&format!("<p>{} of {} rows</p>", max_rows, frame.height()));
    }
    Html(html)
}

/// A frame as an HTML table (up to 50 rows).
pub fn frame(frame: &DataFrame) -> Html {
    frame_rows(frame, 50)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_become_escaped_html_tables() {
        let df = df!("name" => ["<b>", "x"], "value" => [1.5, 2.0]).expect("frame");
        let Html(html) = frame_rows(&df, 1);
        assert!(html.contains("<th>name</th>") && html.contains("&lt;b&gt;"));
        assert!(html.contains("1 of 2 rows"));
    }
}
