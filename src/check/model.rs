//! The checked rule set: declarations with resolved names, and expressions compiled to an IR
//! whose every reference is an index, so evaluation never looks a name up again.

use rust_decimal::Decimal;

use crate::check::units::{Unit, UnitTable};
use crate::data::instance::Date;
use crate::source::Span;
use crate::syntax::ast;

pub type EntityId = usize;
pub type FieldId = usize;
pub type MetricId = usize;
pub type RuleId = usize;
pub type DepartmentId = usize;

/// Everything `check` learned from the rules.
#[derive(Debug, Default)]
pub struct Model {
    pub plan: Option<PlanInfo>,
    pub areas: Vec<AreaInfo>,
    pub departments: Vec<DepartmentInfo>,
    pub units: UnitTable,
    pub entities: Vec<EntityDef>,
    pub metrics: Vec<MetricDef>,
    pub rules: Vec<RuleDef>,
    pub tests: Vec<TestDef>,
    /// Consistency checks of submitted data, run before the rules.
    pub consistency: Vec<ConsistencyDef>,
    /// Metrics in an order where each comes after everything it reads.
    pub metric_order: Vec<MetricId>,
}

impl Model {
    pub fn entity(&self, name: &str) -> Option<EntityId> {
        self.entities.iter().position(|e| e.name == name)
    }

    pub fn rule(&self, id: &str) -> Option<RuleId> {
        self.rules.iter().position(|r| r.id == id)
    }

    pub fn department(&self, name: &str) -> Option<DepartmentId> {
        self.departments.iter().position(|d| d.name == name)
    }

    pub fn metric(&self, entity: EntityId, name: &str) -> Option<MetricId> {
        self.metrics.iter().position(|m| m.entity == entity && m.name == name)
    }

    /// The identifier of a field or metric of `entity` written in a formula by the Chinese
    /// name the model gives it (a field's label, a metric's title: `社区民警数` for
    /// `community_officers`), so that a rule can read as the plan does. A name that is an
    /// identifier already, or that names no one field or metric, is given back as it is.
    pub fn identifier(&self, entity: EntityId, name: &str) -> String {
        if self.entities[entity].field(name).is_some() || self.metric(entity, name).is_some() {
            return name.to_string();
        }
        let fields = self.entities[entity].fields.iter().filter(|f| f.label.as_deref() == Some(name)).map(|f| &f.name);
        let metrics =
            self.metrics.iter().filter(|m| m.entity == entity && m.title.as_deref() == Some(name)).map(|m| &m.name);
        let mut found = fields.chain(metrics);
        match (found.next(), found.next()) {
            (Some(one), None) => one.clone(),
            _ => name.to_string(),
        }
    }
}

/// One of the parts the whole area of the plan is made of (a district of the city).
#[derive(Debug, Clone)]
pub struct PartInfo {
    /// The code of the part's record (a district's administrative code).
    pub code: String,
    pub name: String,
    pub span: Span,
}

/// The plan header.
#[derive(Debug, Clone)]
pub struct PlanInfo {
    pub title: String,
    pub english: Option<String>,
    pub issuer: Option<String>,
    pub number: Option<String>,
    pub issued: Option<String>,
    pub period: Option<(u16, u16)>,
    /// How many submissions make the whole area of the plan (`parts 16`: Tianjin's districts);
    /// the whole (全市) is judged on exactly one submission of each part for one year, and is
    /// `unknown` with fewer.
    pub parts: Option<usize>,
    /// The parts by code and name (`part 120101 "和平区"`), where the header lists them: the
    /// whole names the parts it lacks.
    pub members: Vec<PartInfo>,
    /// Headings of the plan's text with their English names (`heading "重点任务" "Key
    /// tasks"`), for the sections of citations in English reports.
    pub headings: Vec<Heading>,
    /// The plan's full text, for citation checks and coverage.
    pub text: Option<String>,
    pub span: Span,
}

