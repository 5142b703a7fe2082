//! `plancheck check`: loads district submissions, validates them (data model and the
//! consistency checks of the rules), judges every rule on every subject and reports the
//! verdicts. Exit 0: no failure; 1: a failure (with `--strict` also behind/unknown);
//! 2: the rules or a submission cannot be used.

use std::path::PathBuf;

use rust_decimal::Decimal;

use super::{FINDING, OK, UNUSABLE, report, summary};
use crate::check::units::PERCENT;
use crate::data::Options;
use crate::data::instance::Date;
use crate::diagnostics::{Lang, catalog, render};
use crate::engine::{Engine, Submissions};
use crate::eval::verdict::JudgeOptions;
use crate::report::problems::{Problem, problems};
use crate::report::write::{self, Settings};
pub use crate::report::write::{Format as CheckFormat, TraceLevel};

/// What `check` was asked to do.
pub struct CheckArgs {
    pub rules: PathBuf,
    pub submissions: Vec<PathBuf>,
    pub options: Options,
    pub lang: Lang,
    pub format: CheckFormat,
    /// `--as-of` as written: read in [`prepare`], where a value that is not a date is a usage
    /// error in the user's language, written in every format.
    pub as_of: Option<String>,
    /// Each `--param` as written (`NAME=VALUE`), read in [`prepare`] like `--as-of`.
    pub params: Vec<String>,
    pub strict: bool,
    pub only: Vec<String>,
    /// `--district`: codes or names of the districts reported (empty: all).
    pub districts: Vec<String>,
    pub trace: TraceLevel,
    pub output: Option<PathBuf>,
    /// `--threads`: how many threads read and judge (default: one per core).
    pub threads: Option<usize>,
}

/// Rules and submissions read and validated, ready to be judged.
pub struct Prepared {
    pub engine: Engine,
    pub submissions: Submissions,
    pub options: JudgeOptions,
}

/// Why a run cannot judge: the problems to report in the format asked for (none when the
/// rules could not be read at all), with the exit code.
pub struct Unusable {
    pub problems: Vec<Problem>,
    pub code: u8,
}

/// Loads the rules and submissions and reports every problem on standard error; `Err` when
/// the rules, the options or a submission cannot be used.
pub fn prepare(args: &CheckArgs) -> Result<Prepared, Unusable> {
    let set = super::open(&args.rules, args.lang, args.threads.unwrap_or_else(crate::parallel::threads))
        .map_err(|code| Unusable { problems: Vec::new(), code })?;
    let mut engine = Engine::new(set);
    if let Some(n) = args.threads {
        engine.set_threads(n);
    }
    if let Some(watch) = super::progress::on_terminal(args.lang) {
        engine.on_progress(watch);
    }
    let rules_usable = report(engine.rules(), args.lang).is_ok();
    let mut problems = problems(&engine.rules().diagnostics.0, engine.sources(), args.lang);
    if !rules_usable {
        return Err(Unusable { problems, code: UNUSABLE });
    }
    let (chosen, mut usage) = usage_errors(args, engine.model());
    say_usage(args.lang, &usage);
    let submissions = engine.load(&args.submissions, &args.options);
    let diagnostics = &submissions.diagnostics;
    super::complain(&render::render_all(&diagnostics.0, engine.sources(), args.lang));
    let hidden = submissions.hidden.0 + submissions.hidden.1;
    if hidden > 0 {
        super::complain_line(
            &catalog::text(args.lang, "cli.more_problems", &[("count", hidden.to_string())]).unwrap_or_default(),
        );
    }
    let (errors, warnings) = submissions.counts();
    if errors + warnings > 0 {
        super::complain_line(&summary(args.lang, errors, warnings));
    }
    if submissions.usable() {
        let unknown = unknown_districts(args, engine.model(), &submissions);
        say_usage(args.lang, &unknown);
        usage.extend(unknown);
    }
    if !submissions.usable() || !usage.is_empty() {
        problems.extend(usage);
        problems.extend(crate::report::problems::problems(&diagnostics.0, engine.sources(), args.lang));
        return Err(Unusable { problems, code: UNUSABLE });
    }
    let options = JudgeOptions {
        as_of: chosen.as_of,
        params: chosen.params,
        only: args.only.clone(),
        districts: args.districts.clone(),
        trace: false,
    };
    Ok(Prepared { engine, submissions, options })
}

