//! Reports of verdicts: one view of every verdict with all its texts resolved (subject,
//! requirement, explanation, trace with file locations), then one module per output format.

pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod names;
pub mod plan_catalog;
pub mod problems;
pub mod sarif;
pub mod tree;
pub mod write;

use std::sync::Arc;

use crate::check::model::{EntityId, FieldId, Kind, Model, RuleId, RuleSeverity, Status};
use crate::check::units::Unit;
use crate::data::instance::{Dataset, InstanceId, Scalar, Slot};
use crate::diagnostics::{Lang, catalog};
use crate::eval::blame::{Blame, Own, Quantity, Role, ToPass};
use crate::eval::verdict::Verdict;
use crate::eval::{Gap, Node, Trace, Val};
use crate::source::{SourceMap, Span};
use crate::syntax::ast::BinOp;
pub use names::{Names, derived, number, number_against, precise};

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
    /// The reporting year of its submission, where the run holds more than one year's: the
    /// code alone names the subject of each year.
    pub year: Option<i64>,
}

/// A place in a file, for people.
#[derive(Clone, Debug)]
pub struct Location {
    pub file: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
    pub span: Span,
}

/// A derivation node with its location resolved.
#[derive(Clone, Debug)]
pub struct TraceView {
    /// The node as written in the rules: `community.households`, `sum(community: households)`.
    pub label: Arc<str>,
    /// The field's or metric's name for people (`专职社区民警人数`).
    pub title: Arc<str>,
    pub value: Option<Val>,
    /// The unit of `value`, where it has one.
    pub unit: Option<Unit>,
    /// The record the value belongs to.
    pub instance: InstanceId,
    /// The field read, for a submitted value.
    pub field: Option<FieldId>,
    pub location: Option<Location>,
    pub inputs: Vec<TraceView>,
    pub omitted: usize,
    /// For a ratio of sums: the two sums, named for people, each shown with its unit.
    pub sums: Option<((String, String), (String, String))>,
}

/// A submitted value that decides a verdict, named for people.
#[derive(Clone, Debug)]
pub struct BlameView {
    /// The field's identifier (`community_officers`).
    pub input: String,
    /// The field's name for people.
    pub title: String,
    pub value: Option<Val>,
    /// The value with its unit, for people.
    pub shown: String,
    pub location: Option<Location>,
    pub role: Role,
    /// The record the value belongs to, when it is neither the verdict's subject nor a unit.
    pub record: Option<String>,
    /// For a unit of an aggregate: the unit and its own numbers.
    pub unit: Option<UnitView>,
}

/// The unit of an aggregate a blamed value belongs to.
#[derive(Clone, Debug)]
pub struct UnitView {
    pub id: InstanceId,
    /// Its name; where another unit blamed in the same verdict has the same name, with the
    /// record it is part of (`仁和园社区（双港镇）`), or its code where that is shared too.
    pub name: String,
    pub own: Option<Own>,
}

/// Where a target not yet due and not met stands on its way (`on_track`, `behind`).
#[derive(Clone, Debug)]
pub struct ProgressView {
    /// The value on the straight path from the baseline at the as-of date; `None` without a
    /// baseline.
    pub expected: Option<rust_decimal::Decimal>,
    pub baseline: Option<BaselineView>,
}

/// Where the path of a target starts: a value at a date, declared by the rules or taken from
/// the subject's earlier submission (`subject`, as `subjects` lists it).
#[derive(Clone, Debug)]
pub struct BaselineView {
    pub value: rust_decimal::Decimal,
    pub date: String,
    pub subject: Option<Subject>,
}

/// The smallest change of one input that would pass, named for people.
#[derive(Clone, Debug)]
pub struct ToPassView {
    /// The field's identifier, or the aggregate's label.
    pub input: String,
    pub title: String,
    pub from: Val,
    pub to: Val,
    /// The unit of `from` and `to`, as written in the rules.
    pub unit: Option<String>,
    /// The record that holds the value, where it is not the subject.
    pub record: Option<String>,
    /// Where the value to change is, for a value of another record or an item of a list.
    pub location: Option<Location>,
    /// Every value that would pass, where any of several words does (`to` is the first).
    pub one_of: Vec<Val>,
    /// The sentence that says it.
    pub sentence: String,
    /// Whether it is a total or a count of units, not one submitted value.
    pub whole: bool,
}

/// One verdict, ready to be written in any format.
#[derive(Clone, Debug)]
pub struct View {
    pub rule: String,
    /// The rule's title in the report's language.
    pub title: String,
    pub subject: Subject,
    pub status: Status,
    pub kind: Kind,
    pub severity: RuleSeverity,
    pub actual: Option<Val>,
    /// What `actual` is compared with.
    pub threshold: Option<Val>,
    pub requirement: Option<String>,
    /// The requirement of the verdict where it is not the one its rule is listed with at the
    /// subject's level (`rules[]` of the JSON report).
    pub own_requirement: Option<String>,
    /// The unit of the compared value.
    pub unit: Option<Unit>,
    pub due: Option<String>,
    /// The responsible departments in the report's language, lead first.
    pub departments: Vec<String>,
    pub section: String,
    pub quote: String,
    pub explanation: String,
    pub trace: Option<TraceView>,
    /// The values that decide a verdict that is not a pass, most decisive first.
    pub blame: Vec<BlameView>,
    /// Blamed values not listed.
    pub blame_more: usize,
    pub to_pass: Vec<ToPassView>,
    /// For a target not yet due and not met: its path.
    pub progress: Option<ProgressView>,
    /// The place in a submission the verdict is best pointed at: the most decisive value.
    pub location: Option<Location>,
    /// The rule in the rules files.
    pub rule_location: Location,
}

impl View {
    /// The number `actual` is compared with, where it is one.
    pub fn threshold_number(&self) -> Option<rust_decimal::Decimal> {
        match &self.threshold {
            Some(Val::Num(t)) => Some(*t),
            _ => None,
        }
    }
}

/// A rule as reports list it once: what it requires, by when, who answers for it, where the
/// plan says it.
#[derive(Clone, Debug)]
pub struct RuleView {
    pub id: String,
    pub title: String,
    pub kind: Kind,
    pub severity: RuleSeverity,
    /// `>= 40`, where the first level's requirement is a constant.
    pub requirement: Option<String>,
    pub unit: Option<String>,
    /// Of a rule judged at more than one level: each level with its requirement and unit
    /// (a district's coverage `>= 100` %, a community's own count `>= 1` 人).
    pub levels: Vec<LevelView>,
    pub due: Option<String>,
    pub departments: Vec<String>,
    /// Section and quote of each citation.
    pub sources: Vec<(String, String)>,
}

