//! `--format markdown`: a compliance report per district, the obligations grouped by the
//! chapter of the plan they come from, with the responsible departments.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{View, status_word, tally};
use crate::check::model::Status;
use crate::diagnostics::{Lang, catalog};

pub fn write(views: &[View], as_of: &str, lang: Lang) -> String {
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", t("report.title"));
    let _ = writeln!(out, "{}: {as_of}\n", t("report.as_of"));
    let groups = super::groups(views);
    for (group, list) in &groups {
        let counts = tally(list.iter().copied());
        let _ = writeln!(out, "## {group}\n");
        let _ = writeln!(out, "| {} |", Status::ALL.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(6));
        let _ = writeln!(out, "| {} |\n", counts.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | "));
        let mut chapters: BTreeMap<String, Vec<&View>> = BTreeMap::new();
        for v in list {
            let chapter =
                v.section.split('›').nth(1).or_else(|| v.section.split('›').next()).unwrap_or("").trim().to_string();
            chapters.entry(chapter).or_default().push(v);
        }
        for (chapter, items) in chapters {
            let _ = writeln!(out, "### {chapter}\n");
            let _ = writeln!(out, "| {} |", t("report.columns"));
            let _ = writeln!(out, "|---|---|---|---|---|---|");
            for v in items.iter().filter(|v| v.status != Status::Pass && v.status != Status::NotApplicable) {
                let _ = writeln!(
                    out,
                    "| `{}` {} | {} | {} | {} | {} | {} |",
                    v.rule,
                    v.title,
                    v.subject.path.join(" › "),
                    status_word(v.status),
                    v.explanation.replace('|', "\\|"),
                    v.due.clone().unwrap_or_else(|| t("report.standing")),
                    v.departments.join(&t("list.separator")),
                );
            }
            let passed = items.iter().filter(|v| v.status == Status::Pass).count();
            let not_applicable = items.iter().filter(|v| v.status == Status::NotApplicable).count();
            let args = [("pass", passed.to_string()), ("not_applicable", not_applicable.to_string())];
            let _ = writeln!(out, "\n{}\n", catalog::text(lang, "report.others", &args).unwrap_or_default());
        }
    }
    out
}
