//! Evaluation tests as data: every `tests/cases/*.case` file names submissions, options and the
//! verdicts expected for given rules and subjects; one runner executes them all.
//!
//! Lines: `input PATH` (repeatable), `as-of YYYY-MM-DD`, `param NAME=VALUE`, `only PATTERN`,
//! `expect RULE SUBJECT-CODE STATUS`; `#` starts a comment.

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
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            match key {
                "input" => inputs.push(common::root().join(rest)),
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
        let viewer =
            Viewer { model: engine.model(), dataset: &loaded.dataset, sources: engine.sources(), lang: Lang::En };
        let mut views = Vec::new();
        engine.verdicts(&loaded, &options, |v| views.push(viewer.view(&v)));
        for (rule, subject, status) in expected {
            let found = views.iter().find(|v| v.rule == rule && v.subject.code == subject);
            let found = found.unwrap_or_else(|| panic!("{}: no verdict for {rule} on {subject}", file.display()));
            assert_eq!(
                status_word(found.status),
                status,
                "{}: {rule} on {subject}: {}",
                file.display(),
                found.explanation
            );
        }
    }
}
