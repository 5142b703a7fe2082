//! The bundled examples: every submission under `examples/` loads clean, and the generator
//! writes exactly these files from their seed (so they are never edited by hand).

mod common;

use std::path::{Path, PathBuf};

use plancheck::data::Options;
use plancheck::diagnostics::{Lang, render};
use plancheck::engine::{Engine, Submissions};
use plancheck::eval::verdict::JudgeOptions;
use plancheck::generate::{GenOptions, OutputFormat, generate};

fn example_dir() -> PathBuf {
    common::root().join("examples/tianjin-2025")
}

fn options(out: PathBuf, scale: f64, seed: u64) -> GenOptions {
    GenOptions {
        seed,
        districts: Vec::new(),
        scale,
        year: 2025,
        out,
        formats: vec![("120101".into(), OutputFormat::Yaml), ("120112".into(), OutputFormat::Csv)],
        failure_rate: 0.1,
    }
}

#[test]
fn every_example_loads_clean_and_consistent() {
    let (engine, loaded) = examples_loaded();
    let all = &loaded.diagnostics.0;
    assert!(all.is_empty(), "{}", render::render_all(all, engine.sources(), Lang::En));
    assert_eq!(loaded.dataset.documents.len(), 17, "16 districts and the city record");
}

/// Every file below `dir`, relative to it.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).expect("dir") {
            let p = entry.expect("entry").path();
            if p.is_dir() {
                pending.push(p);
            } else {
                out.push(p.strip_prefix(dir).expect("below").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_generator_writes_exactly_the_examples() {
    let set = common::check_files(&common::shipped_rule_files());
    let out = common::root().join("target/plancheck-gen/tianjin-2025");
    let _ = std::fs::remove_dir_all(&out);
    generate(&set.checked, &options(out.clone(), 1.0, 2025)).expect("generates");
    let expected: Vec<PathBuf> = files(&example_dir()).into_iter().filter(|f| f != Path::new("README.md")).collect();
    assert_eq!(files(&out), expected, "the example files are those the generator writes");
    for f in expected {
        let a = std::fs::read(out.join(&f)).expect("generated");
        let b = std::fs::read(example_dir().join(&f)).expect("example");
        assert!(a == b, "{} differs from the generator's output", f.display());
    }
}

#[test]
fn the_generator_is_seeded_and_scales() {
    let set = common::check_files(&common::shipped_rule_files());
    let base = common::root().join("target/plancheck-gen");
    let run = |name: &str, scale: f64, seed: u64| {
        let out = base.join(name);
        let _ = std::fs::remove_dir_all(&out);
        let summary = generate(&set.checked, &options(out.clone(), scale, seed)).expect("generates");
        (out, summary)
    };
    let (a, small) = run("a", 0.05, 7);
    let (b, _) = run("b", 0.05, 7);
    let (c, _) = run("c", 0.05, 8);
    let (_, double) = run("d", 2.0, 7);
    let read = |dir: &Path| std::fs::read(dir.join("120103-河西区.json")).expect("file");
    assert_eq!(read(&a), read(&b), "the same seed gives the same data");
    assert_ne!(read(&a), read(&c), "another seed gives other data");
    assert!(double.units > 30 * small.units, "scale 2 has about 40 times the units of scale 0.05");
    assert_eq!(double.files, 33, "two copies of the 16 districts and the city record");
}

/// Every verdict of a set of submissions checked alone: rule, subject, status and value.
fn verdicts_of(engine: &mut Engine, paths: &[PathBuf]) -> Vec<String> {
    let loaded = engine.load(paths, &Options::default());
    let problems = &loaded.diagnostics.0;
    assert!(problems.is_empty(), "{}", render::render_all(problems, engine.sources(), Lang::En));
    let viewer = plancheck::report::Viewer::new(engine.model(), &loaded.dataset, engine.sources(), Lang::En);
    let mut out = Vec::new();
    engine.verdicts(&loaded, &Default::default(), |v| {
        let view = viewer.view(&v);
        out.push(format!("{} {} {:?} {:?}", view.rule, view.subject.code, view.status, v.actual));
    });
    out
}

/// Each example district converted to JSON, to CSV tables, to YAML and back to JSON (each
/// form read back to write the next) holds exactly the original's data: no field, list or table
/// is lost on the way, a district without villages included; that district (和平区) is also
/// judged from its CSV tables, verdict by verdict.
#[test]
fn every_format_round_trips_to_identical_data_and_verdicts() {
    use plancheck::data::export;
    let work = common::fresh_dir("round-trip");
    let mut districts: Vec<PathBuf> = std::fs::read_dir(example_dir())
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("1201")))
        .collect();
    districts.sort();
    assert_eq!(districts.len(), 16);
    // One engine reads every form: each load is a dataset of its own.
    let mut engine = Engine::new(common::check_files(&common::shipped_rule_files()));
    let canonical = |engine: &mut Engine, path: &Path| {
        let loaded = engine.load(&[path.to_path_buf()], &Options::default());
        let problems = &loaded.diagnostics.0;
        assert!(problems.is_empty(), "{}", render::render_all(problems, engine.sources(), Lang::En));
        let json = export::to_json(&engine.rules().checked, &loaded.dataset, loaded.dataset.documents[0].root);
        (loaded, json)
    };
    for original in districts {
        let stem = original.file_stem().expect("stem").to_string_lossy().to_string();
        let judged = stem.contains("和平区");
        let expected = judged.then(|| verdicts_of(&mut engine, std::slice::from_ref(&original)));
        let (mut loaded, expected_json) = canonical(&mut engine, &original);
        let mut from = original.clone();
        for (i, to) in ["json", "csv", "yaml", "json"].into_iter().enumerate() {
            let target = work.join(format!("{stem}-{i}.{to}"));
            let (checked, dataset) = (&engine.rules().checked, &loaded.dataset);
            let root = dataset.documents[0].root;
            match to {
                "json" => std::fs::write(&target, export::to_json(checked, dataset, root)).expect("write"),
                "yaml" => std::fs::write(&target, export::to_yaml(checked, dataset, root)).expect("write"),
                _ => export::to_csv_dir(checked, dataset, root, &target).expect("write"),
            }
            let (read, json) = canonical(&mut engine, &target);
            assert!(json == expected_json, "{stem} as {to} (from {}) holds other data", from.display());
            if let Some(expected) = expected.as_ref().filter(|_| to == "csv") {
                let got = verdicts_of(&mut engine, std::slice::from_ref(&target));
                assert!(got == *expected, "{stem} as {to}: other verdicts");
            }
            (loaded, from) = (read, target);
        }
    }
}

