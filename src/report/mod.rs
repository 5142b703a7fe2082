//! Reports of verdicts: one view of every verdict with all its texts resolved (subject,
//! requirement, explanation, trace with file locations), then one module per output format.

pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod plan_catalog;
pub mod sarif;
pub mod tree;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::check::model::{Kind, Model, RuleSeverity, Status};
use crate::data::instance::{Dataset, InstanceId, Slot};
use crate::diagnostics::{Lang, catalog};
use crate::eval::verdict::Verdict;
use crate::eval::{Gap, Trace, Val};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::BinOp;

/// Who a verdict is about.
#[derive(Clone, Debug)]
pub struct Subject {
    pub level: String,
    pub code: String,
    pub name: String,
    /// Display names from the district down to the subject.
    pub path: Vec<String>,
    /// The district (or the whole) the subject belongs to, for grouping.
    pub group: String,
    /// How groups are ordered: districts by code, the whole last.
    pub group_order: (bool, String),
}

/// A place in a file, for people.
#[derive(Clone, Debug)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub span: Span,
}

/// A derivation node with its location resolved.
#[derive(Clone, Debug)]
pub struct TraceView {
    pub label: String,
    /// The field's or metric's name for people (`专职社区民警人数`).
    pub title: Option<String>,
    pub value: Option<Val>,
    pub location: Option<Location>,
    pub inputs: Vec<TraceView>,
    pub omitted: usize,
    /// For a ratio of sums: the two sums.
    pub sums: Option<(Decimal, Decimal)>,
}

/// One verdict, ready to be written in any format.
#[derive(Clone, Debug)]
pub struct View {
    pub rule: String,
    pub title: String,
    /// The title in the user's language (the English title where the rule has one).
    pub local_title: String,
    pub subject: Subject,
    pub status: Status,
    pub kind: Kind,
    pub severity: RuleSeverity,
    pub actual: Option<Val>,
    pub requirement: Option<String>,
    pub unit: Option<String>,
    pub due: Option<String>,
    pub departments: Vec<String>,
    pub section: String,
    pub quote: String,
    pub explanation: String,
    pub trace: Option<TraceView>,
    /// The place in a submission the verdict is best pointed at.
    pub location: Option<Location>,
    /// The rule in the rules files.
    pub rule_location: Location,
}

/// The status as written in rules and JSON.
pub fn status_word(status: Status) -> &'static str {
    Status::ALL.iter().find(|(_, s)| *s == status).map_or("unknown", |(w, _)| w)
}

/// A number for people: at most two decimals, no trailing zeros.
pub fn number(n: Decimal) -> String {
    n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero).normalize().to_string()
}

fn shown(v: &Val) -> String {
    match v {
        Val::Num(n) => number(*n),
        other => other.to_string(),
    }
}

fn op_word(op: BinOp, lang: Lang) -> String {
    let key = match op {
        BinOp::Ge => "op.ge",
        BinOp::Gt => "op.gt",
        BinOp::Le => "op.le",
        BinOp::Lt => "op.lt",
        BinOp::Eq => "op.eq",
        _ => "op.ne",
    };
    catalog::text(lang, key, &[]).unwrap_or_else(|| op.symbol().to_string())
}

fn locate(sources: &SourceMap, span: Span) -> Location {
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.start as usize);
    Location { file: file.name.clone(), line, column, span }
}

/// Builds the views of verdicts.
pub struct Viewer<'a> {
    pub model: &'a Model,
    pub dataset: &'a Dataset,
    pub sources: &'a SourceMap,
    pub lang: Lang,
}

