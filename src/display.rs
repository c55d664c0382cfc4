//! Showing gilbench's results inline in a Jupyter notebook with the Rust kernel (evcxr): a
//! value whose type has an `evcxr_display` method is drawn by the notebook as the content it
//! prints between `EVCXR_BEGIN_CONTENT <mime>` and `EVCXR_END_CONTENT`.
//!
//! `Svg` shows a chart, `Html` any HTML, and [`frame`] turns a polars DataFrame into an HTML
//! table (escaped), so `gilbench::display::frame(&df)` as a cell's last line shows the table.

use polars::prelude::*;

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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The first `max_rows` rows of a frame as an HTML table.
pub fn frame_rows(frame: &DataFrame, max_rows: usize) -> Html {
    let mut html = String::from("<table><thead><tr>");
    for name in frame.get_column_names() {
        html.push_str(&format!("<th>{}</th>", escape(name.as_str())));
    }
    html.push_str("</tr></thead><tbody>");
    for row in 0..frame.height().min(max_rows) {
        html.push_str("<tr>");
        for column in frame.columns() {
            let cell = match column.get(row) {
                Ok(AnyValue::Null) | Err(_) => String::new(),
                Ok(AnyValue::Float64(v)) => format!("{v:.6}"),
                Ok(AnyValue::String(s)) => s.to_string(),
                Ok(value) => value.to_string(),
            };
            html.push_str(&format!("<td>{}</td>", escape(&cell)));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table>");
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
