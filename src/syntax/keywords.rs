//! The keywords of the language in English and in Chinese. Both are accepted everywhere (the
//! grammar lists both forms); `plancheck fmt --keywords zh|en` writes a file in one of them. A
//! phrase of English (`applies to`) is one Chinese word (`适用于`).

/// Each keyword or phrase: English, Chinese.
pub const TABLE: &[(&str, &str)] = &[
    ("plan", "规划"),
    ("area", "领域"),
    ("department", "部门"),
    ("unit", "单位"),
    ("root", "根"),
    ("entity", "实体"),
    ("key", "主键"),
    ("display", "显示"),
    ("unique", "唯一"),
    ("optional", "可选"),
    ("list of", "列表"),
    ("enum", "枚举"),
    ("refers to", "指向"),
    ("once", "恰好一次"),
    ("metric", "指标"),
    ("rule", "规则"),
    ("consistency", "一致性"),
    ("en", "英文"),
    ("applies to", "适用于"),
    ("where", "其中"),
    ("require", "要求"),
    ("standing", "常态"),
    ("target by", "期限"),
    ("baseline", "基期"),
    ("in", "于"),
    ("for", "对于"),
    ("kind", "类型"),
    ("severity", "级别"),
    ("responsible", "责任"),
    ("lead", "牵头"),
    ("cite", "引用"),
    ("param", "参数"),
    ("from", "取自"),
    ("test", "测试"),
    ("given", "给定"),
    ("as of", "截至"),
    ("with", "设"),
    ("expect", "预期"),
    ("is", "为"),
    ("to", "至"),
    ("and", "且"),
    ("or", "或"),
    ("not", "非"),
    ("if", "如果"),
    ("then", "则"),
    ("else", "否则"),
    ("true", "真"),
    ("false", "假"),
    ("null", "空"),
    ("each", "每项"),
    ("sum", "合计"),
    ("count", "计数"),
    ("share", "占比"),
    ("min", "最小"),
    ("max", "最大"),
    ("any", "任一"),
    ("all", "全部"),
    ("ratio", "比率"),
];

/// The words of the fixed vocabularies after `kind`, `severity` and `expect … is`: English,
/// Chinese. The checker accepts both; `fmt` writes them in the file's form.
pub const VALUES: &[(&str, &str)] = &[
    ("binding", "约束性"),
    ("expected", "预期性"),
    ("error", "错误"),
    ("warning", "警告"),
    ("info", "提示"),
    ("pass", "达标"),
    ("fail", "未达标"),
    ("on_track", "进度正常"),
    ("behind", "进度落后"),
    ("unknown", "无法判断"),
    ("not_applicable", "不适用"),
];

/// The built-in type names: English, Chinese.
pub const TYPES: &[(&str, &str)] = &[
    ("count", "整数"),
    ("decimal", "小数"),
    ("percent", "百分比"),
    ("bool", "是否"),
    ("date", "日期"),
    ("text", "文本"),
    ("code", "代码"),
];

/// The keys of the plan header: English, Chinese.
pub const PLAN_KEYS: &[(&str, &str)] = &[
    ("en", "英文"),
    ("issuer", "印发机关"),
    ("number", "文号"),
    ("issued", "印发日期"),
    ("period", "规划期"),
    ("parts", "组成部分数"),
    ("part", "组成部分"),
    ("heading", "章节"),
    ("text", "全文"),
];

/// Which form of the keywords a file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Keywords {
    En,
    Zh,
}

impl Keywords {
    /// Whether `word` is the keyword `english`, in either form.
    pub fn is(word: &str, english: &'static str) -> bool {
        [Keywords::En, Keywords::Zh].iter().any(|k| k.word(english) == word)
    }

    /// The keyword `english` in this form.
    pub fn word(self, english: &'static str) -> &'static str {
        match self {
            Keywords::En => english,
            Keywords::Zh => TABLE.iter().find(|(en, _)| *en == english).map_or(english, |(_, zh)| zh),
        }
    }

    /// A word of `table` (`VALUES`, `TYPES`, `PLAN_KEYS`), written in either form, in this
    /// form; a word not in the table as it is.
    pub fn translate(self, table: &[(&str, &str)], word: &str) -> String {
        match (table.iter().find(|(en, zh)| *en == word || *zh == word), self) {
            (Some((en, _)), Keywords::En) => en.to_string(),
            (Some((_, zh)), Keywords::Zh) => zh.to_string(),
            (None, _) => word.to_string(),
        }
    }

    /// The form a file is written in: that of its first item's keyword.
    pub fn of(text: &str) -> Keywords {
        let first = text
            .lines()
            .map(str::trim_start)
            .find(|l| !l.is_empty() && !l.starts_with("//"))
            .and_then(|l| l.split_whitespace().next())
            .unwrap_or_default();
        if TABLE.iter().any(|(_, zh)| *zh == first) { Keywords::Zh } else { Keywords::En }
    }
}

/// The English form of a word of `table` written in either form (`合计` → `sum`); a word not
/// in the table as it is.
pub fn english<'w>(table: &[(&'w str, &'w str)], word: &'w str) -> &'w str {
    table.iter().find(|(_, zh)| *zh == word).map_or(word, |(en, _)| en)
}