impl Viewer<'_> {
    pub fn view(&self, v: &Verdict) -> View {
        let rule = &self.model.rules[v.rule];
        let subject = self.subject(v.subject);
        let requirement = v.op.zip(v.threshold.as_ref()).map(|(op, t)| format!("{} {}", op.symbol(), shown(t)));
        let trace = v.trace.as_ref().map(|t| self.trace(t));
        let location = trace.as_ref().and_then(first_location).or_else(|| {
            let span = self.dataset.get(v.subject).span;
            (span.end > 0).then(|| locate(self.sources, span))
        });
        let citation = rule.citations.first();
        let mut view = View {
            rule: rule.id.clone(),
            title: rule.title.clone(),
            local_title: match (self.lang, &rule.english) {
                (Lang::En, Some(english)) => english.clone(),
                _ => rule.title.clone(),
            },
            status: v.status,
            kind: rule.kind,
            severity: rule.severity,
            actual: v.actual.clone(),
            requirement,
            unit: v.unit.clone(),
            due: v.due.map(|d| d.to_string()),
            departments: rule.departments.iter().map(|&d| self.model.departments[d].name.clone()).collect(),
            section: citation.map_or(String::new(), |c| c.section.clone()),
            quote: citation.map_or(String::new(), |c| c.quote.clone()),
            explanation: String::new(),
            trace,
            location,
            rule_location: locate(self.sources, rule.id_span),
            subject,
        };
        view.explanation = self.explain(v, &view);
        view
    }

    pub fn subject(&self, id: InstanceId) -> Subject {
        let inst = self.dataset.get(id);
        let def = &self.model.entities[inst.entity];
        let text = |inst_id: InstanceId, f: Option<usize>| -> Option<String> {
            match &self.dataset.get(inst_id).slots[f?] {
                Slot::Scalar(s, _) => Some(crate::eval::Val::from(s).to_string()),
                _ => None,
            }
        };
        let code = match def.key {
            Some(k) => text(id, Some(k)).unwrap_or_default(),
            None if inst.parent.is_none() && !def.root => self.whole_code(id),
            None => {
                // A record without a key of its own: RECORD-ID@UNIT-CODE.
                let first_text = def.fields.iter().position(|f| matches!(f.ty, crate::check::model::Ty::Text));
                let first_code = def.fields.iter().position(|f| matches!(f.ty, crate::check::model::Ty::Code(_)));
                let unit = text(id, first_code).or_else(|| inst.parent.and_then(|p| self.key(p)));
                match (text(id, first_text), unit) {
                    (Some(r), Some(u)) => format!("{r}@{u}"),
                    (Some(r), None) => r,
                    (None, u) => u.unwrap_or_default(),
                }
            }
        };
        let name = text(id, def.display).or_else(|| def.title.clone()).unwrap_or_else(|| def.name.clone());
        let mut path = Vec::new();
        let mut group = name.clone();
        let mut group_order = (self.is_whole(id), code.clone());
        let mut at = Some(id);
        while let Some(i) = at {
            let d = &self.model.entities[self.dataset.get(i).entity];
            if let Some(n) = text(i, d.display) {
                path.insert(0, n.clone());
                group = n;
                group_order = (false, self.key(i).unwrap_or_default());
            }
            at = self.dataset.get(i).parent.filter(|p| !self.is_whole(*p));
        }
        // A record without a name of its own is shown by its code.
        if def.display.is_none() && !code.is_empty() && !self.is_whole(id) {
            path.push(code.clone());
        }
        if path.is_empty() {
            path.push(name.clone());
        }
        Subject { level: def.name.clone(), code, name, path, group, group_order }
    }

    /// The instance a subject is grouped under in reports: its district (the topmost ancestor
    /// with a name of its own below the whole), or the subject itself.
    pub fn group_of(&self, id: InstanceId) -> InstanceId {
        let mut group = id;
        let mut at = Some(id);
        while let Some(i) = at {
            let inst = self.dataset.get(i);
            if self.model.entities[inst.entity].display.is_some_and(|f| matches!(inst.slots[f], Slot::Scalar(..))) {
                group = i;
            }
            at = inst.parent.filter(|p| !self.is_whole(*p));
        }
        group
    }

    fn key(&self, id: InstanceId) -> Option<String> {
        crate::eval::cases::key_of(self.model, self.dataset, id)
    }

    fn is_whole(&self, id: InstanceId) -> bool {
        let inst = self.dataset.get(id);
        inst.parent.is_none() && !self.model.entities[inst.entity].root
    }

    /// The code of the whole: the province part (first two digits) of its parts' codes.
    fn whole_code(&self, id: InstanceId) -> String {
        let mut parts = Vec::new();
        for child in self.dataset.children(id) {
            for grandchild in self.dataset.children(child) {
                if let Some(k) = self.key(grandchild) {
                    parts.push(k);
                }
            }
        }
        match parts.first() {
            Some(k) if k.len() >= 2 => format!("{}{}", &k[..2], "0".repeat(k.len() - 2)),
            _ => String::new(),
        }
    }

    fn trace(&self, t: &Trace) -> TraceView {
        TraceView {
            label: t.label.clone(),
            title: self.title_of(&t.label),
            value: t.value.clone(),
            location: t.location.map(|s| locate(self.sources, s)),
            inputs: t.inputs.iter().map(|i| self.trace(i)).collect(),
            omitted: t.omitted,
            sums: t.sums,
        }
    }

    /// The label for people of `entity.field`, `entity.metric` or `sum(entity: field)`.
    fn title_of(&self, label: &str) -> Option<String> {
        if let Some((func, fields)) = self.aggregate_fields(label) {
            return catalog::text(self.lang, &format!("agg.{func}"), &[("of", fields.join(" / "))]);
        }
        let (entity, name) = label.split_once('.')?;
        let e = self.model.entity(entity)?;
        if let Some(f) = self.model.entities[e].field(name) {
            return self.model.entities[e].fields[f].label.clone();
        }
        let m = self.model.metric(e, name)?;
        self.model.metrics[m].title.clone()
    }

    /// The function of an aggregate label (`ratio(community: a / b)`) and the names for people
    /// of the fields it aggregates (or of its scope, when it takes no field).
    fn aggregate_fields<'l>(&self, label: &'l str) -> Option<(&'l str, Vec<String>)> {
        let (func, rest) = label.split_once('(')?;
        let inner = rest.trim_end_matches(')');
        let (scope, field) = inner.split_once(": ").unwrap_or((inner, ""));
        if field.is_empty() {
            return Some((func, vec![scope.to_string()]));
        }
        let entity = self.model.entity(scope.split(", ").next().unwrap_or(scope));
        let label = |name: &str| {
            entity
                .and_then(|e| {
                    self.model.entities[e].field(name).and_then(|f| self.model.entities[e].fields[f].label.clone())
                })
                .unwrap_or_else(|| name.to_string())
        };
        Some((func, field.split(" / ").map(label).collect()))
    }

    /// The totals of a ratio of sums for people: (`x合计`, `y合计`).
    fn ratio_names(&self, label: &str) -> Option<(String, String)> {
        let (_, fields) = self.aggregate_fields(label)?;
        let [num, den] = fields.as_slice() else { return None };
        let total = |of: &String| catalog::text(self.lang, "agg.sum", &[("of", of.clone())]);
        Some((total(num)?, total(den)?))
    }

    fn explain(&self, v: &Verdict, view: &View) -> String {
        let lang = self.lang;
        let unit = view.unit.clone().unwrap_or_default();
        let what = view
            .trace
            .as_ref()
            .and_then(|t| t.title.clone().or(Some(t.label.clone())))
            .unwrap_or_else(|| view.rule.clone());
        let deadline = match &view.due {
            Some(d) => catalog::text(lang, "explain.by", &[("due", d.clone())]).unwrap_or_default(),
            None => String::new(),
        };
        // The inputs by name: one value as it is, several (an aggregate) as their total.
        let mut grouped: Vec<(String, Vec<Val>, usize)> = Vec::new();
        if let Some(t) = &view.trace {
            for i in &t.inputs {
                let name = i.title.clone().unwrap_or(i.label.clone());
                // A ratio of sums is explained by its two sums, not by the quotient.
                if let (Some((num, den)), Some(names)) = (i.sums, self.ratio_names(&i.label)) {
                    grouped.push((names.0, vec![Val::Num(num)], 0));
                    grouped.push((names.1, vec![Val::Num(den)], 0));
                    continue;
                }
                let Some(v) = &i.value else { continue };
                match grouped.iter_mut().find(|g| g.0 == name) {
                    Some(g) => g.1.push(v.clone()),
                    None => grouped.push((name, vec![v.clone()], 0)),
                }
            }
            if let Some(last) = grouped.last_mut() {
                last.2 = t.omitted;
            }
        }
        let inputs: Vec<String> = grouped
            .iter()
            .take(4)
            .map(|(name, values, omitted)| match values.as_slice() {
                [one] if *omitted == 0 => format!("{name} {}", shown(one)),
                many => {
                    let total: Option<Decimal> = many
                        .iter()
                        .map(|v| match v {
                            Val::Num(n) => Some(*n),
                            _ => None,
                        })
                        .sum();
                    let args = [
                        ("name", name.clone()),
                        ("count", (many.len() + omitted).to_string()),
                        ("total", total.map_or(String::new(), number)),
                    ];
                    let key = if total.is_some() && *omitted == 0 { "explain.total" } else { "explain.values" };
                    catalog::text(lang, key, &args).unwrap_or_default()
                }
            })
            .collect();
        let basis = if inputs.is_empty() {
            String::new()
        } else {
            let sep = catalog::text(lang, "list.separator", &[]).unwrap_or_default();
            catalog::text(lang, "explain.basis", &[("inputs", inputs.join(&sep))]).unwrap_or_default()
        };
        let args = vec![
            ("subject", view.subject.path.join(" › ")),
            ("what", what),
            ("actual", v.actual.as_ref().map_or(String::new(), shown)),
            ("unit", unit),
            ("op", v.op.map_or(String::new(), |op| op_word(op, lang))),
            ("threshold", v.threshold.as_ref().map_or(String::new(), shown)),
            ("deadline", deadline),
            ("path", v.path.map_or(String::new(), number)),
            ("basis", basis),
            ("fields", self.gaps(&v.gaps)),
        ];
        let key = match (v.status, v.op, v.path) {
            (Status::Behind, _, None) => "explain.behind_no_baseline".to_string(),
            (status, None, _) if matches!(status, Status::Pass | Status::Fail | Status::OnTrack | Status::Behind) => {
                format!("explain.{}_condition", status_word(status))
            }
            (status, _, _) => format!("explain.{}", status_word(status)),
        };
        catalog::text(lang, &key, &args).unwrap_or_default()
    }

    /// The fields an unknown verdict lacks, named for people.
    fn gaps(&self, gaps: &[Gap]) -> String {
        let mut names: Vec<String> = Vec::new();
        for g in gaps {
            let name = match g {
                Gap::Missing(i, f) | Gap::Null(i, f) => {
                    let e = &self.model.entities[self.dataset.get(*i).entity];
                    let who = self.key(*i).map_or(String::new(), |k| format!(" ({k})"));
                    format!("{}.{}{who}", e.name, e.fields[*f].name)
                }
                Gap::Undefined(_) => catalog::text(self.lang, "explain.undefined", &[]).unwrap_or_default(),
                Gap::Overflow(_) => catalog::text(self.lang, "explain.overflow", &[]).unwrap_or_default(),
            };
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let more = names.len().saturating_sub(5);
        let mut shown: Vec<String> = names.into_iter().take(5).collect();
        if more > 0 {
            shown.push(catalog::text(self.lang, "explain.more", &[("count", more.to_string())]).unwrap_or_default());
        }
        shown.join(", ")
    }
}

