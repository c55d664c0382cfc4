//! Every shell command of README.md and docs/*.md, run as written as far as a test can
//! without measuring: a `gilbench ...` command must pass clap's validation (and a `gilbench
//! run` plan its own), a `make` target must exist in the Makefile, and a path it names must
//! exist once `make pythons` has run (run folders under output/ aside, which runs make).
//! Commands come from ```sh blocks and from inline code spans that start with `gilbench ` or
//! `make `; a command with a placeholder (RUN, FILE.py:FUNCTION, ...) is a pattern, not a
//! command, and is left out.

use std::path::PathBuf;

use clap::Parser;

use super::{Cli, Command};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One command and where it was found.
#[derive(Debug, Clone)]
struct Found {
    file: String,
    line: usize,
    words: Vec<String>,
}

/// The commands of one Markdown text: the lines of its sh blocks (continuations joined,
/// comments and prompts dropped, `&&` splitting) and its inline `gilbench`/`make` spans.
fn commands(file: &str, text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let mut in_sh = false;
    let mut pending: Option<(usize, String)> = None;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_sh = !in_sh && matches!(trimmed, "```sh" | "```bash" | "```shell");
            continue;
        }
        if in_sh {
            let (start, mut joined) = pending.take().unwrap_or((index + 1, String::new()));
            let code = trimmed.strip_prefix("$ ").unwrap_or(trimmed);
            match code.strip_suffix('\\') {
                Some(head) => {
                    joined.push_str(head);
                    joined.push(' ');
                    pending = Some((start, joined));
                }
                None => {
                    joined.push_str(code);
                    for part in joined.split("&&") {
                        found.extend(parse(file, start, part));
                    }
                }
            }
            continue;
        }
        for (n, span) in line.split('`').enumerate() {
            if n % 2 == 1 && (span.starts_with("gilbench ") || span.starts_with("make ")) {
                found.extend(parse(file, index + 1, span).filter(|f| !mention(span, f)));
            }
        }
    }
    found
}

/// True when an inline span names a command or a flag in prose rather than giving one to
/// run: a subcommand alone (`gilbench compare`), a flag without its value (`gilbench run
/// --task`), or usage syntax (`[--json]`, `rust|cpython`).
fn mention(span: &str, found: &Found) -> bool {
    let gilbench = found.words.first().is_some_and(|w| w == "gilbench");
    let bare = gilbench && found.words.len() <= 2;
    let flag = found.words.len() > 2 && found.words.last().is_some_and(|w| w.starts_with("--"));
    bare || (gilbench && flag) || span.contains(['[', '|', '{'])
}

/// One command's words, without its comment and environment assignments; `None` for an
/// empty line or a pattern with placeholders.
fn parse(file: &str, line: usize, text: &str) -> Option<Found> {
    let code = text.split(" #").next().unwrap_or(text).trim();
    if code.is_empty() || code.starts_with('#') || code.contains("...") {
        return None;
    }
    let mut words = shlex::split(code)?;
    while words.first().is_some_and(|w| w.contains('=') && !w.starts_with('-')) {
        words.remove(0);
    }
    let placeholder = |w: &String| {
        let head = w.split(['=', ':', '.', ',']).next().unwrap_or(w);
        head.len() >= 3 && head.chars().all(|c| c.is_ascii_uppercase() || c == '_')
    };
    if words.iter().any(placeholder) || words.iter().any(|w| w.contains('<')) {
        return None;
    }
    Some(Found { file: file.to_string(), line, words })
}

