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

/// Which form of the keywords a file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Keywords {
    En,
    Zh,
}

impl Keywords {
    /// The keyword `english` in this form.
    pub fn word(self, english: &'static str) -> &'static str {
        match self {
            Keywords::En => english,
            Keywords::Zh => TABLE.iter().find(|(en, _)| *en == english).map_or(english, |(_, zh)| zh),
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

/// The English keyword of a word in either form (`合计` → `sum`).
pub fn english(word: &str) -> &str {
    TABLE.iter().find(|(_, zh)| *zh == word).map_or(word, |(en, _)| en)
}
