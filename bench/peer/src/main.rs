//! The benchmark peer of plancheck: the obligations of `policy.rego` evaluated by regorus over
//! district submissions, one file at a time.
//!
//! Usage: `peer --policy bench/peer/policy.rego [--rvm] [--verdicts] [--as-of DATE] [--param NAME=VALUE]... FILE.json...`
//!
//! `--rvm` (only in a build with `--features rvm`) runs the policy on regorus's bytecode VM
//! (RVM) instead of its tree-walking interpreter: compiled once more, to an RVM program.
//!
//! Compiles the policy once, then for each district submission reads the file, parses it into a
//! regorus value, evaluates `data.plancheck.result` with it as input (per rule, the status of
//! each subject in document order) and counts the statuses. Prints one JSON object on stdout:
//! `{"compile_ms", "parse_ms", "eval_ms", "files", "skipped", "rules": {ID: {"pass", "fail", ...}}}`;
//! with `--verdicts`, also every status: `"verdicts": [{"file", "district": CODE, "name": NAME,
//! "rules": {ID: ["pass", …]}}]`, one entry per district file, for a comparison verdict by
//! verdict (held until the end: memory then grows with the data).
//! Files that are not district submissions (the city record, YAML, CSV directories, JSON
//! without a `district` record) are skipped and named on stderr.
//!
//! Parameters, as in plancheck: `--param NAME=VALUE` (or `RULE.NAME=VALUE`), else, for
//! `national_reoffending_rate`, the `national_average_reoffending_rate` of a city record among
//! the files (plancheck's `param … from city_record.…`), else the policy's default. They reach
//! the policy as `data.params`; `--as-of DATE` (as plancheck's: it overrides every
//! submission's own `as_of`) as `data.as_of`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use regorus::{CompiledPolicy, Engine, Value};

/// How the compiled policy is run on each input.
enum Runner {
    /// The tree-walking interpreter.
    Interpreter(CompiledPolicy),
    /// The bytecode VM, one program loaded once.
    #[cfg(feature = "rvm")]
    Vm(Box<regorus::rvm::RegoVM>),
}

impl Runner {
    fn eval(&mut self, input: Value) -> anyhow::Result<Value> {
        match self {
            Runner::Interpreter(p) => p.eval_with_input(input),
            #[cfg(feature = "rvm")]
            Runner::Vm(vm) => {
                vm.set_input(input);
                Ok(vm.execute()?)
            }
        }
    }
}

const ENTRYPOINT: &str = "data.plancheck.result";
const STATUSES: [&str; 5] = ["pass", "fail", "unknown", "not_applicable", "not_due"];
const CITY_RECORD: &str = "a city record, not a district submission (its national average reoffending rate is read)";

type Counts = BTreeMap<String, BTreeMap<&'static str, u64>>;

