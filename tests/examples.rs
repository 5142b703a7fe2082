//! The bundled examples: every submission under `examples/` loads clean, and the generator
//! writes exactly these files from their seed (so they are never edited by hand).

mod common;

use std::path::{Path, PathBuf};

use plancheck::data::Options;
use plancheck::diagnostics::{Lang, render};
use plancheck::engine::Engine;
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
    let mut engine = Engine::new(common::check_files(&common::shipped_rule_files()));
    let loaded = engine.load(&[example_dir()], &Options::default());
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
