//! A legend drawn in its own strip beside the plotting area (never over the data): one row
//! per entry, a sample of the line in its colour and dashes with the series' marker on it,
//! then the label. Labels too long for the strip are shortened with an ellipsis.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, Marker};
use super::{FONT, SERIAL};

/// The strip's width, in pixels.
pub const WIDTH: u32 = 220;

const ROW: i32 = 20;
const SAMPLE: i32 = 28;
const LABEL_CHARS: usize = 27;

/// One row of a legend.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The words.
    pub label: String,
    /// The line's colour.
    pub color: RGBColor,
    /// Its dashes (`None`: solid).
    pub dash: Option<(u32, u32)>,
    /// The marker on the sample, if any.
    pub marker: Option<Marker>,
}

impl Entry {
    /// A line without marker.
    pub fn line(label: String, color: RGBColor, dash: Option<(u32, u32)>) -> Self {
        Self { label, color, dash, marker: None }
    }
}

fn shortened(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_string();
    }
    let kept: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{kept}…")
}

/// The pieces of a dashed sample line from x0 to x0 + SAMPLE at height y.
fn sample_segments(x0: i32, y: i32, dash: Option<(u32, u32)>) -> Vec<[(i32, i32); 2]> {
    let Some((on, off)) = dash else {
        return vec![[(x0, y), (x0 + SAMPLE, y)]];
    };
    let (on, off) = (on.max(1) as i32, off as i32);
    let mut segments = Vec::new();
    let mut x = x0;
    while x < x0 + SAMPLE {
        segments.push([(x, y), ((x + on).min(x0 + SAMPLE), y)]);
        x += on + off;
    }
    segments
}

/// Draws `entries` in `area`, from its top left, inside a light frame.
pub fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[Entry],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if entries.is_empty() {
        return Ok(());
    }
    let rows = i32::try_from(entries.len()).unwrap_or(i32::MAX / ROW);
    let (width, _) = area.dim_in_pixel();
    let width = i32::try_from(width).unwrap_or(i32::MAX);
    let (left, top) = (8, 40);
    let frame = [(left, top), (width - 6, top + rows * ROW + 10)];
    area.draw(&Rectangle::new(frame, SERIAL.mix(0.6).stroke_width(1)))?;
    for (i, entry) in entries.iter().enumerate() {
        let y = top + 15 + ROW * i32::try_from(i).unwrap_or(0);
        let x0 = left + 8;
        for segment in sample_segments(x0, y, entry.dash) {
            area.draw(&PathElement::new(segment.to_vec(), entry.color.stroke_width(2)))?;
        }
        if let Some(marker) = entry.marker {
            style::draw_marker_at(area, marker, (x0 + SAMPLE / 2, y), entry.color)?;
        }
        let text = shortened(&entry.label);
        let font = (FONT, 12).into_font().color(&BLACK);
        area.draw(&Text::new(text, (x0 + SAMPLE + 8, y - 6), font))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_shortened_and_dashes_fill_the_sample() {
        assert_eq!(shortened("rust threads"), "rust threads");
        let long = "cpython-3.13t interpreters and more";
        assert_eq!(shortened(long).chars().count(), LABEL_CHARS);
        assert!(shortened(long).ends_with('…'));
        assert_eq!(sample_segments(0, 5, None), vec![[(0, 5), (SAMPLE, 5)]]);
        let dashed = sample_segments(0, 5, Some((9, 5)));
        assert_eq!(dashed.len(), 2);
        assert!(dashed.iter().all(|[a, b]| a.0 < b.0 && b.0 <= SAMPLE));
    }
}