fn usage() -> ExitCode {
    eprintln!("usage: peer --policy POLICY.rego [--rvm] [--verdicts] [--as-of DATE] [--param NAME=VALUE]... FILE.json...");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut policy: Option<PathBuf> = None;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut rvm = false;
    let mut verdicts = false;
    let mut params: Vec<(String, f64)> = Vec::new();
    let mut as_of: Option<String> = None;
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--policy" {
            match args.next() {
                Some(p) => policy = Some(PathBuf::from(p)),
                None => return usage(),
            }
        } else if arg == "--param" {
            let Some(p) = args.next() else { return usage() };
            let p = p.to_string_lossy().into_owned();
            let parsed =
                p.split_once('=').and_then(|(k, v)| Some((k.rsplit('.').next()?.to_string(), v.trim().parse().ok()?)));
            match parsed {
                Some(kv) => params.push(kv),
                None => {
                    eprintln!("peer: --param wants NAME=NUMBER, got `{p}`");
                    return ExitCode::from(2);
                }
            }
        } else if arg == "--as-of" {
            let Some(d) = args.next() else { return usage() };
            let d = d.to_string_lossy().into_owned();
            let ok = d.len() == 10
                && d.bytes().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == b'-' } else { c.is_ascii_digit() });
            if !ok {
                eprintln!("peer: --as-of wants YYYY-MM-DD, got `{d}`");
                return ExitCode::from(2);
            }
            as_of = Some(d);
        } else if arg == "--rvm" {
            rvm = true;
        } else if arg == "--verdicts" {
            verdicts = true;
        } else if arg == "-h" || arg == "--help" {
            return usage();
        } else {
            files.push(PathBuf::from(arg));
        }
    }
    let Some(policy) = policy else { return usage() };
    if rvm && cfg!(not(feature = "rvm")) {
        eprintln!("peer: --rvm needs a build with `--features rvm`");
        return ExitCode::from(2);
    }
    match run(&policy, &files, (rvm, verdicts), &params, as_of.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("peer: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Why a path is not a district submission, judged by its name alone (before reading it).
fn skip_reason(path: &Path) -> Option<&'static str> {
    if path.is_dir() {
        return Some("a directory (CSV tables are not read)");
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !json {
        return Some("not a .json file");
    }
    if name.contains("city-record") {
        return Some(CITY_RECORD);
    }
    None
}

/// Parses and compiles the policy (and, with `rvm`, compiles it on to an RVM program), with
/// `data` as its data document.
fn compile(policy: &Path, rvm: bool, data: Value) -> anyhow::Result<Runner> {
    let text = std::fs::read_to_string(policy)?;
    let mut engine = Engine::new();
    engine.add_data(data.clone())?;
    engine.add_policy(policy.display().to_string(), text)?;
    let compiled = engine.compile_with_entrypoint(&ENTRYPOINT.into())?;
    #[cfg(feature = "rvm")]
    if rvm {
        let program = regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[ENTRYPOINT])?;
        let mut vm = regorus::rvm::RegoVM::new();
        // The default limit (25,000 instructions) is far below one district's work.
        vm.set_max_instructions(usize::MAX);
        vm.load_program(program);
        vm.set_data(data)?;
        return Ok(Runner::Vm(Box::new(vm)));
    }
    let _ = (rvm, data);
    Ok(Runner::Interpreter(compiled))
}

/// The `national_average_reoffending_rate` of the first city record among the files that gives
/// one (as plancheck takes a parameter `from` a submitted field: the first record giving it).
fn city_record_rate(files: &[PathBuf]) -> anyhow::Result<Option<f64>> {
    for path in files.iter().filter(|p| skip_reason(p) == Some(CITY_RECORD)) {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let record: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if let Some(rate) = record.get("national_average_reoffending_rate").and_then(serde_json::Value::as_f64) {
            return Ok(Some(rate));
        }
    }
    Ok(None)
}

/// The data document: `params` (the city record's national average, overridden by `--param`)
/// and `as_of` when given.
fn params_data(files: &[PathBuf], params: &[(String, f64)], as_of: Option<&str>) -> anyhow::Result<Value> {
    let mut map = serde_json::Map::new();
    if let Some(rate) = city_record_rate(files)? {
        map.insert("national_reoffending_rate".into(), rate.into());
    }
    for (name, value) in params {
        map.insert(name.clone(), (*value).into());
    }
    let mut data = serde_json::json!({ "params": map });
    if let Some(d) = as_of {
        data["as_of"] = d.into();
    }
    Ok(Value::from_json_str(&data.to_string())?)
}

/// Judges `files`; `rvm`: on the bytecode VM; `verdicts`: every status is printed too.
fn run(
    policy: &Path,
    files: &[PathBuf],
    (rvm, verdicts): (bool, bool),
    params: &[(String, f64)],
    as_of: Option<&str>,
) -> anyhow::Result<()> {
    let data = params_data(files, params, as_of)?;
    let start = Instant::now();
    let mut runner = compile(policy, rvm, data)?;
    let compile_ms = ms(start);

    let mut parse_ms = 0.0;
    let mut eval_ms = 0.0;
    let mut judged = 0usize;
    let mut skipped: Vec<String> = Vec::new();
    let mut counts: Counts = BTreeMap::new();
    let mut every = Vec::new();

    for path in files {
        if let Some(why) = skip_reason(path) {
            eprintln!("peer: skipped {}: {why}", path.display());
            skipped.push(path.display().to_string());
            continue;
        }
        // Read and parse one file at a time; its text and value are dropped before the next.
        let start = Instant::now();
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let input = Value::from_json_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        drop(text);
        parse_ms += ms(start);
        if !matches!(&input["district"], Value::Object(_)) {
            eprintln!("peer: skipped {}: no `district` record (not a district submission)", path.display());
            skipped.push(path.display().to_string());
            continue;
        }

        let (district_code, district_name) = (input["district"]["code"].clone(), input["district"]["name"].clone());
        let start = Instant::now();
        let result = runner.eval(input)?;
        eval_ms += ms(start);
        let per_rule = add(&mut counts, &result).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if verdicts {
            every.push(serde_json::json!({
                "file": path.display().to_string(),
                "district": district_code.as_string().map(|c| c.to_string()).unwrap_or_default(),
                "name": district_name.as_string().map(|c| c.to_string()).unwrap_or_default(),
                "rules": per_rule,
            }));
        }
        judged += 1;
    }

    let rules: serde_json::Map<String, serde_json::Value> = counts
        .into_iter()
        .map(|(id, c)| (id, serde_json::Value::Object(c.into_iter().map(|(s, n)| (s.to_string(), n.into())).collect())))
        .collect();
    let mut out = serde_json::json!({
        "engine": if rvm { "regorus-rvm" } else { "regorus-interpreter" },
        "compile_ms": round3(compile_ms),
        "parse_ms": round3(parse_ms),
        "eval_ms": round3(eval_ms),
        "files": judged,
        "skipped": skipped,
        "rules": rules,
    });
    if verdicts {
        out["verdicts"] = every.into();
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

/// Adds one submission's `{rule: [status, …]}` to the totals; returns its statuses per rule.
fn add(counts: &mut Counts, result: &Value) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
    let Value::Object(rules) = result else {
        anyhow::bail!("the policy gave no result object (got {result})");
    };
    let mut per_rule = serde_json::Map::new();
    for (id, statuses) in rules.iter() {
        let id = id.as_string()?.to_string();
        let entry = counts.entry(id.clone()).or_default();
        for status in STATUSES {
            entry.entry(status).or_insert(0);
        }
        let mut listed = Vec::new();
        for status in statuses.as_array()?.iter() {
            let status = status.as_string()?;
            let Some(known) = STATUSES.iter().find(|s| **s == status.as_ref()) else {
                anyhow::bail!("rule {id}: unknown status {status}");
            };
            *entry.entry(known).or_insert(0) += 1;
            listed.push(serde_json::Value::from(*known));
        }
        per_rule.insert(id, listed.into());
    }
    Ok(per_rule)
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
