//! One table model for every table gilbench prints: columns that carry a header, an
//! alignment and a unit, rows of typed cells, and one renderer per format ([`Table::markdown`],
//! [`Table::html`]) that escapes each cell once, by its type. The report's templates print
//! tables only through these two (the `markdown_table` and `html_table` filters), so a table's
//! layout is decided here and its content where it is computed.

mod render;

use serde::{Deserialize, Serialize};

/// Where a column's cells sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Align {
    /// Text: names, verdicts, lists.
    Left,
    /// Numbers, so that their digits line up.
    Right,
}

/// The unit a column's [`Cell::Number`]s are printed in: the estimates' own.
pub use crate::stats::Unit;

/// One column: its header (plain text), alignment, and the unit and decimals of its numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// The header, plain text.
    pub header: String,
    /// Where its cells sit.
    pub align: Align,
    /// The unit of its [`Cell::Number`]s.
    pub unit: Unit,
    /// Their decimals.
    pub digits: usize,
}

impl Column {
    /// A column of text.
    pub fn text(header: impl Into<String>) -> Self {
        Self { header: header.into(), align: Align::Left, unit: Unit::Count, digits: 0 }
    }

    /// A column of numbers already written out (estimates with their intervals, counts).
    pub fn numbers(header: impl Into<String>) -> Self {
        Self { align: Align::Right, ..Self::text(header) }
    }

    /// A column of [`Cell::Number`]s in `unit` with `digits` decimals.
    pub fn unit(header: impl Into<String>, unit: Unit, digits: usize) -> Self {
        Self { align: Align::Right, unit, digits, ..Self::text(header) }
    }
}

/// One cell: what it holds decides how each format escapes and shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    /// Plain text, escaped for each format.
    Text(String),
    /// A value as gilbench's formatter wrote it (an estimate with its interval, a duration,
    /// a size): digits, units and brackets, nothing Markdown interprets but a `|`.
    Shown(String),
    /// Markdown written by gilbench (code spans): printed as is in Markdown, rendered in HTML.
    Markdown(String),
    /// A number in its column's unit; `None` prints "-".
    Number(Option<f64>),
    /// A result checksum and whether it matched serial's: "(match)" or "(MISMATCH)".
    Sum {
        /// The checksum as printed.
        value: String,
        /// True when it matched.
        matched: bool,
    },
    /// A link: its text (plain) and where it goes.
    Link {
        /// The words.
        text: String,
        /// The target, relative to the page.
        href: String,
    },
    /// Lines of plain text in one cell.
    Lines(Vec<String>),
    /// A colour swatch before plain text (the compare page's key to its charts).
    Swatch {
        /// The CSS colour.
        colour: String,
        /// The words after it.
        text: String,
    },
    /// Nothing.
    Empty,
}

impl Cell {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Self {
        Cell::Text(text.into())
    }

    /// A value as gilbench's formatter wrote it.
    pub fn shown(value: impl Into<String>) -> Self {
        Cell::Shown(value.into())
    }

    /// A value, or "-" where there is none.
    pub fn or_dash(value: Option<impl Into<String>>) -> Self {
        Cell::Shown(value.map_or_else(|| "-".to_string(), Into::into))
    }

    /// An estimate as its Display writes it (the value with its interval), or "-".
    pub fn estimate(estimate: Option<&crate::stats::Estimate>) -> Self {
        Cell::or_dash(estimate.map(ToString::to_string))
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Cell::Text(text)
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Cell::Text(text.to_string())
    }
}

/// A table: columns, rows of cells (one per column), and how its rows are headed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Its columns.
    pub columns: Vec<Column>,
    /// Its rows.
    pub rows: Vec<Vec<Cell>>,
    /// True when each row's first cell heads the row (`<th>` in HTML).
    pub row_headers: bool,
    /// The HTML class of the table, if any.
    pub class: Option<String>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(columns: Vec<Column>) -> Self {
        Self { columns, rows: Vec::new(), row_headers: false, class: None }
    }

    /// Each row's first cell heads it.
    pub fn with_row_headers(mut self) -> Self {
        self.row_headers = true;
        self
    }

    /// Sets the HTML class.
    pub fn with_class(mut self, class: &str) -> Self {
        self.class = Some(class.to_string());
        self
    }

    /// Adds a row; a short row is padded with empty cells, a long one cut to the columns.
    pub fn push(&mut self, cells: Vec<Cell>) {
        let mut cells = cells;
        cells.resize(self.columns.len(), Cell::Empty);
        self.rows.push(cells);
    }

    /// True when it has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}
