//! What the report shows, as data below the analysis that fills it: [`table::Table`] (one
//! table model, one renderer per format), [`text`] (escaping, once, by a text's type) and
//! [`section::SectionView`] (a section of the report: its heading, intro, tables, sentences).
//! The analysis builds these; the report only renders them.

pub mod section;
pub mod table;
pub mod text;
