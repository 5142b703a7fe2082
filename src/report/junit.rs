//! `--format junit`: one test case per rule and subject, for CI dashboards (the JUnit XML
//! that Jenkins, GitLab and GitHub read: testsuites › testsuite › testcase › failure/skipped).

use std::fmt::Write as _;

use super::problems::Problem;
use super::{View, is_failure, status_label, status_word};
use crate::check::model::{Model, RuleId, Status};
use crate::diagnostics::{Lang, catalog};

/// One test case: the rule as class, the subject as name, a failure or a skip with the
/// explanation for what is not a pass (a skip's after its status, in `lang`).
pub fn case(v: &View, strict: bool, lang: Lang) -> String {
    let mut out = String::new();
    let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", escape(&v.rule), escape(&named(&v.subject)));
    let status = status_word(v.status);
    if is_failure(v.status, strict) {
        let _ = writeln!(out, ">");
        let _ = writeln!(out, "      <failure type=\"{status}\" message=\"{}\"/>", escape(&v.explanation));
        let _ = writeln!(out, "    </testcase>");
    } else if v.status != Status::Pass {
        let _ = writeln!(out, ">");
        let args = [("status", status_label(v.status, lang)), ("text", v.explanation.clone())];
        let message = catalog::text(lang, "junit.skipped", &args).unwrap_or_default();
        let _ = writeln!(out, "      <skipped message=\"{}\"/>", escape(&message));
        let _ = writeln!(out, "    </testcase>");
    } else {
        let _ = writeln!(out, "/>");
    }
    out
}

/// A passing test case, from its rule and subject alone.
pub fn passed(rule: &str, subject: &super::Subject) -> String {
    format!("    <testcase classname=\"{}\" name=\"{}\"/>\n", escape(rule), escape(&named(subject)))
}

/// A test case's name: the subject's code and name, and its year where the run holds several.
fn named(subject: &super::Subject) -> String {
    match subject.year {
        Some(year) => format!("{} {} ({year})", subject.code, subject.name),
        None => format!("{} {}", subject.code, subject.name),
    }
}

/// The opening of the report; the suites follow as their rules are judged.
pub const BEGIN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"plancheck\">\n";

/// The end of the report.
pub const END: &str = "</testsuites>\n";

/// The suite of one rule being gathered: its test cases, one per subject, and their counts.
#[derive(Default)]
pub struct Suite {
    pub rule: Option<RuleId>,
    cases: String,
    tests: usize,
    failures: usize,
    skipped: usize,
}

impl Suite {
    /// A test case of the rule: failing (a `<failure>`), skipped (a status that is neither a
    /// pass nor a failure), or passed.
    pub fn add(&mut self, status: Status, failing: bool, case: String) {
        self.tests += 1;
        match status {
            _ if failing => self.failures += 1,
            Status::Pass => {}
            _ => self.skipped += 1,
        }
        self.cases.push_str(&case);
    }

    /// The suite written out (nothing when it has no case), and emptied for the next rule.
    pub fn finish(&mut self, model: &Model) -> String {
        let done = std::mem::take(self);
        let Some(rule) = done.rule.filter(|_| done.tests > 0) else { return String::new() };
        format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n{}  </testsuite>\n",
            escape(&model.rules[rule].id),
            done.tests,
            done.failures,
            done.skipped,
            done.cases
        )
    }
}

/// The report of a run that could not judge: one failing test case per problem, named by its
/// code and place.
pub fn problems(problems: &[Problem], lang: Lang) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let n = problems.len();
    let _ = writeln!(out, "<testsuites name=\"plancheck\" tests=\"{n}\" failures=\"{n}\">");
    out.push_str(&suite("plancheck", problems, lang));
    out.push_str("</testsuites>\n");
    out
}

/// The suite of the problems of a run that judges (warnings), before the rules' suites;
/// nothing when there are none.
pub fn warnings(problems: &[Problem], lang: Lang) -> String {
    match problems.is_empty() {
        true => String::new(),
        false => suite("plancheck diagnostics", problems, lang),
    }
}

/// A suite of one test case per problem: an error fails, a warning is a case that passes
/// with the problem as its output.
fn suite(name: &str, problems: &[Problem], lang: Lang) -> String {
    let mut out = String::new();
    let failures = problems.iter().filter(|p| p.error).count();
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        escape(name),
        problems.len()
    );
    for p in problems {
        let place = p.location.as_ref().map_or(String::new(), |l| format!("{}:{}:{}", l.file, l.line, l.column));
        let text = match &p.help {
            Some(help) => format!("{}{} ({help})", p.message, p.also(lang, |place| place)),
            None => format!("{}{}", p.message, p.also(lang, |place| place)),
        };
        // A case is named by its place, or by what it says where it has none (an option).
        let name = if place.is_empty() { &p.message } else { &place };
        let _ = writeln!(out, "    <testcase classname=\"{}\" name=\"{}\">", escape(p.code), escape(name));
        match p.error {
            true => {
                let _ = writeln!(out, "      <failure type=\"{}\" message=\"{}\"/>", escape(p.code), escape(&text));
            }
            false => {
                let _ = writeln!(out, "      <system-out>{}</system-out>", escape(&format!("{place}: {text}")));
            }
        }
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n");
    out
}

/// Text for an XML attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            // Not characters of XML 1.0: a report with them would not be well-formed.
            c if (c as u32) < 0x20 && c != '\t' => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}