/// A level a rule judges, with its requirement and unit there.
#[derive(Clone, Debug)]
pub struct LevelView {
    pub level: String,
    pub requirement: Option<String>,
    pub unit: Option<String>,
}

/// The unit of a rule's compared value in its judgement `j`.
fn listed_unit(model: &Model, rule: RuleId, j: usize) -> Option<String> {
    let judgement = model.rules[rule].judgements.get(j)?;
    judgement.compared_unit(model).map(|u| u.to_string())
}

/// The requirement of a rule in its judgement `j`, as the rule is listed once, where it
/// compares with a constant: `>= 40`, `!= self`.
fn listed_requirement(model: &Model, rule: RuleId, j: usize) -> Option<String> {
    use crate::check::model::ExprKind;
    let judgement = model.rules[rule].judgements.get(j)?;
    let ExprKind::Binary(op, _, b) = &judgement.require.kind else { return None };
    let constant = match &b.kind {
        ExprKind::Number(n) => Val::Num(*n),
        ExprKind::Bool(v) => Val::Bool(*v),
        ExprKind::Text(t) => Val::Text(t.as_str().into()),
        ExprKind::Date(d) => Val::Date(*d),
        _ => return None,
    };
    op.is_comparison().then(|| format!("{} {}", op.symbol(), shown(&constant)))
}

/// The status as written in rules and JSON.
pub fn status_word(status: Status) -> &'static str {
    Status::ALL.iter().find(|(_, s)| *s == status).map_or("unknown", |(w, _)| w)
}

/// A status as people read it, in their language (`未达标`, `on track`); the machine formats
/// keep [`status_word`].
pub fn status_label(status: Status, lang: Lang) -> String {
    let word = status_word(status);
    catalog::text(lang, &format!("status.{word}"), &[]).unwrap_or_else(|| word.to_string())
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

/// How far a verdict is from passing, to show the worst units first: the shortfall relative to
/// the threshold for numbers, 1 for a yes/no that does not hold, ½ for what cannot be judged.
pub(crate) fn distance(v: &Verdict) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    match (&v.actual, &v.threshold) {
        (Some(crate::eval::Val::Num(a)), Some(crate::eval::Val::Num(t))) => {
            let (a, t) = (a.to_f64().unwrap_or(0.0), t.to_f64().unwrap_or(0.0));
            (t - a).abs() / t.abs().max(1e-9)
        }
        (Some(_), _) => 1.0,
        _ => 0.5,
    }
}

pub(crate) fn locate(sources: &SourceMap, span: Span) -> Location {
    let file = sources.get(span.file);
    let (line, column) = file.line_col(span.start as usize);
    Location { file: file.name.clone(), line, column, span }
}

/// Whether a change that would pass is one of the blamed value itself.
fn names_value(t: &ToPass, b: &Blame) -> bool {
    t.instance == b.instance
        && match t.quantity {
            Quantity::Field(f) | Quantity::Choice(f, _) => f == b.field,
            Quantity::Item(f, span) => f == b.field && b.span == Some(span),
            Quantity::Total(_) | Quantity::Units(_) => false,
        }
}

/// Builds the views of verdicts.
pub struct Viewer<'a> {
    pub model: &'a Model,
    pub dataset: &'a Dataset,
    pub sources: &'a SourceMap,
    pub lang: Lang,
    /// The derivation nodes named so far.
    nodes: names::NodeNames,
}

impl<'a> Viewer<'a> {
    pub fn new(model: &'a Model, dataset: &'a Dataset, sources: &'a SourceMap, lang: Lang) -> Self {
        Viewer { model, dataset, sources, lang, nodes: names::NodeNames::default() }
    }
}

