//! A section of the report as data: an optional heading, an intro written in prose.tera,
//! and blocks (tables, lists of sentences, paragraphs), each rendered here once per format.
//! Every section sits in one [`Chapter`] of the report's fixed outline; the Contents lists
//! the chapters and, under each, its sections that have a heading.

use serde::{Deserialize, Serialize};

use super::table::Table;
use super::text::{escape_html, escape_markdown, to_html, to_inline_html};

/// A sentence or paragraph: plain text (escaped for each format) or gilbench's Markdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum Text {
    /// Plain text.
    Plain(String),
    /// Markdown written by gilbench (code spans, emphasis).
    Markdown(String),
}

impl Text {
    /// The text as Markdown.
    pub fn markdown(&self) -> String {
        match self {
            Text::Plain(text) => escape_markdown(text),
            Text::Markdown(text) => text.clone(),
        }
    }

    /// The text as inline HTML (a list item, a cell).
    pub fn html_inline(&self) -> String {
        match self {
            Text::Plain(text) => escape_html(text),
            Text::Markdown(text) => to_inline_html(text),
        }
    }

    /// The text as an HTML paragraph.
    pub fn html_block(&self) -> String {
        to_html(&self.markdown())
    }
}

/// Plain sentences.
pub fn plain(sentences: impl IntoIterator<Item = String>) -> Vec<Text> {
    sentences.into_iter().map(Text::Plain).collect()
}

/// Sentences in gilbench's Markdown.
pub fn markdown(sentences: impl IntoIterator<Item = String>) -> Vec<Text> {
    sentences.into_iter().map(Text::Markdown).collect()
}

/// One block of a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "content", rename_all = "snake_case")]
pub enum Block {
    /// A table.
    Table(Table),
    /// Sentences as a bulleted list.
    List(Vec<Text>),
    /// Sentences, each a paragraph.
    Paragraphs(Vec<Text>),
    /// A paragraph of the report's prose (prose.tera), with the facts it quotes.
    Prose(Intro),
}

/// The report's chapters, in order: its fixed outline, each a level-2 heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
pub enum Chapter {
    /// What the two kinds of work are.
    CpuAndIo,
    /// The lock, and the runtimes that model or lack it.
    Gil,
    /// The pools.
    Tools,
    /// The two tasks.
    Workloads,
    /// The timed function.
    Bench,
    /// The plan and the machine.
    Experiment,
    /// The lesson's table and the charts.
    Results,
    /// Every scenario's section.
    Measured,
    /// Each runtime's lesson in words.
    Interpreting,
    /// The choice guide.
    Choosing,
    /// How it was measured, and the data.
    Method,
}

impl Chapter {
    /// Its heading.
    pub fn title(self) -> &'static str {
        match self {
            Chapter::CpuAndIo => "CPU-bound and I/O-bound work",
            Chapter::Gil => "The Global Interpreter Lock",
            Chapter::Tools => "The tools: pools behind one interface",
            Chapter::Workloads => "The two workloads",
            Chapter::Bench => "The bench function",
            Chapter::Experiment => "The experiment",
            Chapter::Results => "Results",
            Chapter::Measured => "The GIL, modelled and measured",
            Chapter::Interpreting => "Interpreting the results",
            Chapter::Choosing => "Choosing a tool",
            Chapter::Method => "Method and data",
        }
    }

    /// Its id: the same in report.html and, as GitHub derives it, in report.md.
    pub fn id(self) -> String {
        slug(self.title())
    }
}

/// A paragraph of prose.tera: the macro that writes it and the numbers it quotes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Intro {
    /// The prose.tera macro that writes it; it takes one argument, `s`: these facts.
    pub prose: String,
    /// What it quotes.
    pub facts: serde_json::Value,
    /// The paragraph in Markdown, once the report has written it.
    pub text: Option<String>,
}

impl Intro {
    /// The intro of `prose` with `facts`.
    pub fn new(prose: &str, facts: serde_json::Value) -> Self {
        Self { prose: prose.to_string(), facts, text: None }
    }
}

/// One section: where it sits, its heading (none for a part of its chapter's body), its
/// intro and its blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionView {
    /// The chapter it belongs to.
    pub chapter: Chapter,
    /// Its heading, if it has one.
    pub title: Option<String>,
    /// Its id (the heading's slug), where the page anchors it: a comparison anchors only
    /// its first run's sections.
    pub id: Option<String>,
    /// Its prose, tables and sentences.
    pub blocks: Vec<Block>,
}

impl SectionView {
    /// A section with a heading, anchored by its slug.
    pub fn headed(chapter: Chapter, title: impl Into<String>) -> Self {
        let title = title.into();
        Self { chapter, id: Some(slug(&title)), title: Some(title), blocks: Vec::new() }
    }

