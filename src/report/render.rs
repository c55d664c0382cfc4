//! Rendering with tera: the templates are compiled into the binary (`include_str!`) and can
//! be overridden file by file from a folder (`--templates`). HTML templates autoescape every
//! value; the Markdown template escapes user strings with the `md` filter.

use std::collections::HashMap;

use std::path::{Path, PathBuf};

use serde_json::Value;
use tera::{Context, Tera};

use crate::view::section::SectionView;
use crate::view::table::Table;
use crate::view::text::{self as markdown, code_span, escape_html, escape_markdown};

/// The built-in templates: (name, text).
pub const TEMPLATES: [(&str, &str); 6] = [
    ("prose.tera", include_str!("../../templates/prose.tera")),
    ("report.md", include_str!("../../templates/report.md.tera")),
    ("report.html", include_str!("../../templates/report.html.tera")),
    ("index.html", include_str!("../../templates/index.html.tera")),
    ("compare.html", include_str!("../../templates/compare.html.tera")),
    ("style.css", include_str!("../../templates/style.css")),
];

/// A template could not be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template file of `--templates` could not be read.
    #[error("{path}: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        error: std::io::Error,
    },
    /// tera refused a template or failed to render.
    #[error("template {name}: {message}")]
    Tera {
        /// The template.
        name: String,
        /// tera's message with its causes.
        message: String,
    },
}

fn tera_error(name: &str, error: &tera::Error) -> RenderError {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    RenderError::Tera { name: name.to_string(), message }
}

/// The templates: built in, each replaced by `<dir>/<name>.tera` (`<dir>/<name>` for
/// prose.tera and style.css) when that file exists.
pub fn templates(dir: Option<&Path>) -> Result<Tera, RenderError> {
    let mut sources = Vec::new();
    for (name, text) in TEMPLATES {
        let file = dir.map(|d| {
            let has_extension = name.ends_with(".css") || name.ends_with(".tera");
            d.join(if has_extension { name.to_string() } else { format!("{name}.tera") })
        });
        let text = match file.filter(|f| f.is_file()) {
            Some(file) => std::fs::read_to_string(&file)
                .map_err(|error| RenderError::Read { path: file, error })?,
            None => text.to_string(),
        };
        sources.push((name, text));
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.add_raw_templates(sources).map_err(|e| tera_error("templates", &e))?;
    tera.register_filter("secs", |v: &Value, _: &HashMap<String, Value>| {
        number(v, |x| format!("{x:.3} s"))
    });
    tera.register_filter("ratio", |v: &Value, _: &HashMap<String, Value>| {
        number(v, |x| format!("{x:.2}x"))
    });
    tera.register_filter("fixed", |v: &Value, args: &HashMap<String, Value>| {
        let digits = args.get("digits").and_then(Value::as_u64).unwrap_or(2) as usize;
        number(v, |x| format!("{x:.digits$}"))
    });
    tera.register_filter("pct", |v: &Value, _: &HashMap<String, Value>| {
        number(v, |x| format!("{:.0}%", x * 100.0))
    });
    tera.register_filter("gib", |v: &Value, _: &HashMap<String, Value>| {
        number(v, |x| format!("{:.1} GiB", x / f64::from(1u32 << 30)))
    });
    tera.register_filter("markdown", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(markdown::to_html(&text_of(v))))
    });
    tera.register_filter("markdown_inline", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(markdown::to_inline_html(&text_of(v))))
    });
    tera.register_filter("md", MarkdownFilter(escape_markdown));
    tera.register_filter("code", MarkdownFilter(code_span));
    tera.register_filter("html", MarkdownFilter(escape_html));
    let table = |render| ViewFilter::<Table> { what: "table", render };
    tera.register_filter("markdown_table", table(Table::markdown));
    tera.register_filter("html_table", table(Table::html));
    let section = |render| ViewFilter::<SectionView> { what: "section", render };
    tera.register_filter("markdown_section", section(SectionView::markdown));
    tera.register_filter("html_section", section(SectionView::html));
    Ok(tera)
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn number(value: &Value, show: impl Fn(f64) -> String) -> tera::Result<Value> {
    Ok(Value::String(match value.as_f64() {
        Some(x) if x.is_finite() => show(x),
        _ => "n/a".to_string(),
    }))
}

/// A filter whose output is Markdown, marked safe so that the HTML templates do not escape it
/// again: the `markdown` filter turns it into HTML, escaping once (a value escaped twice
/// shows `&amp;` or `&#x2F;` as text). `md` is [`escape_markdown`], `code` is [`code_span`],
/// `html` is [`escape_html`] (for text gilbench wrote, such as headings).
struct MarkdownFilter(fn(&str) -> String);

impl tera::Filter for MarkdownFilter {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        Ok(Value::String((self.0)(&text_of(value))))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// A filter that prints a view (a [`Table`], a [`SectionView`] with its prose written) in one
/// format, marked safe: the view escapes its own text. `markdown_table` is
/// [`Table::markdown`], `html_section` is [`SectionView::html`], and so on.
struct ViewFilter<T> {
    /// What the view is called in an error.
    what: &'static str,
    /// The format's renderer.
    render: fn(&T) -> String,
}

impl<T: serde::de::DeserializeOwned + Send + Sync> tera::Filter for ViewFilter<T> {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        let view: T = serde_json::from_value(value.clone())
            .map_err(|e| tera::Error::msg(format!("not a {}: {e}", self.what)))?;
        Ok(Value::String((self.render)(&view)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Writes the prose of every section's [`Block::Prose`](crate::view::section::Block) with
/// its prose.tera macro, given the facts it quotes as `s`.
pub fn write_prose<'a>(
    tera: &mut Tera,
    sections: impl Iterator<Item = &'a mut SectionView>,
) -> Result<(), RenderError> {
    for section in sections {
        for prose in section.prose_mut() {
            let call = format!(
                "{{% import \"prose.tera\" as prose %}}{{{{ prose::{}(s=s) }}}}",
                prose.prose
            );
            let mut context = Context::new();
            context.insert("s", &prose.facts);
            let text =
                tera.render_str(&call, &context).map_err(|e| tera_error(&prose.prose, &e))?;
            prose.text = Some(text);
        }
    }
    Ok(())
}

/// Renders template `name` with `context`.
pub fn render(
    tera: &Tera,
    name: &str,
    context: &impl serde::Serialize,
) -> Result<String, RenderError> {
    let context = Context::from_serialize(context).map_err(|e| tera_error(name, &e))?;
    tera.render(name, &context).map_err(|e| tera_error(name, &e))
}
