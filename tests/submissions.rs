//! Submissions: one broken fixture per data diagnostic code (`tests/submissions/bad/`), with a
//! snapshot of exactly what the user sees; the three formats of the example agree; loading
//! never panics on arbitrary bytes.

mod common;

use std::path::{Path, PathBuf};

use plancheck::data::{self, Format, Limits, Options};
use plancheck::diagnostics::codes::CODES;
use plancheck::diagnostics::{Lang, render};
use plancheck::engine::Engine;
use plancheck::load::RuleSet;

fn rules() -> RuleSet {
    common::check_files(&common::shipped_rule_files())
}

fn bad_dir() -> PathBuf {
    common::root().join("tests/submissions/bad")
}

/// Where patched fixtures are written (below the project, so names stay relative).
fn work_dir() -> PathBuf {
    common::root().join("target/plancheck-fixtures")
}

/// A fixture: a file or directory used as it is, or a `.patch` applied to a base.
struct Fixture {
    path: PathBuf,
    limits: Limits,
}

fn materialize(fixture: &Path) -> Fixture {
    if fixture.extension().is_none_or(|e| e != "patch") {
        return Fixture { path: fixture.to_path_buf(), limits: Limits::default() };
    }
    let text = std::fs::read_to_string(fixture).expect("patch");
    let mut base = None;
    let mut file = None;
    let mut limits = Limits::default();
    let mut edits: Vec<(String, String)> = Vec::new();
    let mut copies = Vec::new();
    let mut renames = Vec::new();
    let mut keep_lines = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let Some((key, value)) = line.split_once(": ").or_else(|| line.strip_suffix(':').map(|k| (k, ""))) else {
            continue;
        };
        let value = value.replace("\\n", "\n");
        match key {
            "base" => base = Some(bad_dir().join(value)),
            "file" => file = Some(value),
            "limit" => limits.max_file_bytes = value.parse().expect("a byte count"),
            "find" => edits.push((value, String::new())),
            "replace" => edits.last_mut().expect("find before replace").1 = value,
            "copy" => copies.push(value),
            "rename" => renames.push(value),
            "keep_lines" => keep_lines = Some(value.parse::<usize>().expect("a count of lines")),
            other => panic!("unknown patch directive {other}"),
        }
    }
    let base = base.expect("base:");
    let stem = fixture.file_stem().expect("stem").to_string_lossy().to_string();
    let _ = std::fs::create_dir_all(work_dir());
    let (target, patched) = if base.is_dir() {
        let target = work_dir().join(&stem);
        let _ = std::fs::remove_dir_all(&target);
        std::fs::create_dir_all(&target).expect("dir");
        for entry in std::fs::read_dir(&base).expect("base dir") {
            let p = entry.expect("entry").path();
            std::fs::copy(&p, target.join(p.file_name().expect("name"))).expect("copy");
        }
        for copy in copies {
            let (from, to) = copy.split_once(' ').expect("copy: FROM TO");
            std::fs::copy(target.join(from), target.join(to)).expect("copy");
        }
        for rename in renames {
            let (from, to) = rename.split_once(' ').expect("rename: FROM TO");
            std::fs::rename(target.join(from), target.join(to)).expect("rename");
        }
        let patched = file.map(|f| target.join(f));
        (target, patched)
    } else {
        let ext = base.extension().expect("extension").to_string_lossy().to_string();
        let target = work_dir().join(format!("{stem}.{ext}"));
        std::fs::copy(&base, &target).expect("copy");
        (target.clone(), Some(target))
    };
    if let Some(patched) = patched {
        let mut text = std::fs::read_to_string(&patched).expect("patched file");
        for (find, replace) in edits {
            assert_eq!(text.matches(&find).count(), 1, "{}: `{find}` must occur exactly once", fixture.display());
            text = text.replacen(&find, &replace, 1);
        }
        if let Some(n) = keep_lines {
            text = text.split_inclusive('\n').take(n).collect();
        }
        std::fs::write(&patched, text).expect("write");
    }
    Fixture { path: target, limits }
}

/// Loads a fixture like `plancheck check` does and renders what the user sees.
fn run(fixture: &Path) -> (String, Vec<&'static str>) {
    let mut engine = Engine::new(rules());
    let f = materialize(fixture);
    let options = Options { limits: f.limits, ..Options::default() };
    let diagnostics = engine.load(std::slice::from_ref(&f.path), &options).diagnostics;
    let codes = diagnostics.0.iter().map(|d| d.code.code()).collect();
    let mut out = String::new();
    for lang in [Lang::En, Lang::Zh] {
        out.push_str(&format!("----- --lang {lang:?} -----\n").to_lowercase());
        out.push_str(&render::render_all(&diagnostics.0, engine.sources(), lang));
    }
    (out.replace("target/plancheck-fixtures/", "tests/submissions/bad/"), codes)
}

fn fixtures() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(bad_dir()).expect("bad/").map(|e| e.expect("entry").path()).collect();
    all.sort();
    all
}

fn is_data_code(code: &str) -> bool {
    code.starts_with("E1") || code.starts_with("W1")
}