/// The values of `--as-of` and `--param`, read.
struct Chosen {
    as_of: Option<Date>,
    params: Vec<(String, Decimal)>,
}

/// Reads the options that name things of the rules. An `--only` pattern that selects no
/// rule, an `--as-of` that is not a date, a `--param` that is not `NAME=VALUE`, names no
/// parameter (with the nearest spelling) or gives a value its unit cannot have (a percentage
/// outside 0..100, a negative count) are usage errors: what the user asked for is never
/// ignored, and never an empty report with exit 0.
fn usage_errors(args: &CheckArgs, model: &crate::check::model::Model) -> (Chosen, Vec<Problem>) {
    let mut out = Vec::new();
    let mut usage = |key: &str, params: &[(&str, String)]| {
        let message = catalog::text(args.lang, key, params).unwrap_or_default();
        out.push(Problem::usage(message));
    };
    let ids = || model.rules.iter().map(|r| r.id.as_str());
    for pattern in &args.only {
        if !ids().any(|id| crate::eval::verdict::matches(pattern, id)) {
            let suggestion = suggest(args.lang, crate::diagnostics::suggest::did_you_mean(pattern, ids()));
            usage("cli.only_matches_nothing", &[("pattern", pattern.clone()), ("suggestion", suggestion)]);
        }
    }
    let as_of = args.as_of.as_ref().and_then(|text| {
        let date = Date::parse(text.trim());
        // Written as a date, but a day the calendar does not have (2025-02-30).
        let shaped = text.trim().len() == 10
            && text
                .trim()
                .bytes()
                .enumerate()
                .all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        match (&date, shaped) {
            (None, true) => usage("cli.as_of_no_such_day", &[("text", text.clone())]),
            (None, false) => usage("cli.as_of_not_a_date", &[("text", text.clone())]),
            (Some(_), _) => {}
        }
        date
    });
    let mut chosen = Chosen { as_of, params: Vec::new() };
    for text in &args.params {
        match param(model, args.lang, text) {
            Ok(given) => chosen.params.push(given),
            Err(message) => out.push(Problem::usage(message)),
        }
    }
    (chosen, out)
}

/// One `--param NAME=VALUE`, read: the name of a parameter some rule declares, and a number
/// in its unit (which it may carry: `90%`, `2人`) that the unit can have — not negative, a
/// percentage not above 100. Else what is wrong, with the nearest name.
fn param(model: &crate::check::model::Model, lang: Lang, text: &str) -> Result<(String, Decimal), String> {
    let usage = |key: &str, params: &[(&str, String)]| catalog::text(lang, key, params).unwrap_or_default();
    let Some((name, value)) = text.split_once('=').map(|(n, v)| (n.trim(), v.trim())) else {
        return Err(usage("cli.param_not_pair", &[("text", text.to_string())]));
    };
    let Some(first) = declared(model, name).next() else {
        let names = model
            .rules
            .iter()
            .flat_map(|r| r.params.iter().flat_map(move |p| [p.name.clone(), format!("{}.{}", r.id, p.name)]));
        let names: Vec<String> = names.collect();
        let nearest = crate::diagnostics::suggest::did_you_mean(name, names.iter().map(String::as_str));
        return Err(usage(
            "cli.param_names_nothing",
            &[("name", name.to_string()), ("suggestion", suggest(lang, nearest))],
        ));
    };
    let unit = first.unit.to_string();
    let number = value.strip_suffix(unit.as_str()).filter(|_| !first.unit.is_one()).unwrap_or(value);
    let words = [
        ("name", name.to_string()),
        ("value", value.to_string()),
        ("example", format!("{name}={}", first.default.unwrap_or(Decimal::ONE))),
        ("unit", crate::report::names::Names { model, lang }.unit(&first.unit)),
    ];
    let Some(number) = crate::data::bind::parse_decimal(number.trim()) else {
        return Err(usage("cli.param_not_number", &words));
    };
    let percent = |p: &crate::check::model::ParamDef| p.unit == crate::check::units::Unit::named(PERCENT);
    if number.is_sign_negative() && !number.is_zero() {
        Err(usage("cli.param_negative", &words))
    } else if number > Decimal::ONE_HUNDRED && declared(model, name).any(percent) {
        Err(usage("cli.param_over_100", &words))
    } else {
        Ok((name.to_string(), number))
    }
}

