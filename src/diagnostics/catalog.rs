//! Message catalogs: all user-facing text of diagnostics, in Chinese and English, lives in
//! `locales/zh.txt` and `locales/en.txt` as `key = template` lines; `{name}` is replaced by
//! the diagnostic's argument of that name.

use std::sync::LazyLock;

use super::Lang;

pub const ZH: &str = include_str!("../../locales/zh.txt");
pub const EN: &str = include_str!("../../locales/en.txt");

static TABLES: LazyLock<[foldhash::HashMap<&'static str, String>; 2]> = LazyLock::new(|| [parse(ZH), parse(EN)]);

/// Parses a catalog file into its key → template table. Values are trimmed; write `\s` for
/// a space that must be kept at either end.
pub fn parse(text: &'static str) -> foldhash::HashMap<&'static str, String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim().replace("\\s", " ")))
        .collect()
}

/// The template for `key` in `lang`, falling back to English.
pub fn template(lang: Lang, key: &str) -> Option<&'static str> {
    let tables = &*TABLES;
    let index = match lang {
        Lang::Zh => 0,
        Lang::En => 1,
    };
    tables[index].get(key).or_else(|| tables[1].get(key)).map(String::as_str)
}

/// The text for `key` with `args` filled in; `None` if no catalog has the key.
pub fn text(lang: Lang, key: &str, args: &[(&str, String)]) -> Option<String> {
    template(lang, key).map(|t| fill(t, args))
}

fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn fills_named_arguments() {
        let args = [("name", "x".to_string())];
        assert_eq!(fill("unknown `{name}` {other}", &args), "unknown `x` {other}");
    }
}
