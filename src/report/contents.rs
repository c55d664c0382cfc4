//! The report's Contents: every chapter of its fixed outline and, under each, every section
//! with a heading that the first run has, each linked by its id (its heading's slug, the same
//! in report.md and report.html).

use serde::Serialize;
use strum::IntoEnumIterator;

use super::context::RunView;
use crate::view::section::{Chapter, slug};

/// One entry of the Contents: a chapter or a section, with its id.
#[derive(Debug, Clone, Serialize)]
pub struct ContentsEntry {
    /// Its heading.
    pub title: String,
    /// Its id.
    pub id: String,
    /// The sections under a chapter.
    pub sections: Vec<ContentsEntry>,
}

/// The Contents: "Your function" where the first run has one, then every chapter with the
/// first run's sections that have a heading under it.
pub fn contents(views: &[RunView]) -> Vec<ContentsEntry> {
    let first = views.first();
    let mut entries = Vec::new();
    if first.is_some_and(|v| v.function.is_some()) {
        let title = crate::analysis::answer::FUNCTION_TITLE;
        entries.push(ContentsEntry { title: title.into(), id: slug(title), sections: vec![] });
    }
    for chapter in Chapter::iter() {
        let sections = first
            .map(|v| v.sections.as_slice())
            .unwrap_or_default()
            .iter()
            .filter(|s| s.chapter == chapter)
            .filter_map(|s| {
                Some(ContentsEntry { title: s.title.clone()?, id: s.id.clone()?, sections: vec![] })
            })
            .collect();
        entries.push(ContentsEntry { title: chapter.title().into(), id: chapter.id(), sections });
    }
    entries
}