    /// A part of its chapter's body, without a heading.
    pub fn part(chapter: Chapter) -> Self {
        Self { chapter, title: None, id: None, blocks: Vec::new() }
    }

    /// With a paragraph of prose.tera's `prose` macro, given `facts`.
    pub fn prose(mut self, prose: &str, facts: serde_json::Value) -> Self {
        self.blocks.push(Block::Prose(Intro::new(prose, facts)));
        self
    }

    /// Its prose paragraphs, for the report to write.
    pub fn prose_mut(&mut self) -> impl Iterator<Item = &mut Intro> {
        self.blocks.iter_mut().filter_map(|b| match b {
            Block::Prose(intro) => Some(intro),
            _ => None,
        })
    }

    /// With this block added; an empty table or list adds nothing.
    pub fn block(mut self, block: Block) -> Self {
        let empty = match &block {
            Block::Table(table) => table.is_empty(),
            Block::List(texts) | Block::Paragraphs(texts) => texts.is_empty(),
            Block::Prose(_) => false,
        };
        if !empty {
            self.blocks.push(block);
        }
        self
    }

    /// The section in Markdown: its heading and blocks, one blank line after each.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        if let Some(title) = &self.title {
            out.push_str(&format!("### {}\n\n", escape_markdown(title)));
        }
        for block in &self.blocks {
            match block {
                Block::Prose(intro) => {
                    out.push_str(intro.text.as_deref().unwrap_or_default());
                    out.push('\n');
                }
                Block::Table(table) => out.push_str(&table.markdown()),
                Block::List(texts) => {
                    texts.iter().for_each(|t| out.push_str(&format!("- {}\n", t.markdown())))
                }
                Block::Paragraphs(texts) => {
                    let paragraphs: Vec<String> = texts.iter().map(Text::markdown).collect();
                    out.push_str(&paragraphs.join("\n\n"));
                    out.push('\n');
                }
            }
            out.push('\n');
        }
        out
    }

    /// The section in HTML: an `<h3>` (with its id where anchored), then each block on lines
    /// of its own.
    pub fn html(&self) -> String {
        let mut out = String::new();
        if let Some(title) = &self.title {
            let id = self.id.as_ref().map_or_else(String::new, |id| format!(" id=\"{id}\""));
            out.push_str(&format!("<h3{id}>{}</h3>\n", escape_html(title)));
        }
        for block in &self.blocks {
            match block {
                Block::Prose(intro) => {
                    out.push_str(&to_html(intro.text.as_deref().unwrap_or_default()))
                }
                Block::Table(table) => out.push_str(&table.html()),
                Block::List(texts) => {
                    let items: String =
                        texts.iter().map(|t| format!("<li>{}</li>", t.html_inline())).collect();
                    out.push_str(&format!("<ul>{items}</ul>"));
                }
                Block::Paragraphs(texts) => {
                    out.push_str(&texts.iter().map(Text::html_block).collect::<String>())
                }
            }
            out.push('\n');
        }
        out
    }
}

/// A heading's id as GitHub derives it: lower case, spaces to hyphens, and every character
/// but letters, digits, hyphens and underscores left out.
pub fn slug(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::table::{Cell, Column};

    #[test]
    fn slugs_follow_github() {
        assert_eq!(slug("The free-threaded build's price"), "the-free-threaded-builds-price");
        assert_eq!(
            slug("The tools: pools behind one interface"),
            "the-tools-pools-behind-one-interface"
        );
        assert_eq!(slug("CPU-bound and I/O-bound work"), "cpu-bound-and-io-bound-work");
        assert_eq!(
            slug("Scaling within this machine's cores"),
            "scaling-within-this-machines-cores"
        );
    }

    #[test]
    fn a_section_renders_each_block_once_per_format() {
        let mut table = Table::new(vec![Column::text("a")]);
        table.push(vec![Cell::text("x")]);
        let mut section = SectionView::headed(Chapter::Measured, "Costs & more")
            .prose("costs_intro", serde_json::json!({}))
            .block(Block::Table(table))
            .block(Block::List(vec![Text::Plain("a_b".into()), Text::Markdown("`c`".into())]))
            .block(Block::List(vec![]));
        section.prose_mut().for_each(|i| i.text = Some("Intro *here*.".into()));
        assert_eq!(
            section.markdown(),
            "### Costs &amp; more\n\nIntro *here*.\n\n| a |\n| --- |\n| x |\n\n- a\\_b\n- `c`\n\n"
        );
        assert_eq!(
            section.html(),
            "<h3 id=\"costs--more\">Costs &amp; more</h3>\n<p>Intro <em>here</em>.</p>\n\
             <table>\n<thead><tr><th>a</th></tr></thead>\n<tbody><tr><td>x</td></tr></tbody>\n\
             </table>\n<ul><li>a_b</li><li><code>c</code></li></ul>\n"
        );
    }
}
