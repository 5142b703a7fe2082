//! `--format junit`: one test case per rule and subject, for CI dashboards (the JUnit XML
//! that Jenkins, GitLab and GitHub read: testsuites › testsuite › testcase › failure/skipped).

use std::fmt::Write as _;

use super::problems::Problem;
use super::{View, is_failure, status_word};
use crate::check::model::Status;

/// One test case: the rule as class, the subject as name, a failure or a skip with the
/// explanation for what is not a pass.
pub fn case(v: &View, strict: bool) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\"",
        escape(&v.rule),
        escape(&format!("{} {}", v.subject.code, v.subject.name))
    );
    let status = status_word(v.status);
    if is_failure(v.status, strict) {
        let _ = writeln!(out, ">");
        let _ = writeln!(out, "      <failure type=\"{status}\" message=\"{}\"/>", escape(&v.explanation));
        let _ = writeln!(out, "    </testcase>");
    } else if v.status != Status::Pass {
        let _ = writeln!(out, ">");
        let _ = writeln!(out, "      <skipped message=\"{status}: {}\"/>", escape(&v.explanation));
        let _ = writeln!(out, "    </testcase>");
    } else {
        let _ = writeln!(out, "/>");
    }
    out
}

/// A passing test case, from its rule and subject alone.
pub fn passed(rule: &str, subject: &super::Subject) -> String {
    format!(
        "    <testcase classname=\"{}\" name=\"{}\"/>\n",
        escape(rule),
        escape(&format!("{} {}", subject.code, subject.name))
    )
}

/// The whole report from the test cases of each district (in order): a suite per district.
pub fn write(groups: &[super::write::Grouped], strict: bool) -> String {
    let failing = |g: &super::write::Grouped| {
        Status::ALL.iter().zip(g.counts).filter(|((_, s), _)| is_failure(*s, strict)).map(|(_, n)| n).sum::<usize>()
    };
    let total: usize = groups.iter().map(|g| g.counts.iter().sum::<usize>()).sum();
    let failures: usize = groups.iter().map(failing).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"plancheck\" tests=\"{total}\" failures=\"{failures}\">");
    for g in groups {
        let tests: usize = g.counts.iter().sum();
        let failed = failing(g);
        let skipped = tests - failed - g.counts[0];
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failed}\" errors=\"0\" skipped=\"{skipped}\">",
            escape(&g.name)
        );
        for piece in g.chapters.values().flat_map(|c| &c.pieces) {
            out.push_str(piece);
        }
        let _ = writeln!(out, "  </testsuite>");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The report of a run that could not judge: one failing test case per problem, named by its
/// code and place.
pub fn problems(problems: &[Problem]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let n = problems.len();
    let _ = writeln!(out, "<testsuites name=\"plancheck\" tests=\"{n}\" failures=\"{n}\">");
    let _ = writeln!(out, "  <testsuite name=\"plancheck\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">");
    for p in problems {
        let place = p.location.as_ref().map_or(String::new(), |l| format!("{}:{}:{}", l.file, l.line, l.column));
        let text = match &p.help {
            Some(help) => format!("{} ({help})", p.message),
            None => p.message.clone(),
        };
        let _ = writeln!(out, "    <testcase classname=\"{}\" name=\"{}\">", escape(p.code), escape(&place));
        let _ = writeln!(out, "      <failure type=\"{}\" message=\"{}\"/>", escape(p.code), escape(&text));
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
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
