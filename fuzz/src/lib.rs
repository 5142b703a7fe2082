//! The properties the fuzz targets hold plancheck to, one function per target (the targets in
//! `fuzz_targets/` only hand them the fuzzer's bytes). Every function panics exactly when
//! plancheck does or when a property fails: that is what libFuzzer reports.
//!
//! - the rules front end: parse → check → render never panics; a file that parses is
//!   formatted to a file that parses to the same tree, that `fmt` leaves alone, and that comes
//!   back byte for byte through Chinese keywords;
//! - the JSON loader: the fast path gives the careful path's tree, spans included;
//! - every loader (JSON, YAML, CSV tables): loading, binding, validating and rendering the
//!   problems never panics;
//! - judging: the example submission with its numbers replaced by extremes is judged and
//!   written in every format; JSON and SARIF parse, JUnit is well-formed XML.

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use plancheck::data::{self, Format, Limits, Options};
use plancheck::diagnostics::{Lang, render};
use plancheck::engine::Engine;
use plancheck::eval::verdict::JudgeOptions;
use plancheck::fmt::{self, FmtError};
use plancheck::load::{self, RuleSet};
use plancheck::report::write::{self, Settings, TraceLevel};
use plancheck::source::{FileId, SourceMap};
use plancheck::syntax::{self, keywords::Keywords};

/// The repository this crate lives in.
pub fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The shipped rules, checked once per process.
static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
    load::load(&root().join("rules"), plancheck::parallel::threads()).expect("the shipped rules are readable")
});

/// An engine over the shipped rules, for the targets that load files.
static ENGINE: LazyLock<Mutex<Engine>> =
    LazyLock::new(|| Mutex::new(Engine::open(&root().join("rules")).expect("the shipped rules are readable")));