#[test]
fn every_data_code_has_a_fixture_that_raises_it() {
    let fixtures = fixtures();
    for info in CODES.iter().filter(|c| is_data_code(c.code)) {
        let prefix = format!("{}_{}", info.code, info.name);
        let fixture = fixtures.iter().find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefix)));
        let fixture = fixture.unwrap_or_else(|| panic!("missing fixture tests/submissions/bad/{prefix}.*"));
        let (shown, codes) = run(fixture);
        assert!(codes.contains(&info.code), "{prefix} does not raise {}:\n{shown}", info.code);
    }
}

#[test]
fn snapshots_show_what_the_user_sees() {
    for fixture in fixtures() {
        let (shown, _) = run(&fixture);
        let name =
            fixture.file_name().expect("name").to_string_lossy().split('.').next().unwrap_or_default().to_string();
        insta::with_settings!({ snapshot_path => "submissions/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, shown);
        });
    }
}

/// The example submission of submission.md §7 as JSON, YAML and CSV tables, exported back
/// to canonical JSON: all three must give the same data.
#[test]
fn json_yaml_and_csv_forms_load_to_the_same_values() {
    let dir = common::root().join("tests/submissions");
    let mut exported = Vec::new();
    for name in ["example-jinnan-2024.json", "example-jinnan-2024.yaml", "example-jinnan-2024-csv"] {
        let mut set = rules();
        let loaded = data::load(&[dir.join(name)], &set.checked, &Options::default(), &mut set.sources, 2);
        let shown = render::render_all(&loaded.diagnostics, &set.sources, Lang::En);
        assert!(loaded.diagnostics.is_empty(), "{name}:\n{shown}");
        let root = loaded.dataset.documents[0].root;
        exported.push((name, data::export::to_json(&set.checked, &loaded.dataset, root)));
    }
    for (name, json) in &exported[1..] {
        assert_eq!(&exported[0].1, json, "{name} differs from the JSON form");
    }
}

#[test]
fn the_spec_example_is_consistent() {
    let set = rules();
    let dir = common::root().join("tests/submissions");
    let paths = [dir.join("example-jinnan-2024.json"), dir.join("example-city-record-2024.json")];
    let mut engine = Engine::new(set);
    let loaded = engine.load(&paths, &Options::default());
    let all = &loaded.diagnostics.0;
    assert!(all.is_empty(), "{}", render::render_all(all, engine.sources(), Lang::En));
    assert_eq!(loaded.dataset.documents.len(), 2);
}

#[test]
fn a_gb18030_csv_with_crlf_line_ends_loads_like_the_utf8_one() {
    let source = common::root().join("tests/submissions/example-jinnan-2024-csv");
    let target = work_dir().join("gb18030-crlf");
    let _ = std::fs::remove_dir_all(&target);
    std::fs::create_dir_all(&target).expect("dir");
    for entry in std::fs::read_dir(&source).expect("csv dir") {
        let p = entry.expect("entry").path();
        let text = std::fs::read_to_string(&p).expect("utf-8");
        let text = text.trim_start_matches('\u{FEFF}').replace('\n', "\r\n");
        let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
        std::fs::write(target.join(p.file_name().expect("name")), bytes).expect("write");
    }
    let mut set = rules();
    let loaded = data::load(&[target], &set.checked, &Options::default(), &mut set.sources, 2);
    assert!(loaded.diagnostics.is_empty(), "{}", render::render_all(&loaded.diagnostics, &set.sources, Lang::En));
    let mut set2 = rules();
    let utf8 = data::load(&[source], &set2.checked, &Options::default(), &mut set2.sources, 2);
    let a = data::export::to_json(&set.checked, &loaded.dataset, loaded.dataset.documents[0].root);
    let b = data::export::to_json(&set2.checked, &utf8.dataset, utf8.dataset.documents[0].root);
    assert_eq!(a, b);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;
    use std::sync::LazyLock;

    /// Checked once: the rule set is the same for every case.
    static RULES: LazyLock<RuleSet> = LazyLock::new(rules);

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn on_arbitrary_bytes_as_json_or_yaml(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let set = &*RULES;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            for format in [Format::Json, Format::Yaml] {
                let mut sources = plancheck::source::SourceMap::new();
                let _ = data::load_text("fuzz", &text, format, &set.checked, &Options::default(), &mut sources);
            }
        }

        #[test]
        fn on_mangled_submissions(cut in 0usize..20_000, junk in "[\\[\\]{}\",:0-9a-z\\-]{0,12}") {
            let set = &*RULES;
            let base = std::fs::read_to_string(common::root().join("tests/submissions/example-jinnan-2024.json")).expect("example");
            let at = cut.min(base.len());
            let at = (0..=at).rev().find(|i| base.is_char_boundary(*i)).unwrap_or(0);
            let text = format!("{}{junk}{}", &base[..at], &base[at..]);
            let mut sources = plancheck::source::SourceMap::new();
            let loaded = data::load_text("mangled.json", &text, Format::Json, &set.checked, &Options::default(), &mut sources);
            let _ = render::render_all(&loaded.diagnostics, &sources, Lang::En);
        }
    }
}

