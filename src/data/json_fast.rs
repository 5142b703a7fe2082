//! The fast path for JSON submissions: a strict RFC 8259 reader straight into the [`Node`]
//! tree, for well-formed files. It gives up (`None`) at the first thing it does not accept:
//! a syntax error, a duplicate key, nesting deeper than the limit. Then [`super::json::parse`]
//! reads the file again on the careful path, which says exactly what is wrong; so both paths
//! must give the same tree for every file the fast one accepts (tested below).

use std::borrow::Cow;

use super::tree::{Entry, Keys, Node, Value};
use crate::source::{FileId, Span};

/// The tree of a well-formed JSON text, or `None` when the careful path must look at it.
pub fn parse(file: FileId, text: &str, max_depth: usize) -> Option<Node<'_>> {
    let mut r = Reader {
        bytes: text.as_bytes(),
        text,
        at: 0,
        file,
        depth: 0,
        max_depth,
        entries: Vec::new(),
        items: Vec::new(),
    };
    r.space();
    let node = r.value()?;
    r.space();
    (r.at == r.bytes.len()).then_some(node)
}

/// The keys of an object met so far, a fingerprint bit each: a key whose bit was not set
/// repeats none of them, and only one whose bit was is compared with every key before it
/// (comparing each key with all before it was 6 % of loading).
#[derive(Default)]
struct Met([u64; 4]);

/// From how many keys of an object on a key is found by hash ([`Keys`]) rather than by
/// fingerprint and comparison.
const MANY_KEYS: usize = 256;

impl Met {
    /// Notes `key`; whether a key met before may be the same.
    fn maybe_again(&mut self, key: &str) -> bool {
        // The first and the last eight bytes and the length (keys share beginnings and
        // endings: `has_…`, `…_m2`), mixed by a multiplication: the top eight bits of it.
        let b = key.as_bytes();
        let eight = |i: usize| b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()).map(u64::from_le_bytes);
        let sample = match (eight(0), eight(b.len().saturating_sub(8))) {
            (Some(head), Some(tail)) => head ^ tail.rotate_left(29) ^ b.len() as u64,
            _ => b.iter().fold(b.len() as u64, |h, &x| h << 8 | u64::from(x)),
        };
        let bit = (sample.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize;
        let (word, mask) = (bit / 64, 1u64 << (bit % 64));
        let again = self.0[word] & mask != 0;
        self.0[word] |= mask;
        again
    }
}

struct Reader<'t> {
    bytes: &'t [u8],
    text: &'t str,
    at: usize,
    file: FileId,
    depth: usize,
    max_depth: usize,
    /// The entries of the objects being read, innermost last: an object's are moved into a
    /// vector of their exact size when it ends, not grown one by one in a vector of its own.
    entries: Vec<Entry<'t>>,
    /// The items of the arrays being read, likewise.
    items: Vec<Node<'t>>,
}

impl<'t> Reader<'t> {
    fn span(&self, start: usize) -> Span {
        Span::new(self.file, start, self.at)
    }

