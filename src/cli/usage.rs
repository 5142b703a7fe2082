//! A command line the argument parser refuses (an option that does not exist, a value that is
//! not one of an option's values, a number out of its range): said in the user's language, and
//! for `check` also written in the report format asked for, where the report goes, as the other
//! usage errors are (exit 2). A CI job then publishes the problem, never the report an earlier
//! run left under `-o`. The command line is read word by word for this, as clap could not.

use std::path::PathBuf;

use clap::ValueEnum;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::check::CheckFormat;
use crate::diagnostics::{Lang, catalog};
use crate::report::problems::Problem;
use crate::report::write::{self, Settings, TraceLevel};

/// Says why the command line `raw` (program name first) cannot be used and writes the report it
/// asked for; the exit code. Help and the version are printed as clap prints them.
pub fn refused(error: &clap::Error, raw: &[String]) -> u8 {
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        error.exit();
    }
    let lang = value_of(raw, "--lang", None).and_then(|l| Lang::from_str(&l, true).ok()).unwrap_or_default();
    let message = message(error, lang);
    let t = |key: &str, args: &[(&str, String)]| catalog::text(lang, key, args).unwrap_or_default();
    super::complain_line(&t("cli.usage_error", &[("message", message.clone())]));
    super::complain_line(&t("cli.see_help", &[]));
    if command(raw) == Some("check") {
        let format = value_of(raw, "--format", None)
            .and_then(|f| CheckFormat::from_str(&f, true).ok())
            .unwrap_or(CheckFormat::Human);
        let output = value_of(raw, "--output", Some("-o")).map(PathBuf::from);
        if format != CheckFormat::Human || output.is_some() {
            let settings = Settings { format, lang, strict: false, trace: TraceLevel::Failing, warnings_listed: false };
            // Every word that names a file or directory may be a submission: the report never
            // replaces one.
            let inputs: Vec<PathBuf> = raw.iter().skip(1).map(PathBuf::from).filter(|p| p.exists()).collect();
            let inputs: Vec<PathBuf> = inputs.into_iter().filter(|p| Some(p) != output.as_ref()).collect();
            let problems = [Problem::usage(message)];
            let written = super::output(output.as_deref(), &inputs, |out| write::unusable(&settings, &problems, out));
            if let Err(code) = super::written(written, output.as_deref(), lang) {
                return code;
            }
        }
    }
    super::UNUSABLE
}

/// What is wrong with the command line, in `lang`.
fn message(error: &clap::Error, lang: Lang) -> String {
    let t = |key: &str, args: &[(&str, String)]| catalog::text(lang, key, args).unwrap_or_default();
    let text = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(s)) => Some(s.join(", ")),
        _ => None,
    };
    // `--trace <TRACE>`: the option as typed.
    let option = text(ContextKind::InvalidArg).map(|a| a.split(' ').next().unwrap_or_default().to_string());
    let value = text(ContextKind::InvalidValue);
    let suggestion = |kind: ContextKind| text(kind).map_or(String::new(), |s| t("cli.suggest", &[("suggestion", s)]));
    match (error.kind(), option, value) {
        (ErrorKind::NoEquals | ErrorKind::InvalidValue, Some(option), value)
            if value.as_deref().unwrap_or_default().is_empty() =>
        {
            t("cli.option_needs_value", &[("option", option)])
        }
        (ErrorKind::InvalidValue, Some(option), Some(value)) => {
            let valid = text(ContextKind::ValidValue).unwrap_or_default();
            t("cli.option_value", &[("option", option), ("value", value), ("valid", valid)])
        }
        (ErrorKind::ValueValidation, Some(option), Some(value)) => {
            use std::error::Error;
            let range = error.source().and_then(|e| e.downcast_ref::<super::check::OutOfRange>());
            let reason = match range {
                Some(r) => t("cli.whole_number", &[("least", r.least.to_string()), ("most", r.most.to_string())]),
                None => error.source().map(ToString::to_string).unwrap_or_default(),
            };
            t("cli.option_value_refused", &[("option", option), ("value", value), ("reason", reason)])
        }
        (ErrorKind::UnknownArgument, Some(option), _) => {
            t("cli.unknown_option", &[("option", option), ("suggestion", suggestion(ContextKind::SuggestedArg))])
        }
        (ErrorKind::InvalidSubcommand, _, _) => {
            let command = text(ContextKind::InvalidSubcommand).unwrap_or_default();
            t(
                "cli.unknown_command",
                &[("command", command), ("suggestion", suggestion(ContextKind::SuggestedSubcommand))],
            )
        }
        (ErrorKind::MissingRequiredArgument, _, _) => {
            t("cli.missing_argument", &[("arguments", text(ContextKind::InvalidArg).unwrap_or_default())])
        }
        // Rarer slips: clap's own words, in English.
        _ => {
            let rendered = error.render().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            first.strip_prefix("error: ").unwrap_or(first).to_string()
        }
    }
}

/// The command: the first word that is not an option or the value of `--lang` (the one option
/// with a value that comes before it).
fn command(raw: &[String]) -> Option<&str> {
    let mut words = raw.iter().skip(1);
    while let Some(w) = words.next() {
        match w.as_str() {
            "--lang" => {
                words.next();
            }
            w if w.starts_with('-') => {}
            w => return Some(w),
        }
    }
    None
}

/// The value given to the option `long` (or `short`): `--format json`, `--format=json`, `-o x`.
fn value_of(raw: &[String], long: &str, short: Option<&str>) -> Option<String> {
    let mut words = raw.iter().skip(1);
    while let Some(w) = words.next() {
        if w == long || Some(w.as_str()) == short {
            return words.next().cloned();
        }
        if let Some(v) = w.strip_prefix(long).and_then(|rest| rest.strip_prefix('=')) {
            return Some(v.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(words: &[&str]) -> Vec<String> {
        std::iter::once("plancheck").chain(words.iter().copied()).map(String::from).collect()
    }

    #[test]
    fn option_values_are_read_in_every_spelling() {
        let line = raw(&["--lang", "en", "check", "--format=sarif", "-o", "r.sarif", "x.json"]);
        assert_eq!(value_of(&line, "--lang", None).as_deref(), Some("en"));
        assert_eq!(value_of(&line, "--format", None).as_deref(), Some("sarif"));
        assert_eq!(value_of(&line, "--output", Some("-o")).as_deref(), Some("r.sarif"));
        assert_eq!(value_of(&line, "--trace", None), None);
        assert_eq!(command(&line), Some("check"));
        assert_eq!(command(&raw(&["--lang=zh", "lint"])), Some("lint"));
    }
}
