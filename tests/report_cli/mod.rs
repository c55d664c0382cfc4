//! `gilbench report` on a committed fixture run: a snapshot of report.md, a well-formed,
//! self-contained report.html with every chart and the lesson table, escaping of
//! user-supplied strings, partial runs, comparisons, template overrides and bad input.

use std::path::{Path, PathBuf};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::common::gilbench;

mod escaping;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/runs/quick-fixture");

/// A fresh copy of the fixture run in a temporary output folder.
pub fn fixture_copy() -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().expect("tempdir");
    let dir = out.path().join("quick-fixture");
    std::fs::create_dir(&dir).expect("mkdir");
    for entry in std::fs::read_dir(FIXTURE).expect("fixture").flatten() {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).expect("copy");
    }
    (out, dir)
}

fn render(args: &[&Path]) -> PathBuf {
    let output = gilbench().arg("report").args(args).output().expect("report");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    PathBuf::from(stdout.lines().last().expect("a path").trim())
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Drops the line that carries the rendering time.
fn stable(markdown: &str) -> String {
    markdown
        .lines()
        .filter(|l| !l.starts_with("*Rendered by gilbench"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_well_formed(html: &str) {
    let mut reader = Reader::from_str(html);
    let mut depth: i64 = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => depth += 1,
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("not well-formed at byte {}: {error}", reader.buffer_position()),
        }
        assert!(depth >= 0, "a closing tag without an opening one");
    }
    assert_eq!(depth, 0, "unclosed elements");
}

#[test]
fn report_md_matches_its_snapshot() {
    let (_out, dir) = fixture_copy();
    render(&[&dir]);
    let markdown = read(&dir.join("report.md"));
    assert_eq!(long_decimals(&markdown), Vec::<String>::new(), "numbers printed for machines");
    insta::assert_snapshot!("report_md", stable(&markdown));
}

/// The numbers of `text` printed with 10 decimals or more ("0.4800000000000002").
fn long_decimals(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '.' && i > 0 && chars[i - 1].is_ascii_digit() {
            let decimals = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if decimals >= 10 {
                let end = (i + 1 + decimals).min(chars.len());
                let start = i.saturating_sub(12);
                found.push(chars[start..end].iter().collect());
            }
            i += decimals;
        }
        i += 1;
    }
    found
}

#[test]
fn the_long_decimals_check_finds_a_sum_printed_in_full() {
    assert_eq!(long_decimals("| rust | 0.4800000000000002 (match) |").len(), 1);
    assert!(long_decimals("1.74x [1.66, 1.83], 0.99999 s, v1.2.3").is_empty());
}

#[test]
fn the_harness_section_shows_the_overhead_rows_and_explains_the_floor() {
    let (_out, dir) = fixture_copy();
    let row = |metric: &str, executor: &str, ours: f64, theirs: f64| {
        serde_json::json!({"metric": metric, "executor": executor, "workers": 8, "unit": "%",
            "gilbench": ours, "cpython": theirs, "ratio": ours / theirs,
            "target": "<= 1%", "met": ours <= 1.0})
    };
    let rows = serde_json::json!([
        row("I/O floor: sleeps alone, no pool", "serial", 0.3125, 0.5678),
        row("I/O overhead over ideal", "processes", 0.8761, 5.4321),
    ]);
    std::fs::write(dir.join("overhead.json"), rows.to_string()).expect("write");
    render(&[&dir]);
    for file in ["report.md", "report.html"] {
        let text = read(&dir.join(file));
        assert!(text.contains("What the harness costs"), "{file}");
        assert!(text.contains("0.88 %") && text.contains("5.4 %"), "{file}");
        assert!(
            text.contains("its 0.31% over the ideal is the operating system's timer wake-up")
                && text.contains("(CPython's own sleeps: 0.57%)"),
            "{file}"
        );
    }
    assert_well_formed(&read(&dir.join("report.html")));
}

#[test]
fn report_html_is_well_formed_self_contained_and_complete() {
    let (_out, dir) = fixture_copy();
    let html_path = render(&[&dir]);
    assert_eq!(html_path, dir.canonicalize().expect("canonical").join("report.html"));
    let html = read(&html_path);
    assert_well_formed(&html);
    for forbidden in ["<script", "<link", "<img", "<iframe", " src=", "url(", "@import"] {
        assert!(!html.contains(forbidden), "report.html contains {forbidden}");
    }
    for (position, _) in html.match_indices("href=\"") {
        let target = &html[position + 6..];
        assert!(
            !target.starts_with("http") && !target.starts_with("//"),
            "external link: {}",
            &target[..40.min(target.len())]
        );
    }
    let plots: Vec<PathBuf> =
        std::fs::read_dir(dir.join("plots")).expect("plots").flatten().map(|e| e.path()).collect();
    assert!(plots.len() >= 10, "{} charts", plots.len());
    assert_eq!(html.matches("<svg").count(), plots.len(), "every chart inlined once");
    let markdown = read(&dir.join("report.md"));
    for plot in &plots {
        let name = format!("plots/{}", plot.file_name().expect("name").to_string_lossy());
        assert!(markdown.contains(&name), "report.md does not show {name}");
    }
    for needed in [
        "CPU, threads / processes",
        "I/O, threads / processes",
        "reference lesson",
        "match",
        "1.381 s",
        "fn burn_cpu",
        "as_completed",
    ] {
        assert!(html.contains(needed), "report.html lacks {needed:?}");
    }
    let index = read(&dir.parent().expect("parent").join("index.html"));
    assert_well_formed(&index);
    assert!(
        index.contains("quick-fixture&#x2F;report.html")
            || index.contains("quick-fixture/report.html")
    );
}

#[test]
fn user_supplied_strings_are_escaped() {
    let (_out, dir) = fixture_copy();
    let machine_path = dir.join("machine.json");
    let machine = read(&machine_path)
        .replace("\"hostname\": \"", "\"hostname\": \"<script>alert(1)</script>|*x*");
    std::fs::write(&machine_path, machine).expect("write");
    render(&[&dir]);
    let html = read(&dir.join("report.html"));
    assert!(!html.contains("<script>"), "unescaped host name in HTML");
    assert!(html.contains("&lt;script&gt;"));
    let markdown = read(&dir.join("report.md"));
    assert!(!markdown.contains("<script>"), "unescaped host name in Markdown");
    assert!(markdown.contains("\\|\\*x\\*"));
    let index = read(&dir.parent().expect("parent").join("index.html"));
    assert!(!index.contains("<script>"));
}

#[test]
fn a_partial_run_says_so_at_the_top() {
    let (_out, dir) = fixture_copy();
    let plan_path = dir.join("plan.json");
    std::fs::write(
        &plan_path,
        read(&plan_path).replace("\"status\": \"complete\"", "\"status\": \"partial\""),
    )
    .expect("write");
    render(&[&dir]);
    let markdown = read(&dir.join("report.md"));
    let top: String = markdown.lines().take(4).collect::<Vec<_>>().join("\n");
    assert!(top.contains("partial run"), "{top}");
    assert!(read(&dir.join("report.html")).contains("id=\"partial\""));
}

#[test]
fn several_runs_render_a_comparison() {
    let (out, dir) = fixture_copy();
    let second = out.path().join("second");
    std::fs::create_dir(&second).expect("mkdir");
    for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
        std::fs::copy(entry.path(), second.join(entry.file_name())).expect("copy");
    }
    let target = out.path().join("compare");
    let output = gilbench()
        .arg("report")
        .arg(&dir)
        .arg(&second)
        .arg("--out")
        .arg(&target)
        .output()
        .expect("report");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let markdown = read(&target.join("report.md"));
    assert!(markdown.contains("2 runs compared"));
    assert!(markdown.contains("## Run 1") && markdown.contains("## Run 2"));
    assert!(
        markdown.contains("](../quick-fixture/runs.csv)"),
        "data links are relative to the report"
    );
    assert_well_formed(&read(&target.join("report.html")));
}

#[test]
fn templates_can_be_overridden_one_file_at_a_time() {
    let (out, dir) = fixture_copy();
    let templates = out.path().join("templates");
    std::fs::create_dir(&templates).expect("mkdir");
    std::fs::write(templates.join("report.md.tera"), "CUSTOM {{ title }} {{ runs | length }}\n")
        .expect("write");
    let output = gilbench()
        .arg("report")
        .arg(&dir)
        .arg("--templates")
        .arg(&templates)
        .output()
        .expect("report");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(read(&dir.join("report.md")).starts_with("CUSTOM Threads vs processes on"));
    assert!(read(&dir.join("report.html")).contains("The Global Interpreter Lock"));
}

#[test]
fn bad_report_input_exits_2() {
    let (out, dir) = fixture_copy();
    let cases: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["/nonexistent/run".into()],
        vec![out.path().into()],
        vec![dir.clone().into(), "--templates".into(), "/nonexistent/templates".into()],
    ];
    for case in cases {
        let output = gilbench().arg("report").args(&case).output().expect("report");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{case:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{case:?}: {stderr}");
    }
}
