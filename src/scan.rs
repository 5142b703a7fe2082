//! Scans over bytes a machine word (eight bytes) at a time, for the hot loops of reading and
//! writing JSON: where the plain run of a string ends, where a run of spaces ends.

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether a word holds a zero byte (exact as to whether, not as to which).
fn has_zero(w: u64) -> bool {
    w.wrapping_sub(ONES) & !w & HIGHS != 0
}

/// Whether a word holds a byte below 0x20 (exact as to whether).
fn has_control(w: u64) -> bool {
    w.wrapping_sub(ONES * 0x20) & !w & HIGHS != 0
}

/// Where the first byte at or after `from` is that a JSON string cannot hold as it is: `"`,
/// `\` or a control character; `None` when there is none.
pub fn json_special(bytes: &[u8], from: usize) -> Option<usize> {
    let (words, _) = bytes[from..].as_chunks::<8>();
    let mut at = from;
    for word in words {
        let w = u64::from_ne_bytes(*word);
        if has_control(w) || has_zero(w ^ (ONES * u64::from(b'"'))) || has_zero(w ^ (ONES * u64::from(b'\\'))) {
            break;
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\').map(|p| at + p)
}

/// Where the run of spaces (` `) that starts at `from` ends.
pub fn after_spaces(bytes: &[u8], from: usize) -> usize {
    let (words, _) = bytes[from..].as_chunks::<8>();
    let mut at = from;
    for word in words {
        if *word != [b' '; 8] {
            break;
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b != b' ').map_or(bytes.len(), |p| at + p)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Each scan finds what a byte-by-byte search finds, from every start.
        #[test]
        fn scans_find_what_a_byte_search_finds(bytes in proptest::collection::vec(
            prop_oneof![Just(b' '), Just(b'"'), Just(b'\\'), Just(b'\n'), Just(0x1f_u8), Just(0x7f_u8), any::<u8>()], 0..40),
            from in 0usize..40,
        ) {
            let from = from.min(bytes.len());
            let special = bytes[from..].iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\').map(|p| from + p);
            prop_assert_eq!(json_special(&bytes, from), special);
            let spaces = bytes[from..].iter().position(|&b| b != b' ').map_or(bytes.len(), |p| from + p);
            prop_assert_eq!(after_spaces(&bytes, from), spaces);
        }
    }
}
