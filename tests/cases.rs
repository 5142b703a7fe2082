//! Evaluation tests as data: every `tests/cases/*.case` file names submissions, options and the
//! verdicts expected for given rules and subjects; one runner executes them all.
//!
//! Lines: `input PATH` (repeatable), `replace FIND => REPLACE` (in the input before it, once;
//! REPLACE may be empty: the changed copy is what is checked), `as-of YYYY-MM-DD`, `param NAME=VALUE`, `only PATTERN`,
//! `expect RULE SUBJECT STATUS`, `says RULE SUBJECT TEXT` (the English explanation holds TEXT;
//! SUBJECT is a code, or `CODE:YEAR` for one reporting year's); `#` starts a comment.

mod common;

use plancheck::data::Options;
use plancheck::diagnostics::{Lang, render};
use plancheck::engine::Engine;
use plancheck::eval::verdict::JudgeOptions;
use plancheck::report::{Viewer, status_word};

#[test]
fn every_case_file_holds() {
    let mut files: Vec<_> = std::fs::read_dir(common::root().join("tests/cases"))
        .expect("tests/cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "the case files are there");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("case file");
        let mut inputs = Vec::new();
        let mut options = JudgeOptions { trace: true, ..JudgeOptions::default() };
        let mut expected = Vec::new();
        let mut says = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            match key {
                "input" => inputs.push(common::root().join(rest)),
                "replace" => {
                    let (find, with) = rest.split_once(" =>").expect("replace FIND => REPLACE");
                    let with = with.trim_start();
                    let last = inputs.pop().expect("an input to replace in");
                    inputs.push(replaced(&file, inputs.len(), &last, find, with));
                }
                "says" => {
                    let mut parts = rest.splitn(3, ' ');
                    let (rule, subject, text) = (parts.next(), parts.next(), parts.next());
                    let (Some(rule), Some(subject), Some(text)) = (rule, subject, text) else {
                        panic!("{}: says RULE SUBJECT TEXT", file.display())
                    };
                    says.push((rule.to_string(), subject.to_string(), text.to_string()));
                }
                "as-of" => options.as_of = plancheck::data::instance::Date::parse(rest),
                "param" => {
                    let (name, value) = rest.split_once('=').expect("param NAME=VALUE");
                    let value = plancheck::data::bind::parse_decimal(value.trim()).expect("a number");
                    options.params.push((name.trim().to_string(), value));
                }
                "only" => options.only.push(rest.to_string()),
                "expect" => {
                    let parts: Vec<&str> = rest.split_whitespace().collect();
                    assert_eq!(parts.len(), 3, "{}: expect RULE SUBJECT STATUS", file.display());
                    expected.push((parts[0].to_string(), parts[1].to_string(), parts[2].to_string()));
                }
                other => panic!("{}: unknown line `{other}`", file.display()),
            }
        }
        let mut engine = Engine::new(common::check_files(&common::shipped_rule_files()));
        let loaded = engine.load(&inputs, &Options::default());
        let problems = &loaded.diagnostics.0;
        assert!(problems.is_empty(), "{}", render::render_all(problems, engine.sources(), Lang::En));
        let viewer = Viewer::new(engine.model(), &loaded.dataset, engine.sources(), Lang::En);
        let mut views = Vec::new();
        engine.verdicts(&loaded, &options, |v| views.push((v.as_of.year, viewer.view(&v))));
        // A subject by code, or `CODE:YEAR` for the verdict of one reporting year's submission
        // (its date's year) where the run holds several.
        let find = |rule: &str, subject: &str| {
            let (code, year) = match subject.split_once(':') {
                Some((code, year)) => (code, year.parse::<i32>().ok()),
                None => (subject, None),
            };
            let found =
                views.iter().find(|(y, v)| v.rule == rule && v.subject.code == code && year.is_none_or(|w| w == *y));
            found.map(|(_, v)| v).unwrap_or_else(|| panic!("{}: no verdict for {rule} on {subject}", file.display()))
        };
        for (rule, subject, status) in expected {
            let found = find(&rule, &subject);
            assert_eq!(
                status_word(found.status),
                status,
                "{}: {rule} on {subject}: {}",
                file.display(),
                found.explanation
            );
        }
        for (rule, subject, text) in says {
            let found = find(&rule, &subject);
            assert!(
                found.explanation.contains(&text),
                "{}: {rule} on {subject}: {}",
                file.display(),
                found.explanation
            );
        }
    }
}

/// A copy of `input` with the first `find` replaced, written for the case file `case`.
fn replaced(
    case: &std::path::Path,
    index: usize,
    input: &std::path::Path,
    find: &str,
    with: &str,
) -> std::path::PathBuf {
    let text = std::fs::read_to_string(input).expect("input is text");
    assert!(text.contains(find), "{}: `{find}` is not in {}", case.display(), input.display());
    let stem = case.file_stem().expect("case name").to_string_lossy();
    let dir = common::root().join("target/plancheck-cases").join(stem.as_ref());
    std::fs::create_dir_all(&dir).expect("case directory");
    let out = dir.join(format!("{index}-{}", input.file_name().expect("file name").to_string_lossy()));
    std::fs::write(&out, text.replacen(find, with, 1)).expect("write the changed input");
    out
}