#[test]
fn a_diagnostic_far_along_a_long_line_shows_a_window_of_it() {
    // Minified JSON: every problem is on line 1, past column 65,535 (where the graphical
    // renderer used to panic), and the line must not be printed once per problem.
    let set = rules();
    let text = format!("{{{}\"bogus_key\": 1, \"another_bogus\": 2}}", " ".repeat(70_000));
    let mut sources = plancheck::source::SourceMap::new();
    let loaded = data::load_text("minified.json", &text, Format::Json, &set.checked, &Options::default(), &mut sources);
    assert!(!loaded.diagnostics.is_empty());
    let shown = render::render_all(&loaded.diagnostics, &sources, Lang::En);
    assert!(shown.contains("minified.json:1:70002"), "{shown}");
    assert!(shown.contains("bogus_key"), "{shown}");
    assert!(
        shown.len() < 600 * loaded.diagnostics.len(),
        "{} bytes for {} diagnostics",
        shown.len(),
        loaded.diagnostics.len()
    );
}

#[test]
fn a_mark_on_a_long_line_stands_under_its_value_after_wide_characters() {
    // A long line with Chinese before the problem: each character takes two columns of the
    // terminal, so the mark is placed by width, not by count of characters.
    let set = rules();
    let name = "天津市和平区劝业场街道".repeat(40);
    let text = format!("{{\"name\": \"{name}\", \"bogus_key\": 1}}");
    let mut sources = plancheck::source::SourceMap::new();
    let loaded = data::load_text("wide.json", &text, Format::Json, &set.checked, &Options::default(), &mut sources);
    let shown = render::render_all(&loaded.diagnostics, &sources, Lang::En);
    let lines: Vec<&str> = shown.lines().collect();
    let snippet = lines.iter().position(|l| l.contains("│ …") && l.contains("bogus_key")).expect("a window");
    let mark = lines[snippet + 1];
    let column = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let key = lines[snippet].find("\"bogus_key").expect("the key");
    let caret = mark.find('^').expect("a mark");
    assert_eq!(column(&mark[..caret]), column(&lines[snippet][..key]), "\n{}\n{mark}", lines[snippet]);
}

#[test]
fn a_json_file_cut_short_is_marked_where_it_ends_and_where_the_unclosed_bracket_opens() {
    // A file missing its last `}` (an upload cut short): not the whole file underlined.
    let set = rules();
    let text =
        std::fs::read_to_string(common::root().join("tests/submissions/example-jinnan-2024.json")).expect("example");
    let cut = text.trim_end().strip_suffix('}').expect("ends with }").to_string();
    let mut sources = plancheck::source::SourceMap::new();
    let loaded = data::load_text("cut.json", &cut, Format::Json, &set.checked, &Options::default(), &mut sources);
    let shown = render::render_all(&loaded.diagnostics, &sources, Lang::En);
    assert!(shown.lines().count() < 30, "{} lines:\n{shown}", shown.lines().count());
    let last = cut.lines().count();
    assert!(shown.contains(&format!("cut.json:{last}:")), "at the end:\n{shown}");
    assert!(shown.contains("cut.json:1:1") && shown.contains("opened here"), "and where it opens:\n{shown}");
}

#[test]
fn a_number_written_with_its_unit_or_in_full_width_digits_is_told_what_to_write() {
    let set = rules();
    let text =
        std::fs::read_to_string(common::root().join("tests/submissions/example-jinnan-2024.json")).expect("example");
    let from = "\"households\": 3150,";
    assert_eq!(text.matches(from).count(), 1);
    for (written, meant) in
        [("\"3150户\"", "3150"), ("\"３１５０\"", "3150"), ("\"3,150\"", "3150"), ("\"约3150户\"", "3150")]
    {
        let changed = text.replacen(from, &format!("\"households\": {written},"), 1);
        let mut sources = plancheck::source::SourceMap::new();
        let loaded =
            data::load_text("typed.json", &changed, Format::Json, &set.checked, &Options::default(), &mut sources);
        let shown = render::render_all(&loaded.diagnostics, &sources, Lang::En);
        assert!(shown.contains("E1102"), "{written}:\n{shown}");
        assert!(shown.contains(&format!("write the number alone: `{meant}`")), "{written}:\n{shown}");
    }
    // Two numbers: which one is meant cannot be told.
    let changed = text.replacen(from, "\"households\": \"3100-3200\",", 1);
    let mut sources = plancheck::source::SourceMap::new();
    let loaded = data::load_text("typed.json", &changed, Format::Json, &set.checked, &Options::default(), &mut sources);
    let shown = render::render_all(&loaded.diagnostics, &sources, Lang::En);
    assert!(shown.contains("E1102") && !shown.contains("write the number alone"), "{shown}");
}

/// A fresh copy of the example CSV submission (a directory of tables), to break.
fn csv_example_copy(name: &str) -> PathBuf {
    let dir = common::fresh_dir(name).join("tables");
    std::fs::create_dir_all(&dir).expect("dir");
    for entry in std::fs::read_dir(common::root().join("tests/submissions/example-jinnan-2024-csv")).expect("example") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
    }
    dir
}