/// A heading of the plan and its English name.
#[derive(Debug, Clone)]
pub struct Heading {
    pub zh: String,
    pub en: String,
    pub span: Span,
}

impl PlanInfo {
    /// A citation's section (`重点任务 › 着力增加城乡社区服务供给`) with each heading in English
    /// where the plan names it.
    pub fn english_section(&self, section: &str) -> String {
        section
            .split('›')
            .map(|part| {
                let part = part.trim();
                let same = |h: &&Heading| super::rules::normalize(&h.zh) == super::rules::normalize(part);
                self.headings.iter().find(same).map_or(part, |h| h.en.as_str())
            })
            .collect::<Vec<_>>()
            .join(" › ")
    }
}

#[derive(Debug, Clone)]
pub struct AreaInfo {
    pub name: String,
    pub title: String,
    pub english: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct DepartmentInfo {
    pub name: String,
    pub english: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EntityDef {
    pub name: String,
    pub title: Option<String>,
    pub english: Option<String>,
    pub doc: Vec<String>,
    /// A root entity is what one submission file holds.
    pub root: bool,
    pub fields: Vec<FieldDef>,
    pub key: Option<FieldId>,
    pub display: Option<FieldId>,
    /// Sets of fields no two records of one submission may share (`unique a, b`); the key is
    /// unique too, without being listed here.
    pub unique: Vec<Vec<FieldId>>,
    /// The date the record's data is as of (a `date` field `as_of`), resolved once by the
    /// checker so that evaluation looks no name up.
    pub as_of: Option<FieldId>,
    /// The year the record reports on (a `count` field `reporting_year`).
    pub reporting_year: Option<FieldId>,
    pub span: Span,
}

impl EntityDef {
    /// Its name as messages about submissions show it: the title (`城市社区（居委会）`) in
    /// Chinese, the English name in lower case in English (`urban community`, for the middle of
    /// a sentence), the identifier where the rules give neither.
    pub fn names(&self) -> (&str, String) {
        let english = self.english.as_deref().unwrap_or(&self.name);
        (self.title.as_deref().unwrap_or(&self.name), lower_first(english))
    }
}

/// A name for the middle of a sentence: its first letter in lower case.
pub fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or(String::new(), |c| c.to_lowercase().chain(chars).collect())
}

impl EntityDef {
    pub fn field(&self, name: &str) -> Option<FieldId> {
        self.fields.iter().position(|f| f.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct FieldDef {
    pub name: String,
    /// The first doc-comment line: the field's label for people (`户数（常住户）`).
    pub label: Option<String>,
    pub ty: Ty,
    /// The names for people of the words of an `enum` field (or a list of them) that the
    /// rules give one: `("town", "镇")`.
    pub words: Vec<(String, String)>,
    pub nullable: bool,
    /// A submission may leave the field out: its absence is no error, and the verdicts that
    /// need it are `unknown`.
    pub optional: bool,
    /// The entities whose keys the field's codes are (`refers to`), and whether each of their
    /// records must be named exactly once in a submission (`once`).
    pub refers: Option<(Vec<EntityId>, bool)>,
    pub span: Span,
}

/// The type of a declared field.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Count(Unit),
    Decimal(Unit),
    Percent,
    Bool,
    Date,
    Text,
    /// An administrative code of digits, of a fixed length if given.
    Code(Option<u32>),
    Enum(Vec<String>),
    Record(EntityId),
    List(Box<Ty>),
}

impl Ty {
    /// The type of the items of a list; any other type itself.
    pub fn item(&self) -> &Ty {
        match self {
            Ty::List(item) => item,
            ty => ty,
        }
    }

    /// The unit of a field's numbers (`%` for a percentage); `None` for what is not a number.
    pub fn unit(&self) -> Option<Unit> {
        match self {
            Ty::Count(u) | Ty::Decimal(u) => Some(u.clone()),
            Ty::Percent => Some(Unit::named(crate::check::units::PERCENT)),
            _ => None,
        }
    }

    /// The entity a field of this type leads to (directly or as list elements).
    pub fn child_entity(&self) -> Option<(EntityId, bool)> {
        match self {
            Ty::Record(e) => Some((*e, false)),
            Ty::List(inner) => match **inner {
                Ty::Record(e) => Some((e, true)),
                _ => None,
            },
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct MetricDef {
    pub entity: EntityId,
    pub name: String,
    pub title: Option<String>,
    pub doc: Vec<String>,
    pub unit: Option<Unit>,
    pub value_type: ValueType,
    pub expr: Expr,
    pub span: Span,
}

/// The type of a computed value.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueType {
    /// A number; `literal` numbers without a unit adopt the unit of what they meet.
    Number {
        unit: Unit,
        literal: bool,
    },
    Bool,
    Date,
    Text,
    Enum(Vec<String>),
    List(Box<ValueType>),
    Record(EntityId),
    /// Already reported; suppresses follow-on errors.
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Binding,
    Expected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSeverity {
    Error,
    Warning,
    Info,
}

/// Where a target started: a figure of one level (of every level, for a rule of one level) at
/// the end of a year. A subject of another level has no baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub value: Decimal,
    pub unit: Unit,
    pub year: u16,
    pub level: Option<EntityId>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Timing {
    Standing,
    Target { due: Date, baseline: Option<Baseline> },
}

#[derive(Debug, Clone)]
pub struct Citation {
    pub section: String,
    pub quote: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ParamDef {
    pub name: String,
    /// The value when neither `--param` nor the submitted field gives one; `None` for a fact
    /// from outside the plan (a national rate): then the verdicts that need it are `unknown`.
    pub default: Option<Decimal>,
    /// The submitted field whose value, where given, replaces the default.
    pub source: Option<(EntityId, usize)>,
    pub unit: Unit,
    pub description: Option<String>,
    pub span: Span,
    /// Where its unit is written: its default (`1 个`), or the unit after `:`.
    pub unit_span: Span,
}

/// How a rule is judged on one kind of subject.
#[derive(Debug, Clone)]
pub struct Judgement {
    pub level: EntityId,
    pub condition: Option<Expr>,
    pub require: Expr,
}

impl Judgement {
    /// The unit of the value the requirement compares, where it is a metric or a field.
    pub fn compared_unit(&self, model: &Model) -> Option<Unit> {
        let unit = match &self.compared()?.kind {
            ExprKind::Metric(_, m) => model.metrics[*m].unit.clone(),
            _ => self.compared_field().and_then(|(entity, f)| model.entities[entity].fields[f].ty.unit()),
        }?;
        (!unit.is_one()).then_some(unit)
    }

    /// The submitted field the requirement compares, where its compared side is one.
    pub fn compared_field(&self) -> Option<(EntityId, FieldId)> {
        match &self.compared()?.kind {
            ExprKind::Value(steps) => match steps.last() {
                Some(Step::Field(entity, f)) => Some((*entity, *f)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The compared side of a requirement that is a comparison.
    pub fn compared(&self) -> Option<&Expr> {
        match &self.require.kind {
            ExprKind::Binary(op, a, _) if op.is_comparison() => Some(a),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct RuleDef {
    pub id: String,
    pub area: Option<usize>,
    pub title: String,
    pub english: Option<String>,
    pub doc: Vec<String>,
    pub judgements: Vec<Judgement>,
    pub timing: Timing,
    pub kind: Kind,
    pub severity: RuleSeverity,
    /// Responsible departments, lead first.
    pub departments: Vec<DepartmentId>,
    pub citations: Vec<Citation>,
    pub params: Vec<ParamDef>,
    pub span: Span,
    /// The rule's id where it is declared.
    pub id_span: Span,
    /// `applies to …` and `require …` as written (canonical layout), for catalogs.
    pub applies_text: String,
    pub require_text: String,
}

impl RuleDef {
    /// The index of the judgement the rule makes of subjects at `level`, where it judges them.
    pub fn judgement_of(&self, level: EntityId) -> Option<usize> {
        self.judgements.iter().position(|j| j.level == level)
    }
}

/// A check that submitted data agrees with itself (a part not larger than its whole …).
#[derive(Debug, Clone)]
pub struct ConsistencyDef {
    pub id: String,
    pub title: String,
    pub english: Option<String>,
    pub judgements: Vec<Judgement>,
    /// `error` makes the submission unusable; `warning` only reports.
    pub severity: RuleSeverity,
    pub span: Span,
    /// Where the requirement compares two values: each side as written (`sum(grid_households:
    /// each)`, `households`), so that a finding can show what it compared.
    pub sides: Option<[String; 2]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    OnTrack,
    Behind,
    Unknown,
    NotApplicable,
}

impl Status {
    pub const ALL: [(&'static str, Status); 6] = [
        ("pass", Status::Pass),
        ("fail", Status::Fail),
        ("on_track", Status::OnTrack),
        ("behind", Status::Behind),
        ("unknown", Status::Unknown),
        ("not_applicable", Status::NotApplicable),
    ];
}

#[derive(Debug, Clone)]
pub struct Expectation {
    pub rule: RuleId,
    pub status: Status,
    /// `for "CODE"`: the key of the subject meant.
    pub subject: Option<String>,
    pub subject_span: Option<Span>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TestDef {
    pub name: String,
    pub entity: EntityId,
    pub record: ast::Record,
    pub as_of: Option<String>,
    pub params: Vec<(String, String)>,
    pub expectations: Vec<Expectation>,
    pub span: Span,
}

/// A compiled expression, with the span it came from.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// The expressions this one is made of, in order (a metric's body is not among them).
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Not(x) | ExprKind::Neg(x) => vec![x],
            ExprKind::Binary(_, a, b) => vec![a, b],
            ExprKind::If(c, a, b) => vec![c, a, b],
            ExprKind::Call(_, args) => args.iter().collect(),
            ExprKind::Aggregate(_, parts) => parts.iter().flat_map(|p| p.value.iter().chain(&p.filter)).collect(),
            _ => Vec::new(),
        }
    }

    /// The expression written at `span`, here or in the metrics this one reads.
    pub fn find<'a>(&'a self, model: &'a Model, span: Span) -> Option<&'a Expr> {
        if self.span == span {
            return Some(self);
        }
        if let ExprKind::Metric(_, m) = &self.kind {
            return model.metrics[*m].expr.find(model, span);
        }
        self.children().into_iter().find_map(|c| c.find(model, span))
    }
}

/// One step from the current subject to a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Up to the nearest enclosing subject of this entity.
    Up(EntityId),
    /// Into a field of the current record.
    Field(EntityId, FieldId),
}

/// Where an aggregate gathers its elements.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// Every descendant of this entity below the current subject.
    Descendants(EntityId),
    /// The elements of a list field reached by these steps.
    List(Vec<Step>, Option<EntityId>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    RoundHalfUp,
    Abs,
    /// `starts_with(text, prefix)`.
    StartsWith,
    /// `present(field)`: the field is given and not null.
    Present,
    /// `months(from, to)`: calendar months from one date to another, both included.
    Months,
    /// `year(date)`: the calendar year of a date.
    Year,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A number as written, exactly.
    Number(Decimal),
    Bool(bool),
    Text(String),
    Date(Date),
    Value(Vec<Step>),
    Metric(Vec<Step>, MetricId),
    Param(usize),
    Each,
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(ast::BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Function, Vec<Expr>),
    Aggregate(ast::AggFn, Vec<AggPart>),
}

/// One scope of an aggregate with its value and filter compiled for that scope's elements.
#[derive(Debug, Clone)]
pub struct AggPart {
    pub scope: Scope,
    pub value: Option<Expr>,
    pub filter: Option<Expr>,
}
