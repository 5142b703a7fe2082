//! `--format markdown`: a compliance report per district, the obligations grouped by the
//! chapter of the plan they come from, with the responsible departments.

use std::fmt::Write as _;

use super::names::Names;
use super::problems::Problem;
use super::write::Grouped;
use super::{View, status_label};
use crate::check::model::{RuleId, Status};
use crate::diagnostics::{Lang, catalog};

/// The chapter of the plan a rule's first citation is in (its section's second level, or its
/// only one), in the report's language, keyed by where the plan's text has it so that chapters
/// come in the plan's order.
pub fn chapter(names: Names<'_>, rule: RuleId) -> ChapterKey {
    let section = names.model.rules[rule].citations.first().map_or("", |c| c.section.as_str());
    let heading = section.split('›').nth(1).or_else(|| section.split('›').next()).unwrap_or("").trim();
    let text = names.model.plan.as_ref().and_then(|p| p.text.as_deref()).unwrap_or("");
    let at = if heading.is_empty() { None } else { text.find(heading) };
    (at.unwrap_or(usize::MAX), names.section(heading))
}

/// A chapter: where the plan's text has it, and its heading.
pub type ChapterKey = (usize, String);

/// The table row of an obligation not met.
pub fn row(v: &View, lang: Lang) -> String {
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    let place = v.location.as_ref().map_or(String::new(), |l| code(format!("{}:{}:{}", l.file, l.line, l.column)));
    format!(
        "| `{}` {} | {} | {} | {} | {place} | {} | {} |\n",
        v.rule,
        text(&v.title),
        text(&v.subject.path.join(" › ")),
        status_label(v.status, lang),
        text(&v.explanation),
        v.due.clone().unwrap_or_else(|| t("report.standing")),
        text(&v.departments.join(&t("list.separator"))),
    )
}

/// The opening of the report: its title and date.
pub fn begin(as_of: &str, lang: Lang) -> String {
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    format!("# {}\n\n{}: {as_of}\n\n", t("report.title"), t("report.as_of"))
}

/// The report of one district (or the city) from the rows of each chapter, in order.
pub fn district(g: &Grouped, lang: Lang) -> String {
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "## {}\n", text(&g.name));
    let _ = writeln!(
        out,
        "| {} |",
        Status::ALL.iter().map(|(_, s)| status_label(*s, lang)).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(out, "|{}", "---|".repeat(6));
    let _ = writeln!(out, "| {} |\n", g.counts.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | "));
    for ((_, chapter), c) in &g.chapters {
        let _ = writeln!(out, "### {}\n", text(chapter));
        let _ = writeln!(out, "| {} |", t("report.columns"));
        let _ = writeln!(out, "|---|---|---|---|---|---|---|");
        for piece in &c.pieces {
            out.push_str(piece);
        }
        let args = [("pass", c.counts[0].to_string()), ("not_applicable", c.counts[5].to_string())];
        let _ = writeln!(out, "\n{}\n", catalog::text(lang, "report.others", &args).unwrap_or_default());
    }
    out
}

/// The report of a run that could not judge: the problems, each with its place.
pub fn problems(problems: &[Problem], lang: Lang) -> String {
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", t("report.title"));
    let _ = writeln!(out, "{}\n", t("report.unusable"));
    out.push_str(&list(problems, lang));
    out
}

/// The problems of the submissions (and rules) of a run that judges: warnings, listed
/// before the verdicts they do not change; nothing when there are none.
pub fn warnings(problems: &[Problem], lang: Lang) -> String {
    if problems.is_empty() {
        return String::new();
    }
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    format!("## {}\n\n{}\n", t("report.warnings"), list(problems, lang))
}

/// A place as a code span, where nothing is markup; only a backquote or a line break could
/// end it, and a table bar a row.
fn code(place: String) -> String {
    let place: String = place.chars().map(|c| if c == '`' || c == '|' || c.is_control() { '?' } else { c }).collect();
    format!("`{place}`")
}

/// Problems as a list, each with its places and help.
fn list(problems: &[Problem], lang: Lang) -> String {
    let mut out = String::new();
    for p in problems {
        let place = p
            .location
            .as_ref()
            .map_or(String::new(), |l| format!(" {}", code(format!("{}:{}:{}", l.file, l.line, l.column))));
        // The labels are the catalog's words; the places are code spans.
        let also = p.also(lang, code);
        let help = p.help.as_ref().map_or(String::new(), |h| format!(" — {}", text(h)));
        let _ = writeln!(out, "- **{}**{place}: {}{also}{help}", p.code, text(&p.message));
    }
    out
}

/// Text from names and submissions, safe in Markdown: on one line, with table bars, emphasis,
/// code and HTML shown as written rather than taken as markup.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '|' | '*' | '_' | '`' | '[' | ']' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