    fn space(&mut self) {
        loop {
            match self.bytes.get(self.at) {
                // Indentation: runs of spaces, eight at a time.
                Some(b' ') => self.at = crate::scan::after_spaces(self.bytes, self.at),
                Some(b'\t' | b'\n' | b'\r') => self.at += 1,
                _ => return,
            }
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&b)).then(|| self.at += 1)
    }

    fn word(&mut self, word: &str, value: Value<'t>) -> Option<Node<'t>> {
        let start = self.at;
        self.bytes[self.at..].starts_with(word.as_bytes()).then(|| {
            self.at += word.len();
            Node::new(value, self.span(start))
        })
    }

    fn value(&mut self) -> Option<Node<'t>> {
        match self.bytes.get(self.at)? {
            b'{' => self.nested(Self::object),
            b'[' => self.nested(Self::array),
            b'"' => {
                let start = self.at;
                let s = self.string()?;
                Some(Node::new(Value::Text(s), self.span(start)))
            }
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'n' => self.word("null", Value::Null),
            _ => self.number(),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Option<Node<'t>>) -> Option<Node<'t>> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return None;
        }
        let node = read(self);
        self.depth -= 1;
        node
    }

    fn object(&mut self) -> Option<Node<'t>> {
        let start = self.at;
        self.eat(b'{')?;
        let mark = self.entries.len();
        let mut met = Met::default();
        let mut keys = Keys::default();
        self.space();
        if self.eat(b'}').is_none() {
            loop {
                self.space();
                let key_start = self.at;
                let key = self.string()?;
                let key_span = self.span(key_start);
                // Past a few hundred keys every fingerprint bit is set: then by hash.
                let before = &self.entries[mark..];
                let again = match before.len() < MANY_KEYS {
                    true => met.maybe_again(&key) && before.iter().any(|e| e.key == key),
                    false => keys.find(before, &key).is_some(),
                };
                if again {
                    return None;
                }
                self.space();
                self.eat(b':')?;
                self.space();
                let value = self.value()?;
                self.entries.push(Entry { key, key_span, value });
                self.space();
                if self.eat(b',').is_none() {
                    self.eat(b'}')?;
                    break;
                }
            }
        }
        let entries = self.entries.drain(mark..).collect();
        Some(Node::new(Value::Map(entries), self.span(start)))
    }

    fn array(&mut self) -> Option<Node<'t>> {
        let start = self.at;
        self.eat(b'[')?;
        let mark = self.items.len();
        self.space();
        if self.eat(b']').is_none() {
            loop {
                self.space();
                let item = self.value()?;
                self.items.push(item);
                self.space();
                if self.eat(b',').is_none() {
                    self.eat(b']')?;
                    break;
                }
            }
        }
        let items = self.items.drain(mark..).collect();
        Some(Node::new(Value::List(items), self.span(start)))
    }

    /// A string literal, quotes included in the span; its unescaped value.
    fn string(&mut self) -> Option<Cow<'t, str>> {
        self.eat(b'"')?;
        let mut out = String::new();
        let mut run = self.at;
        loop {
            // Plain characters eight bytes at a time, up to a quote, an escape or a control
            // character (refused); `None` for a string that does not end.
            self.at = crate::scan::json_special(self.bytes, self.at)?;
            match self.bytes[self.at] {
                b'"' => {
                    let last = &self.text[run..self.at];
                    self.at += 1;
                    // Most strings have no escape: they are the text read.
                    if out.is_empty() {
                        return Some(Cow::Borrowed(last));
                    }
                    out.push_str(last);
                    return Some(Cow::Owned(out));
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.at]);
                    // `at` ends on the escape's last character: `n`, or the last hex digit.
                    self.at += 1;
                    let c = match *self.bytes.get(self.at)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.escaped_char()?,
                        _ => return None,
                    };
                    self.at += 1;
                    out.push(c);
                    run = self.at;
                }
                _ => return None,
            }
        }
    }

    /// `\uXXXX` (a surrogate pair as two); leaves `at` on the last hex digit.
    fn escaped_char(&mut self) -> Option<char> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            self.at += 1;
            if !self.bytes[self.at..].starts_with(b"\\u") {
                return None;
            }
            self.at += 1;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return None;
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code)
    }

    /// The four hex digits after a `u` at `at`; leaves `at` on the last.
    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at + 1..self.at + 5)?;
        let value = u32::from_str_radix(digits, 16).ok()?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.at += 4;
        Some(value)
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    fn number(&mut self) -> Option<Node<'t>> {
        let start = self.at;
        self.eat(b'-');
        match self.bytes.get(self.at)? {
            b'0' => self.at += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.').is_some() {
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            self.some_digits()?;
        }
        Some(Node::new(Value::Number(Cow::Borrowed(&self.text[start..self.at])), self.span(start)))
    }

    fn digits(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.at;
        self.digits();
        (self.at > start).then_some(())
    }
}
