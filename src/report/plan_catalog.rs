//! `plancheck doc`: the rule catalog for policy staff (Markdown and HTML, Chinese with
//! English), the department responsibility matrix, and the plan coverage report — which
//! sentences of the plan are encoded as rules, and which of those are tested.

use std::fmt::Write as _;

use crate::check::model::{Kind, Model, Timing};
use crate::diagnostics::{Lang, catalog};

/// The files of the catalog: (file name, content).
pub fn write(model: &Model, lang: Lang) -> Vec<(&'static str, String)> {
    vec![
        ("catalog.md", catalog_md(model, lang)),
        ("matrix.md", matrix_md(model, lang)),
        ("coverage.md", coverage_md(model, lang)),
        ("catalog.html", html(model, lang)),
    ]
}

fn t(lang: Lang, key: &str) -> String {
    catalog::text(lang, key, &[]).unwrap_or_default()
}

fn tested(model: &Model) -> Vec<bool> {
    let mut tested = vec![false; model.rules.len()];
    for test in &model.tests {
        for x in &test.expectations {
            tested[x.rule] = true;
        }
    }
    tested
}

fn timing(model: &Model, r: usize, lang: Lang) -> String {
    match &model.rules[r].timing {
        Timing::Standing => t(lang, "report.standing"),
        Timing::Target { due, baseline: None } => due.to_string(),
        Timing::Target { due, baseline: Some(crate::check::model::Baseline { value, unit, year, .. }) } => {
            let unit = if unit.is_one() { String::new() } else { unit.to_string() };
            format!("{due} ({} {value}{unit}, {year})", t(lang, "doc.baseline"))
        }
    }
}

fn kind(k: Kind, lang: Lang) -> String {
    t(lang, if k == Kind::Binding { "doc.binding" } else { "doc.expected" })
}

fn catalog_md(model: &Model, lang: Lang) -> String {
    let tested = tested(model);
    let mut out = String::new();
    let title = model.plan.as_ref().map_or(String::new(), |p| p.title.clone());
    let _ = writeln!(out, "# {} — {title}\n", t(lang, "doc.catalog"));
    let _ = writeln!(out, "{}\n", t(lang, "doc.generated"));
    for (a, area) in model.areas.iter().enumerate() {
        let rules: Vec<usize> = (0..model.rules.len()).filter(|&r| model.rules[r].area == Some(a)).collect();
        if rules.is_empty() {
            continue;
        }
        let english = area.english.as_ref().map_or(String::new(), |e| format!(" ({e})"));
        let _ = writeln!(out, "## {}{english}\n", area.title);
        for r in rules {
            let rule = &model.rules[r];
            let _ = writeln!(out, "### `{}` {}\n", rule.id, rule.title);
            if let Some(e) = &rule.english {
                let _ = writeln!(out, "*{e}*\n");
            }
            for line in &rule.doc {
                let _ = writeln!(out, "{line}  ");
            }
            let rows = [
                (t(lang, "doc.applies"), format!("`{}`", rule.applies_text)),
                (t(lang, "doc.requirement"), format!("`{}`", rule.require_text)),
                (t(lang, "doc.timing"), timing(model, r, lang)),
                (t(lang, "doc.kind"), kind(rule.kind, lang)),
                (
                    t(lang, "doc.departments"),
                    rule.departments.iter().map(|&d| model.departments[d].name.as_str()).collect::<Vec<_>>().join("、"),
                ),
                (t(lang, "doc.tested"), t(lang, if tested[r] { "doc.yes" } else { "doc.no" })),
            ];
            let _ = writeln!(out, "| | |\n|---|---|");
            for (k, v) in rows {
                let _ = writeln!(out, "| {k} | {} |", v.replace('|', "\\|"));
            }
            for p in &rule.params {
                let unit = if p.unit.is_one() { String::new() } else { format!(" {}", p.unit) };
                let from = p.source.map_or(String::new(), |(e, f)| {
                    let entity = &model.entities[e];
                    let field = format!("{}.{}", entity.name, entity.fields[f].name);
                    catalog::text(lang, "doc.param_from", &[("field", field)]).unwrap_or_default()
                });
                let value = match p.default {
                    Some(d) => format!("{d}{unit}{from}"),
                    None => catalog::text(lang, "doc.param_no_default", &[("unit", unit.trim().to_string())])
                        .unwrap_or_default(),
                };
                let _ = writeln!(
                    out,
                    "| {} `{}` | {value} — {} |",
                    t(lang, "doc.param"),
                    p.name,
                    p.description.clone().unwrap_or_default()
                );
            }
            for c in &rule.citations {
                let section = super::names::Names { model, lang }.section(&c.section);
                let cited = catalog::text(lang, "text.cited", &[("section", section), ("quote", c.quote.clone())]);
                let _ = writeln!(out, "\n> {}", cited.unwrap_or_default());
            }
            out.push('\n');
        }
    }
    out
}