/// Loads a submission as `check` does: the codes of its diagnostics, and what it shows in English.
fn checked(path: &Path) -> (String, String) {
    let mut engine = Engine::new(rules());
    let loaded = engine.load(&[path.to_path_buf()], &Options::default());
    let shown = render::render_all(&loaded.diagnostics.0, engine.sources(), Lang::En);
    let codes: Vec<&str> = loaded.diagnostics.0.iter().map(|d| d.code.code()).collect();
    (codes.join(" "), shown)
}

/// A text with each line (and its index) changed by `edit`.
fn each_line(text: &str, edit: impl Fn(usize, &str) -> String) -> String {
    text.lines().enumerate().map(|(i, line)| edit(i, line) + "\n").collect()
}

/// A copy of the example CSV submission with one table's text changed by `edit`.
fn csv_edited(name: &str, table: &str, edit: impl FnOnce(&str) -> String) -> PathBuf {
    let dir = csv_example_copy(name);
    let text = std::fs::read_to_string(dir.join(table)).expect("table");
    std::fs::write(dir.join(table), edit(&text)).expect("write");
    dir
}

#[test]
fn a_quote_never_closed_in_a_csv_table_is_pointed_at_where_it_opens() {
    let dir = csv_example_copy("csv-open-quote");
    // A stray quote before the code of the second community.
    let table = dir.join("community.csv");
    let text = std::fs::read_to_string(&table).expect("table");
    let from = "120112103,120112103004,";
    assert_eq!(text.matches(from).count(), 1);
    std::fs::write(&table, text.replacen(from, "120112103,\"120112103004,", 1)).expect("write");
    let line = text[..text.find(from).expect("there")].matches('\n').count() + 1;
    let mut engine = Engine::new(rules());
    let loaded = engine.load(std::slice::from_ref(&dir), &Options::default());
    let shown = render::render_all(&loaded.diagnostics.0, engine.sources(), Lang::En);
    assert!(shown.contains("this quote is never closed"), "{shown}");
    assert!(shown.contains(&format!("community.csv:{line}:11")), "at the quote:\n{shown}");
}

