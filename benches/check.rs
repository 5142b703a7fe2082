//! `cargo bench`: the stages of `plancheck check` on one Tianjin's worth of generated data
//! (1×), next to the limit (parsing the same files with serde_json into untyped values).
//! The 1×/10×/100× comparison with peak memory and the regorus peer is `bench/run`, which
//! writes `docs/benchmarks/`.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use plancheck::diagnostics::Lang;
use plancheck::engine::{Engine, Submissions};
use plancheck::eval::verdict::JudgeOptions;
use plancheck::generate::{GenOptions, generate};
use plancheck::report::write::{Format, Settings, TraceLevel, write};

fn main() {
    divan::main();
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The data, generated once per run into `target/bench-data/1x`.
static DATA: LazyLock<Vec<PathBuf>> = LazyLock::new(|| {
    let out = root().join("target/bench-data/1x");
    let set = plancheck::load::load(&root().join("rules"), plancheck::parallel::threads()).expect("rules");
    let options = GenOptions {
        seed: 2025,
        districts: Vec::new(),
        scale: 1.0,
        year: 2025,
        out: out.clone(),
        formats: Vec::new(),
        failure_rate: 0.1,
    };
    generate(&set.checked, &options).expect("generated data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("data directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
});

/// Reading and checking the rules: parse, names, types, units, the rule graph.
#[divan::bench(sample_count = 10)]
fn compile_rules() -> usize {
    plancheck::load::load(&root().join("rules"), plancheck::parallel::threads())
        .expect("rules")
        .checked
        .model
        .rules
        .len()
}

/// The limit: every file parsed with serde_json into untyped values.
#[divan::bench(sample_count = 10)]
fn parse_only() -> usize {
    DATA.iter()
        .map(|p| {
            let bytes = std::fs::read(p).expect("data file");
            serde_json::from_slice::<serde_json::Value>(&bytes).map_or(0, |v| usize::from(v.is_object()))
        })
        .sum()
}

/// The rules and the data, loaded and validated.
fn loaded() -> (Engine, Submissions) {
    let mut engine = Engine::open(&root().join("rules")).expect("rules");
    let submissions = engine.load(&DATA, &Default::default());
    (engine, submissions)
}

/// Rules, loading and validating the submissions, judging no rule.
#[divan::bench(sample_count = 10)]
fn load_and_validate() -> usize {
    loaded().1.dataset.instances.len()
}

/// End to end: rules, load, validate, judge every rule, the JSON report (to a sink).
#[divan::bench(sample_count = 10)]
fn check_json() -> bool {
    let (engine, submissions) = loaded();
    let settings = Settings {
        format: Format::Json,
        lang: Lang::Zh,
        strict: false,
        trace: TraceLevel::Failing,
        warnings_listed: false,
    };
    write(&engine, &submissions, &JudgeOptions::default(), &settings, &mut std::io::sink()).failed
}
