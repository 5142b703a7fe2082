//! Message catalogs: all user-facing text of diagnostics, in Chinese and English, lives in
//! `locales/zh.txt` and `locales/en.txt` as `key = template` lines; `{name}` is replaced by
//! the diagnostic's argument of that name.

use std::sync::LazyLock;

use super::Lang;

pub const ZH: &str = include_str!("../../locales/zh.txt");
pub const EN: &str = include_str!("../../locales/en.txt");

static TABLES: LazyLock<[foldhash::HashMap<&'static str, Template>; 2]> =
    LazyLock::new(|| [ZH, EN].map(|text| parse(text).into_iter().map(|(k, v)| (k, Template::new(&v))).collect()));

/// Parses a catalog file into its key → template table (`key = value`; `key =` for an empty
/// value). Values are trimmed; write `\s` for a space that must be kept at either end.
pub fn parse(text: &'static str) -> foldhash::HashMap<&'static str, String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim().replace("\\s", " ")))
        .collect()
}

/// The text for `key` with `args` filled in, in `lang` (else in English); `None` if no
/// catalog has the key.
pub fn text(lang: Lang, key: &str, args: &[(&str, String)]) -> Option<String> {
    let tables = &*TABLES;
    let index = match lang {
        Lang::Zh => 0,
        Lang::En => 1,
    };
    tables[index].get(key).or_else(|| tables[1].get(key)).map(|t| t.fill(args))
}

/// A template split once at its `{name}` holes (reports fill some hundred thousand).
struct Template {
    pieces: Vec<Piece>,
    /// The length of its text without the holes.
    len: usize,
}

enum Piece {
    Text(String),
    Hole(String),
}

impl Template {
    fn new(template: &str) -> Template {
        let mut pieces = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else { break };
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            pieces.push(Piece::Hole(after[..close].to_string()));
            rest = &after[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        let len = pieces.iter().map(|p| if let Piece::Text(t) = p { t.len() } else { 0 }).sum();
        Template { pieces, len }
    }

    /// The text with each hole filled by the argument of its name; a hole no argument names
    /// stays as it is written.
    fn fill(&self, args: &[(&str, String)]) -> String {
        let mut out = String::with_capacity(self.len + args.iter().map(|(_, v)| v.len()).sum::<usize>());
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Hole(name) => match args.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                },
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Template;

    #[test]
    fn fills_named_arguments() {
        let args = [("name", "x".to_string())];
        assert_eq!(Template::new("unknown `{name}` {other}").fill(&args), "unknown `x` {other}");
        assert_eq!(Template::new("{name}{name}, {unclosed").fill(&args), "xx, {unclosed");
        assert_eq!(Template::new("").fill(&args), "");
    }
}