fn matrix_md(model: &Model, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", t(lang, "doc.matrix"));
    let _ = writeln!(out, "{}\n", t(lang, "doc.matrix_legend"));
    let used: Vec<usize> =
        (0..model.departments.len()).filter(|d| model.rules.iter().any(|r| r.departments.contains(d))).collect();
    let _ = writeln!(
        out,
        "| {} | {} |",
        t(lang, "doc.rule"),
        used.iter().map(|&d| model.departments[d].name.as_str()).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(out, "|---|{}", "---|".repeat(used.len()));
    for rule in &model.rules {
        let cells: Vec<&str> = used
            .iter()
            .map(|d| match rule.departments.iter().position(|x| x == d) {
                Some(0) => "●",
                Some(_) => "○",
                None => "",
            })
            .collect();
        let _ = writeln!(out, "| `{}` | {} |", rule.id, cells.join(" | "));
    }
    let _ = writeln!(out, "\n## {}\n", t(lang, "doc.by_department"));
    for &d in &used {
        let lead: Vec<&str> =
            model.rules.iter().filter(|r| r.departments.first() == Some(&d)).map(|r| r.id.as_str()).collect();
        let shared = model.rules.iter().filter(|r| r.departments.iter().skip(1).any(|x| *x == d)).count();
        let english = model.departments[d].english.as_ref().map_or(String::new(), |e| format!(" ({e})"));
        let args = [("lead", lead.len().to_string()), ("shared", shared.to_string())];
        let _ = writeln!(
            out,
            "- **{}**{english}: {}",
            model.departments[d].name,
            catalog::text(lang, "doc.department_counts", &args).unwrap_or_default()
        );
        if !lead.is_empty() {
            let _ = writeln!(
                out,
                "  {}: {}",
                t(lang, "doc.leads"),
                lead.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
            );
        }
    }
    out
}

/// The plan's sentences (split at 。；), each with the rules that cite it.
pub fn sentences(model: &Model) -> Vec<(String, Vec<usize>)> {
    let Some(text) = model.plan.as_ref().and_then(|p| p.text.as_ref()) else { return Vec::new() };
    let normal = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut out = Vec::new();
    for line in text.lines() {
        for sentence in line.split_inclusive(['。', '；']) {
            let s = normal(sentence);
            if s.chars().count() < 6 {
                continue;
            }
            let rules: Vec<usize> = model
                .rules
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.citations.iter().any(|c| {
                        let q = normal(&c.quote);
                        s.contains(&q) || (q.chars().count() > 12 && q.contains(&s))
                    })
                })
                .map(|(i, _)| i)
                .collect();
            out.push((s, rules));
        }
    }
    out
}

