//! The two renderers of [`Table`]: GitHub-flavoured Markdown and HTML. Each cell is escaped
//! here, once, by its type: plain text with [`escape_markdown`] or [`escape_html`], gilbench's
//! own Markdown printed as is or rendered inline.

use super::{Align, Cell, Column, Table};
use crate::view::text::{escape_html, escape_markdown, to_inline_html};

impl Table {
    /// The table in Markdown: a header row, an alignment row and a line per row, each line
    /// ending in a newline. An empty cell is written `| |`.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let line = |cells: Vec<String>| {
            let mut line = String::from("|");
            for cell in cells {
                line.push_str(&if cell.is_empty() {
                    " |".to_string()
                } else {
                    format!(" {cell} |")
                });
            }
            line.push('\n');
            line
        };
        out.push_str(&line(self.columns.iter().map(|c| escape_markdown(&c.header)).collect()));
        out.push_str(&line(
            self.columns
                .iter()
                .map(|c| match c.align {
                    Align::Left => "---".to_string(),
                    Align::Right => "---:".to_string(),
                })
                .collect(),
        ));
        for row in &self.rows {
            let cells = row.iter().zip(&self.columns).map(|(cell, c)| markdown_cell(cell, c));
            out.push_str(&line(cells.collect()));
        }
        out
    }

    /// The table in HTML: a `<thead>` row and every row of the `<tbody>` on one line.
    /// Right-aligned cells get `class="num"`; an empty cell gets no class.
    pub fn html(&self) -> String {
        let mut out = match &self.class {
            Some(class) => format!("<table class=\"{}\">\n", escape_html(class)),
            None => "<table>\n".to_string(),
        };
        out.push_str("<thead><tr>");
        for column in &self.columns {
            let header = escape_html(&column.header);
            out.push_str(&format!("<th{}>{header}</th>", class_of(column.align)));
        }
        out.push_str("</tr></thead>\n<tbody>");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, (cell, column)) in row.iter().zip(&self.columns).enumerate() {
                let content = html_cell(cell, column);
                if i == 0 && self.row_headers {
                    out.push_str(&format!("<th>{content}</th>"));
                } else if matches!(cell, Cell::Empty) {
                    out.push_str("<td></td>");
                } else {
                    out.push_str(&format!("<td{}>{content}</td>", class_of(column.align)));
                }
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody>\n</table>");
        out
    }
}

fn class_of(align: Align) -> &'static str {
    match align {
        Align::Left => "",
        Align::Right => " class=\"num\"",
    }
}

fn number(value: Option<f64>, column: &Column) -> String {
    value.map_or_else(|| "-".to_string(), |v| column.unit.show(v, column.digits))
}

fn markdown_cell(cell: &Cell, column: &Column) -> String {
    match cell {
        Cell::Text(text) => escape_markdown(text),
        Cell::Shown(value) => value.replace('|', "\\|"),
        Cell::Markdown(markdown) => markdown.replace('|', "\\|").replace('\n', " "),
        Cell::Number(value) => escape_markdown(&number(*value, column)),
        Cell::Sum { value, matched } => {
            format!("{} ({})", escape_markdown(value), if *matched { "match" } else { "MISMATCH" })
        }
        Cell::Link { text, href } => format!("[{}]({})", escape_markdown(text), link_target(href)),
        Cell::Lines(lines) => {
            lines.iter().map(|l| escape_markdown(l)).collect::<Vec<_>>().join("; ")
        }
        Cell::Swatch { text, .. } => escape_markdown(text),
        Cell::Empty => String::new(),
    }
}

/// A link's target for Markdown: its spaces and parentheses percent-encoded.
fn link_target(href: &str) -> String {
    href.replace(' ', "%20").replace('(', "%28").replace(')', "%29")
}

