//! The registry of diagnostic codes: one entry per kind of problem. Codes are stable; a code
//! is never reused for another problem. `docs/diagnostics.md` documents each one (a test keeps
//! the two in step) and `locales/*.txt` hold their messages.

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One registered code.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    /// A short kebab-case name, used in fixture file names.
    pub name: &'static str,
    pub severity: Severity,
}

macro_rules! codes {
    ($($id:ident $code:literal $name:literal $sev:ident;)*) => {
        /// Every diagnostic code, in the order of `docs/diagnostics.md`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($id,)* }

        pub const CODES: &[CodeInfo] = &[
            $(CodeInfo { code: $code, name: $name, severity: Severity::$sev },)*
        ];

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$id,)*];

            pub fn info(self) -> &'static CodeInfo {
                &CODES[self as usize]
            }
        }
    };
}

codes! {
    SyntaxError           "E0001" "syntax-error"            Error;
    UnclosedDelimiter     "E0002" "unclosed-delimiter"      Error;
    UnexpectedDelimiter   "E0003" "unexpected-delimiter"    Error;
    UnterminatedString    "E0004" "unterminated-string"     Error;
    InvalidLiteral        "E0005" "invalid-literal"         Error;
    NotUtf8               "E0006" "not-utf8"                Error;
    UnknownName           "E0101" "unknown-name"            Error;
    UnknownEntity         "E0102" "unknown-entity"          Error;
    UnknownDepartment     "E0103" "unknown-department"      Error;
    UnknownRule           "E0104" "unknown-rule"            Error;
    UnknownUnit           "E0105" "unknown-unit"            Error;
    UnknownFunction       "E0106" "unknown-function"        Error;
    UnknownArea           "E0107" "unknown-area"            Error;
    UnknownWord           "E0108" "unknown-word"            Error;
    UnknownType           "E0109" "unknown-type"            Error;
    DuplicateDefinition   "E0110" "duplicate-definition"    Error;
    NotReachable          "E0111" "not-reachable"           Error;
    NeedsAggregate        "E0112" "needs-aggregate"         Error;
    UnknownParam          "E0113" "unknown-param"           Error;
    TypeMismatch          "E0201" "type-mismatch"           Error;
    WrongArity            "E0202" "wrong-arity"             Error;
    NotACondition         "E0203" "not-a-condition"         Error;
    InvalidAggregate      "E0204" "invalid-aggregate"       Error;
    BadTestValue          "E0205" "bad-test-value"          Error;
    UnitMismatch          "E0301" "unit-mismatch"           Error;
    MetricUnitMismatch    "E0302" "metric-unit-mismatch"    Error;
    BadUnitDefinition     "E0303" "bad-unit-definition"     Error;
    MissingClause         "E0401" "missing-clause"          Error;
    DuplicateClause       "E0402" "duplicate-clause"        Error;
    BadRuleId             "E0403" "bad-rule-id"             Error;
    LeadNotFirst          "E0404" "lead-not-first"          Error;
    QuoteNotInPlan        "E0405" "quote-not-in-plan"       Error;
    SectionNotInPlan      "E0406" "section-not-in-plan"     Error;
    ConflictingTiming     "E0407" "conflicting-timing"      Error;
    DuplicateDepartment   "E0408" "duplicate-department"    Error;
    ClauseNotAllowed      "E0409" "clause-not-allowed"      Error;
    BaselineLevel         "E0410" "baseline-level"          Error;
    MetricCycle           "E0501" "metric-cycle"            Error;
    ContainmentCycle      "E0502" "containment-cycle"       Error;
    IncompleteTest        "E0601" "incomplete-test"         Error;
    AmbiguousSubject      "E0602" "ambiguous-subject"       Error;
    UnknownSubject        "E0603" "unknown-subject"         Error;
    PlanHeader            "E0701" "plan-header"             Error;
    PlanTextUnreadable    "E0702" "plan-text-unreadable"    Error;
    JsonSyntax            "E1001" "json-syntax"             Error;
    YamlSyntax            "E1002" "yaml-syntax"             Error;
    CsvSyntax             "E1003" "csv-syntax"              Error;
    FileTooLarge          "E1004" "file-too-large"          Error;
    TooDeep               "E1005" "too-deep"                Error;
    AliasLimit            "E1006" "alias-limit"             Error;
    Undecodable           "E1007" "undecodable"             Error;
    DuplicateKey          "E1008" "duplicate-key"           Error;
    MissingField          "E1101" "missing-field"           Error;
    WrongType             "E1102" "wrong-type"              Error;
    OutOfRange            "E1103" "out-of-range"            Error;
    InvalidFormat         "E1104" "invalid-format"          Error;
    UnknownEnumValue      "E1105" "unknown-enum-value"      Error;
    NullNotAllowed        "E1106" "null-not-allowed"        Error;
    MissingColumn         "E1107" "missing-column"          Error;
    DuplicateKeyValue     "E1201" "duplicate-key-value"     Error;
    Inconsistent          "E1301" "inconsistent"            Error;
    DuplicateSubmission   "E1302" "duplicate-submission"    Error;
    BadReference          "E1303" "bad-reference"           Error;
    UnmatchedRecord       "E1304" "unmatched-record"        Error;
    OrphanRow             "E1401" "orphan-row"              Error;
    NoTables              "E1402" "no-tables"               Error;
    NotASubmission        "E1403" "not-a-submission"        Error;
    EmptyParentTable      "E1404" "empty-parent-table"      Error;
    MissingTable          "E1405" "missing-table"           Error;
    UnusedMetric          "W0101" "unused-metric"           Warning;
    RuleWithoutTest       "W0201" "rule-without-test"       Warning;
    TestedOneWay          "W0202" "tested-one-way"          Warning;
    DueAfterPeriod        "W0301" "due-after-period"        Warning;
    BaselineAfterDue      "W0302" "baseline-not-before-due" Warning;
    PercentScale          "W0303" "percent-scale"           Warning;
    UntranslatedHeading   "W0401" "heading-without-english" Warning;
    UnknownField          "W1101" "unknown-field"           Warning;
    Implausible           "W1301" "implausible"             Warning;
    UnknownTable          "W1401" "unknown-table"           Warning;
}

impl Code {
    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn severity(self) -> Severity {
        self.info().severity
    }
}
