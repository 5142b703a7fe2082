//! `--format html`: one self-contained page for the people who must act on a check — a
//! district's civil-affairs office, the city's leading group, the responsible departments.
//! An overview (counts, a heat map of districts × areas with the share met written in each
//! cell, the obligations failing in the most districts), each district's failing obligations
//! with their worst units, the values that decide, what would pass, the plan's sentence and
//! the departments, and the view by department. Inline CSS and a little script for filtering
//! that the page does not need to be read; nothing is fetched. Written with maud, which
//! escapes every value: a name holding HTML is shown as text.

use std::collections::BTreeMap;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::problems::Problem;
use super::{RuleView, View, status_label, status_word};
use crate::check::model::Status;
use crate::diagnostics::{Lang, catalog};

/// Units of one failing obligation in one district shown in detail; the rest are counted.
pub const UNITS_SHOWN: usize = 10;

/// Everything the page shows, gathered from the verdicts.
pub struct Page {
    pub lang: Lang,
    pub as_of: String,
    pub counts: [usize; 6],
    /// Every rule judged, in rule order, with its area's name.
    pub rules: Vec<(RuleView, String)>,
    /// The departments, lead-first order of the rules kept per department.
    pub departments: Vec<String>,
    /// For each department, the rules it answers for: (index in `rules`, whether it leads).
    pub responsible: Vec<Vec<(usize, bool)>>,
    pub districts: Vec<District>,
    /// Warnings about the submissions (and rules) that did not stop the run.
    pub problems: Vec<Problem>,
}

/// One district (or the city).
pub struct District {
    pub name: String,
    pub code: String,
    pub counts: [usize; 6],
    /// Per area: verdicts that pass, and verdicts judged (not `not_applicable`).
    pub areas: BTreeMap<String, (usize, usize)>,
    /// The obligations that are not met, by index in `rules`.
    pub failing: BTreeMap<usize, Failing>,
}

/// One obligation not met in a district: how many subjects, and the worst few in detail.
#[derive(Default)]
pub struct Failing {
    pub count: usize,
    /// The units shown, with how far each is from passing (larger is worse), worst first.
    pub shown: Vec<(f64, View)>,
}

impl District {
    /// Notes a verdict of a rule (by index) in an area; `view` with how far it is from passing.
    pub fn add(&mut self, rule: usize, area: &str, status: Status, view: Option<(f64, View)>) {
        if let Some(i) = Status::ALL.iter().position(|(_, s)| *s == status) {
            self.counts[i] += 1;
        }
        if status != Status::NotApplicable {
            let cell = self.areas.entry(area.to_string()).or_default();
            cell.1 += 1;
            cell.0 += usize::from(status == Status::Pass);
        }
        if status != Status::Pass && status != Status::NotApplicable {
            let failing = self.failing.entry(rule).or_default();
            failing.count += 1;
            // Keep the worst: a unit farther from passing replaces the nearest one shown. The
            // district's own verdict comes first, whatever its distance: it is the one the
            // district answers for.
            if let Some((gap, view)) = view {
                let gap = if view.subject.code == self.code { f64::INFINITY } else { gap };
                let at = failing.shown.partition_point(|(g, _)| *g >= gap);
                if at < UNITS_SHOWN {
                    failing.shown.insert(at, (gap, view));
                    failing.shown.truncate(UNITS_SHOWN);
                }
            }
        }
    }
}

/// The whole page.
pub fn write(page: &Page) -> String {
    let t = |key: &str| catalog::text(page.lang, key, &[]).unwrap_or_default();
    let lang = match page.lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let markup = html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t("report.title")) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (t("report.title")) }
                    @if !page.as_of.is_empty() { p { (t("report.as_of")) " " (page.as_of) } }
                    nav {
                        a href="#overview" { (t("html.overview")) } " · "
                        a href="#districts" { (t("html.districts")) } " · "
                        a href="#departments" { (t("html.departments")) }
                    }
                }
                main {
                    @if !page.problems.is_empty() {
                        section id="problems" { h2 { (t("report.warnings")) } (list(&page.problems, page.lang)) }
                    }
                    (overview(page))
                    (districts(page))
                    (departments(page))
                }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    // Control characters are not text in HTML (a name may hold them): shown as `�`.
    crate::diagnostics::render::terminal_safe(&markup.into_string())
}

