//! One fixture and one snapshot per diagnostic code: `tests/diagnostics/CODE_name.rules`,
//! checked (with the shared prelude unless it starts with `// standalone`) and rendered
//! exactly as a user sees it, in English and in Chinese.

mod common;

use std::path::PathBuf;

use plancheck::diagnostics::codes::CODES;
use plancheck::diagnostics::{Lang, render};

fn fixtures() -> Vec<PathBuf> {
    let dir = common::root().join("tests/diagnostics");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rules"))
        .collect();
    files.sort();
    files
}

fn render_fixture(path: &PathBuf) -> (String, Vec<&'static str>) {
    let text = String::from_utf8_lossy(&std::fs::read(path).expect("fixture")).into_owned();
    let mut files = Vec::new();
    if !text.starts_with("// standalone") {
        files.push(common::root().join("tests/diagnostics/prelude/prelude.rules"));
    }
    files.push(path.clone());
    let set = common::check_files(&files);
    let codes = set.diagnostics.0.iter().map(|d| d.code.code()).collect();
    let mut out = String::new();
    for lang in [Lang::En, Lang::Zh] {
        out.push_str(&format!("----- --lang {lang:?} -----\n").to_lowercase());
        out.push_str(&render::render_all(&set.diagnostics.0, &set.sources, lang));
    }
    (out, codes)
}

#[test]
fn every_code_has_a_fixture_that_raises_it() {
    let fixtures = fixtures();
    for info in CODES.iter().filter(|c| c.code.starts_with("E0") || c.code.starts_with("W0")) {
        let name = format!("{}_{}.rules", info.code, info.name);
        let path = fixtures.iter().find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == name));
        let path = path.unwrap_or_else(|| panic!("missing fixture tests/diagnostics/{name}"));
        let (_, codes) = render_fixture(path);
        assert!(codes.contains(&info.code), "{name} does not raise {}: it raises {codes:?}", info.code);
    }
    let rule_codes = CODES.iter().filter(|c| c.code.starts_with("E0") || c.code.starts_with("W0")).count();
    assert_eq!(fixtures.len(), rule_codes, "a fixture without a registered code");
}

#[test]
fn snapshots_show_what_the_user_sees() {
    for path in fixtures() {
        let (rendered, _) = render_fixture(&path);
        let name = path.file_stem().expect("stem").to_string_lossy().to_string();
        insta::with_settings!({ snapshot_path => "diagnostics/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}

#[test]
fn the_prelude_is_clean() {
    let set = common::check_files(&[common::root().join("tests/diagnostics/prelude/prelude.rules")]);
    let shown = render::render_all(&set.diagnostics.0, &set.sources, Lang::En);
    assert!(set.diagnostics.0.is_empty(), "{shown}");
}

#[test]
fn both_catalogs_have_the_same_keys_and_every_code_has_its_texts() {
    use plancheck::diagnostics::catalog;
    let zh = catalog::parse(catalog::ZH);
    let en = catalog::parse(catalog::EN);
    let mut zh_keys: Vec<&&str> = zh.keys().collect();
    let mut en_keys: Vec<&&str> = en.keys().collect();
    zh_keys.sort();
    en_keys.sort();
    assert_eq!(zh_keys, en_keys, "locales/zh.txt and locales/en.txt must have the same keys");
    for info in CODES {
        for part in ["message", "label", "help"] {
            let key = format!("{}.{part}", info.code);
            assert!(en.contains_key(key.as_str()), "missing {key} in the catalogs");
        }
    }
    for key in en.keys() {
        let code = key.split('.').next().unwrap_or_default();
        let is_code = code.len() == 5 && (code.starts_with('E') || code.starts_with('W'));
        assert!(!is_code || CODES.iter().any(|c| c.code == code), "catalog key {key} names no registered code");
    }
}

#[test]
fn docs_describe_every_code_in_registry_order() {
    let doc = std::fs::read_to_string(common::root().join("docs/diagnostics.md")).expect("docs/diagnostics.md");
    let headings: Vec<&str> = doc.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    let expected: Vec<String> = CODES.iter().map(|c| format!("{} {}", c.code, c.name)).collect();
    assert_eq!(headings, expected, "docs/diagnostics.md must have one `## CODE name` section per code, in order");
    for (i, heading) in headings.iter().enumerate() {
        let start = doc.find(&format!("## {heading}\n")).expect("section");
        let end = headings.get(i + 1).and_then(|h| doc.find(&format!("## {h}\n"))).unwrap_or(doc.len());
        let section = &doc[start..end];
        for part in ["**What it checks.**", "**Why it matters.**", "**Example.**", "**Fix.**"] {
            assert!(section.contains(part), "{heading}: missing {part}");
        }
    }
}

#[test]
fn chinese_diagnostics_name_their_help_in_chinese_and_keep_it_aligned() {
    let mut helped = 0;
    for path in fixtures() {
        let (rendered, _) = render_fixture(&path);
        let zh = &rendered[rendered.find("----- --lang zh -----").expect("a Chinese part")..];
        assert!(!zh.contains("help:") && !zh.contains("Advice:"), "{}:\n{zh}", path.display());
        let lines: Vec<&str> = zh.lines().collect();
        for (i, line) in lines.iter().enumerate().filter(|(_, l)| l.starts_with("  提示：")) {
            helped += 1;
            // A wrapped help goes on under its first character (`  提示：` is eight columns wide).
            for next in lines[i + 1..].iter().take_while(|l| l.starts_with("        ")) {
                assert!(!next[8..].starts_with(' '), "{}: `{line}` then `{next}`", path.display());
            }
        }
    }
    assert!(helped > 20, "the fixtures show help lines: {helped}");
}