/// CSV tables hold every text exactly: list items with `;` or `；`, spaces at their ends, an
/// empty text, quotes, commas and line breaks come back as they were; converting again into
/// the same directory leaves no table of the earlier submission behind; a directory holding
/// other files is not replaced.
#[test]
fn csv_tables_keep_every_text_exactly() {
    use plancheck::data::export;
    let work = common::fresh_dir("csv-exact");
    let text =
        std::fs::read_to_string(common::root().join("tests/submissions/example-jinnan-2024.json")).expect("example");
    let mut doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    doc["district"]["online_24h_service_channels"] =
        serde_json::json!(["津治通;微信", " 两端有空格 ", "全角；分号", "[方括号]开头", "引号\"与,逗号\n换行"]);
    doc["submitted_by"] = serde_json::json!("");
    doc["district"]["new_residential_projects"][0]["name"] = serde_json::json!("  双港新家园  ");
    let source = work.join("source.json");
    std::fs::write(&source, serde_json::to_string_pretty(&doc).expect("JSON")).expect("write");

    let mut engine = Engine::new(rules());
    let canonical = |engine: &mut Engine, path: &Path| {
        let loaded = engine.load(&[path.to_path_buf()], &Options::default());
        let problems = &loaded.diagnostics.0;
        assert!(!loaded.diagnostics.has_errors(), "{}", render::render_all(problems, engine.sources(), Lang::En));
        let json = export::to_json(&engine.rules().checked, &loaded.dataset, loaded.dataset.documents[0].root);
        (loaded, json)
    };
    let (loaded, expected) = canonical(&mut engine, &source);
    assert!(expected.contains(r#""津治通;微信""#) && expected.contains(r#""submitted_by": """#), "{expected}");
    let tables = work.join("tables");
    std::fs::create_dir_all(&tables).expect("dir");
    std::fs::write(tables.join("left_over.csv"), "a,b\n1,2\n").expect("stale table");
    let root = loaded.dataset.documents[0].root;
    export::to_csv_dir(&engine.rules().checked, &loaded.dataset, root, &tables).expect("tables written");
    assert!(!tables.join("left_over.csv").exists(), "a table of an earlier submission is left behind");
    // `-o DIR/.` names the directory itself.
    export::to_csv_dir(&engine.rules().checked, &loaded.dataset, root, &tables.join("."))
        .expect("tables written again");
    let (_, back) = canonical(&mut engine, &tables);
    assert_eq!(back, expected, "the CSV tables hold other data");

    let other = work.join("other");
    std::fs::create_dir_all(&other).expect("dir");
    std::fs::write(other.join("notes.txt"), "keep me").expect("file");
    let refused = export::to_csv_dir(&engine.rules().checked, &loaded.dataset, root, &other);
    assert!(refused.is_err());
    assert_eq!(std::fs::read_to_string(other.join("notes.txt")).expect("kept"), "keep me");
}

/// A table of a CSV submission that cannot be read is reported once, at its file, and causes
/// no cascade of missing fields in the tables that needed it.
#[test]
fn an_unreadable_csv_table_is_one_problem_not_a_cascade() {
    let dir = csv_example_copy("csv-unreadable");
    std::fs::remove_file(dir.join("village.csv")).expect("remove");
    std::fs::create_dir(dir.join("village.csv")).expect("a directory named like a table");
    let mut engine = Engine::new(rules());
    let loaded = engine.load(&[dir], &Options::default());
    let codes: Vec<&str> = loaded.diagnostics.0.iter().map(|d| d.code.code()).collect();
    let shown = render::render_all(&loaded.diagnostics.0, engine.sources(), Lang::En);
    assert_eq!(codes, ["E1403"], "{shown}");
    assert!(shown.contains("village.csv") && shown.contains("not a regular file"), "{shown}");
}

/// The city record belongs to one year's districts: a second one for that year is E1302, one
/// of a year without district submissions is E1304; one of the right year is fine.
#[test]
fn a_city_record_is_one_per_year_and_goes_with_that_years_districts() {
    let root = common::root().join("tests/submissions");
    let dir = common::fresh_dir("city-records");
    let record = std::fs::read_to_string(root.join("example-city-record-2024.json")).expect("record");
    std::fs::write(dir.join("again.json"), &record).expect("write");
    std::fs::write(dir.join("y2023.json"), record.replace("\"reporting_year\": 2024", "\"reporting_year\": 2023"))
        .expect("write");
    let district = root.join("example-jinnan-2024.json");
    let city = root.join("example-city-record-2024.json");
    let mut engine = Engine::new(rules());
    let codes = |engine: &mut Engine, paths: &[PathBuf]| -> Vec<&'static str> {
        let loaded = engine.load(paths, &Options::default());
        loaded.diagnostics.0.iter().filter(|d| d.is_error()).map(|d| d.code.code()).collect()
    };
    assert_eq!(codes(&mut engine, &[district.clone(), city.clone()]), Vec::<&str>::new());
    assert_eq!(codes(&mut engine, &[district.clone(), city.clone(), dir.join("again.json")]), ["E1302"]);
    assert_eq!(codes(&mut engine, &[district, dir.join("y2023.json")]), ["E1304"]);
}

/// Consistency checks run on every thread give the findings of one thread, in the order of
/// the checks, then of the files and the places in them: here one finding per community (more
/// than one run of work on a thread), every community saying more resident-unit party
/// organisations reported than there are.
#[test]
fn consistency_findings_are_the_same_on_any_number_of_threads() {
    let work = common::fresh_dir("consistency-threads");
    let mut communities = 0;
    for entry in std::fs::read_dir(common::root().join("examples/tianjin-2025")).expect("examples") {
        let path = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let mut out = String::with_capacity(text.len());
        for line in text.split_inclusive('\n') {
            match line.split_once("resident_unit_party_orgs_reported") {
                Some((head, tail)) => {
                    communities += 1;
                    let (sep, comma) = if tail.starts_with('"') { ("\": ", ",") } else { (": ", "") };
                    out.push_str(&format!("{head}resident_unit_party_orgs_reported{sep}99999{comma}\n"));
                }
                None => out.push_str(line),
            }
        }
        std::fs::write(work.join(path.file_name().expect("name")), out).expect("write");
    }
    assert!(communities > 1500, "{communities} communities");
    let mut engine = Engine::new(common::check_files(&common::shipped_rule_files()));
    let loaded = engine.load(std::slice::from_ref(&work), &Options::default());
    let found = |threads| {
        let found = plancheck::eval::consistency::check(engine.model(), &loaded.dataset, threads);
        found.iter().map(|d| (d.code.code(), d.primary.file, d.primary.start)).collect::<Vec<_>>()
    };
    let one = found(1);
    let reported = one.iter().filter(|(c, _, _)| *c == "E1301").count();
    assert_eq!(reported, communities, "one finding per community: {:?}", &one[..one.len().min(5)]);
    assert_eq!(found(2), one);
    assert_eq!(found(3), one);
}

/// A CSV column that is not there is one problem of the table, said once at its header: not
/// one missing field per row, and not also an unknown column where its header is misspelt.
#[test]
fn a_column_missing_from_a_csv_table_is_reported_once_at_its_header() {
    // A misspelt header: the column is named, at its header cell, with the right spelling.
    let dir = csv_edited("csv-misspelt-header", "community.csv", |text| text.replacen(",households,", ",houshold,", 1));
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1107", "{shown}");
    assert!(shown.contains("community.csv:1:23") && shown.contains("`houshold`"), "at the header cell:\n{shown}");
    assert!(shown.contains("`households`") && shown.contains("rows (3)"), "{shown}");
    // A column deleted: the header is marked, with the field and how to add it.
    let dir = csv_edited("csv-deleted-column", "community.csv", |text| {
        each_line(text, |_, line| {
            let mut cells: Vec<&str> = line.split(',').collect();
            cells.remove(3);
            cells.join(",")
        })
    });
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1107", "{shown}");
    assert!(shown.contains("community.csv:1:1") && shown.contains("`households`"), "at the header:\n{shown}");
    // The Chinese label cut short is the column too.
    let dir = csv_edited("csv-short-label", "community.csv", |text| text.replacen(",households,", ",户数,", 1));
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1107", "{shown}");
    assert!(shown.contains("rename the header `户数` to `households`"), "{shown}");
    // A column given twice, by its key and by its label, is repeated, not unknown.
    let dir = csv_edited("csv-key-and-label", "community.csv", |text| {
        each_line(text, |i, l| {
            format!("{l},{}", if i == 0 { "户数（常住户）" } else { l.split(',').nth(3).unwrap_or("") })
        })
    });
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1003", "{shown}");
    assert!(shown.contains("is the field `households` again") && shown.contains("first here"), "{shown}");
}

/// A row repeated in a CSV table is one problem: its rows in other tables belong to the first
/// of the two, not to both (their ids would be repeats too), and the message shows both rows.
#[test]
fn a_repeated_csv_row_does_not_repeat_the_rows_that_belong_to_it() {
    let dir = csv_edited("csv-repeated-row", "community.csv", |text| {
        format!("{text}{}\n", text.lines().nth(1).expect("a community"))
    });
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1201", "{shown}");
    assert!(shown.contains("community.csv:5:11") && shown.contains("community.csv:2:11"), "both rows:\n{shown}");
}

/// What a hand-edited or cut JSON file gets wrong is said as such: a file that ends inside a
/// string (marked at the end, with where the string opens), a number in full-width digits or
/// with a unit, a truth value in words, a text without quotes.
#[test]
fn json_values_that_are_not_json_are_named_for_what_they_are() {
    let dir = common::fresh_dir("json-bare-values");
    let said = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        checked(&path).1
    };
    let cut = said("cut.json", "{\n  \"district\": {\n    \"name\": \"津南");
    assert!(cut.contains("the file ends inside a string") && cut.contains("cut.json:3:15"), "{cut}");
    assert!(cut.contains("opened here"), "where the string opens:\n{cut}");
    let full_width = said("full-width.json", "{\"households\": ３１５０}");
    assert!(full_width.contains("`３１５０` is not a JSON number: write `3150`"), "{full_width}");
    let unit = said("unit.json", "{\"households\": 3150户, \"x\": 1}");
    assert!(unit.contains("`3150户` is not a JSON number: write `3150`"), "{unit}");
    let word = said("word.json", "{\"has_5g_coverage\": 是}");
    assert!(word.contains("`是` is not a JSON truth value: write true or false"), "{word}");
    let cut_word = said("cut-word.json", "{\n  \"district\": {\n    \"has_plan\": tru");
    assert!(cut_word.contains("is not closed") && cut_word.contains("opened here"), "{cut_word}");
    let cut_key = said("cut-key.json", "{\n  \"district\": {\n    \"has_plan\": ");
    assert!(cut_key.contains("is not closed") && cut_key.contains("opened here"), "{cut_key}");
    let grouped = said("grouped.json", "{\"resident_population\": 1,111,534, \"x\": 1}");
    assert!(grouped.contains("`1,111,534` is not a JSON number: write `1111534`"), "{grouped}");
    let text = said("text.json", "{\"items\": [甲, 乙]}");
    assert!(text.contains("`甲` is not a JSON value: a text is written in double quotes"), "{text}");
}