/// The parameters `--param NAME` sets: every rule's `NAME`, or one rule's (`RULE.NAME`).
fn declared<'m>(
    model: &'m crate::check::model::Model,
    name: &'m str,
) -> impl Iterator<Item = &'m crate::check::model::ParamDef> {
    model.rules.iter().flat_map(move |r| {
        let own = name.strip_prefix(r.id.as_str()).and_then(|n| n.strip_prefix('.'));
        r.params.iter().filter(move |p| p.name == name || own == Some(p.name.as_str()))
    })
}

/// Says each usage error on standard error.
fn say_usage(lang: Lang, usage: &[Problem]) {
    for p in usage {
        let line = catalog::text(lang, "cli.usage_error", &[("message", p.message.clone())]);
        super::complain_line(&line.unwrap_or_default());
    }
}

/// A `--district` that names no district of the submissions (by code or name) is a usage
/// error, with the nearest code or name.
fn unknown_districts(args: &CheckArgs, model: &crate::check::model::Model, submissions: &Submissions) -> Vec<Problem> {
    let districts = crate::eval::districts::districts(model, &submissions.dataset);
    let spellings = || districts.iter().flat_map(|d| std::iter::once(d.code.as_str()).chain(d.name.as_deref()));
    args.districts
        .iter()
        .filter(|wanted| !districts.iter().any(|d| d.named(wanted)))
        .map(|wanted| {
            let suggestion = suggest(args.lang, crate::diagnostics::suggest::did_you_mean(wanted, spellings()));
            let params = [("district", wanted.clone()), ("suggestion", suggestion)];
            let message = catalog::text(args.lang, "cli.district_names_nothing", &params).unwrap_or_default();
            Problem::usage(message)
        })
        .collect()
}

/// ` (did you mean …?)` after a warning, or nothing.
fn suggest(lang: Lang, name: Option<String>) -> String {
    name.and_then(|n| catalog::text(lang, "cli.suggest", &[("suggestion", n)])).unwrap_or_default()
}

pub fn run(args: &CheckArgs) -> u8 {
    let settings = Settings {
        format: args.format,
        lang: args.lang,
        strict: args.strict,
        trace: args.trace,
        warnings_listed: args.output.is_some(),
    };
    let prepared = match prepare(args) {
        Ok(p) => p,
        // A human report on the terminal: standard error has shown the problems already.
        Err(Unusable { code, .. }) if args.format == CheckFormat::Human && args.output.is_none() => return code,
        // Every format is written on exit 2 too: the problems, and no verdicts.
        Err(Unusable { problems, code }) if !problems.is_empty() => {
            let written = super::output(args.output.as_deref(), &args.submissions, |out| {
                write::unusable(&settings, &problems, out)
            });
            return super::written(written, args.output.as_deref(), args.lang).err().unwrap_or(code);
        }
        Err(Unusable { code, .. }) => return code,
    };
    let mut failed = false;
    let written = super::output(args.output.as_deref(), &args.submissions, |out| {
        let written = write::write(&prepared.engine, &prepared.submissions, &prepared.options, &settings, out);
        failed = written.failed;
        written.result
    });
    // The process ends here: freeing the submissions' millions of values one by one would
    // only delay it (a twentieth of a second at 10× Tianjin); the system takes the memory back.
    std::mem::forget(prepared);
    match super::written(written, args.output.as_deref(), args.lang) {
        Err(code) => code,
        Ok(()) if failed => FINDING,
        Ok(()) => OK,
    }
}

/// Parses `--max-depth`: a nesting a submission may have, bounded so that reading it cannot
/// exhaust the stack.
pub fn parse_depth(text: &str) -> Result<usize, OutOfRange> {
    whole_number(text, 1, crate::data::Limits::DEEPEST)
}

/// Parses `--threads`: how many threads judge.
pub fn parse_threads(text: &str) -> Result<u32, OutOfRange> {
    whole_number(text, 1, 1024).map(|n| n as u32)
}

/// A whole number from `least` to `most`.
fn whole_number(text: &str, least: usize, most: usize) -> Result<usize, OutOfRange> {
    match text.trim().parse::<usize>() {
        Ok(n) if (least..=most).contains(&n) => Ok(n),
        _ => Err(OutOfRange { least, most }),
    }
}

/// An option's value that is not a whole number in its range: the usage error says the range
/// in the user's language ([`super::usage`]).
#[derive(Debug)]
pub struct OutOfRange {
    pub least: usize,
    pub most: usize,
}

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a whole number from {} to {}", self.least, self.most)
    }
}

impl std::error::Error for OutOfRange {}
