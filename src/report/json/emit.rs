//! JSON written by hand into a buffer, for the report's hot path (a verdict per line, passes by
//! the hundred thousand): strings escaped eight bytes at a time ([`crate::scan`]), objects with their commas,
//! numbers as `serde_json` writes them (the bytes are the same).

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::eval::Val;

/// Writes `s` as a JSON string: `"`, `\` and control characters escaped as `serde_json`
/// escapes them, everything else (Chinese included) as it is.
#[inline]
pub fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    while let Some(at) = crate::scan::json_special(bytes, start) {
        out.extend_from_slice(&bytes[start..at]);
        escape(out, bytes[at]);
        start = at + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

fn escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let short = match b {
        b'"' => b'"',
        b'\\' => b'\\',
        b'\n' => b'n',
        b'\r' => b'r',
        b'\t' => b't',
        0x08 => b'b',
        0x0c => b'f',
        _ => {
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', short]);
}

/// Writes a value as plain JSON: a number rounded to four decimals (an integer without a
/// point), a truth value, a text or a date as a string; `null` for none.
pub fn value(out: &mut Vec<u8>, v: Option<&Val>) {
    match v {
        None => out.extend_from_slice(b"null"),
        Some(Val::Num(n)) => number(out, *n),
        Some(Val::Bool(b)) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Some(Val::Text(t)) => string(out, t),
        Some(Val::Date(d)) => string(out, &d.to_string()),
    }
}

/// A number rounded half away from zero to four decimals: an integer as one, else the
/// shortest decimal that reads back as the same `f64`.
pub fn number(out: &mut Vec<u8>, n: Decimal) {
    number_against(out, n, None);
}

/// Writes a derived number ([`crate::report::names::derived`]): next to the `threshold` it is
/// compared with, never on it or across it by rounding.
pub fn number_against(out: &mut Vec<u8>, n: Decimal, threshold: Option<Decimal>) {
    if n.scale() == 0
        && let Some(i) = n.to_i64()
    {
        out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
        return;
    }
    let r = crate::report::names::derived(n, threshold);
    match (r.scale(), r.to_i64(), r.to_f64()) {
        (0, Some(i), _) => out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes()),
        // More decimals than a double keeps exactly are written as they are.
        (5.., _, _) => out.extend_from_slice(r.to_string().as_bytes()),
        (_, _, Some(f)) if f.is_finite() => out.extend_from_slice(zmij::Buffer::new().format_finite(f).as_bytes()),
        _ => out.extend_from_slice(b"null"),
    }
}

/// Writes a count.
pub fn count(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// An object being written: `{`, then each member with the comma before it, then `}`.
pub struct Object<'o> {
    out: &'o mut Vec<u8>,
    any: bool,
}

impl<'o> Object<'o> {
    #[inline]
    pub fn new(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Object { out, any: false }
    }

    /// Writes the member's name (a plain identifier, not escaped) and gives the buffer for
    /// its value.
    #[inline]
    pub fn key(&mut self, key: &str) -> &mut Vec<u8> {
        if self.any {
            self.out.push(b',');
        }
        self.any = true;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    #[inline]
    pub fn str(&mut self, key: &str, value: &str) {
        string(self.key(key), value);
    }

    /// A string member, or `null` for none.
    #[inline]
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) {
        match value {
            Some(v) => self.str(key, v),
            None => self.key(key).extend_from_slice(b"null"),
        }
    }

    /// A member whose value is already JSON (a word of the contract: `"fail"`).
    #[inline]
    pub fn raw(&mut self, key: &str, json: &[u8]) {
        self.key(key).extend_from_slice(json);
    }

    #[inline]
    pub fn count(&mut self, key: &str, n: usize) {
        count(self.key(key), n);
    }

    #[inline]
    pub fn value(&mut self, key: &str, v: Option<&Val>) {
        value(self.key(key), v);
    }

    /// An array member: each item written by `each`, commas between.
    pub fn array<T>(&mut self, key: &str, items: impl IntoIterator<Item = T>, each: impl FnMut(&mut Vec<u8>, T)) {
        array(self.key(key), items, each);
    }

    #[inline]
    pub fn end(self) {
        self.out.push(b'}');
    }
}

/// Writes `[…]`: each item by `each`, commas between.
pub fn array<T>(out: &mut Vec<u8>, items: impl IntoIterator<Item = T>, mut each: impl FnMut(&mut Vec<u8>, T)) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;

    fn written(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn escapes_what_json_must_and_nothing_else() {
        assert_eq!(written("社区 \"民警\"\\\n\t\u{1}\u{7f}é"), "\"社区 \\\"民警\\\"\\\\\\n\\t\\u0001\u{7f}é\"");
        // Past the first eight bytes, in the tail and at a word's last byte.
        assert_eq!(written("abcdefgh\"ijklmno\n"), "\"abcdefgh\\\"ijklmno\\n\"");
        assert_eq!(written("abcdefg\u{1f}"), "\"abcdefg\\u001f\"");
    }

    proptest! {
        /// Every string is written as serde_json writes it, byte for byte.
        #[test]
        fn strings_as_serde_json_writes_them(s in any::<String>(), ascii in "[ -~\\x00-\\x1f]{0,40}") {
            for s in [&s, &ascii] {
                prop_assert_eq!(written(s), serde_json::to_string(s).unwrap_or_default());
            }
        }

        /// Every number is written as serde_json writes the same number rounded to four places,
        /// or, where four would show a value that is not whole as whole, as its digits to the
        /// place that tells.
        #[test]
        fn numbers_as_serde_json_writes_them(m in any::<i64>(), scale in 0u32..12) {
            let n = Decimal::new(m, scale);
            let mut out = Vec::new();
            number(&mut out, n);
            let r = n.round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero).normalize();
            let expected = match (r.scale(), r.to_i64(), r.to_f64()) {
                (0, Some(_), _) if !n.fract().is_zero() => crate::report::names::derived(n, None).to_string(),
                (0, Some(i), _) => serde_json::to_string(&i).unwrap_or_default(),
                (_, _, Some(f)) => serde_json::to_string(&f).unwrap_or_default(),
                _ => "null".to_string(),
            };
            prop_assert_eq!(String::from_utf8(out).unwrap_or_default(), expected);
        }
    }
}
