//! One escaping path: a run whose folder name, host, CPU, command line and interpreter path
//! hold `/ & < > " '` and a non-ASCII letter renders report.html whose visible text (parsed,
//! not grepped) shows each of them as it is, as report.md does once rendered, with no entity
//! left as text anywhere on the page.

use std::collections::BTreeSet;
use std::path::Path;

use pulldown_cmark::{Event as MdEvent, Parser};
use quick_xml::Reader;
use quick_xml::events::Event;

use super::{fixture_copy, read, render};

const HOSTILE: &str = "a/b & <c> \"d\" 'e' é";

/// The same without the slash, which no folder name can hold.
const FOLDER: &str = "run & <c> \"d\" 'e' é";

/// The text a reader sees in report.html: every text node outside `<style>` and `<svg>`,
/// with entities resolved, each node trimmed.
fn visible_text(html: &str) -> String {
    let mut reader = Reader::from_str(html);
    let mut hidden = 0usize;
    let mut texts = Vec::new();
    loop {
        match reader.read_event().expect("well-formed HTML") {
            Event::Start(tag) if matches!(tag.name().as_ref(), "style" | "svg") => hidden += 1,
            Event::End(tag) if matches!(tag.name().as_ref(), "style" | "svg") => hidden -= 1,
            Event::Text(text) if hidden == 0 => {
                let raw: &str = text.as_ref();
                let resolved = quick_xml::escape::unescape(raw).expect("known entities");
                texts.push(resolved.into_owned());
            }
            Event::GeneralRef(entity) if hidden == 0 => {
                let name: &str = entity.as_ref();
                let character = entity
                    .resolve_char_ref()
                    .expect("a valid character reference")
                    .map(String::from)
                    .or_else(|| quick_xml::escape::resolve_xml_entity(name).map(str::to_string))
                    .unwrap_or_else(|| panic!("unknown entity &{name};"));
                texts.push(character);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    texts.concat()
}

/// The text of report.md as Markdown renders it (code spans and text, entities resolved).
fn markdown_text(markdown: &str) -> String {
    Parser::new(markdown)
        .filter_map(|event| match event {
            MdEvent::Text(text) | MdEvent::Code(text) => Some(text.into_string()),
            MdEvent::SoftBreak | MdEvent::HardBreak => Some(" ".to_string()),
            _ => None,
        })
        .collect()
}

fn set_json(path: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut value: serde_json::Value = serde_json::from_str(&read(path)).expect("json");
    edit(&mut value);
    std::fs::write(path, serde_json::to_string_pretty(&value).expect("json")).expect("write");
}

#[test]
fn hostile_strings_show_as_they_are_in_html_and_markdown() {
    let (out, fixture) = fixture_copy();
    let dir = out.path().join(FOLDER);
    std::fs::rename(&fixture, &dir).expect("rename");
    let command = format!("gilbench run --python '/opt/{HOSTILE}/bin/python' --name \"x&y\"");
    set_json(&dir.join("plan.json"), |plan| {
        plan["run_id"] = serde_json::Value::from(FOLDER);
        plan["command"] = serde_json::Value::from(command.clone());
    });
    set_json(&dir.join("machine.json"), |machine| {
        machine["hostname"] = serde_json::Value::from(format!("host {HOSTILE}"));
        machine["cpu_brand"] = serde_json::Value::from(format!("cpu {HOSTILE}"));
        machine["python_executable"] = serde_json::Value::from(format!("/opt/{HOSTILE}/python"));
    });
    render(&[&dir]);
    let html = visible_text(&read(&dir.join("report.html")));
    let markdown = markdown_text(&read(&dir.join("report.md")));
    let expected: BTreeSet<String> = [
        FOLDER.to_string(),
        format!("host {HOSTILE}"),
        format!("cpu {HOSTILE}"),
        command.clone(),
        "core/src/bench.rs".to_string(),
    ]
    .into();
    for text in &expected {
        assert!(html.contains(text.as_str()), "report.html does not show {text:?}");
        assert!(markdown.contains(text.as_str()), "report.md does not show {text:?}");
    }
    for entity in ["&amp;", "&lt;", "&gt;", "&quot;", "&#x2F;", "&#39;", "&#x27;"] {
        assert!(!html.contains(entity), "report.html shows {entity} as text");
        assert!(!markdown.contains(entity), "report.md shows {entity} as text");
    }
    for escape in ["\\&", "\\<", "\\*", "\\|"] {
        assert!(!html.contains(escape), "report.html shows a Markdown escape {escape}");
    }
}