/// A value of the wrong type is told how to be written in its own file's form: no `!!str`
/// tag in JSON (only YAML has tags), no quotes to take off a CSV cell (which reads 是 and 否).
#[test]
fn a_wrong_type_is_told_how_to_write_it_in_its_files_form() {
    let dir = common::fresh_dir("wrong-type-forms");
    let json = dir.join("quoted.json");
    std::fs::write(&json, "{\"reporting_year\": \"2024\"}").expect("write");
    let (_, shown) = checked(&json);
    assert!(shown.contains("write the number as a number, without quotes") && !shown.contains("!!str"), "{shown}");
    let yaml = dir.join("tagged.yaml");
    std::fs::write(&yaml, "reporting_year: !!str 2024\n").expect("write");
    let (_, shown) = checked(&yaml);
    assert!(shown.contains("without a `!!str` tag"), "{shown}");

    let dir = csv_edited("csv-truth-as-one", "community.csv", second_row_cell("in_central_urban_area", "1"));
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1102", "{shown}");
    assert!(shown.contains("write `true` or `false` (`是` and `否` are read too)"), "{shown}");
}

/// A wrong item of a list is said as an item, not as the list: «each item of `communities`
/// must be a record», with the fields a record holds; one value where a list belongs is told
/// to be written as a list of one, in its file's form.
#[test]
fn a_wrong_item_of_a_list_is_said_as_an_item() {
    let dir = common::fresh_dir("wrong-item");
    let json = dir.join("item.json");
    let item = "{\"district\": {\"code\": \"120112\", \"streets\": [{\"code\": \"120112103\", \"communities\": [\"盛同社区\"]}]}}";
    std::fs::write(&json, item).expect("write");
    let (_, shown) = checked(&json);
    assert!(shown.contains("each item of `communities` must be a record, found \"盛同社区\""), "{shown}");
    assert!(shown.contains("write a record with its fields (`code`, `name`"), "{shown}");
    let yaml = dir.join("one.yaml");
    std::fs::write(&yaml, "district:\n  code: \"120112\"\n  streets: 甲\n").expect("write");
    let (_, shown) = checked(&yaml);
    assert!(shown.contains("`streets` must be a list") && shown.contains("one `- ` item a line"), "{shown}");
}