/// The first submitted value in a trace.
fn first_location(t: &TraceView) -> Option<Location> {
    t.location.clone().or_else(|| t.inputs.iter().find_map(first_location))
}

/// Verdicts grouped by district (in code order), the whole last.
pub fn groups(views: &[View]) -> Vec<(&str, Vec<&View>)> {
    let mut map: std::collections::BTreeMap<&(bool, String), (&str, Vec<&View>)> = std::collections::BTreeMap::new();
    for v in views {
        map.entry(&v.subject.group_order).or_insert_with(|| (v.subject.group.as_str(), Vec::new())).1.push(v);
    }
    map.into_values().collect()
}

/// Counts of statuses, in the order of `spec/cli.md`.
pub fn tally<'v>(views: impl Iterator<Item = &'v View>) -> [usize; 6] {
    let mut counts = [0; 6];
    for v in views {
        if let Some(i) = Status::ALL.iter().position(|(_, s)| *s == v.status) {
            counts[i] += 1;
        }
    }
    counts
}

/// Whether a verdict counts as a failure for the exit code.
pub fn is_failure(status: Status, strict: bool) -> bool {
    status == Status::Fail || (strict && matches!(status, Status::Behind | Status::Unknown))
}

/// A plain value for JSON: numbers rounded to four decimals.
pub fn json_value(v: &Val) -> serde_json::Value {
    match v {
        Val::Num(n) => {
            let r = n.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero).normalize();
            serde_json::from_str(&r.to_string()).unwrap_or(serde_json::Value::Null)
        }
        Val::Bool(b) => serde_json::Value::Bool(*b),
        Val::Text(t) => serde_json::Value::String(t.to_string()),
        Val::Date(d) => serde_json::Value::String(d.to_string()),
    }
}
