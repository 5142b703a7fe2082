//! `plancheck check`: loads district submissions, validates them (data model and the
//! consistency checks of the rules), judges every rule on every subject and reports the
//! verdicts. Exit 0: no failure; 1: a failure (with `--strict` also behind/unknown);
//! 2: the rules or a submission cannot be used.

use std::path::PathBuf;

use super::{FINDING, OK, UNUSABLE, report, summary};
use crate::data::Options;
use crate::data::instance::Date;
use crate::diagnostics::{Lang, catalog, render};
use crate::engine::{Engine, Submissions};
use crate::eval::verdict::JudgeOptions;
use crate::report::write::{self, Settings};
pub use crate::report::write::{Format as CheckFormat, TraceLevel};

/// What `check` was asked to do.
pub struct CheckArgs {
    pub rules: PathBuf,
    pub submissions: Vec<PathBuf>,
    pub options: Options,
    pub lang: Lang,
    pub format: CheckFormat,
    pub as_of: Option<Date>,
    pub params: Vec<(String, rust_decimal::Decimal)>,
    pub strict: bool,
    pub only: Vec<String>,
    pub trace: TraceLevel,
    pub output: Option<PathBuf>,
}

/// Rules and submissions read and validated, ready to be judged.
pub struct Prepared {
    pub engine: Engine,
    pub submissions: Submissions,
    pub options: JudgeOptions,
}

/// Loads the rules and submissions and reports every problem on standard error; `Err` holds
/// the exit code when the rules or a submission cannot be used.
pub fn prepare(args: &CheckArgs) -> Result<Prepared, u8> {
    let mut engine = Engine::new(super::open(&args.rules, args.lang)?);
    report(engine.rules(), args.lang)?;
    warn_unused(args, engine.model());
    let submissions = engine.load(&args.submissions, &args.options);
    let diagnostics = &submissions.diagnostics;
    eprint!("{}", render::render_all(&diagnostics.0, engine.sources(), args.lang));
    let (errors, warnings) = (diagnostics.error_count(), diagnostics.warning_count());
    if errors + warnings > 0 {
        eprintln!("{}", summary(args.lang, errors, warnings));
    }
    if !submissions.usable() {
        return Err(UNUSABLE);
    }
    let options =
        JudgeOptions { as_of: args.as_of, params: args.params.clone(), only: args.only.clone(), trace: false };
    Ok(Prepared { engine, submissions, options })
}

/// Warns of an `--only` pattern that selects no rule and a `--param` that names no parameter:
/// what the user asked for is never ignored silently.
fn warn_unused(args: &CheckArgs, model: &crate::check::model::Model) {
    let ids = || model.rules.iter().map(|r| r.id.as_str());
    for pattern in &args.only {
        if !ids().any(|id| crate::eval::verdict::matches(pattern, id)) {
            let suggestion = suggest(args.lang, crate::diagnostics::suggest::did_you_mean(pattern, ids()));
            let params = [("pattern", pattern.clone()), ("suggestion", suggestion)];
            eprintln!("{}", catalog::text(args.lang, "cli.only_matches_nothing", &params).unwrap_or_default());
        }
    }
    let names: Vec<String> = model
        .rules
        .iter()
        .flat_map(|r| r.params.iter().flat_map(move |p| [p.name.clone(), format!("{}.{}", r.id, p.name)]))
        .collect();
    for (name, _) in &args.params {
        if !names.contains(name) {
            let suggestion =
                suggest(args.lang, crate::diagnostics::suggest::did_you_mean(name, names.iter().map(String::as_str)));
            let params = [("name", name.clone()), ("suggestion", suggestion)];
            eprintln!("{}", catalog::text(args.lang, "cli.param_names_nothing", &params).unwrap_or_default());
        }
    }
}

/// ` (did you mean …?)` after a warning, or nothing.
fn suggest(lang: Lang, name: Option<String>) -> String {
    name.and_then(|n| catalog::text(lang, "cli.suggest", &[("suggestion", n)])).unwrap_or_default()
}

pub fn run(args: &CheckArgs) -> u8 {
    let prepared = match prepare(args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let settings = Settings { format: args.format, lang: args.lang, strict: args.strict, trace: args.trace };
    let mut failed = false;
    let written = super::output(args.output.as_deref(), &args.submissions, |out| {
        let written = write::write(&prepared.engine, &prepared.submissions, &prepared.options, &settings, out);
        failed = written.failed;
        written.result
    });
    match super::written(written, args.output.as_deref(), args.lang) {
        Err(code) => code,
        Ok(()) if failed => FINDING,
        Ok(()) => OK,
    }
}

/// Parses `NAME=VALUE` of `--param`.
pub fn parse_param(text: &str) -> Result<(String, rust_decimal::Decimal), String> {
    let (name, value) = text.split_once('=').ok_or_else(|| format!("`{text}`: expected NAME=VALUE"))?;
    let value = crate::data::bind::parse_decimal(value.trim()).ok_or_else(|| format!("`{value}` is not a number"))?;
    Ok((name.trim().to_string(), value))
}

/// Parses `YYYY-MM-DD` of `--as-of`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).ok_or_else(|| format!("`{text}` is not a date YYYY-MM-DD"))
}
