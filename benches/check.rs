//! `cargo bench`: the stages of `plancheck check` on one Tianjin's worth of generated data
//! (1×), next to the limit (parsing the same files with serde_json into untyped values).
//! The 1×/10×/100× comparison with peak memory and the regorus peer is `bench/run`, which
//! writes `docs/benchmarks/`.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use plancheck::cli::check::{CheckArgs, CheckFormat, prepare, run};
use plancheck::diagnostics::Lang;
use plancheck::generate::{GenOptions, generate};

fn main() {
    divan::main();
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The data, generated once per run into `target/bench-data/1x`.
static DATA: LazyLock<Vec<PathBuf>> = LazyLock::new(|| {
    let out = root().join("target/bench-data/1x");
    let set = plancheck::load::load(&root().join("rules")).expect("rules");
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
    plancheck::load::load(&root().join("rules")).expect("rules").checked.model.rules.len()
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

fn args() -> CheckArgs {
    CheckArgs {
        rules: root().join("rules"),
        submissions: DATA.clone(),
        options: Default::default(),
        lang: Lang::Zh,
        format: CheckFormat::Json,
        as_of: None,
        params: Vec::new(),
        strict: false,
        only: Vec::new(),
        trace: plancheck::cli::check::TraceLevel::Failing,
        output: Some(PathBuf::from(if cfg!(windows) { "NUL" } else { "/dev/null" })),
    }
}

/// Rules, loading and validating the submissions, judging no rule.
#[divan::bench(sample_count = 10)]
fn load_and_validate() -> usize {
    prepare(&args()).map_or(0, |p| p.dataset.instances.len())
}

/// End to end: rules, load, validate, judge every rule, the JSON report (to /dev/null).
#[divan::bench(sample_count = 10)]
fn check_json() -> u8 {
    run(&args())
}