/// The examples loaded by the shipped rules.
fn examples_loaded() -> (Engine, Submissions) {
    let mut engine = Engine::new(common::check_files(&common::shipped_rule_files()));
    let loaded = engine.load(&[example_dir()], &Options::default());
    (engine, loaded)
}

/// Names and places of the examples' subjects, in Chinese.
fn viewer<'a>(engine: &'a Engine, loaded: &'a Submissions) -> plancheck::report::Viewer<'a> {
    plancheck::report::Viewer::new(engine.model(), &loaded.dataset, engine.sources(), Lang::Zh)
}

#[test]
fn district_selects_its_subjects_and_keeps_the_city_judged_on_all() {
    let (engine, loaded) = examples_loaded();
    let viewer = viewer(&engine, &loaded);
    let verdicts = |options: &JudgeOptions| {
        let mut out = Vec::new();
        engine.verdicts(&loaded, options, |v| out.push((v.rule, v.subject, v.status, v.actual)));
        out
    };
    let all = verdicts(&JudgeOptions::default());
    // By code and by name; the city (全市) is still judged on all sixteen districts.
    let chosen = verdicts(&JudgeOptions { districts: vec!["120101".into(), "河西区".into()], ..Default::default() });
    let expected: Vec<_> = all
        .iter()
        .filter(|(_, s, ..)| ["和平区", "河西区", "全市"].contains(&viewer.subject(*s).path[0].as_str()))
        .cloned()
        .collect();
    assert!(expected.len() < all.len() / 4 && expected.iter().any(|(_, s, ..)| viewer.subject(*s).code == "120000"));
    assert_eq!(chosen, expected, "the verdicts of the two districts and the city, unchanged");
    // A submission belongs to the district it holds; the city record to none.
    let (model, dataset) = (engine.model(), &loaded.dataset);
    let districts = plancheck::eval::districts::districts(model, dataset);
    assert_eq!(districts.len(), 16);
    for doc in &dataset.documents {
        let of = plancheck::eval::districts::district_of(model, dataset, doc.root);
        let record = model.entities[dataset.get(doc.root).entity].name == "city_record";
        assert_eq!(of.is_none(), record, "{:?}", viewer.subject(doc.root).path);
        if let Some(d) = of {
            assert!(dataset.children(doc.root).any(|c| c == d) && districts.iter().any(|x| x.id == d));
        }
    }
}