/// A comma that splits a cell (a number with a thousands separator, a name with a comma, not
/// quoted) is pointed at where the cells shift, not at the end of the row: the cells after it
/// no longer fit their columns as the other rows' do.
#[test]
fn an_unquoted_comma_in_a_csv_cell_is_pointed_at_where_the_row_shifts() {
    let second_row = |from: &'static str, to: &'static str| {
        move |text: &str| each_line(text, |i, line| if i == 1 { line.replacen(from, to, 1) } else { line.to_string() })
    };
    let dir = csv_edited("csv-thousands", "community.csv", second_row(",3150,", ",3,150,"));
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1003", "{shown}");
    assert!(shown.contains("community.csv:2:30"), "at the number:\n{shown}");
    assert!(shown.contains("`3,150`") && shown.contains("write `3150`"), "{shown}");

    let dir = csv_edited("csv-comma-in-name", "community.csv", second_row(",鑫港园社区,", ",鑫港园,社区,"));
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1003", "{shown}");
    assert!(shown.contains("community.csv:2:24"), "at the name:\n{shown}");
    assert!(shown.contains("`鑫港园,社区`") && shown.contains("put it in double quotes: `\"鑫港园,社区\"`"), "{shown}");
}

/// An empty cell of a field every record must give is marked at the cell, said as an empty
/// cell: the column is there (it was «this record has no …» at the start of the row).
#[test]
fn an_empty_required_csv_cell_is_marked_at_the_cell() {
    let dir = csv_edited("csv-empty-cell", "community.csv", second_row_cell("households", ""));
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1101", "{shown}");
    assert!(shown.contains("community.csv:2:30"), "at the cell:\n{shown}");
    assert!(shown.contains("this cell is empty") && shown.contains("fill in"), "{shown}");
}

/// The second row of a table with the cell of `column` replaced by `value`.
fn second_row_cell(column: &'static str, value: &'static str) -> impl FnOnce(&str) -> String {
    move |text: &str| {
        let index = text.lines().next().and_then(|h| h.split(',').position(|c| c == column)).expect("the column");
        each_line(text, |i, line| match i {
            1 => line
                .split(',')
                .enumerate()
                .map(|(k, c)| if k == index { value } else { c })
                .collect::<Vec<_>>()
                .join(","),
            _ => line.to_string(),
        })
    }
}

/// A link column or a table missing from a CSV submission is one problem, said once: not an
/// orphan row for each of its rows and of the rows below them, nor a missing field for each row
/// of the table above.
#[test]
fn a_csv_table_without_its_link_column_or_a_missing_table_is_one_problem() {
    let dir = csv_edited("csv-link-column", "community.csv", |text| text.replacen("street.code,", "street_code,", 1));
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1107", "{shown}");
    assert!(shown.contains("rename the header `street_code` to `street.code`"), "{shown}");

    let dir = csv_example_copy("csv-table-renamed");
    std::fs::rename(dir.join("community.csv"), dir.join("community (2).csv")).expect("rename");
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1405", "{shown}");
    assert!(shown.contains("rename `community (2).csv` to `community.csv`"), "{shown}");

    let dir = csv_example_copy("csv-table-deleted");
    std::fs::remove_file(dir.join("owners_committee.csv")).expect("remove");
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1405", "{shown}");
    assert!(shown.contains("the table `owners_committee.csv`") && shown.contains("community.csv:1:1"), "{shown}");
}

/// Each kind of CSV table error says how to mend that kind.
#[test]
fn a_csv_table_error_says_how_to_mend_its_kind() {
    let dir = csv_edited("csv-two-district-rows", "district.csv", |text| {
        format!("{text}{}\n", text.lines().nth(1).expect("the district"))
    });
    let (_, said) = checked(&dir);
    assert!(said.contains("must have exactly one row") && said.contains("delete the extra rows"), "{said}");
    assert!(!said.contains("quote cells"), "{said}");
    let dir = csv_edited("csv-duplicate-column", "police_station.csv", |text| {
        each_line(text, |_, l| format!("{l},{}", l.split(',').nth(1).unwrap_or("")))
    });
    let (_, said) = checked(&dir);
    assert!(said.contains("appears twice") && said.contains("remove one of the two columns"), "{said}");
}

