//! Text for the two formats, escaped in one place. The report's prose is written once, in
//! Markdown (templates/prose.tera): report.md prints it, and report.html renders it here with
//! pulldown-cmark. Raw HTML in the text is shown as text, never passed through, so a hostile
//! value cannot inject markup into the page. Plain text is escaped for Markdown with
//! [`escape_markdown`] and for HTML with [`escape_html`] (tera's, as its autoescape does).

use pulldown_cmark::{Event, Parser, html};

fn events(text: &str) -> impl Iterator<Item = Event<'_>> {
    Parser::new(text).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    })
}

/// `text` as HTML blocks (`<p>...</p>`, lists).
pub fn to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 5 / 4);
    html::push_html(&mut out, events(text));
    out.trim_end().to_string()
}

/// One paragraph of `text` as inline HTML, without its `<p>` (for list items, captions).
pub fn to_inline_html(text: &str) -> String {
    let block = to_html(text);
    block
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
        .map_or(block.clone(), str::to_string)
}

/// `text` as a Markdown code span: fenced by one more backtick than its longest run of them,
/// padded with a space where it starts or ends with one, its line breaks made spaces. Nothing
/// inside a code span is interpreted, so nothing else is escaped.
pub fn code_span(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Escapes the characters that Markdown or inline HTML would interpret.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// `text` escaped for HTML text and double-quoted attribute values: `&`, `<`, `>` and `"`.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// The words an enum serializes to (its serde name: "within the goal", "not met").
pub fn words_of(value: &impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(words)) => words,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_escaped_html() {
        assert_eq!(
            to_html("a *b* `c` **d**"),
            "<p>a <em>b</em> <code>c</code> <strong>d</strong></p>"
        );
        assert_eq!(to_inline_html("x `<run folder>`"), "x <code>&lt;run folder&gt;</code>");
        assert_eq!(
            to_inline_html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(to_inline_html("&lt;b&gt; \\*"), "&lt;b&gt; *");
    }
}