#[test]
fn judged_district_by_district_the_verdicts_are_those_judged_rule_by_rule() {
    let (engine, loaded) = examples_loaded();
    let viewer = viewer(&engine, &loaded);
    let options = JudgeOptions::default();
    let mut all = Vec::new();
    engine.verdicts(&loaded, &options, |v| all.push((v.rule, v.subject, v.status)));
    let mut grouped: Vec<(u32, Vec<_>)> = Vec::new();
    let group = |id| viewer.group_of(id);
    let order = |g| viewer.subject(g).group_order;
    let work = |_: &mut plancheck::eval::verdict::Judge<'_>, vs: Vec<plancheck::eval::verdict::Verdict>| {
        vs.into_iter().map(|v| (v.rule, v.subject, v.status)).collect::<Vec<_>>()
    };
    engine.judge_grouped(&loaded, &options, (group, order), work, |g, made| match grouped.last_mut() {
        Some((last, vs)) if *last == g => vs.extend(made),
        _ => grouped.push((g, made)),
    });
    let names: Vec<String> = grouped.iter().map(|(g, _)| viewer.subject(*g).group).collect();
    assert_eq!(names.len(), 17, "each district once, then the city: {names:?}");
    assert_eq!((names[0].as_str(), names[16].as_str()), ("和平区", "全市"));
    for (g, vs) in &grouped {
        assert!(vs.iter().all(|(_, s, _)| viewer.group_of(*s) == *g), "a verdict under another district");
        // Within a district: rule order, then subject order, as in the report judged rule by rule.
        let expected: Vec<_> = all.iter().filter(|(_, s, _)| viewer.group_of(*s) == *g).cloned().collect();
        assert_eq!(vs, &expected);
    }
    assert_eq!(grouped.iter().map(|(_, vs)| vs.len()).sum::<usize>(), all.len());
}