/// A date or a code not in its form is told how to write it: the date as it should be, a day
/// the calendar does not have, a code's length.
#[test]
fn a_value_not_in_its_form_is_told_how_to_write_it() {
    let dir = common::fresh_dir("formats");
    let example =
        std::fs::read_to_string(common::root().join("tests/submissions/example-jinnan-2024.json")).expect("x");
    let said = |name: &str, from: &str, to: &str| {
        assert_eq!(example.matches(from).count(), 1, "{from}");
        let path = dir.join(name);
        std::fs::write(&path, example.replacen(from, to, 1)).expect("write");
        checked(&path).1
    };
    let slashes = said("slashes.json", "\"as_of\": \"2024-12-31\"", "\"as_of\": \"2024/12/31\"");
    assert!(slashes.contains("help: write `2024-12-31`"), "{slashes}");
    let chinese = said("chinese.json", "\"as_of\": \"2024-12-31\"", "\"as_of\": \"2024年12月31日\"");
    assert!(chinese.contains("help: write `2024-12-31`"), "{chinese}");
    let no_day = said("no-day.json", "\"as_of\": \"2024-12-31\"", "\"as_of\": \"2024-02-30\"");
    assert!(no_day.contains("the calendar has no such day"), "{no_day}");
    let code = said("code.json", "\"code\": \"120112\"", "\"code\": \"12011\"");
    assert!(code.contains("a code has 6 digits (this one has 5 characters)"), "{code}");
}

/// A UTF-8 file with one value pasted in GBK (an older system's export) is not read whole as
/// GB18030, which turns every other Chinese name into mojibake without a word: the GBK bytes
/// are where it stops being UTF-8, and that is reported there — in a CSV table as in JSON.
#[test]
fn a_utf8_file_with_a_value_in_gbk_is_reported_at_that_value() {
    // `text` with `name`, found first, written in GBK.
    let in_gbk = |text: &str, name: &str| {
        let at = text.find(name).expect("the name");
        let gbk = encoding_rs::GBK.encode(name).0.into_owned();
        (at, [&text.as_bytes()[..at], &gbk, &text.as_bytes()[at + name.len()..]].concat())
    };
    let text =
        std::fs::read_to_string(common::root().join("tests/submissions/example-jinnan-2024.json")).expect("read");
    let (_, bytes) = in_gbk(&text, "津南区民政局");
    let json = common::fresh_dir("mixed-encoding").join("s.json");
    std::fs::write(&json, bytes).expect("written");
    let (codes, shown) = checked(&json);
    assert_eq!(codes, "E1007", "{shown}");
    assert!(shown.contains("s.json:7:") && shown.contains("UTF-8"), "{shown}");
    let dir = csv_example_copy("mixed-encoding-csv");
    let village = dir.join("village.csv");
    let text = std::fs::read_to_string(&village).expect("read");
    let (at, bytes) = in_gbk(&text, "何庄子村");
    let line = text[..at].matches('\n').count() + 1;
    std::fs::write(&village, bytes).expect("written");
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1007", "{shown}");
    assert!(shown.contains(&format!("village.csv:{line}:")) && shown.contains("UTF-8"), "{shown}");
}

/// A date in its form that the calendar does not have (`2024-02-30`) is said to be no day, not
/// to be in the wrong form.
#[test]
fn a_date_the_calendar_lacks_is_not_said_to_be_in_the_wrong_form() {
    let text =
        std::fs::read_to_string(common::root().join("tests/submissions/example-jinnan-2024.json")).expect("read");
    let path = common::fresh_dir("no-such-day").join("s.json");
    std::fs::write(&path, text.replacen("\"as_of\": \"2024-12-31\"", "\"as_of\": \"2024-02-30\"", 1)).expect("written");
    let (codes, shown) = checked(&path);
    assert_eq!(codes, "E1104", "{shown}");
    assert!(
        shown.contains("is not a day the calendar has") && !shown.contains("is not a date `YYYY-MM-DD`"),
        "{shown}"
    );
}

/// A CSV submission without the table of its one district is told that table is missing, once
/// — not each of the district's columns as missing from `submission.csv`.
#[test]
fn a_missing_district_table_is_one_error() {
    let dir = csv_example_copy("no-district-table");
    std::fs::remove_file(dir.join("district.csv")).expect("removed");
    let (codes, shown) = checked(&dir);
    assert_eq!(codes, "E1405", "{shown}");
    assert!(shown.contains("`district.csv`") && shown.contains("one row") && !shown.contains("``"), "{shown}");
}

/// A place in a short row of a CSV table is shown with its whole row, from the first cell:
/// the reader sees which row and column it is, not the row's tail from the mark on.
#[test]
fn a_csv_place_is_shown_with_its_whole_row() {
    let dir = csv_example_copy("short-row-snippet");
    let table = dir.join("submission.csv");
    let text = std::fs::read_to_string(&table).expect("read");
    std::fs::write(&table, text.replacen("submitted_by", "submitted_byy", 1)).expect("written");
    let (codes, shown) = checked(&dir);
    assert!(codes.contains("E1107"), "{shown}");
    assert!(shown.contains("│ schema_version,reporting_year,"), "{shown}");
}