fn coverage_md(model: &Model, lang: Lang) -> String {
    let tested = tested(model);
    let sentences = sentences(model);
    let encoded = sentences.iter().filter(|(_, r)| !r.is_empty()).count();
    let tested_count = sentences.iter().filter(|(_, r)| r.iter().any(|&i| tested[i])).count();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", t(lang, "doc.coverage"));
    let args = [
        ("sentences", sentences.len().to_string()),
        ("encoded", encoded.to_string()),
        ("tested", tested_count.to_string()),
        ("rules", model.rules.len().to_string()),
    ];
    let _ = writeln!(out, "{}\n", catalog::text(lang, "doc.coverage_summary", &args).unwrap_or_default());
    let _ = writeln!(out, "{}\n", t(lang, "doc.coverage_legend"));
    for (s, rules) in &sentences {
        let mark = if rules.iter().any(|&i| tested[i]) {
            "✅"
        } else if rules.is_empty() {
            "⬜"
        } else {
            "☑️"
        };
        let ids = rules.iter().map(|&i| format!("`{}`", model.rules[i].id)).collect::<Vec<_>>().join(" ");
        let _ = writeln!(out, "- {mark} {s} {ids}");
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn html(model: &Model, lang: Lang) -> String {
    let tested = tested(model);
    let html_lang = if lang == Lang::Zh { "zh-CN" } else { "en" };
    let mut out = String::new();
    let title = model.plan.as_ref().map_or(String::new(), |p| p.title.clone());
    let _ = writeln!(out, "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">");
    let _ = writeln!(out, "<title>{} — {}</title>", escape(&t(lang, "doc.catalog")), escape(&title));
    let _ = writeln!(
        out,
        "<style>body{{font-family:'Noto Sans CJK SC',sans-serif;max-width:70em;margin:2em auto;line-height:1.5}}table{{border-collapse:collapse}}td,th{{border:1px solid #bbb;padding:.3em .6em;vertical-align:top}}code{{background:#f3f3f3}}blockquote{{color:#555;border-left:3px solid #ccc;margin:.5em 0;padding-left:.8em}}</style>\n</head>\n<body>"
    );
    let _ = writeln!(
        out,
        "<h1>{} — {}</h1>\n<p>{}</p>",
        escape(&t(lang, "doc.catalog")),
        escape(&title),
        escape(&t(lang, "doc.generated"))
    );
    for (a, area) in model.areas.iter().enumerate() {
        let rules: Vec<usize> = (0..model.rules.len()).filter(|&r| model.rules[r].area == Some(a)).collect();
        if rules.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h2>{}</h2>", escape(&area.title));
        for r in rules {
            let rule = &model.rules[r];
            let _ = writeln!(out, "<h3 id=\"{}\"><code>{}</code> {}</h3>", rule.id, rule.id, escape(&rule.title));
            if let Some(e) = &rule.english {
                let _ = writeln!(out, "<p><em>{}</em></p>", escape(e));
            }
            let departments =
                rule.departments.iter().map(|&d| model.departments[d].name.as_str()).collect::<Vec<_>>().join("、");
            let _ = writeln!(out, "<table>");
            for (k, v) in [
                (t(lang, "doc.applies"), format!("<code>{}</code>", escape(&rule.applies_text))),
                (t(lang, "doc.requirement"), format!("<code>{}</code>", escape(&rule.require_text))),
                (t(lang, "doc.timing"), escape(&timing(model, r, lang))),
                (t(lang, "doc.kind"), escape(&kind(rule.kind, lang))),
                (t(lang, "doc.departments"), escape(&departments)),
                (t(lang, "doc.tested"), t(lang, if tested[r] { "doc.yes" } else { "doc.no" })),
            ] {
                let _ = writeln!(out, "<tr><th>{}</th><td>{v}</td></tr>", escape(&k));
            }
            let _ = writeln!(out, "</table>");
            for c in &rule.citations {
                let section = super::names::Names { model, lang }.section(&c.section);
                let cited = catalog::text(lang, "text.cited", &[("section", section), ("quote", c.quote.clone())]);
                let _ = writeln!(out, "<blockquote>{}</blockquote>", escape(&cited.unwrap_or_default()));
            }
        }
    }
    let _ = writeln!(out, "</body>\n</html>");
    out
}