impl Viewer<'_> {
    /// Names in the viewer's language.
    pub fn names(&self) -> Names<'_> {
        Names { model: self.model, lang: self.lang }
    }

    /// The requirement a verdict is judged by, as the rules write it (`>= 8`).
    fn requirement(&self, v: &Verdict) -> Option<String> {
        v.op.zip(v.threshold.as_ref()).map(|(op, t)| format!("{} {}", op.symbol(), shown(t)))
    }

    /// Whether every verdict of rule `r` is judged by a requirement the rule is listed with (a
    /// constant threshold, or none, at each level): no verdict of it says its own.
    pub fn listed_for_all(&self, r: RuleId) -> bool {
        let rule = &self.model.rules[r];
        let listed = |(i, j): (usize, &crate::check::model::Judgement)| {
            listed_requirement(self.model, r, i).is_some()
                || !matches!(&j.require.kind, crate::check::model::ExprKind::Binary(op, ..) if op.is_comparison())
        };
        rule.judgements.iter().enumerate().all(listed)
    }

    /// The requirement of a verdict where it is not the one its rule is listed with at the
    /// subject's level: a threshold computed from the data (the 4+N's households).
    pub fn own_requirement(&self, v: &Verdict) -> Option<String> {
        let level = self.dataset.get(v.subject).entity;
        let listed =
            self.model.rules[v.rule].judgement_of(level).and_then(|j| listed_requirement(self.model, v.rule, j));
        self.requirement(v).filter(|r| Some(r) != listed.as_ref())
    }

    pub fn view(&self, v: &Verdict) -> View {
        let names = self.names();
        let rule = &self.model.rules[v.rule];
        let subject = self.subject(v.subject);
        let requirement = self.requirement(v);
        // The value compared is in the unit of the verdict, whatever computes it.
        let trace = v.trace.as_ref().map(|t| {
            let mut t = self.trace(v.rule, t);
            t.unit = v.unit.as_deref().cloned().or(t.unit);
            t
        });
        let explained = v.explained.as_deref();
        let mut blame: Vec<BlameView> =
            explained.map(|e| e.blame.iter().map(|b| self.blame(b, v.subject)).collect()).unwrap_or_default();
        self.tell_apart(&mut blame);
        let to_pass =
            explained.map(|e| e.to_pass.iter().map(|t| self.to_pass(t, v.subject)).collect()).unwrap_or_default();
        // The first blamed value; else the first value the derivation reads — but not for an
        // `unknown`, whose derivation reads what is there, not what is missing (an unsupplied
        // parameter): then the subject's own record.
        let read = || trace.as_ref().filter(|_| v.status != Status::Unknown).and_then(first_location);
        let location = blame.iter().find_map(|b| b.location.clone()).or_else(read).or_else(|| {
            let span = self.dataset.get(v.subject).span;
            (span.end > 0).then(|| locate(self.sources, span))
        });
        let citation = rule.citations.first();
        let mut view = View {
            rule: rule.id.clone(),
            title: names.rule(v.rule),
            status: v.status,
            kind: rule.kind,
            severity: rule.severity,
            actual: v.actual.clone(),
            threshold: v.threshold.clone(),
            requirement,
            own_requirement: self.own_requirement(v),
            unit: v.unit.as_deref().cloned(),
            due: v.due.map(|d| d.to_string()),
            departments: rule.departments.iter().map(|&d| names.department(d)).collect(),
            section: citation.map_or(String::new(), |c| names.section(&c.section)),
            quote: citation.map_or(String::new(), |c| c.quote.clone()),
            explanation: String::new(),
            trace,
            blame,
            blame_more: explained.map_or(0, |e| e.more),
            to_pass,
            progress: matches!(v.status, Status::OnTrack | Status::Behind).then(|| ProgressView {
                expected: v.path,
                baseline: v.start.as_deref().map(|s| BaselineView {
                    value: s.value,
                    date: s.date.to_string(),
                    subject: s.from.map(|id| self.subject(id)),
                }),
            }),
            location,
            rule_location: locate(self.sources, rule.id_span),
            subject,
        };
        view.explanation = self.explain(v, &view);
        view
    }

    /// A rule as reports list it once.
    pub fn rule(&self, r: RuleId) -> RuleView {
        let names = self.names();
        let rule = &self.model.rules[r];
        RuleView {
            id: rule.id.clone(),
            title: names.rule(r),
            kind: rule.kind,
            severity: rule.severity,
            requirement: listed_requirement(self.model, r, 0),
            unit: listed_unit(self.model, r, 0),
            levels: match rule.judgements.len() {
                1 => Vec::new(),
                _ => (0..rule.judgements.len())
                    .map(|j| LevelView {
                        level: self.model.entities[rule.judgements[j].level].name.clone(),
                        requirement: listed_requirement(self.model, r, j),
                        unit: listed_unit(self.model, r, j),
                    })
                    .collect(),
            },
            due: match &rule.timing {
                crate::check::model::Timing::Target { due, .. } => Some(due.to_string()),
                crate::check::model::Timing::Standing => None,
            },
            departments: rule.departments.iter().map(|&d| names.department(d)).collect(),
            sources: rule.citations.iter().map(|c| (names.section(&c.section), c.quote.clone())).collect(),
        }
    }

    pub fn subject(&self, id: InstanceId) -> Subject {
        let inst = self.dataset.get(id);
        let def = &self.model.entities[inst.entity];
        let whole = self.is_whole(id);
        let code = self.code(id);
        let own = self.display_name(id);
        let name = own.clone().unwrap_or_else(|| self.names().entity(inst.entity));
        // The names from the subject up to its district (the topmost named ancestor below
        // the whole), then turned to read downwards.
        let mut path: Vec<String> = own.into_iter().collect();
        let mut top = (!path.is_empty()).then_some(id);
        let mut at = inst.parent.filter(|p| !self.is_whole(*p));
        while let Some(i) = at {
            if let Some(n) = self.display_name(i) {
                path.push(n);
                top = Some(i);
            }
            at = self.dataset.get(i).parent.filter(|p| !self.is_whole(*p));
        }
        path.reverse();
        let year = self.year_of(id);
        let mut group = path.first().cloned().unwrap_or_else(|| name.clone());
        let mut group_order = match top {
            Some(t) => (false, self.key(t).unwrap_or_default()),
            None => (whole, code.clone()),
        };
        if let Some(year) = year {
            let args = [("group", group), ("year", year.to_string())];
            group = catalog::text(self.lang, "report.group_year", &args).unwrap_or_default();
            group_order.1.push_str(&format!(":{year}"));
        }
        // A record without a name of its own is shown by its code.
        if def.display.is_none() && !code.is_empty() && !whole {
            path.push(code.clone());
        }
        if path.is_empty() {
            path.push(name.clone());
        }
        Subject { level: def.name.clone(), code, name, path, group, group_order, year }
    }

    /// A record's own name for people, shortened when it is absurdly long; `None` where its
    /// entity has no name field or it gives none.
    fn display_name(&self, id: InstanceId) -> Option<String> {
        let shown = |t: &str| crate::diagnostics::render::shortened(self.lang, t, NAME_CHARS);
        let inst = self.dataset.get(id);
        match &inst.slots[self.model.entities[inst.entity].display?] {
            Slot::Scalar(Scalar::Text(t), _) => Some(shown(t)),
            Slot::Scalar(s, _) => Some(shown(&crate::eval::Val::from(s).to_string())),
            _ => None,
        }
    }

    /// A subject's code (`subject.code` of cli.md): its key, the whole's code, or for a record
    /// without a key of its own `RECORD-ID@UNIT-CODE`. A code stays whole (it selects).
    fn code(&self, id: InstanceId) -> String {
        let inst = self.dataset.get(id);
        let def = &self.model.entities[inst.entity];
        let text = |inst_id: InstanceId, f: Option<usize>| -> Option<String> {
            match &self.dataset.get(inst_id).slots[f?] {
                Slot::Scalar(Scalar::Text(t), _) => Some(t.to_string()),
                Slot::Scalar(s, _) => Some(crate::eval::Val::from(s).to_string()),
                _ => None,
            }
        };
        match def.key {
            Some(k) => text(id, Some(k)).unwrap_or_default(),
            None if self.is_whole(id) => self.whole_code(id),
            None => {
                let first_text = def.fields.iter().position(|f| matches!(f.ty, crate::check::model::Ty::Text));
                let first_code = def.fields.iter().position(|f| matches!(f.ty, crate::check::model::Ty::Code(_)));
                let unit = text(id, first_code).or_else(|| inst.parent.and_then(|p| self.key(p)));
                match (text(id, first_text), unit) {
                    (Some(r), Some(u)) => format!("{r}@{u}"),
                    (Some(r), None) => r,
                    (None, u) => u.unwrap_or_default(),
                }
            }
        }
    }

    /// The reporting year of the submission `id` belongs to (a whole: that of its first part),
    /// where the run holds submissions of more than one year.
    fn year_of(&self, id: InstanceId) -> Option<i64> {
        let (model, dataset) = (self.model, self.dataset);
        if dataset.years.len() < 2 {
            return None;
        }
        let mut at = id;
        loop {
            if let Some(year) = crate::eval::whole::reporting_year(model, dataset, at) {
                return Some(year);
            }
            match dataset.get(at).parent {
                Some(parent) => at = parent,
                None => break,
            }
        }
        dataset.children(at).next().and_then(|part| crate::eval::whole::reporting_year(model, dataset, part))
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

    /// [`Viewer::group_of`] of every instance, found once for a report that groups many
    /// verdicts: indexed by instance.
    pub fn groups(&self) -> Vec<InstanceId> {
        (0..self.dataset.instances.len() as InstanceId).map(|i| self.group_of(i)).collect()
    }

    fn key(&self, id: InstanceId) -> Option<String> {
        crate::eval::key_of(self.model, self.dataset, id)
    }

    fn is_whole(&self, id: InstanceId) -> bool {
        crate::eval::whole::is_whole(self.model, self.dataset, id)
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

    fn trace(&self, rule: RuleId, t: &Trace) -> TraceView {
        let names = self.names();
        let entity = self.dataset.get(t.instance).entity;
        let (label, title, unit) = self.nodes.get(&names, rule, t, entity);
        let sums = t.sums.zip(names.ratio_sums(t)).map(|((n, d), ((nn, nu), (dn, du)))| {
            ((nn, self.value_text(&Val::Num(n), nu.as_ref())), (dn, self.value_text(&Val::Num(d), du.as_ref())))
        });
        TraceView {
            label,
            title,
            value: t.value.clone(),
            unit,
            instance: t.instance,
            field: match t.node {
                Node::Field(f) => Some(f),
                _ => None,
            },
            location: t.location.map(|s| locate(self.sources, s)),
            inputs: t.inputs.iter().map(|i| self.trace(rule, i)).collect(),
            omitted: t.omitted,
            sums,
        }
    }

    /// A derivation node's value for people: a number with its unit, with the digits that tell
    /// it from `threshold` where it is compared with one; a submitted value as
    /// [`Viewer::submitted_text`] shows it; yes/no in words.
    pub fn node_value(&self, t: &TraceView, threshold: Option<rust_decimal::Decimal>) -> String {
        match (&t.value, t.field) {
            (Some(Val::Num(n)), _) => self.names().quantity(&derived(*n, threshold).to_string(), t.unit.as_ref()),
            (Some(v), Some(f)) => self.submitted_text(v, self.dataset.get(t.instance).entity, f),
            (Some(v), None) => self.value_text(v, t.unit.as_ref()),
            (None, _) => "?".to_string(),
        }
    }

    /// The record a derivation node's value belongs to, named, where it is not that of the
    /// node above it (`above`) and has a name or code of its own: the community of each value
    /// a district's ratio reads, not the submission its reporting period is of.
    pub fn node_owner(&self, t: &TraceView, above: InstanceId) -> Option<String> {
        let owner = self.owner(t.instance);
        let named = self.display_name(owner).is_some() || self.key(owner).is_some();
        (named && owner != self.owner(above)).then(|| self.record_name(owner))
    }

    /// A value for people: numbers exactly as submitted, with their unit; yes/no in words.
    fn value_text(&self, v: &Val, unit: Option<&Unit>) -> String {
        match v {
            Val::Num(n) => self.names().quantity(&names::text(n.normalize()), unit),
            Val::Bool(b) => catalog::text(self.lang, if *b { "value.true" } else { "value.false" }, &[])
                .unwrap_or_else(|| b.to_string()),
            other => other.to_string(),
        }
    }

    /// A value of a field for people: in Chinese, an `enum` word by the name the rules give it
    /// (`镇` for `town`); any other value as [`Viewer::value_text`] shows it.
    fn field_value_text(&self, v: &Val, unit: Option<&Unit>, words: &[(String, String)]) -> String {
        // A word of an `enum`: its Chinese name, or in English the word in words.
        let named = match v {
            Val::Text(t) => words.iter().find(|(w, _)| **w == **t).map(|(w, l)| match self.lang {
                Lang::Zh => l.clone(),
                Lang::En => names::humane(w),
            }),
            _ => None,
        };
        named.unwrap_or_else(|| self.value_text(v, unit))
    }

    /// A value submitted in field `field` of an `entity` for people, with the field's unit.
    fn submitted_text(&self, v: &Val, entity: EntityId, field: FieldId) -> String {
        let unit = self.names().field_unit(entity, field);
        self.field_value_text(v, unit.as_ref(), &self.model.entities[entity].fields[field].words)
    }

    /// The names of the words of the `enum` field a verdict's requirement compares (none where
    /// it compares no such field).
    fn compared_words(&self, v: &Verdict) -> &[(String, String)] {
        let rule = &self.model.rules[v.rule];
        rule.judgement_of(self.dataset.get(v.subject).entity)
            .and_then(|j| rule.judgements[j].compared_field())
            .map_or(&[], |(entity, f)| &self.model.entities[entity].fields[f].words)
    }

    /// The items of a list of plain values for people (`[420, 410]`), the first few of them.
    fn list_text(&self, instance: InstanceId, field: usize) -> Option<String> {
        let Slot::Scalars(values, _) = &self.dataset.get(instance).slots[field] else { return None };
        let mut items: Vec<String> = values
            .iter()
            .take(LIST_SHOWN)
            .map(|(v, _)| v.as_ref().map_or("null".to_string(), |s| self.value_text(&Val::from(s), None)))
            .collect();
        if values.len() > LIST_SHOWN {
            items.push("…".to_string());
        }
        Some(format!("[{}]", items.join(", ")))
    }

    /// The record a value is shown under: the nearest record with a key or a name of its own
    /// (a community for its `qualitative` items).
    fn owner(&self, mut id: InstanceId) -> InstanceId {
        loop {
            let inst = self.dataset.get(id);
            let def = &self.model.entities[inst.entity];
            match inst.parent {
                Some(parent) if def.key.is_none() && def.display.is_none() => id = parent,
                _ => return id,
            }
        }
    }

    /// The name of a record for people: the last step of its path ([`Viewer::subject`]) —
    /// its own name; for a record of an entity without names, its code; else the name of its
    /// nearest named record; else its entity's name. Found without the rest of the path: blame
    /// names a record for each unit it lists.
    fn record_name(&self, id: InstanceId) -> String {
        if let Some(own) = self.display_name(id) {
            return own;
        }
        let inst = self.dataset.get(id);
        if self.model.entities[inst.entity].display.is_none() && !self.is_whole(id) {
            let code = self.code(id);
            if !code.is_empty() {
                return code;
            }
        }
        let mut at = inst.parent.filter(|p| !self.is_whole(*p));
        while let Some(i) = at {
            if let Some(name) = self.display_name(i) {
                return name;
            }
            at = self.dataset.get(i).parent.filter(|p| !self.is_whole(*p));
        }
        self.names().entity(inst.entity)
    }

    fn blame(&self, b: &Blame, subject: InstanceId) -> BlameView {
        let names = self.names();
        let entity = self.dataset.get(b.instance).entity;
        let shown = match (&b.value, b.role) {
            (Some(v), _) => self.submitted_text(v, entity, b.field),
            (None, Role::Null) => catalog::text(self.lang, "value.null", &[]).unwrap_or_default(),
            (None, Role::Missing) => catalog::text(self.lang, "value.missing", &[]).unwrap_or_default(),
            (None, Role::Decides | Role::Threshold) => self.list_text(b.instance, b.field).unwrap_or_default(),
        };
        let owner = self.owner(b.instance);
        let in_unit = b.unit.as_ref().is_some_and(|u| u.unit == b.instance || u.unit == owner);
        let own_record = owner == self.owner(subject);
        let title = match (&b.value, b.span) {
            (Some(_), Some(span)) => self.item_title(b.instance, b.field, span),
            _ => names.field(entity, b.field),
        };
        BlameView {
            input: self.model.entities[entity].fields[b.field].name.clone(),
            title,
            value: b.value.clone(),
            shown,
            location: b.span.map(|s| locate(self.sources, s)),
            role: b.role,
            record: (!own_record && !in_unit).then(|| self.record_name(owner)),
            unit: b.unit.as_ref().map(|u| UnitView { id: u.unit, name: self.record_name(u.unit), own: u.own }),
        }
    }

    /// Names the blamed units that share a name with another blamed unit by the record they
    /// are part of, or by their code where that is shared too.
    fn tell_apart(&self, blame: &mut [BlameView]) {
        let mut units: Vec<(InstanceId, String)> = Vec::new();
        for u in blame.iter().filter_map(|b| b.unit.as_ref()) {
            if !units.iter().any(|(id, _)| *id == u.id) {
                units.push((u.id, u.name.clone()));
            }
        }
        let alike = |names: &[(InstanceId, String)]| -> Vec<bool> {
            names.iter().map(|(id, n)| names.iter().any(|(other, m)| other != id && m == n)).collect()
        };
        let mut names = units.clone();
        for (i, alike) in alike(&names).into_iter().enumerate() {
            if alike && let Some(parent) = self.dataset.get(units[i].0).parent {
                names[i].1 = self.within(&units[i].1, &self.record_name(parent));
            }
        }
        for (i, alike) in alike(&names).into_iter().enumerate() {
            if alike {
                names[i].1 = self.within(&units[i].1, &self.subject(units[i].0).code);
            }
        }
        for u in blame.iter_mut().filter_map(|b| b.unit.as_mut()) {
            if let Some((_, name)) = names.iter().find(|(id, _)| *id == u.id) {
                u.name.clone_from(name);
            }
        }
    }

    /// A name with what tells it apart: `仁和园社区（双港镇）`.
    fn within(&self, name: &str, within: &str) -> String {
        catalog::text(self.lang, "unit.within", &[("name", name.to_string()), ("within", within.to_string())])
            .unwrap_or_else(|| name.to_string())
    }

    fn to_pass(&self, t: &ToPass, subject: InstanceId) -> ToPassView {
        let names = self.names();
        let entity = self.dataset.get(t.instance).entity;
        let (input, title, unit) = match &t.quantity {
            Quantity::Field(f) | Quantity::Choice(f, _) => {
                let name = self.model.entities[entity].fields[*f].name.clone();
                (name, names.field(entity, *f), names.field_unit(entity, *f))
            }
            Quantity::Item(f, span) => {
                let name = self.model.entities[entity].fields[*f].name.clone();
                (name, self.item_title(t.instance, *f, *span), names.field_unit(entity, *f))
            }
            Quantity::Total(input) => {
                let (label, title) = names.input_named(*input);
                let title = catalog::text(self.lang, "agg.sum", &[("of", title)]).unwrap_or_default();
                (format!("sum({label})"), title, names.input_unit(*input))
            }
            Quantity::Units(parts) => (format!("count({})", names.units_label(parts)), names.units(parts), None),
        };
        let owner = self.owner(t.instance);
        let record = (owner != self.owner(subject)).then(|| self.record_name(owner));
        let what = match &record {
            Some(record) => format!("{record} {title}"),
            None => title.clone(),
        };
        // The place of a value the change alone does not say: one of another record (a unit)
        // or an item of a list. The subject's own field is its `input`, placed in the blame.
        let span = match t.quantity {
            Quantity::Field(f) | Quantity::Choice(f, _) if record.is_some() => {
                self.dataset.get(t.instance).slots[f].span()
            }
            Quantity::Item(_, span) => Some(span),
            Quantity::Field(_) | Quantity::Choice(..) | Quantity::Total(_) | Quantity::Units(_) => None,
        };
        let text = |v: &Val| match &t.quantity {
            Quantity::Choice(f, _) => self.submitted_text(v, entity, *f),
            _ => self.value_text(v, unit.as_ref()),
        };
        let mut args = vec![("what", what), ("from", text(&t.from)), ("to", text(&t.to))];
        // Any of several words passes: `应为居民协商管理、轮值轮管或其他`.
        let one_of: Vec<Val> = match &t.quantity {
            Quantity::Choice(_, words) if words.len() > 1 => words.iter().map(|w| Val::Text(w.clone())).collect(),
            _ => Vec::new(),
        };
        if !one_of.is_empty() {
            let shown: Vec<String> = one_of.iter().map(text).collect();
            let (last, rest) = shown.split_last().map_or((String::new(), &[][..]), |(l, r)| (l.clone(), r));
            let sep = catalog::text(self.lang, "list.separator", &[]).unwrap_or_default();
            let or = catalog::text(self.lang, "list.or", &[]).unwrap_or_default();
            args[2].1 = format!("{}{or}{last}", rest.join(&sep));
        }
        let key = match (&t.quantity, &t.from, &t.to) {
            (quantity, Val::Num(from), Val::Num(to)) => {
                let diff = to.checked_sub(*from).map_or(String::new(), |d| names::text(d.abs().normalize()));
                args.push(("diff", names.quantity(&diff, unit.as_ref())));
                match (to > from, quantity) {
                    (true, Quantity::Units(_)) => "topass.units",
                    (false, Quantity::Units(_)) => "topass.units_fewer",
                    (true, _) => "topass.raise",
                    (false, _) => "topass.lower",
                }
            }
            _ => "topass.flip",
        };
        ToPassView {
            input,
            title,
            from: t.from.clone(),
            to: t.to.clone(),
            unit: unit.filter(|u| !u.is_one()).map(|u| u.to_string()),
            record,
            location: span.map(|s| locate(self.sources, s)),
            sentence: catalog::text(self.lang, key, &args).unwrap_or_default(),
            whole: !matches!(t.quantity, Quantity::Field(_) | Quantity::Item(..) | Quantity::Choice(..)),
            one_of,
        }
    }

    /// The name of field `field` of `instance` for people; for an item of a list, the one at
    /// `span`, with its place in the list (`各月已探访人数第6项`: which month, which grid).
    fn item_title(&self, instance: InstanceId, field: FieldId, span: Span) -> String {
        let title = self.names().field(self.dataset.get(instance).entity, field);
        match &self.dataset.get(instance).slots[field] {
            Slot::Scalars(items, _) => match items.iter().position(|(_, at)| *at == span) {
                Some(i) => {
                    let args = [("title", title), ("n", (i + 1).to_string())];
                    catalog::text(self.lang, "explain.item", &args).unwrap_or_default()
                }
                None => title,
            },
            _ => title,
        }
    }

    /// `name value` of a blamed value, with its record where that is not the subject.
    fn named(&self, b: &BlameView) -> String {
        match &b.record {
            Some(r) => format!("{r} {} {}", b.title, b.shown),
            None => format!("{} {}", b.title, b.shown),
        }
    }

    /// The first few blamed values of one role that belong to no unit, named.
    fn listed(&self, blame: &[BlameView], role: Role) -> Vec<String> {
        blame.iter().filter(|b| b.role == role && b.unit.is_none()).take(4).map(|b| self.named(b)).collect()
    }

    fn explain(&self, v: &Verdict, view: &View) -> String {
        let lang = self.lang;
        let names = self.names();
        let text = |key: &str, args: &[(&str, String)]| catalog::text(lang, key, args).unwrap_or_default();
        let sep = text("list.separator", &[]);
        let unit = v.unit.as_deref();
        let threshold_number = match &v.threshold {
            Some(Val::Num(n)) => Some(*n),
            _ => None,
        };
        let quantity = |n: &str| names.quantity(n, unit);
        let actual_number = match &v.actual {
            Some(Val::Num(n)) => Some(*n),
            _ => None,
        };
        let actual = match &v.actual {
            Some(Val::Num(n)) => quantity(&number_against(*n, threshold_number)),
            Some(other) => self.field_value_text(other, unit, self.compared_words(v)),
            None => String::new(),
        };
        let threshold =
            v.threshold.as_ref().map_or(String::new(), |t| self.field_value_text(t, unit, self.compared_words(v)));
        let what = view.trace.as_ref().map_or_else(|| view.title.clone(), |t| t.title.to_string());
        let deadline = match &view.due {
            Some(d) => text("explain.by", &[("due", d.clone())]),
            None => String::new(),
        };
        // The values the verdict turns on: the decisive ones, else a ratio's two sums.
        let mut inputs = self.listed(&view.blame, Role::Decides);
        if inputs.is_empty()
            && let Some(((nn, n), (dn, d))) = view.trace.as_ref().and_then(sums_of)
        {
            inputs.push(format!("{nn} {n}"));
            inputs.push(format!("{dn} {d}"));
        }
        // A pass has no blame: the submitted values its derivation reads say what it rests on,
        // each with its unit (`view.trace` is made from `v.trace` node for node). Nor has a
        // subject ruled out by what it lacks (no villages): the values its condition reads,
        // submitted or not, say why.
        let ruled_out = v.status == Status::NotApplicable && view.blame.is_empty() && v.gaps.is_empty();
        if inputs.is_empty() && (v.status == Status::Pass || ruled_out) {
            let raw = v.trace.iter().flat_map(|t| &t.inputs);
            let read =
                raw.zip(view.trace.iter().flat_map(|t| &t.inputs)).filter(|(_, i)| ruled_out || i.location.is_some());
            inputs.extend(read.take(4).filter_map(|(raw, i)| {
                let value = i.value.as_ref()?;
                let shown = match raw.node {
                    Node::Field(f) => self.submitted_text(value, self.dataset.get(raw.instance).entity, f),
                    _ => self.value_text(value, None),
                };
                Some(format!("{} {shown}", i.title))
            }));
        }
        // What would pass, as the explanation says it: for the whole where it can, else value
        // by value. Where it names every deciding value with its present value, the values are
        // not listed twice. (`view.to_pass` is made from `explained.to_pass` one for one, in
        // order: an index names the same change in both.)
        let whole = view.to_pass.iter().any(|t| t.whole);
        let said: Vec<usize> =
            (0..view.to_pass.len()).filter(|&i| view.to_pass[i].whole || !whole).take(UNITS_SHOWN).collect();
        let said_all = v.status != Status::NotApplicable
            && v.explained.as_deref().is_some_and(|e| {
                let said = |b: &Blame| said.iter().filter_map(|&i| e.to_pass.get(i)).any(|t| names_value(t, b));
                let mut deciding = e.blame.iter().filter(|b| b.role == Role::Decides && b.unit.is_none()).peekable();
                deciding.peek().is_some() && deciding.all(said)
            });
        let basis = match inputs.is_empty() || said_all {
            true => String::new(),
            false => text("explain.basis", &[("inputs", inputs.join(&sep))]),
        };
        let args = vec![
            ("subject", view.subject.path.join(" › ")),
            ("what", what),
            ("actual", actual),
            ("op", v.op.map_or(String::new(), |op| op_word(op, lang))),
            ("threshold", threshold),
            ("deadline", deadline),
            // The path with the digits it takes not to contradict the status (on track: at or
            // above it; behind: below).
            ("path", v.path.map_or(String::new(), |p| quantity(&number_against(p, actual_number)))),
            ("baseline", v.start.as_deref().map_or(String::new(), |s| self.start(s, &quantity))),
            ("basis", basis),
            // Where a subject is ruled out, the condition it does not meet (`户数不低于500户`).
            ("condition", if v.status == Status::NotApplicable { self.condition_words(v) } else { String::new() }),
        ];
        let word = matches!(v.op, Some(BinOp::Eq | BinOp::Ne)) && !matches!(v.actual, Some(Val::Num(_)));
        let key = match (v.status, v.op, v.path) {
            (Status::Behind, Some(_), None) => "explain.behind_no_baseline".to_string(),
            // A word is not short of another: it is not the one required.
            (Status::Fail, Some(_), _) if word => "explain.fail_is".to_string(),
            (status, None, _) if matches!(status, Status::Pass | Status::Fail | Status::OnTrack | Status::Behind) => {
                format!("explain.{}_condition", status_word(status))
            }
            (status, _, _) => format!("explain.{}", status_word(status)),
        };
        if v.status == Status::Unknown {
            return self.unknown(v, view);
        }
        if v.status == Status::NotApplicable && !v.gaps.is_empty() {
            return self.zero_divisor(view);
        }
        let mut out = text(&key, &args);
        // Where the threshold comes from.
        let from = self.listed(&view.blame, Role::Threshold);
        if !from.is_empty() {
            out.push_str(&text("explain.threshold_from", &[("inputs", from.join(&sep))]));
        }
        // A default is a reading of the plan's words, not its figure: say so, and how to change it.
        let rule = &self.model.rules[v.rule];
        for (i, value) in v.explained.iter().flat_map(|e| &e.defaults) {
            let Some(p) = rule.params.get(*i) else { continue };
            let unit = (!p.unit.is_one()).then_some(&p.unit);
            let args = [
                ("name", p.name.clone()),
                ("value", names.quantity(&number(*value), unit)),
                ("description", p.description.clone().unwrap_or_default()),
            ];
            out.push_str(&text("explain.param_default", &args));
        }
        // A value given for this run is not the rules': say so, with the rules' own.
        for (i, value) in v.explained.iter().flat_map(|e| &e.given) {
            let Some(p) = rule.params.get(*i) else { continue };
            let unit = (!p.unit.is_one()).then_some(&p.unit);
            let default = p.default.map_or_else(
                || text("explain.param_no_default", &[]),
                |d| text("explain.param_rules_default", &[("default", names.quantity(&number(d), unit))]),
            );
            let args =
                [("name", p.name.clone()), ("value", names.quantity(&number(*value), unit)), ("default", default)];
            out.push_str(&text("explain.param_given", &args));
        }
        // The units that fall short, each with its own numbers.
        let mut units: Vec<(&UnitView, String)> = Vec::new();
        for b in &view.blame {
            let Some(unit) = &b.unit else { continue };
            let figure = match unit.own {
                Some((n, Some(d))) => format!("{}/{}", n.normalize(), d.normalize()),
                _ => format!("{} {}", b.title, b.shown),
            };
            match units.iter_mut().find(|(u, _)| u.id == unit.id) {
                Some((_, figures)) if unit.own.is_none() => {
                    figures.push_str(&sep);
                    figures.push_str(&figure);
                }
                Some(_) => {}
                None => units.push((unit, figure)),
            }
        }
        if !units.is_empty() {
            let shown: Vec<String> = units.iter().take(UNITS_SHOWN).map(|(u, f)| format!("{} {f}", u.name)).collect();
            let mut list = shown.join(&sep);
            // Where the blame counts its units, the blame cut short may hide none of them.
            let more = match v.explained.as_ref().map_or(0, |e| e.units) {
                0 => units.len().saturating_sub(UNITS_SHOWN) + usize::from(view.blame_more > 0),
                all => all.saturating_sub(UNITS_SHOWN.min(units.len())),
            };
            if more > 0 {
                list.push_str(&text("explain.units_more", &[]));
            }
            let key = match (v.status, v.explained.as_ref().is_some_and(|e| e.contributions)) {
                (Status::NotApplicable, _) => "explain.units_out",
                (_, true) => "explain.contributions",
                _ => "explain.units",
            };
            out.push_str(&text(key, &[("units", list)]));
        }
        let changes: Vec<&str> = said.iter().map(|&i| view.to_pass[i].sentence.as_str()).collect();
        if !changes.is_empty() && v.status != Status::NotApplicable {
            let joined = changes.join(&text("list.clauses", &[]));
            out.push_str(&text("explain.to_pass", &[("changes", joined)]));
        }
        out
    }

    /// Where a target's path starts: the baseline the rules declare, or the subject's value in
    /// its earlier submission (of the reporting year of its date), with its date.
    fn start(&self, s: &crate::eval::verdict::Start, quantity: &dyn Fn(&str) -> String) -> String {
        let mut args = vec![("value", quantity(&number(s.value))), ("date", s.date.to_string())];
        // A submission's date is within its reporting year (E1301 otherwise).
        let key = match s.from {
            Some(_) => {
                args.push(("year", s.date.year.to_string()));
                "explain.baseline_submitted"
            }
            None => "explain.baseline_declared",
        };
        catalog::text(self.lang, key, &args).unwrap_or_default()
    }

    /// The parts a whole was judged without, by name and code.
    fn parts_missing(&self, whole: InstanceId) -> String {
        let members = self.model.plan.as_ref().map_or(&[][..], |p| p.members.as_slice());
        let missing = self.dataset.incomplete.iter().find(|(w, _)| *w == whole).map_or(&[][..], |(_, m)| m.as_slice());
        let named = |m: &crate::check::model::PartInfo| {
            let args = [("name", m.name.clone()), ("code", m.code.clone())];
            catalog::text(self.lang, "explain.part_name", &args).unwrap_or_default()
        };
        let names: Vec<String> = missing.iter().filter_map(|&i| members.get(i)).map(named).collect();
        let args = [
            ("count", missing.len().to_string()),
            ("parts", members.len().to_string()),
            ("names", names.join(&catalog::text(self.lang, "list.separator", &[]).unwrap_or_default())),
        ];
        catalog::text(self.lang, "explain.parts_missing", &args).unwrap_or_default()
    }

    /// A parameter no one gave, and both ways to give it.
    fn unsupplied(&self, rule: RuleId, index: usize) -> String {
        let Some(p) = self.model.rules[rule].params.get(index) else { return String::new() };
        let param = ("param", p.name.clone());
        match p.source {
            Some((e, f)) => {
                let names = self.names();
                let args = [param, ("field", names.field(e, f)), ("record", names.entity(e)), ("name", p.name.clone())];
                catalog::text(self.lang, "explain.unsupplied_from", &args)
            }
            None => catalog::text(self.lang, "explain.unsupplied", &[param]),
        }
        .unwrap_or_default()
    }

    /// Why there is nothing to judge: the divisor that is zero, by the values it is made of
    /// (a total named once, with the count of values it sums).
    fn zero_divisor(&self, view: &View) -> String {
        let text = |key: &str, args: &[(&str, String)]| catalog::text(self.lang, key, args).unwrap_or_default();
        let mut titles: Vec<(String, usize)> = Vec::new();
        for b in view.blame.iter().filter(|b| b.role == Role::Decides) {
            match titles.iter_mut().find(|(t, _)| *t == b.title) {
                Some((_, n)) => *n += 1,
                None => titles.push((b.title.clone(), 1)),
            }
        }
        let divisors: Vec<String> = titles
            .into_iter()
            .map(|(title, n)| match n + view.blame_more {
                1 => title,
                n => text("explain.zero_total", &[("name", title), ("count", n.to_string())]),
            })
            .collect();
        let subject = ("subject", view.subject.path.join(" › "));
        match divisors.is_empty() {
            true => text("explain.zero_divisor_unnamed", &[subject]),
            false => text("explain.zero_divisor", &[subject, ("divisor", divisors.join(&text("list.separator", &[])))]),
        }
    }

    /// The condition of application of a verdict's rule at its subject's level, in words
    /// (`户数（常住户）不低于500户`), where every part of it is a yes/no field or compares a
    /// field or metric with a number; empty otherwise (a condition said in part would mislead).
    fn condition_words(&self, v: &Verdict) -> String {
        use crate::check::model::{Expr, ExprKind, Step};
        let names = self.names();
        let rule = &self.model.rules[v.rule];
        let level = self.dataset.get(v.subject).entity;
        let Some(condition) = rule.judgement_of(level).and_then(|j| rule.judgements[j].condition.as_ref()) else {
            return String::new();
        };
        // A field or metric, named, with its unit.
        let named = |e: &Expr| match &e.kind {
            ExprKind::Value(steps) => match steps.last() {
                Some(Step::Field(entity, f)) => Some((names.field(*entity, *f), names.field_unit(*entity, *f))),
                _ => None,
            },
            ExprKind::Metric(_, m) => Some((names.metric(*m), self.model.metrics[*m].unit.clone())),
            _ => None,
        };
        let part = |what: String, op: BinOp, value: String| {
            let args = [("what", what), ("op", op_word(op, self.lang)), ("value", value)];
            catalog::text(self.lang, "explain.condition_part", &args).unwrap_or_default()
        };
        // A yes/no value: `是否经济薄弱村为是`.
        let is = |what: String, yes: bool| {
            let args = [("what", what), ("value", self.value_text(&Val::Bool(yes), None))];
            catalog::text(self.lang, "explain.condition_is", &args).unwrap_or_default()
        };
        let mut parts = Vec::new();
        let mut pending = vec![condition];
        while let Some(e) = pending.pop() {
            let said = match &e.kind {
                ExprKind::Binary(BinOp::And, a, b) => {
                    pending.extend([&**b, &**a]);
                    continue;
                }
                ExprKind::Binary(op, a, b) if op.is_comparison() => match (named(a), &b.kind) {
                    (Some((what, unit)), ExprKind::Number(n)) => {
                        Some(part(what, *op, self.value_text(&Val::Num(*n), unit.as_ref())))
                    }
                    _ => None,
                },
                ExprKind::Not(inner) => named(inner).map(|(what, _)| is(what, false)),
                _ => named(e).map(|(what, _)| is(what, true)),
            };
            match said {
                Some(said) => parts.push(said),
                None => return String::new(),
            }
        }
        let separator = catalog::text(self.lang, "list.separator", &[]).unwrap_or_default();
        catalog::text(self.lang, "explain.applies_where", &[("conditions", parts.join(&separator))]).unwrap_or_default()
    }

    /// Why a verdict is `unknown`: the fields it lacks, each with its record (from its blame,
    /// else from its gaps when it was not explained), and what could not be computed.
    fn unknown(&self, v: &Verdict, view: &View) -> String {
        let text = |key: &str, args: &[(&str, String)]| catalog::text(self.lang, key, args).unwrap_or_default();
        let mut fields: Vec<String> = Vec::new();
        let mut reasons: Vec<String> = Vec::new();
        let add = |list: &mut Vec<String>, name: String| {
            if !list.contains(&name) {
                list.push(name);
            }
        };
        for b in view.blame.iter().filter(|b| matches!(b.role, Role::Missing | Role::Null)) {
            add(&mut fields, b.record.as_ref().map_or(b.title.clone(), |r| format!("{} ({r})", b.title)));
        }
        for g in &v.gaps {
            match g {
                Gap::Missing(..) | Gap::Null(..) if !view.blame.is_empty() => {}
                Gap::Missing(i, f) | Gap::Null(i, f) => {
                    let entity = self.dataset.get(*i).entity;
                    add(&mut fields, format!("{} ({})", self.names().field(entity, *f), self.record_name(*i)));
                }
                Gap::Undefined(_) | Gap::ZeroDivisor(..) => add(&mut reasons, text("explain.undefined", &[])),
                Gap::Overflow(_) => add(&mut reasons, text("explain.overflow", &[])),
                Gap::Unsupplied(i) => add(&mut reasons, self.unsupplied(v.rule, *i)),
                Gap::PartsMissing(whole) => add(&mut reasons, self.parts_missing(*whole)),
            }
        }
        let sep = text("list.separator", &[]);
        let more = fields.len().saturating_sub(UNITS_SHOWN);
        fields.truncate(UNITS_SHOWN);
        if more > 0 {
            fields.push(text("explain.more", &[("count", more.to_string())]));
        }
        let subject = ("subject", view.subject.path.join(" › "));
        let because = reasons.join(&sep);
        match (fields.is_empty(), reasons.is_empty()) {
            (true, _) => text("explain.unknown_because", &[subject, ("reasons", because)]),
            (false, true) => {
                text("explain.unknown", &[subject, ("fields", fields.join(&sep)), ("also", String::new())])
            }
            (false, false) => {
                let also = text("explain.unknown_also", &[("reasons", because)]);
                text("explain.unknown", &[subject, ("fields", fields.join(&sep)), ("also", also)])
            }
        }
    }
}

/// The most characters of a submitted name shown (`text.shortened` counts the rest).
const NAME_CHARS: usize = 100;

/// Units that fall short named in an explanation (all are in `blame`).
const UNITS_SHOWN: usize = 5;

/// Items of a blamed list shown.
const LIST_SHOWN: usize = 12;

/// The two sums of the ratio a derivation turns on, if it turns on one.
fn sums_of(t: &TraceView) -> Option<((String, String), (String, String))> {
    t.sums.clone().or_else(|| t.inputs.iter().find_map(sums_of))
}

/// The first submitted value in a trace.
fn first_location(t: &TraceView) -> Option<Location> {
    t.location.clone().or_else(|| t.inputs.iter().find_map(first_location))
}

/// Whether a verdict counts as a failure for the exit code.
pub fn is_failure(status: Status, strict: bool) -> bool {
    status == Status::Fail || (strict && matches!(status, Status::Behind | Status::Unknown))
}
