//! The abstract syntax tree of a `.rules` file. Every node carries the [`Span`] it was parsed
//! from; names are kept as written (resolution happens in `check`).

use crate::source::Span;

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A string literal: its unescaped value and the span of the whole literal (quotes included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

/// A number with an optional unit, as written: `300 m²`, `18 人/万人`, `0`.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// The digits as written (underscores removed), kept exact for decimal arithmetic.
    pub number: String,
    pub unit: Option<UnitExpr>,
    pub span: Span,
}

/// A unit expression: a numerator and zero or more divisors, `m²/百户`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitExpr {
    pub parts: Vec<Name>,
    pub span: Span,
}

impl UnitExpr {
    /// The unit as written in canonical form, `人/万人`.
    pub fn text(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("/")
    }
}

/// A `YYYY-MM-DD` date as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateLit {
    pub text: String,
    pub span: Span,
}

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// `///` doc comment lines directly above the item, without the slashes.
    pub doc: Vec<String>,
    pub kind: ItemKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Plan(Plan),
    Area(Area),
    Department(Department),
    Unit(UnitDecl),
    Entity(Entity),
    Metric(Metric),
    Rule(Rule),
    Test(Test),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub title: Str,
    pub clauses: Vec<PlanClause>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlanClause {
    pub key: Name,
    pub value: PlanValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PlanValue {
    Str(Str),
    Number(String, Span),
    Date(DateLit),
    Period {
        from: u16,
        to: u16,
        span: Span,
    },
    /// `heading "重点任务" "Key tasks"`: a heading of the plan and its English name.
    Heading {
        zh: Str,
        en: Str,
    },
    /// `part 120101 "和平区"`: a code and a name.
    Part {
        code: String,
        code_span: Span,
        name: Str,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    pub name: Name,
    pub title: Str,
    pub english: Option<Str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Department {
    pub name: Name,
    pub english: Option<Str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UnitDecl {
    pub name: Name,
    /// `= 10000 人`: a scaled unit defined from others.
    pub definition: Option<Quantity>,
    pub description: Option<Str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    pub root: bool,
    pub name: Name,
    pub title: Option<Str>,
    pub english: Option<Str>,
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub doc: Vec<String>,
    pub kind: MemberKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MemberKind {
    Field(Field),
    Key(Name),
    Display(Name),
    /// `unique a, b`: no two records of one submission share these values.
    Unique(Vec<Name>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: Name,
    pub ty: TypeExpr,
    /// A submission may leave the field out.
    pub optional: bool,
    /// `refers to a, b [once]`: the codes it holds name records of these entities.
    pub refers: Option<Refers>,
}

/// The entities a field's codes name, and whether each of their records is named exactly once.
#[derive(Clone, Debug, PartialEq)]
pub struct Refers {
    pub entities: Vec<Name>,
    pub once: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub nullable: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// `count 人`, `decimal m²`, `code(12)`, `bool`, or an entity name.
    Named {
        name: Name,
        size: Option<u32>,
        unit: Option<UnitExpr>,
    },
    List(Box<TypeExpr>),
    Enum(Vec<EnumWord>),
}

/// A value of an `enum`: its word, and its name for people where the rules give one
/// (`town "镇"`).
#[derive(Clone, Debug, PartialEq)]
pub struct EnumWord {
    pub word: Name,
    pub label: Option<Str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    pub entity: Name,
    pub name: Name,
    pub title: Option<Str>,
    pub unit: Option<UnitExpr>,
    pub expr: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// A consistency check of submitted data (`consistency …`) rather than an obligation.
    pub consistency: bool,
    pub id: Name,
    pub title: Str,
    pub english: Option<Str>,
    pub clauses: Vec<Clause>,
    /// The span of the closing `}`, where a missing clause is reported.
    pub close: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub doc: Vec<String>,
    pub kind: ClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClauseKind {
    Applies {
        entities: Vec<Name>,
        condition: Option<Expr>,
    },
    Require(Expr),
    Standing,
    Target {
        due: DateLit,
        baseline: Option<Baseline>,
    },
    Kind(Name),
    Severity(Name),
    Responsible(Vec<DepartmentRef>),
    Cite {
        section: Str,
        quote: Str,
    },
    /// `param NAME = DEFAULT [from ENTITY.FIELD] ["description"]`
    Param {
        name: Name,
        /// The default, or `None` when the parameter has only a unit (`: %`): a fact the plan
        /// takes from outside, which must be submitted or given, never invented.
        default: Option<Quantity>,
        /// The unit written without a default.
        unit: Option<UnitExpr>,
        source: Option<Vec<Name>>,
        description: Option<Str>,
    },
}

impl ClauseKind {
    /// The keyword that starts the clause.
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::Applies { .. } => "applies",
            ClauseKind::Require(_) => "require",
            ClauseKind::Standing => "standing",
            ClauseKind::Target { .. } => "target",
            ClauseKind::Kind(_) => "kind",
            ClauseKind::Severity(_) => "severity",
            ClauseKind::Responsible(_) => "responsible",
            ClauseKind::Cite { .. } => "cite",
            ClauseKind::Param { .. } => "param",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    pub value: Quantity,
    pub year: u16,
    /// The level the figure was measured for (`for city`).
    pub level: Option<Name>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DepartmentRef {
    pub name: Name,
    /// Written with `(lead)` / `(牵头)`.
    pub lead: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    pub name: Str,
    pub clauses: Vec<TestClause>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TestClause {
    pub doc: Vec<String>,
    pub kind: TestClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TestClauseKind {
    Given { entity: Name, record: Record },
    AsOf(DateLit),
    With { param: Name, value: Quantity },
    Expect { rule: Name, status: Name, subject: Option<Str> },
}

impl TestClauseKind {
    /// The keyword that starts the clause.
    pub fn keyword(&self) -> &'static str {
        match self {
            TestClauseKind::Given { .. } => "given",
            TestClauseKind::AsOf(_) => "as of",
            TestClauseKind::With { .. } => "with",
            TestClauseKind::Expect { .. } => "expect",
        }
    }
}

/// A literal record in a test: `{ households: 500, streets: [ … ] }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub entries: Vec<(Name, Value)>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Record(Record),
    List(Vec<Value>, Span),
    Str(Str),
    Date(DateLit),
    Number(String, Span),
    Bool(bool, Span),
    Null(Span),
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Record(r) => r.span,
            Value::List(_, s) | Value::Number(_, s) | Value::Bool(_, s) | Value::Null(s) => *s,
            Value::Str(s) => s.span,
            Value::Date(d) => d.span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(self, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AggFn {
    Sum,
    Count,
    Share,
    Min,
    Max,
    Any,
    All,
    Ratio,
}

impl AggFn {
    pub fn name(self) -> &'static str {
        match self {
            AggFn::Sum => "sum",
            AggFn::Count => "count",
            AggFn::Share => "share",
            AggFn::Min => "min",
            AggFn::Max => "max",
            AggFn::Any => "any",
            AggFn::All => "all",
            AggFn::Ratio => "ratio",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Quantity(Quantity),
    Bool(bool),
    Str(String),
    Date(String),
    /// `households`, `district.urban_resident_population`, `legal_services.notary_access`.
    Path(Vec<Name>),
    /// The current element inside an aggregate over a list of plain values.
    Each,
    Paren(Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Name, Vec<Expr>),
    Aggregate(Box<Aggregate>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    pub func: AggFn,
    pub func_span: Span,
    /// What is aggregated over: entity names or paths to list fields.
    pub scope: Vec<Vec<Name>>,
    /// `: expr`, the value taken from each element.
    pub value: Option<Expr>,
    /// `where expr`, the filter.
    pub filter: Option<Expr>,
}

/// A tree's debug form with every span blanked out: two trees of the same shape mean the same,
/// wherever they were written (formatting moves every node). The round-trip tests and the fuzz
/// targets compare trees with it.
pub fn shape(tree: &impl std::fmt::Debug) -> String {
    let text = format!("{tree:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Span { file: ") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        rest = rest[at..].split_once('}').map_or("", |(_, after)| after);
    }
    out.push_str(rest);
    out
}