/// Status words in the report's language, with the status as a class for colour.
fn status_cell(page: &Page, status: Status) -> Markup {
    let word = status_word(status);
    html! { span class={ "status " (word) } { (status_label(status, page.lang)) } }
}

fn counts_table(page: &Page, counts: &[usize; 6]) -> Markup {
    html! {
        table class="counts" {
            thead { tr { @for (_, s) in Status::ALL.iter() { th scope="col" { (status_cell(page, *s)) } } } }
            tbody { tr { @for n in counts { td class="num" { (n) } } } }
        }
    }
}

fn overview(page: &Page) -> Markup {
    let t = |key: &str| catalog::text(page.lang, key, &[]).unwrap_or_default();
    let areas: Vec<&String> = {
        let mut all: Vec<&String> = page.districts.iter().flat_map(|d| d.areas.keys()).collect();
        all.sort();
        all.dedup();
        all
    };
    // Obligations failing in the most districts.
    let mut widespread: Vec<(usize, usize, usize)> = (0..page.rules.len())
        .map(|r| {
            let districts = page.districts.iter().filter(|d| d.failing.contains_key(&r)).count();
            let units = page.districts.iter().filter_map(|d| d.failing.get(&r)).map(|f| f.count).sum();
            (r, districts, units)
        })
        .filter(|(_, d, _)| *d > 0)
        .collect();
    widespread.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    html! {
        section id="overview" {
            h2 { (t("html.overview")) }
            (counts_table(page, &page.counts))
            h3 { (t("html.heat_title")) }
            p class="note" { (t("html.heat_note")) }
            div class="scroll" {
                table class="heat" {
                    thead { tr {
                        th scope="col" { (t("report.group")) }
                        @for a in &areas { th scope="col" { (a) } }
                    } }
                    tbody {
                        @for d in &page.districts {
                            tr {
                                th scope="row" { a href={ "#d-" (d.code) } { (d.name) } }
                                @for a in &areas {
                                    @match d.areas.get(*a) {
                                        Some((pass, total)) if *total > 0 => {
                                            @let share = pass * 100 / total;
                                            td class="num" style={ "background:" (shade(share)) } title={ (pass) "/" (total) } {
                                                (share) "%"
                                            }
                                        }
                                        _ => { td class="num empty" { "–" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h3 { (t("html.widespread")) }
            table class="list" {
                thead { tr {
                    th scope="col" { (t("html.rule")) }
                    th scope="col" { (t("html.failing_districts")) }
                    th scope="col" { (t("html.failing_units")) }
                } }
                tbody {
                    @for (r, d, u) in widespread.iter().take(20) {
                        tr {
                            td { code { (page.rules[*r].0.id) } " " (page.rules[*r].0.title) }
                            td class="num" { (d) }
                            td class="num" { (u) }
                        }
                    }
                }
            }
        }
    }
}

/// A cell's background: red for none met, green for all, light enough for black text.
fn shade(share: usize) -> String {
    format!("hsl({}, 70%, 82%)", share.min(100) * 120 / 100)
}

fn districts(page: &Page) -> Markup {
    let t = |key: &str| catalog::text(page.lang, key, &[]).unwrap_or_default();
    html! {
        section id="districts" {
            h2 { (t("html.districts")) }
            div class="filter" {
                label for="filter" { (t("html.filter")) " " }
                input id="filter" type="search" placeholder=(t("html.filter_hint"));
            }
            @for d in &page.districts {
                article class="district" id={ "d-" (d.code) } data-name=(d.name) {
                    h3 { (d.name) }
                    (counts_table(page, &d.counts))
                    @if d.failing.is_empty() { p { (t("html.all_met")) } }
                    @for (r, f) in &d.failing {
                        (failing(page, &page.rules[*r].0, f))
                    }
                }
            }
        }
    }
}

fn failing(page: &Page, rule: &RuleView, f: &Failing) -> Markup {
    let t = |key: &str, args: &[(&str, String)]| catalog::text(page.lang, key, args).unwrap_or_default();
    let sep = t("list.separator", &[]);
    let more = f.count.saturating_sub(f.shown.len());
    html! {
        details class="rule" data-rule=(rule.id) {
            summary {
                code { (rule.id) } " " (rule.title) " — "
                strong { (t("html.units_failing", &[("count", f.count.to_string())])) }
            }
            @for (section, quote) in &rule.sources {
                blockquote { (t("text.cited", &[("section", section.clone()), ("quote", quote.clone())])) }
            }
            p class="departments" { (t("html.responsible", &[])) " " (rule.departments.join(&sep)) }
            @if let Some(due) = &rule.due { p { (t("html.due", &[])) " " (due) } }
            table class="list" {
                thead { tr {
                    th scope="col" { (t("html.subject", &[])) }
                    th scope="col" { (t("html.status", &[])) }
                    th scope="col" { (t("html.explanation", &[])) }
                    th scope="col" { (t("html.values", &[])) }
                } }
                tbody {
                    @for (_, v) in &f.shown {
                        tr {
                            td { (v.subject.path.join(" › ")) }
                            td { (status_cell(page, v.status)) }
                            td { (v.explanation) }
                            td {
                                ul {
                                    @for b in v.blame.iter().take(5) {
                                        li {
                                            @if let Some(unit) = &b.unit { (unit.name) " " }
                                            (b.title) " " (b.shown)
                                            @if let Some(l) = &b.location { " " small { (l.file) ":" (l.line) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if more > 0 { p class="note" { (t("html.more_units", &[("count", more.to_string())])) } }
        }
    }
}

fn departments(page: &Page) -> Markup {
    let t = |key: &str, args: &[(&str, String)]| catalog::text(page.lang, key, args).unwrap_or_default();
    html! {
        section id="departments" {
            h2 { (t("html.departments", &[])) }
            p class="note" { (t("html.departments_note", &[])) }
            @for (i, name) in page.departments.iter().enumerate() {
                @let rules = &page.responsible[i];
                @if !rules.is_empty() {
                    article class="department" {
                        h3 { (name) }
                        table class="list" {
                            thead { tr {
                                th scope="col" { (t("html.rule", &[])) }
                                th scope="col" { (t("html.role", &[])) }
                                th scope="col" { (t("html.failing_districts", &[])) }
                                th scope="col" { (t("html.failing_units", &[])) }
                            } }
                            tbody {
                                @for (r, lead) in rules {
                                    @let districts: Vec<&District> = page.districts.iter().filter(|d| d.failing.contains_key(r)).collect();
                                    @let units: usize = districts.iter().filter_map(|d| d.failing.get(r)).map(|f| f.count).sum();
                                    tr class=@if districts.is_empty() { "met" } @else { "unmet" } {
                                        td { code { (page.rules[*r].0.id) } " " (page.rules[*r].0.title) }
                                        td { @if *lead { (t("html.lead", &[])) } @else { (t("html.shares", &[])) } }
                                        td {
                                            @if districts.is_empty() { (t("html.none", &[])) }
                                            @for (k, d) in districts.iter().enumerate() {
                                                @if k > 0 { (t("list.separator", &[])) }
                                                a href={ "#d-" (d.code) } { (d.name) }
                                            }
                                        }
                                        td class="num" { (units) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

const STYLE: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem; color: #1a1a1a; background: #fff; line-height: 1.5; }
h1, h2, h3 { line-height: 1.25; }
h2 { border-bottom: 2px solid #333; padding-bottom: .2rem; margin-top: 2rem; }
nav a { color: #0645ad; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #999; padding: .25rem .5rem; vertical-align: top; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.heat td.num { min-width: 3.5rem; text-align: center; }
.heat td.empty { color: #666; }
.heat th { font-size: .85rem; } .heat th[scope=row] { white-space: nowrap; }
.scroll { overflow-x: auto; }
.status { font-weight: 600; white-space: nowrap; }
table.list td:first-child { min-width: 9rem; }
.status.pass { color: #0a6b2a; } .status.fail { color: #a50e0e; } .status.behind { color: #8a4b00; }
.status.on_track { color: #0a5a8a; } .status.unknown { color: #555; } .status.not_applicable { color: #555; }
details.rule { border: 1px solid #ccc; border-radius: 4px; margin: .5rem 0; padding: .25rem .75rem; }
details.rule summary { cursor: pointer; }
blockquote { margin: .5rem 0; padding-left: .75rem; border-left: 3px solid #aaa; color: #333; }
.note { color: #444; font-size: .9rem; }
ul { margin: 0; padding-left: 1.1rem; }
small { color: #444; }
.filter { margin: 1rem 0; } .filter input { font-size: 1rem; padding: .25rem .5rem; min-width: 20rem; }
tr.met td { color: #444; }
@media print {
  @page { size: A4; margin: 15mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav, .filter { display: none; }
  article.district { break-before: page; }
  details.rule { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Filtering by rule id, title or district name (also from the link: `#filter=和平区`);
/// printing opens every obligation. The page reads the same without it.
const SCRIPT: &str = r#"
(function () {
  var input = document.getElementById('filter');
  if (input) {
    var apply = function () {
      var q = input.value.trim().toLowerCase();
      document.querySelectorAll('article.district').forEach(function (d) {
        var inDistrict = (d.getAttribute('data-name') || '').toLowerCase().indexOf(q) >= 0;
        var shown = 0;
        d.querySelectorAll('details.rule').forEach(function (r) {
          var hit = !q || inDistrict || r.textContent.toLowerCase().indexOf(q) >= 0;
          r.hidden = !hit;
          if (hit) { shown++; }
        });
        d.hidden = !!q && !inDistrict && shown === 0;
      });
    };
    input.addEventListener('input', apply);
    // A link may carry a filter: report.html#filter=和平区
    var m = /^#filter=(.*)$/.exec(window.location.hash);
    if (m) { input.value = decodeURIComponent(m[1]); apply(); }
  }
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  });
})();
"#;

/// The page of a run that could not judge: the problems, each with its place.
pub fn problems(problems: &[Problem], lang: Lang) -> String {
    let t = |key: &str| catalog::text(lang, key, &[]).unwrap_or_default();
    let code = match lang {
        Lang::Zh => "zh-CN",
        Lang::En => "en",
    };
    let markup = html! {
        (DOCTYPE)
        html lang=(code) {
            head { meta charset="utf-8"; title { (t("report.title")) } style { (PreEscaped(STYLE)) } }
            body {
                h1 { (t("report.title")) }
                p { (t("report.unusable")) }
                (list(problems, lang))
            }
        }
    };
    // Control characters are not text in HTML (a name may hold them): shown as `�`.
    crate::diagnostics::render::terminal_safe(&markup.into_string())
}

/// Problems as a list, each with its places and help.
fn list(problems: &[Problem], lang: Lang) -> Markup {
    html! {
        ul class="problems" {
            @for p in problems {
                li {
                    strong { (p.code) } " "
                    @if let Some(l) = &p.location { code { (l.file) ":" (l.line) ":" (l.column) } " " }
                    (p.message)
                    (p.also(lang, |place| place))
                    @if let Some(help) = &p.help { " — " (help) }
                }
            }
        }
    }
}