/// A directory of this process's own for the files a target writes.
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("plancheck-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// The rules front end on one file.
pub fn rules(text: &str) {
    let mut sources = SourceMap::new();
    sources.add("fuzz.rules", "fuzz.rules", text.to_string());
    let set = load::from_sources(sources, plancheck::parallel::threads());
    render::render_all(&set.diagnostics.0, &set.sources, Lang::Zh);
    let parsed = &set.files[0].1;
    if !parsed.diagnostics.is_empty() {
        return;
    }
    let formatted = match fmt::format(FileId(0), text) {
        Ok(formatted) => formatted,
        Err(FmtError::Syntax(_)) => panic!("the file parses, but fmt finds a syntax error"),
        Err(FmtError::CommentLost(comment)) => panic!("fmt lost a comment: {comment}"),
    };
    let again = syntax::parse_file(FileId(0), &formatted);
    assert!(again.diagnostics.is_empty(), "the formatted file does not parse:\n{formatted}");
    assert_eq!(
        plancheck::syntax::ast::shape(&parsed.ast),
        plancheck::syntax::ast::shape(&again.ast),
        "fmt changed the meaning"
    );
    let twice = fmt::format(FileId(0), &formatted).ok();
    assert_eq!(twice.as_deref(), Some(formatted.as_str()), "fmt is not idempotent");
    let zh = fmt::format_in(FileId(0), &formatted, Keywords::Zh).ok().expect("formats in Chinese keywords");
    let en = fmt::format_in(FileId(0), &zh, Keywords::En).ok();
    assert_eq!(en.as_deref(), Some(formatted.as_str()), "Chinese keywords do not round-trip");
}

/// The JSON loader on one text: both paths, then loading.
pub fn json(text: &str) {
    let limits = Limits::default();
    if let Some(fast) = data::json_fast::parse(FileId(0), text, limits.max_depth) {
        let careful = data::json::careful(FileId(0), text, &limits);
        assert!(careful.as_ref().is_ok_and(|c| *c == fast), "the fast path read what the careful path does not");
    }
    submission(text, Format::Json);
}

/// A JSON or YAML submission loaded, bound and its problems rendered.
pub fn submission(text: &str, format: Format) {
    let mut sources = SourceMap::new();
    let loaded = data::load_text("fuzz", text, format, &RULES.checked, &Options::default(), &mut sources);
    render::render_all(&loaded.diagnostics, &sources, Lang::En);
}

/// The example's CSV tables with the one `pick` chooses replaced by `table`, loaded and judged.
pub fn csv(pick: u8, table: &[u8]) {
    let example = root().join("tests/submissions/example-jinnan-2024-csv");
    let mut names: Vec<_> = std::fs::read_dir(&example)
        .expect("the example tables")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    names.sort();
    let dir = scratch().join("csv");
    std::fs::create_dir_all(&dir).expect("a directory for the tables");
    for (i, name) in names.iter().enumerate() {
        if i == usize::from(pick) % names.len() {
            std::fs::write(dir.join(name), table).expect("a table written");
        } else {
            std::fs::copy(example.join(name), dir.join(name)).expect("a table copied");
        }
    }
    judge_files(&[dir], false);
}

/// Numbers a submission may hold that test the arithmetic: the largest decimal, the smallest
/// step, zero.
const EXTREMES: [&str; 8] = [
    "0",
    "1",
    "-1",
    "79228162514264337593543950335",
    "39614081257132168796771975167",
    "0.0000000000000000000000000001",
    "7922816251426433759354395033.5",
    "12345.678",
];

/// The example submission with its numbers replaced, in document order, as `picks` say (a
/// pick past the extremes keeps the number), judged and written in every format.
pub fn judge(picks: &[u8]) {
    let base = std::fs::read_to_string(root().join("tests/submissions/example-jinnan-2024.json")).expect("the example");
    let mut doc: serde_json::Value = serde_json::from_str(&base).expect("the example is JSON");
    replace(&mut doc, picks, &mut 0);
    let path = scratch().join("judge.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).expect("JSON")).expect("the submission written");
    judge_files(&[path], true);
}

fn replace(v: &mut serde_json::Value, picks: &[u8], next: &mut usize) {
    use serde_json::Value;
    match v {
        Value::Number(_) if !picks.is_empty() => {
            let pick = usize::from(picks[*next % picks.len()]);
            *next += 1;
            if let Some(extreme) = EXTREMES.get(pick) {
                *v = serde_json::from_str(extreme).unwrap_or(Value::Null);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| replace(i, picks, next)),
        Value::Object(map) => map.iter_mut().for_each(|(_, i)| replace(i, picks, next)),
        _ => {}
    }
}

/// Loads `paths` with the shared engine and writes the report in every format (or only JSON
/// when `every_format` is false); the engine forgets the submissions afterwards.
fn judge_files(paths: &[PathBuf], every_format: bool) {
    let mut engine = ENGINE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let submissions = engine.load(paths, &Options::default());
    render::render_all(&submissions.diagnostics.0, engine.sources(), Lang::Zh);
    if submissions.usable() {
        let formats: &[write::Format] = if every_format {
            &[
                write::Format::Json,
                write::Format::Sarif,
                write::Format::Junit,
                write::Format::Markdown,
                write::Format::Human,
                write::Format::Html,
            ]
        } else {
            &[write::Format::Json]
        };
        for &format in formats {
            let settings =
                Settings { format, lang: Lang::En, strict: false, trace: TraceLevel::Failing, warnings_listed: true };
            let mut out = Vec::new();
            let written = write::write(&engine, &submissions, &JudgeOptions::default(), &settings, &mut out);
            assert!(written.result.is_ok(), "writing to memory failed");
            well_formed(format, &out);
        }
    }
    engine.unload();
}

/// Machine formats must parse.
fn well_formed(format: write::Format, out: &[u8]) {
    match format {
        write::Format::Json | write::Format::Sarif => {
            if let Err(e) = serde_json::from_slice::<serde_json::Value>(out) {
                panic!("{format:?} is not JSON: {e}");
            }
        }
        write::Format::Junit => {
            let mut reader = quick_xml::Reader::from_reader(out);
            let mut buf = Vec::new();
            loop {
                match reader.read_event_into(&mut buf) {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => buf.clear(),
                    Err(e) => panic!("JUnit is not well-formed XML: {e}"),
                }
            }
        }
        _ => assert!(std::str::from_utf8(out).is_ok(), "{format:?} is not UTF-8"),
    }
}
