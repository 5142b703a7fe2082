//! The `plancheck` binary as users run it: exit codes and what it prints.

mod common;

use common::plancheck;

use std::path::Path;

const EXAMPLE_FILE: &str = "tests/submissions/example-jinnan-2024.json";

/// A copy of the shipped rules in a fresh directory, with one file's text changed.
fn broken_copy(name: &str, file: &str, from: &str, to: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("plancheck-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    for entry in std::fs::read_dir(common::root().join("rules")).expect("rules") {
        let path = entry.expect("entry").path();
        let target = dir.join(path.file_name().expect("name"));
        std::fs::copy(&path, &target).expect("copy");
    }
    let target = dir.join(file);
    let text = std::fs::read_to_string(&target).expect("read");
    assert!(text.contains(from), "{file} does not contain {from}");
    std::fs::write(&target, text.replacen(from, to, 1)).expect("write");
    dir
}

#[test]
fn lint_of_the_shipped_rules_is_clean() {
    let (code, _, err) = plancheck(&["--lang", "en", "lint"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 error(s), 0 warning(s)"), "{err}");
}

#[test]
fn lint_exits_2_and_names_the_right_department() {
    let dir = broken_copy(
        "dept",
        "30-service-supply.rules",
        "responsible 市委政法委, 市公安局",
        "responsible 市委政法委, 市公按局",
    );
    let (code, _, err) = plancheck(&["--lang", "en", "lint", "--rules", &dir.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("E0103") && err.contains("did you mean `市公安局`?"), "{err}");
    assert!(err.contains("30-service-supply.rules:"), "the file, line and column are shown: {err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn lint_speaks_chinese_by_default() {
    let dir = broken_copy("zh", "10-participation.rules", "require extra_workers >=", "require extra_worker >=");
    let (code, _, err) = plancheck(&["lint", "--rules", &dir.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(err.contains("是否应为 `extra_workers`？"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn lint_of_a_missing_path_is_unusable_input() {
    let (code, _, err) = plancheck(&["--lang", "en", "lint", "--rules", "no/such/rules"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read `no/such/rules`"), "{err}");
}

#[test]
fn graph_prints_every_format() {
    for (format, marker) in [("dot", "digraph plancheck"), ("mermaid", "flowchart LR"), ("json", "\"nodes\"")] {
        let (code, out, err) = plancheck(&["graph", "--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(marker), "{format}: {out}");
        assert!(out.contains("police.community_officer_share"), "{format} shows the rules");
        assert!(out.contains("police_station.community_officers"), "{format} shows the fields");
        assert!(out.contains("市公安局"), "{format} shows the departments");
    }
}

#[test]
fn graph_json_is_valid_and_edges_point_at_nodes() {
    let (_, out, _) = plancheck(&["graph", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    let nodes = json["nodes"].as_array().expect("nodes").len();
    for edge in json["edges"].as_array().expect("edges") {
        assert!(edge["from"].as_u64().is_some_and(|f| (f as usize) < nodes));
        assert!(edge["to"].as_u64().is_some_and(|t| (t as usize) < nodes));
    }
}

#[test]
fn fmt_check_passes_on_the_shipped_rules_and_flags_an_unformatted_file() {
    let (code, out, err) = plancheck(&["fmt", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
    let dir = broken_copy("fmt", "20-facilities.rules", "    standing\n", "        standing\n");
    let (code, out, _) = plancheck(&["--lang", "en", "fmt", "--check", &dir.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(out.contains("would reformat") && out.contains("20-facilities.rules"), "{out}");
    let (code, _, _) = plancheck(&["fmt", &dir.to_string_lossy()]);
    assert_eq!(code, 0);
    let fixed = std::fs::read_to_string(dir.join("20-facilities.rules")).expect("read");
    let shipped = std::fs::read_to_string(Path::new(&common::root()).join("rules/20-facilities.rules")).expect("read");
    assert_eq!(fixed, shipped, "fmt restores the canonical layout");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn check_of_the_examples_judges_every_district_and_the_city() {
    let (code, out, err) = plancheck(&["--lang", "en", "check", "examples/tianjin-2025"]);
    assert_eq!(code, 1, "the synthetic districts include failing units: {err}");
    for name in ["和平区", "蓟州区", "Tianjin as a whole", "Total"] {
        assert!(out.contains(name), "{name} missing from the summary:\n{out}");
    }
}

#[test]
fn check_of_a_broken_submission_exits_2_naming_the_field_and_its_line() {
    let dir = std::env::temp_dir().join(format!("plancheck-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let text =
        std::fs::read_to_string(common::root().join("tests/submissions/example-jinnan-2024.json")).expect("example");
    let file = dir.join("bad.json");
    std::fs::write(&file, text.replacen("\"households\": 2380,", "\"households\": \"2380\",", 1)).expect("write");
    let (code, _, err) = plancheck(&["--lang", "en", "check", &file.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("E1102") && err.contains("`households` must be a whole number"), "{err}");
    assert!(err.contains("bad.json:252:27"), "file, line and column: {err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn an_only_pattern_or_a_param_that_selects_nothing_is_a_usage_error() {
    let file = "tests/submissions/example-jinnan-2024.json";
    let args = ["--lang", "en", "check", "--only", "police.comunity_officer_share,x", "--param", "tolerence=1", file];
    let (code, _, err) = plancheck(&args);
    assert_eq!(code, 2, "never an empty report with exit 0");
    assert!(err.contains("`--only police.comunity_officer_share` selects no rule"), "{err}");
    assert!(err.contains("did you mean `police.community_officer_share`?"), "{err}");
    assert!(err.contains("`--only x` selects no rule"), "patterns separated by commas are several: {err}");
    assert!(err.contains("`--param tolerence` names no parameter of any rule (did you mean `tolerance`?)"), "{err}");
    let (_, _, quiet) = plancheck(&["check", "--only", "police.*", "--param", "tolerance=1", file]);
    assert!(!quiet.contains("--only") && !quiet.contains("--param"), "{quiet}");
    // The report in the format asked for says the same.
    let json = ["--lang", "en", "check", "--format", "json", "--param", "grid_maxx=500", file];
    let (code, out, _) = plancheck(&json);
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&out).expect("a JSON report on exit 2");
    assert_eq!(report["verdicts"], serde_json::json!([]));
    let message = report["diagnostics"][0]["message"].as_str().expect("the problem");
    assert!(message.contains("`--param grid_maxx`") && message.contains("did you mean `grid_max`?"), "{message}");
    // A district the submissions do not hold, by code or by name.
    let (code, _, err) = plancheck(&["--lang", "en", "check", "--district", "120199,津南", file]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`--district 120199` names no district of the submissions (did you mean `120112`?)"), "{err}");
    assert!(err.contains("`--district 津南` names no district") && err.contains("did you mean `津南区`?"), "{err}");
    let (code, _, err) = plancheck(&["check", "--district", "津南区", file]);
    assert_eq!(code, 1, "{err}");
    // Items as people type them: spaces after the commas, a full-width comma, a comma at the end.
    let (code, _, err) = plancheck(&["check", "--district", "120112, 津南区，", "--only", "police.*, grid.*", file]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn an_option_value_that_cannot_be_read_is_a_usage_error_in_every_format() {
    let file = "tests/submissions/example-jinnan-2024.json";
    let (code, _, err) = plancheck(&["check", "--as-of", "2025-13-01", file]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`--as-of 2025-13-01`：日历上没有这一天"), "in the user's language: {err}");
    let (code, _, err) = plancheck(&["--lang", "en", "check", "--as-of", "2025-02-30", file]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`--as-of 2025-02-30`: the calendar has no such day"), "{err}");
    let (code, _, err) = plancheck(&["--lang", "en", "check", "--as-of", "31/12/2025", file]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`--as-of 31/12/2025` is not a date: write YYYY-MM-DD"), "{err}");
    let cases = [
        ("tolerance=abc", "`--param tolerance=abc`: `abc` is not a number"),
        ("tolerance", "`--param tolerance`: write NAME=VALUE"),
        ("shelter_coverage_min=150", "a percentage is from 0 to 100"),
        ("tolerance=-5", "cannot be negative"),
        ("tolerance=2户", "`2户` is not a number"),
    ];
    for (param, words) in cases {
        let (code, out, err) = plancheck(&["--lang", "en", "check", "--format", "sarif", "--param", param, file]);
        assert_eq!(code, 2, "{param}: {err}");
        let sarif: serde_json::Value = serde_json::from_str(&out).expect("a SARIF report on exit 2");
        let message = &sarif["runs"][0]["results"][0]["message"]["text"];
        assert!(message.as_str().is_some_and(|m| m.contains(words)), "{param}: {message}");
    }
    // A value may carry its parameter's unit.
    for param in ["shelter_coverage_min=90%", "tolerance=2人", "tolerance=2 人"] {
        let (code, _, err) = plancheck(&["check", "--param", param, file]);
        assert_ne!(code, 2, "{param}: {err}");
    }
}

#[test]
fn every_format_reports_the_problems_on_exit_2() {
    let broken = "tests/submissions/bad/E1302_duplicate-submission";
    for format in ["json", "sarif", "junit", "markdown"] {
        let (code, out, _) = plancheck(&["--lang", "en", "check", "--format", format, broken]);
        assert_eq!(code, 2, "{format}");
        assert!(out.contains("E1302") && out.contains("jinnan-b.json"), "{format}: the problem and its file:\n{out}");
    }
    let (_, sarif, _) = plancheck(&["check", "--format", "sarif", broken]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["level"], "error");
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 9);
    let (_, junit, _) = plancheck(&["check", "--format", "junit", broken]);
    let mut reader = quick_xml::Reader::from_str(&junit);
    let mut failures = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Empty(e) => failures += usize::from(e.name().as_ref() == b"failure"),
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(failures, 1, "one failing case per problem");
    // The human report to a file holds them too (to a terminal, standard error shows them).
    let file = common::fresh_dir("unusable-human").join("report.txt");
    let (code, out, _) = plancheck(&["check", "-o", file.to_str().expect("utf-8"), broken]);
    assert_eq!((code, out.as_str()), (2, ""));
    let written = std::fs::read_to_string(&file).expect("the report");
    assert!(
        written.contains("E1302") && written.contains("jinnan-b.json:9:") && written.contains("未作任何评判"),
        "{written}"
    );
}

#[test]
fn a_problem_with_two_places_names_both_in_every_format() {
    let broken = "tests/submissions/bad/E1302_duplicate-submission";
    let (_, sarif, _) = plancheck(&["--lang", "en", "check", "--format", "sarif", broken]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let related = &sarif["runs"][0]["results"][0]["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 9, "{related}");
    let uri = related["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap_or_default();
    assert!(uri.ends_with("jinnan-a.json") && related["message"]["text"] == "the first", "{related}");
    let (_, json, _) = plancheck(&["--lang", "en", "check", "--format", "json", broken]);
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let related = &json["diagnostics"][0]["related"][0];
    assert_eq!(related["message"], "the first", "{json}");
    assert!(related["location"]["file"].as_str().is_some_and(|f| f.ends_with("jinnan-a.json")), "{json}");
    for format in ["junit", "markdown", "html"] {
        let (_, out, _) = plancheck(&["--lang", "en", "check", "--format", format, broken]);
        assert!(out.contains("jinnan-a.json:9:13") && out.contains("jinnan-b.json:9:13"), "{format}:\n{out}");
    }
}

#[test]
fn warnings_of_a_run_that_judges_reach_every_machine_format() {
    let text =
        std::fs::read_to_string(common::root().join("tests/submissions/example-jinnan-2024.json")).expect("example");
    let dir = common::fresh_dir("warned");
    let file = dir.join("jinnan.json");
    let misspelt = text.replacen("\"households\": 3150,", "\"housholds\": 3150, \"households\": 3150,", 1);
    assert_ne!(misspelt, text);
    std::fs::write(&file, misspelt).expect("written");
    let line = text[..text.find("\"households\": 3150,").expect("there")].matches('\n').count() + 1;
    let file = file.to_string_lossy().into_owned();
    let (code, sarif, _) = plancheck(&["--lang", "en", "check", "--format", "sarif", &file]);
    assert_eq!(code, 1, "the run judges");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let warning = results.iter().find(|r| r["ruleId"] == "W1101").expect("the warning is a result");
    assert_eq!(warning["level"], "warning");
    assert_eq!(warning["locations"][0]["physicalLocation"]["region"]["startLine"], line);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    let index = warning["ruleIndex"].as_u64().expect("index") as usize;
    assert_eq!(rules[index]["id"], "W1101", "the result's rule is its descriptor");
    assert!(results.iter().any(|r| r["ruleId"] == "staffing.four_plus_n_core"), "verdicts too");
    let place = format!("jinnan.json:{line}:");
    for format in ["junit", "markdown", "html"] {
        let (code, out, _) = plancheck(&["--lang", "en", "check", "--format", format, &file]);
        assert_eq!(code, 1, "{format}");
        assert!(out.contains("W1101") && out.contains(&place) && out.contains("housholds"), "{format}:\n{out}");
    }
    // The human report written to a file keeps them (it is read and forwarded without standard
    // error); on standard output they are on standard error only, not twice on the terminal.
    let report = dir.join("report.txt");
    let (code, _, err) = plancheck(&["--lang", "en", "check", "-o", &report.to_string_lossy(), &file]);
    assert_eq!(code, 1);
    assert!(err.contains("W1101"), "{err}");
    let text = std::fs::read_to_string(&report).expect("report written");
    let warned = text.find("W1101").expect("the file lists the warning");
    assert!(text.contains(&place) && text.contains("housholds"), "{text}");
    assert!(text.contains("Warnings about the submissions"), "under their heading:\n{text}");
    assert!(warned < text.find("staffing.four_plus_n_core").expect("verdicts"), "before the verdicts:\n{text}");
    let (_, out, _) = plancheck(&["--lang", "en", "check", &file]);
    assert!(!out.contains("W1101") && out.contains("staffing.four_plus_n_core"), "{out}");
}

#[test]
fn a_check_over_many_records_names_a_few_and_counts_the_rest() {
    let text =
        std::fs::read_to_string(common::root().join("examples/tianjin-2025/120103-河西区.json")).expect("example");
    let path = std::env::temp_dir().join(format!("plancheck-cli-many-{}.json", std::process::id()));
    let from = "\"urban_resident_population\": 1111534";
    assert!(text.contains(from));
    std::fs::write(&path, text.replacen(from, "\"urban_resident_population\": 10", 1)).expect("write");
    let (_, _, err) = plancheck(&["--lang", "en", "check", "--only", "police.*", path.to_str().expect("utf-8 path")]);
    let line = err.lines().find(|l| l.contains("urban_resident_population = 10")).unwrap_or_default();
    assert!(line.contains("…(+"), "the rest is counted:\n{err}");
    assert_eq!(line.matches("community.resident_population = ").count(), 5, "{line}");
    assert!(err.matches("read here").count() <= 6, "a few places are marked:\n{err}");
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    // Run with standard output closed at once: (exit code, standard error).
    let closed = |args: &[&str]| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_plancheck"))
            .args(args)
            .current_dir(common::root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary runs");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("it ends");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    // Both reports are larger than a pipe's buffer, so the writer meets the closed pipe.
    for format in ["json", "sarif"] {
        let (code, err) = closed(&["check", "--format", format, "tests/submissions/example-jinnan-2024.json"]);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{format}:\n{err}");
        assert_eq!(code, Some(1), "{format}: the spec example has failures");
    }
    // The other commands that print to standard output, with a reader gone or a full disk.
    for args in [["test"], ["graph"]] {
        let (code, err) = closed(&args);
        assert!(!err.contains("panicked") && code == Some(0), "{args:?}: {err}");
    }
    #[cfg(unix)]
    {
        let full = std::fs::File::create("/dev/full").expect("/dev/full");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_plancheck"))
            .arg("test")
            .current_dir(common::root())
            .stdout(full)
            .output()
            .expect("the binary runs");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "test > /dev/full");
        // Standard error that cannot be written (`2>&1 | head` gone, a full disk): the problems
        // are lost, the run is not, and its exit code says what it found.
        let broken = common::fresh_dir("stderr-full").join("broken.json");
        std::fs::write(&broken, "{\"schema_version\": \"1.0\",").expect("written");
        for args in [vec!["check", &*broken.to_string_lossy()], vec!["check", "--only", "no.such_rule", EXAMPLE_FILE]] {
            let status = std::process::Command::new(env!("CARGO_BIN_EXE_plancheck"))
                .args(&args)
                .current_dir(common::root())
                .stdout(std::process::Stdio::null())
                .stderr(std::fs::File::create("/dev/full").expect("/dev/full"))
                .status()
                .expect("the binary runs");
            assert_eq!(status.code(), Some(2), "{args:?} 2> /dev/full");
        }
    }
}

#[test]
fn check_of_a_missing_path_is_unusable_input() {
    let (code, _, err) = plancheck(&["--lang", "en", "check", "no/such/submission.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("E1403") && err.contains("no such file"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_device_or_a_pipe_is_refused_not_read_for_ever() {
    let fifo = common::root().join("target/plancheck-fixtures/a-pipe.json");
    let _ = std::fs::create_dir_all(fifo.parent().expect("dir"));
    let _ = std::fs::remove_file(&fifo);
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    for path in [fifo.to_string_lossy().into_owned(), "/dev/zero".to_string()] {
        let (code, _, err) = plancheck(&["--lang", "en", "check", &path]);
        assert_eq!(code, 2, "{path}: {err}");
        assert!(err.contains("not a regular file"), "{path}: {err}");
    }
}

#[test]
fn a_report_replaces_the_previous_one_only_when_whole_and_never_a_submission() {
    let dir = common::fresh_dir("output");
    let submission = dir.join("sub.json");
    std::fs::copy(common::root().join("tests/submissions/example-jinnan-2024.json"), &submission).expect("copy");
    let before = std::fs::read(&submission).expect("read");
    let shown = submission.to_string_lossy().into_owned();
    let (code, _, err) = plancheck(&["--lang", "en", "check", "--format", "json", "-o", &shown, &shown]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("would overwrite a submission"), "{err}");
    assert_eq!(std::fs::read(&submission).expect("read"), before, "the submission is untouched");
    // A report that cannot be written (no such directory) leaves no partial file behind.
    let report = dir.join("report.json");
    std::fs::write(&report, "previous").expect("write");
    let (code, _, _) = plancheck(&["check", "--format", "json", "-o", &report.to_string_lossy(), &shown]);
    assert_eq!(code, 1);
    assert!(std::fs::read_to_string(&report).expect("read").starts_with('{'), "replaced by the new report");
    let names: Vec<_> = std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(names.len(), 2, "no partial file is left: {names:?}");
}

#[test]
fn test_runs_the_rule_tests_and_they_pass() {
    let (code, out, err) = plancheck(&["--lang", "en", "test"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
}

#[test]
fn test_reports_a_wrong_expectation_and_exits_1() {
    let dir = broken_copy(
        "test",
        "30-service-supply.rules",
        "expect police.officer_per_area is pass",
        "expect police.officer_per_area is fail",
    );
    let (code, out, _) = plancheck(&["--lang", "en", "test", "--rules", &dir.to_string_lossy()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("expected `police.officer_per_area` to be fail, found pass (computed "), "{out}");
    // The derivation follows, down to the test record's values and where they are written.
    let failed = out.lines().position(|l| l.starts_with("FAILED")).expect("the failure");
    let derivation: Vec<&str> = out.lines().skip(failed + 1).take_while(|l| l.starts_with("    ")).collect();
    assert!(!derivation.is_empty(), "{out}");
    assert!(
        derivation.iter().any(|l| l.contains("full_time_community_officers") && l.contains("30-service-supply.rules:")),
        "{out}"
    );
    assert!(out.contains(" passed, 1 failed"), "{out}");
    // Only the tests of the rules asked for.
    let rules = dir.to_string_lossy().into_owned();
    let (code, out, _) = plancheck(&["--lang", "en", "test", "--rules", &rules, "--only", "staffing.*"]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("police.officer_per_area") && out.contains(" passed, 0 failed"), "{out}");
    // `--filter` is the same; `--list` names the tests with their places.
    let (code, out, _) = plancheck(&["test", "--rules", &rules, "--filter", "police.officer_per_area", "--list"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.lines().count() >= 2 && out.lines().all(|l| l.contains("30-service-supply.rules:")), "{out}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_formula_nested_too_deep_is_a_diagnostic_not_a_stack_overflow() {
    let dir = common::root().join("target/plancheck-fixtures/deep");
    std::fs::create_dir_all(&dir).expect("dir");
    let nested = "nested at most 100 levels deep";
    let operators = "at most 1000 operators in one item";
    let forms = [
        ("parens", format!("{}1{} > 0", "(".repeat(5000), ")".repeat(5000)), nested),
        ("minus", format!("{}1 > 0", "-".repeat(100_000)), nested),
        ("ifs", format!("{}1{} > 0", "if true then ".repeat(10_000), " else 2".repeat(10_000)), nested),
        // The Chinese keywords nest as the English ones do.
        ("not-zh", format!("{}真", "非 ".repeat(5000)), nested),
        ("ifs-zh", format!("{}1{} > 0", "如果 真 则 ".repeat(5000), " 否则 2".repeat(5000)), nested),
        // A flat chain is as deep as it is long once parsed.
        ("chain", format!("1{} > 0", " + 1".repeat(10_000)), operators),
        ("ands", format!("true{}", " and true".repeat(100_000)), operators),
        ("ands-zh", format!("真{}", " 且 真".repeat(100_000)), operators),
    ];
    for (name, formula, said) in forms {
        let path = dir.join(format!("{name}.rules"));
        std::fs::write(&path, format!("rule a.b \"x\" {{\n    applies to district\n    require {formula}\n}}\n"))
            .expect("write");
        let shown = path.to_string_lossy().into_owned();
        for args in [vec!["--lang", "en", "lint", "--rules", &shown], vec!["--lang", "en", "fmt", "--check", &shown]] {
            let (code, _, err) = plancheck(&args);
            assert_eq!(code, 2, "{name} {args:?}: {err}");
            assert!(err.contains(said), "{name}: {err}");
        }
    }
    // A hundred thousand brackets left open are not a hundred thousand errors.
    let path = dir.join("open.rules");
    std::fs::write(&path, format!("metric district.z: % = {}1\n", "(".repeat(100_000))).expect("write");
    let (code, _, err) = plancheck(&["--lang", "en", "lint", "--rules", &path.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.matches("E0002").count() <= 3 && err.len() < 10_000, "{} bytes", err.len());
    let (code, _, err) = plancheck(&["check", "--max-depth", "100000", "tests/submissions/example-jinnan-2024.json"]);
    assert_eq!(code, 2, "a depth the readers cannot take is refused: {err}");
}

#[test]
fn names_with_terminal_escapes_are_shown_not_obeyed() {
    let path = common::example_named("escapes", "仁和园\\u001b]0;pwned\\u0007\\u001b[2J社区");
    let shown = path.to_string_lossy().into_owned();
    for args in [vec!["check", &shown], vec!["explain", "staffing.four_plus_n_core", &shown]] {
        let (_, out, err) = plancheck(&args);
        assert!(!out.contains('\u{1b}') && !err.contains('\u{1b}') && !out.contains('\u{7}'), "{args:?}");
        assert!(out.contains("仁和园\u{FFFD}"), "{args:?}: the name is still shown");
    }
    // Nor put into a page, where control characters are no text.
    let (_, page, _) = plancheck(&["check", "--format", "html", &shown]);
    assert!(!page.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "control characters in the page");
    assert!(page.contains("仁和园\u{FFFD}"), "the name is still shown");
}

#[test]
fn a_name_of_a_megabyte_is_shown_shortened_with_its_length() {
    let path = common::example_named("long-name", &"长".repeat(1_000_000));
    let shown = path.to_string_lossy().into_owned();
    for format in ["human", "json", "sarif", "junit", "markdown", "html"] {
        let (_, out, err) = plancheck(&["--lang", "en", "check", "--format", format, &shown]);
        assert!(out.len() < 3_000_000, "{format}: {} bytes", out.len());
        assert!(!out.contains(&"长".repeat(101)), "{format}: the whole name is printed");
        assert!(out.contains("(1000000 characters in all)"), "{format}: {}", &out[..out.len().min(2000)]);
        assert!(err.len() < 100_000, "{format}");
    }
}

#[test]
fn a_draft_rule_file_is_checked_and_tested_with_its_directory_as_context() {
    let dir = common::rules_copy("draft");
    let draft = dir.join("60-draft.rules");
    std::fs::write(
        &draft,
        r#"rule staffing.draft_minimum "草稿：每个社区至少1名社区工作者" en "Draft: every community has a community worker" {
    applies to community
    require community_workers_total >= 1 人
    standing
    kind expected
    responsible 市民政局
    cite "规划背景 › 发展基础": "规范社区工作者4+N配备模式"
}

test "draft: one worker passes" {
    given community { code: "120112103003", community_workers_total: 1 }
    expect staffing.draft_minimum is pass
}
"#,
    )
    .expect("write");
    let shown = draft.to_string_lossy().into_owned();
    let (code, out, err) = plancheck(&["--lang", "en", "lint", "--rules", &shown]);
    assert_eq!(code, 0, "the draft needs the model of the other files: {out}{err}");
    let (code, out, err) = plancheck(&["--lang", "en", "test", "--rules", &shown]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 passed, 0 failed"), "only the draft's own tests: {out}");
}

#[test]
fn the_binary_carries_the_shipped_rules() {
    // Every file of rules/ is inside the binary, as it is on disk.
    let mut on_disk: Vec<String> = std::fs::read_dir(common::root().join("rules"))
        .expect("rules")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let shipped: Vec<String> = plancheck::shipped::FILES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(shipped, on_disk, "src/shipped.rs lists every file of rules/");
    for (name, text) in plancheck::shipped::FILES {
        let disk = std::fs::read_to_string(common::root().join("rules").join(name)).expect("read");
        assert_eq!(*text, disk, "{name}");
    }
    // Run where there is no rules/ directory: the shipped rules are used.
    let elsewhere = common::root().join("target/plancheck-fixtures/elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("dir");
    let cache = common::root().join("target/plancheck-fixtures/cache");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_plancheck"))
        .args(["--lang", "en", "test", "--only", "police.*"])
        .current_dir(&elsewhere)
        .env("XDG_CACHE_HOME", &cache)
        .output()
        .expect("the binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains(" passed, 0 failed"), "{text}");
}

#[test]
fn many_broken_files_give_a_bounded_list_of_problems() {
    let dir = common::fresh_dir("many");
    for i in 0..300 {
        std::fs::write(dir.join(format!("f{i:03}.json")), "{}").expect("write");
    }
    let shown = dir.to_string_lossy().into_owned();
    let (code, _, err) = plancheck(&["--lang", "en", "check", &shown]);
    assert_eq!(code, 2);
    assert!(err.contains("more problems, not shown"), "the rest is counted");
    assert!(err.len() < 1_000_000, "{} bytes of problems", err.len());
    assert!(err.contains("4200 error(s)"), "every problem is counted: {}", &err[err.len().saturating_sub(300)..]);
}

#[test]
fn an_authors_mistake_is_reported_once_and_nothing_is_guessed() {
    let dir = common::rules_copy("authoring");
    let draft = dir.join("60-draft.rules");
    std::fs::write(
        &draft,
        r#"rule staffing.draft_share "草稿" en "Draft" {
    applies to district, city
    require workers_per_10k_urban >= 50%
    standing
    kind expected
    responsible 市民政局
    cite "规划背景 › 发展基础": "规范社区工作者4+N配备模式"
}

metric district.draft_unused "草稿指标": 人 = sum(community: community_workers_total)

rule staffing.broken "草稿" {
    applies to district
    require (
}
"#,
    )
    .expect("write");
    let shown = draft.to_string_lossy().into_owned();
    let (code, _, err) = plancheck(&["--lang", "en", "lint", "--rules", &shown]);
    assert_eq!(code, 2);
    assert_eq!(err.matches("E0301").count(), 1, "one mistake, one report, though judged at two levels:\n{err}");
    assert!(!err.contains("W0101") && !err.contains("W0201"), "no guess while an item is broken:\n{err}");
    // A rule that is not there: no empty suggestion.
    let (code, _, err) =
        plancheck(&["--lang", "en", "explain", "police.nosuch", "tests/submissions/example-jinnan-2024.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("no rule `police.nosuch`") && !err.contains("``"), "{err}");
}

#[test]
fn graph_shows_the_part_one_rule_stands_on() {
    let (code, out, err) = plancheck(&["graph", "--format", "json", "--rule", "staffing.workers_per_10k_urban"]);
    assert_eq!(code, 0, "{err}");
    let whole = plancheck(&["graph", "--format", "json"]).1;
    assert!(out.len() * 20 < whole.len(), "a small part of the whole graph");
    for name in
        ["staffing.workers_per_10k_urban", "district.workers_per_10k_urban", "urban_resident_population", "市委组织部"]
    {
        assert!(out.contains(name), "{name} in {out}");
    }
    assert!(!out.contains("police."), "no other rule: {out}");
    let (code, _, err) = plancheck(&["--lang", "en", "graph", "--rule", "staffing.workers_per_10k_urbn"]);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `staffing.workers_per_10k_urban`?"), "{err}");
}

/// A rule written the way policy staff write: Chinese keywords, fields and metrics by the
/// Chinese names the model gives them; it judges as the English rule does, and a misspelt
/// Chinese keyword or word is answered in Chinese, with the nearest spelling.
#[test]
fn a_rule_in_chinese_reads_as_the_plan_does() {
    let dir = common::rules_copy("chinese-draft");
    let draft = dir.join("60-draft.rules");
    let rule = r#"规则 police.draft_share "社区民警占公安派出所警力不低于40%（草稿）" 英文 "Draft: community officers' share" {
    适用于 police_station 其中 专职社区民警人数 > 0 人
    要求 社区民警占警力比例 >= 40%
    常态
    类型 预期性
    责任 市公安局
    引用 "重点任务 › 着力增加城乡社区服务供给 › 平安社区建设行动": "推进社区民警占公安派出所警力不低于40%"
}

测试 "草稿：4/10 达标" {
    给定 police_station { station_id: "PS-1", officers_total: 10, community_officers: 4 }
    预期 police.draft_share 为 pass
}

测试 "草稿：3/10 未达标" {
    给定 police_station { station_id: "PS-1", officers_total: 10, community_officers: 3 }
    预期 police.draft_share 为 fail
}
"#;
    std::fs::write(&draft, rule).expect("write");
    let rules = dir.to_string_lossy().into_owned();
    let (code, out, err) = plancheck(&["--lang", "en", "test", "--rules", &rules, "--only", "police.draft_share"]);
    assert_eq!(code, 0, "{out}{err}");
    let verdicts = |only: &str| {
        let (_, out, _) = plancheck(&[
            "check",
            "--rules",
            &rules,
            "--format",
            "json",
            "--only",
            only,
            "tests/submissions/example-jinnan-2024.json",
        ]);
        let r: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        r["verdicts"]
            .as_array()
            .expect("verdicts")
            .iter()
            .map(|v| (v["subject"]["code"].to_string(), v["status"].to_string(), v["actual"].to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(verdicts("police.draft_share"), verdicts("police.community_officer_share"));

    std::fs::write(&draft, rule.replace("    常态\n", "    常太\n")).expect("write");
    let (code, _, err) = plancheck(&["lint", "--rules", &rules]);
    assert_eq!(code, 2);
    assert!(err.contains("此处应为 `适用于`") && err.contains("是否应为 `常态`"), "{err}");
    std::fs::write(&draft, rule.replace("类型 预期性", "类型 预期")).expect("write");
    let (code, _, err) = plancheck(&["lint", "--rules", &rules]);
    assert_eq!(code, 2);
    assert!(err.contains("应为以下之一：约束性, 预期性") && err.contains("是否应为 `预期性`"), "{err}");
}

#[test]
fn a_report_to_a_pipe_is_written_into_it_never_over_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = common::fresh_dir("output-pipe");
    let pipe = dir.join("report.fifo");
    let made = std::process::Command::new("mkfifo").arg(&pipe).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let pipe = pipe.clone();
        std::thread::spawn(move || std::fs::read_to_string(pipe).expect("read the pipe"))
    };
    let file = "tests/submissions/example-jinnan-2024.json";
    let (code, _, err) =
        plancheck(&["check", "--format", "json", "--only", "police.*", "-o", &pipe.to_string_lossy(), file]);
    assert_eq!(code, 1, "{err}");
    // A report written beside the pipe and renamed over it would never reach the reader.
    let waited = std::time::Instant::now();
    while !reader.is_finished() && waited.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(reader.is_finished(), "the report never came through the pipe");
    let report: serde_json::Value = serde_json::from_str(&reader.join().expect("reader")).expect("the report");
    assert_eq!(report["format"], "plancheck-report/2");
    let kind = std::fs::symlink_metadata(&pipe).expect("still there").file_type();
    assert!(kind.is_fifo(), "the pipe (like /dev/null) is not replaced by a file");
}

/// CSV tables saved with Windows line ends (Excel's CSV) are placed exactly as with Unix ones:
/// every problem and every blamed value at the same line and column.
#[test]
fn csv_tables_with_windows_line_ends_are_placed_as_with_unix_ones() {
    let example = common::root().join("tests/submissions/example-jinnan-2024-csv");
    let copy = |name: &str, crlf: bool| {
        let dir = common::fresh_dir(name).join("tables");
        std::fs::create_dir_all(&dir).expect("dir");
        for entry in std::fs::read_dir(&example).expect("example") {
            let path = entry.expect("entry").path();
            let mut text = std::fs::read_to_string(&path).expect("table");
            if path.ends_with("community.csv") {
                // A number written with its unit, in the fourth row.
                let row: Vec<&str> = text.lines().collect();
                let cells: Vec<&str> = row[3].split(',').collect();
                let bad = format!("{},{},{},12人,{}", cells[0], cells[1], cells[2], cells[4..].join(","));
                text = text.replacen(row[3], &bad, 1);
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            std::fs::write(dir.join(path.file_name().expect("name")), text).expect("copy");
        }
        dir
    };
    let places = |dir: &std::path::Path, args: &[&str]| {
        let mut all = vec!["--lang", "en", "check", "--format", "json"];
        all.extend_from_slice(args);
        let shown = dir.to_string_lossy().into_owned();
        all.push(&shown);
        let (_, out, err) = plancheck(&all);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        let mut places = Vec::new();
        let mut note = |l: &serde_json::Value| {
            let file = l["file"].as_str().unwrap_or_default();
            let name = file.rsplit('/').next().unwrap_or_default().to_string();
            places.push((name, l["line"].as_u64(), l["column"].as_u64()));
        };
        for d in report["diagnostics"].as_array().expect("diagnostics") {
            note(&d["location"]);
        }
        for v in report["verdicts"].as_array().expect("verdicts") {
            for b in v["blame"].as_array().into_iter().flatten() {
                note(&b["location"]);
            }
        }
        places
    };
    let (unix, windows) = (copy("csv-lf", false), copy("csv-crlf", true));
    let broken = places(&unix, &[]);
    assert!(broken.iter().any(|(f, line, _)| f == "community.csv" && *line == Some(4)), "{broken:?}");
    assert_eq!(places(&windows, &[]), broken, "the problem in the fourth row");
    // The data as it was: every verdict's blame in place.
    let fixed = |dir: &std::path::Path| {
        std::fs::copy(example.join("community.csv"), dir.join("community.csv")).expect("the good table");
    };
    fixed(&unix);
    fixed(&windows);
    let text = std::fs::read_to_string(windows.join("community.csv")).expect("table");
    std::fs::write(windows.join("community.csv"), text.replace('\n', "\r\n")).expect("crlf");
    let judged = places(&unix, &[]);
    assert!(judged.len() > 20, "{judged:?}");
    assert_eq!(places(&windows, &[]), judged, "blamed values");
}

/// A command line the parser refuses (a value not among an option's values, an option that
/// does not exist, a number out of range) is a usage error like the others: in the user's
/// language, exit 2, and the report asked for is written with the problem, so that CI never
/// publishes what an earlier run left under `-o`.
#[test]
fn a_command_line_that_cannot_be_read_is_a_usage_error_in_the_report_asked_for() {
    let dir = common::fresh_dir("refused");
    let report = dir.join("r.sarif");
    std::fs::write(&report, "an earlier run's report").expect("written");
    let report = report.to_string_lossy().into_owned();
    let (code, _, err) = plancheck(&["check", "--format", "sarif", "--trace", "bogus", "-o", &report, EXAMPLE_FILE]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`bogus` 不是它的取值") && err.contains("failing, all, none"), "in Chinese:\n{err}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("the report is replaced");
    let text = sarif["runs"][0]["results"][0]["message"]["text"].as_str().unwrap_or_default();
    assert!(text.contains("--trace bogus"), "{sarif}");
    let (code, out, err) = plancheck(&["--lang", "en", "check", "--format", "json", "--formt", "x", EXAMPLE_FILE]);
    assert_eq!(code, 2);
    assert!(err.contains("there is no option `--formt` (did you mean `--format`?)"), "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON on standard output");
    assert!(json["verdicts"].as_array().is_some_and(Vec::is_empty) && json["as_of"].is_null(), "{json}");
    assert!(json["diagnostics"][0]["message"].as_str().is_some_and(|m| m.contains("--formt")), "{json}");
    // A problem with no place is named by what it says (a dashboard lists cases by name).
    let (_, junit, _) = plancheck(&["--lang", "en", "check", "--format", "junit", "--trace", "bogus", EXAMPLE_FILE]);
    assert!(junit.contains("<testcase classname=\"usage\" name=\"`--trace bogus`: "), "{junit}");
    let (code, _, err) = plancheck(&["--lang", "en", "check", "--threads", "0", EXAMPLE_FILE]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: `--threads 0`: that value cannot be used (a whole number from 1 to 1024)"),
        "{err}"
    );
    let (code, _, err) = plancheck(&["check", "--max-depth", "0", EXAMPLE_FILE]);
    assert_eq!(code, 2);
    assert!(err.contains("`--max-depth 0`：不能用这个取值（须为 1 到"), "in the user's language: {err}");
    let (code, _, err) = plancheck(&["chek", EXAMPLE_FILE]);
    assert_eq!(code, 2);
    assert!(err.contains("没有命令 `chek`（是否应为 `check`？）"), "{err}");
    let (code, out, _) = plancheck(&["check", "--help"]);
    assert_eq!(code, 0, "help is no error");
    assert!(out.contains("--format"), "{out}");
}

/// Every argument and option of every command says what it is for in `--help`: none is listed
/// bare (`-o, --output <OUTPUT>` with nothing after it, in either layout clap chooses).
#[test]
fn every_option_of_every_command_is_described_in_its_help() {
    let (_, top, _) = plancheck(&["--help"]);
    let commands: Vec<&str> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 10, "{top}");
    let names = |l: &str| {
        let l = l.trim_start();
        l.starts_with("--") || l.starts_with('<') || (l.starts_with('-') && !l.starts_with("- "))
    };
    for command in commands {
        let (code, out, _) = plancheck(&[command, "--help"]);
        assert_eq!(code, 0, "{command}");
        let lines: Vec<&str> =
            out.lines().skip_while(|l| !l.starts_with("Arguments:") && !l.starts_with("Options:")).collect();
        for (i, line) in lines.iter().enumerate() {
            // A possible value of an option says what it means too (`- all: Every verdict`).
            if let Some(value) = line.trim_start().strip_prefix("- ") {
                assert!(value.contains(": "), "`plancheck {command} --help`: `{value}` has no description:\n{out}");
                continue;
            }
            if !line.starts_with("  ") || !names(line) {
                continue;
            }
            // The description: on the same line after the names, else on the next line, deeper.
            let words = line.trim().split("  ").filter(|w| !w.trim().is_empty()).count();
            let next = lines.get(i + 1).copied().unwrap_or("");
            let below = next.len() - next.trim_start().len() > line.len() - line.trim_start().len() && !names(next);
            assert!(words > 1 || below, "`plancheck {command} --help`: `{}` has no description:\n{out}", line.trim());
        }
    }
}

/// A report that cannot be written says why in the terms of writing: the directory that is not
/// there (not "no such file": the file is the one to be made).
#[test]
fn a_report_into_a_missing_directory_names_the_directory() {
    let missing = common::fresh_dir("no-dir").join("not-here");
    let target = missing.join("r.json");
    let (code, _, err) =
        plancheck(&["--lang", "en", "check", "--format", "json", "-o", &target.to_string_lossy(), EXAMPLE_FILE]);
    assert_eq!(code, 2);
    assert!(err.contains(&format!("the directory `{}` does not exist", missing.display())), "{err}");
    // A directory given as the report's file: said in the user's language, not the system's.
    let dir = common::fresh_dir("dir-as-output");
    let (code, _, err) = plancheck(&["check", "-o", &dir.to_string_lossy(), EXAMPLE_FILE]);
    assert_eq!(code, 2);
    assert!(err.contains("这是一个目录，不是文件"), "{err}");
}

/// `-o` through a link writes the file it points to and keeps the link (a CI job publishing
/// through one would ship a stale report); `-o -` is standard output, not a file named `-`.
#[test]
fn output_goes_through_links_and_dash_is_standard_output() {
    let dir = common::fresh_dir("output-link");
    std::fs::create_dir_all(dir.join("artifacts")).expect("dir");
    std::fs::write(dir.join("artifacts/report.json"), "old").expect("written");
    let link = dir.join("report.json");
    std::os::unix::fs::symlink("artifacts/report.json", &link).expect("a link");
    let (_, _, err) = plancheck(&["check", "--format", "json", "-o", link.to_str().expect("utf-8"), EXAMPLE_FILE]);
    assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()), "the link is kept: {err}");
    let written = std::fs::read_to_string(dir.join("artifacts/report.json")).expect("the target");
    assert!(written.starts_with('{') && written.contains("plancheck-report/2"), "{err}");
    let (_, out, err) = plancheck(&["check", "--format", "json", "-o", "-", EXAMPLE_FILE]);
    let dash = common::root().join("-");
    let made = dash.exists();
    let _ = std::fs::remove_file(&dash);
    assert!(!made, "no file named `-`: {err}");
    assert!(out.contains("plancheck-report/2"), "{err}");
}

/// A path whose links lead to each other is said so in the report's language, not in the
/// system's English («Too many levels of symbolic links»).
#[test]
fn a_loop_of_links_is_said_in_the_report_language() {
    let dir = common::fresh_dir("link-loop");
    std::os::unix::fs::symlink("b.json", dir.join("a.json")).expect("a link");
    std::os::unix::fs::symlink("a.json", dir.join("b.json")).expect("a link");
    let a = dir.join("a.json");
    let (code, _, err) = plancheck(&["check", a.to_str().expect("utf-8")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("符号链接互相指向") && !err.contains("symbolic links"), "{err}");
}