#[test]
fn the_human_report_shows_the_unit_furthest_from_passing() {
    let (engine, loaded) = examples_loaded();
    let viewer = viewer(&engine, &loaded);
    let rule = "funding.office_funding_per_household";
    let options = JudgeOptions { only: vec![rule.to_string()], ..JudgeOptions::default() };
    let mut failing = Vec::new();
    engine.verdicts(&loaded, &options, |v| {
        let s = viewer.subject(v.subject);
        if v.status == plancheck::check::model::Status::Fail && s.path.first().is_some_and(|d| d == "和平区") {
            failing.push((v.actual.map(|a| a.to_string()), s.name));
        }
    });
    assert!(failing.len() > 1, "several units of 和平区 fail the rule");
    let lowest =
        failing.iter().min_by_key(|(a, _)| a.as_ref().and_then(|a| a.parse::<f64>().ok()).map(|a| (a * 1e6) as i64));
    let (_, name) = lowest.expect("a failing unit");
    let first = failing.first().map(|(_, n)| n.clone()).unwrap_or_default();
    assert_ne!(&first, name, "the example's worst unit is not its first, so the test can tell them apart");
    let dir = example_dir();
    let (_, out, _) =
        common::plancheck(&["check", "--only", rule, "--district", "120101", dir.to_str().unwrap_or_default()]);
    let headline = out.lines().find(|l| l.contains("办公经费每年每户40元：")).unwrap_or_default();
    assert!(headline.contains(name.as_str()), "shows {name}: {headline}");
    // The others named are the next worst, worst first (of equals, the one met first).
    let mut ranked: Vec<_> =
        failing.iter().map(|(a, n)| (a.as_ref().and_then(|a| a.parse::<f64>().ok()).unwrap_or(0.0), n)).collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    let next: Vec<&str> = ranked.iter().map(|(_, n)| n.as_str()).filter(|n| n != name).take(5).collect();
    let named = out.lines().find(|l| l.contains("另有")).unwrap_or_default();
    let places: Vec<Option<usize>> = next.iter().map(|n| named.find(&format!("› {n}"))).collect();
    assert!(places.iter().all(Option::is_some), "names {next:?}: {named}");
    assert!(places.is_sorted(), "worst first, {next:?}: {named}");
    assert!(named.contains("离达标最远的"), "says the order: {named}");
    // The district's section opens with what fails in it; its subjects are named from below it.
    let heading = format!("■ 和平区：1 条规则未达标，共 {} 项未达标判定", failing.len());
    assert_eq!(out.lines().next(), Some(heading.as_str()), "{out}");
    assert!(!named.contains("和平区 ›"), "{named}");
    // Each named with its number and what is required; then how to list them all.
    assert_eq!(named.matches("（要求不低于40元/户）").count(), next.len(), "{named}");
    let all = format!("全部列出：运行时加 `--only {rule} --district 120101 --format markdown`");
    assert!(out.contains(&all), "{out}");
}

#[test]
fn the_human_report_does_not_rank_what_is_equally_far_from_passing() {
    // Every unit failing a yes/no obligation is as far from passing as the others: the line
    // names them and claims no order.
    let dir = example_dir();
    let rule = "elderly.age_friendly_communities";
    let (_, out, _) = common::plancheck(&["check", "--only", rule, dir.to_str().unwrap_or_default()]);
    let named: Vec<&str> = out.lines().filter(|l| l.contains("另有")).collect();
    assert!(!named.is_empty(), "several units fail {rule}: {out}");
    for line in named {
        assert!(line.contains(&format!("`{rule}`：")), "{line}");
    }
    let (_, out, _) = common::plancheck(&["check", "--lang", "en", "--only", rule, dir.to_str().unwrap_or_default()]);
    assert!(out.contains(&format!("`{rule}`: ")) && !out.contains("furthest"), "{out}");
}

#[test]
fn the_human_and_markdown_reports_name_statuses_in_the_report_language() {
    // Statuses are words people read there (JSON, SARIF and JUnit keep the contract's codes).
    let dir = example_dir();
    let dir = dir.to_str().unwrap_or_default();
    let (_, zh, _) = common::plancheck(&["check", dir]);
    let table = zh.lines().find(|l| l.starts_with("区 ")).unwrap_or_default();
    for label in ["达标", "未达标", "进度正常", "进度落后", "无法判断", "不适用"] {
        assert!(table.contains(label), "{label} in the table head: {table}");
    }
    assert!(!zh.contains("on_track") && !zh.contains("── fail"), "no status codes in Chinese: {zh}");
    assert!(zh.contains("── 未达标"), "the value marked says 未达标: {zh}");
    let (_, md, _) = common::plancheck(&["check", "--format", "markdown", dir]);
    assert!(md.contains("| 未达标 |") && !md.contains("| fail |"), "markdown rows: {md}");
    let (_, en, _) = common::plancheck(&["check", "--lang", "en", dir]);
    let table = en.lines().find(|l| l.starts_with("District ")).unwrap_or_default();
    assert!(table.contains("on track") && table.contains("not applicable"), "{table}");
}