fn html_cell(cell: &Cell, column: &Column) -> String {
    match cell {
        Cell::Text(text) => escape_html(text),
        Cell::Shown(value) => escape_html(value),
        Cell::Markdown(markdown) => to_inline_html(markdown),
        Cell::Number(value) => escape_html(&number(*value, column)),
        Cell::Sum { value, matched } => {
            let (class, word) =
                if *matched { ("match", "match") } else { ("mismatch", "MISMATCH") };
            format!("{} <span class=\"{class}\">{word}</span>", escape_html(value))
        }
        Cell::Link { text, href } => {
            format!("<a href=\"{}\">{}</a>", escape_html(href), escape_html(text))
        }
        Cell::Lines(lines) => {
            lines.iter().map(|l| escape_html(l)).collect::<Vec<_>>().join("<br />")
        }
        Cell::Swatch { colour, text } => format!(
            "<span class=\"swatch\" style=\"background: {}\"></span>{}",
            escape_html(colour),
            escape_html(text)
        ),
        Cell::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Column, Unit};
    use super::*;

    fn sample() -> Table {
        let mut table = Table::new(vec![
            Column::text("runtime"),
            Column::numbers("speedup"),
            Column::unit("median", Unit::Seconds, 3),
        ]);
        table.push(vec![Cell::text("a|b <c>"), Cell::shown("1.20x [1.10, 1.30]"), 0.5.into()]);
        table.push(vec![Cell::Markdown("`x|y`".into()), Cell::Empty, Cell::Number(None)]);
        table.push(vec![Cell::Sum { value: "12".into(), matched: false }]);
        table
    }

    impl From<f64> for Cell {
        fn from(value: f64) -> Self {
            Cell::Number(Some(value))
        }
    }

    #[test]
    fn markdown_escapes_each_cell_by_its_type() {
        assert_eq!(
            sample().markdown(),
            "| runtime | speedup | median |\n| --- | ---: | ---: |\n\
             | a\\|b &lt;c&gt; | 1.20x [1.10, 1.30] | 0.500 s |\n\
             | `x\\|y` | | - |\n| 12 (MISMATCH) | | |\n"
        );
    }

    #[test]
    fn html_escapes_each_cell_by_its_type() {
        let html = sample().with_class("lesson").with_row_headers().html();
        assert_eq!(
            html,
            "<table class=\"lesson\">\n<thead><tr><th>runtime</th><th class=\"num\">speedup</th>\
             <th class=\"num\">median</th></tr></thead>\n<tbody>\
             <tr><th>a|b &lt;c&gt;</th><td class=\"num\">1.20x [1.10, 1.30]</td>\
             <td class=\"num\">0.500 s</td></tr>\
             <tr><th><code>x|y</code></th><td></td><td class=\"num\">-</td></tr>\
             <tr><th>12 <span class=\"mismatch\">MISMATCH</span></th><td></td><td></td></tr>\
             </tbody>\n</table>"
        );
    }

    #[test]
    fn links_lines_and_swatches_escape_their_text() {
        let mut table = Table::new(vec![Column::text("a"), Column::text("b"), Column::text("c")]);
        let link = Cell::Link { text: "run <1>".into(), href: "x y/report.html".into() };
        let lines = Cell::Lines(vec!["1.2x".into(), "a*b".into()]);
        let swatch = Cell::Swatch { colour: "#123456".into(), text: "run_1".into() };
        table.push(vec![link, lines, swatch]);
        assert!(
            table
                .markdown()
                .ends_with("| [run &lt;1&gt;](x%20y/report.html) | 1.2x; a\\*b | run\\_1 |\n")
        );
        assert!(table.html().contains(
            "<td><a href=\"x y/report.html\">run &lt;1&gt;</a></td><td>1.2x<br />a*b</td>\
             <td><span class=\"swatch\" style=\"background: #123456\"></span>run_1</td>"
        ));
    }

    #[test]
    fn every_row_has_a_cell_per_column() {
        let table = sample();
        assert!(table.rows.iter().all(|row| row.len() == table.columns.len()));
        assert_eq!(Unit::Ratio.show(f64::NAN, 2), "n/a");
        assert_eq!(Unit::Percent.show(12.34, 0), "12%");
    }
}