/// The Makefile's targets.
fn make_targets() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("Makefile")).expect("Makefile");
    text.lines()
        .filter(|l| !l.starts_with(['\t', '#', ' ', '.']))
        .filter_map(|l| l.split_once(':').filter(|(_, rest)| !rest.starts_with('=')))
        .flat_map(|(names, _)| names.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

/// The paths a command names that must exist: arguments with a slash (a `FILE:FUNCTION`'s
/// file, each item of a comma list), not under output/, not a URL.
fn paths(words: &[String]) -> Vec<PathBuf> {
    words
        .iter()
        .flat_map(|w| w.split(','))
        .map(|w| w.split_once(".py:").map_or(w.to_string(), |(file, _)| format!("{file}.py")))
        .filter(|w| w.contains('/') && !w.starts_with('-') && !w.contains("://"))
        // A shell substitution ($(pyenv root)/...) is the reader's machine's, not a path.
        .filter(|w| !w.contains('$'))
        .filter(|w| !w.starts_with("output") && !w.starts_with("/tmp") && !w.contains('*'))
        .map(PathBuf::from)
        .collect()
}

/// Why `found` would not run as written, if it would not.
fn problem(found: &Found, targets: &[String]) -> Option<String> {
    let words = &found.words;
    match words.first().map(String::as_str) {
        Some("make") => {
            let unknown: Vec<&String> = words[1..]
                .iter()
                .filter(|w| !w.starts_with('-') && !w.contains('='))
                .filter(|w| !targets.contains(w))
                .collect();
            (!unknown.is_empty()).then(|| format!("no make target {unknown:?}"))
        }
        Some("gilbench") => gilbench_problem(words),
        _ => None,
    }
    .or_else(|| {
        let missing: Vec<PathBuf> =
            paths(words).into_iter().filter(|p| !repo().join(p).exists()).collect();
        (!missing.is_empty()).then(|| format!("no such path {missing:?}"))
    })
}

fn gilbench_problem(words: &[String]) -> Option<String> {
    let cli = match Cli::try_parse_from(words) {
        Ok(cli) => cli,
        Err(error) => return Some(error.to_string().lines().next().unwrap_or("").to_string()),
    };
    match cli.command {
        // A plan is checked as `gilbench run` checks it before measuring (a function run's
        // plan needs its module loaded, which the path check stands for).
        Command::Run(args) if !args.resumes() && !args.has_task() => {
            args.checked_plan().err().map(|e| e.to_string())
        }
        _ => None,
    }
}

fn documents() -> Vec<(String, String)> {
    let mut files = vec![repo().join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(repo().join("docs"))
        .expect("docs")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
        .iter()
        .map(|p| {
            let name = p.strip_prefix(repo()).unwrap_or(p).display().to_string();
            (name, std::fs::read_to_string(p).expect("a document"))
        })
        .collect()
}

#[test]
fn every_documented_command_runs_as_written() {
    let pythons = repo().join(".pythons/3.13t/bin/python3.13t");
    let skip = std::env::var("GILBENCH_SKIP_FREE_THREADED").is_ok_and(|v| v == "1");
    assert!(pythons.exists() || skip, "the paths of the docs need `make pythons` first");
    let targets = make_targets();
    let mut checked = 0;
    let mut problems = Vec::new();
    for (file, text) in documents() {
        for found in commands(&file, &text) {
            if !pythons.exists() && found.words.iter().any(|w| w.contains(".pythons/")) {
                continue;
            }
            checked += 1;
            if let Some(why) = problem(&found, &targets) {
                problems.push(format!(
                    "{}:{}: `{}`: {why}",
                    found.file,
                    found.line,
                    found.words.join(" ")
                ));
            }
        }
    }
    assert!(problems.is_empty(), "commands that do not run as written:\n{}", problems.join("\n"));
    assert!(checked > 30, "only {checked} commands found");
}

#[test]
fn a_broken_command_of_each_kind_is_caught() {
    let targets = make_targets();
    let broken = "```sh\nmake reprot\ngilbench run --wrokers 2\ngilbench run --pin compact --workers 1,2,4,64\n\
                  gilbench run --task tests/fixtures/nope.py:f\n```\nand `gilbench report --no-such-flag x`\n";
    let found = commands("broken.md", broken);
    assert_eq!(found.len(), 5, "{found:?}");
    for command in &found {
        assert!(problem(command, &targets).is_some(), "not caught: {command:?}");
    }
    let fine = "```sh\nmake report   # measure\nGILBENCH_X=1 gilbench run --workers 1,2 \\\n    --repeat 3\n```\n\
                and `gilbench run --resume RUN --budget +3m` (a pattern), `gilbench compare` and \
                `gilbench run --task` (named in prose), `gilbench machine [--json]` (usage)\n";
    let found = commands("fine.md", fine);
    assert_eq!(found.len(), 2, "{found:?}");
    for command in &found {
        assert_eq!(problem(command, &targets), None, "{command:?}");
    }
}
