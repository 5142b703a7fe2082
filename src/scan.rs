//! Scans over bytes many at a time, for the hot loops of reading and writing JSON: where the
//! plain run of a string ends (sixteen bytes at a time), where a run of spaces ends (eight).

/// Where the first byte at or after `from` is that a JSON string cannot hold as it is: `"`,
/// `\` or a control character; `None` when there is none.
pub fn json_special(bytes: &[u8], from: usize) -> Option<usize> {
    let (chunks, rest) = bytes[from..].as_chunks::<16>();
    let mut at = from;
    for chunk in chunks {
        let mask = special_mask(chunk);
        if mask != 0 {
            return Some(at + mask.trailing_zeros() as usize);
        }
        at += 16;
    }
    if rest.is_empty() {
        return None;
    }
    // The last few bytes: the sixteen that end the bytes, less those scanned already (bytes
    // before `from` too); fewer than sixteen bytes in all, padded with spaces (not special).
    let (mask, skip) = match bytes.last_chunk::<16>() {
        Some(last) => (special_mask(last), at - (bytes.len() - 16)),
        None => {
            let mut padded = [b' '; 16];
            padded[..rest.len()].copy_from_slice(rest);
            (special_mask(&padded), 0)
        }
    };
    let mask = mask >> skip;
    (mask != 0).then(|| at + mask.trailing_zeros() as usize)
}

/// Which of sixteen bytes are special to a JSON string, one bit each (the first byte lowest).
#[cfg(target_arch = "x86_64")]
fn special_mask(chunk: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8,
    };
    let word = u128::from_le_bytes(*chunk);
    // SAFETY: SSE2 is part of every x86_64 target, so these instructions exist; they only
    // compute on values (no memory is read).
    unsafe {
        let v = _mm_set_epi64x((word >> 64) as i64, word as i64);
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        // Below 0x20: the smaller of the byte and 0x1f is the byte itself.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
    }
}

/// Which of sixteen bytes are special to a JSON string, one bit each (the first byte lowest).
#[cfg(not(target_arch = "x86_64"))]
fn special_mask(chunk: &[u8; 16]) -> u32 {
    special_mask_bytewise(chunk)
}

/// [`special_mask`] a byte at a time: for targets without SSE2, and to test the other against.
#[cfg(any(test, not(target_arch = "x86_64")))]
fn special_mask_bytewise(chunk: &[u8; 16]) -> u32 {
    chunk.iter().enumerate().fold(0, |mask, (i, &b)| match b < 0x20 || b == b'"' || b == b'\\' {
        true => mask | 1 << i,
        false => mask,
    })
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

        /// Both ways of finding the special bytes of sixteen agree.
        #[test]
        fn masks_agree(chunk in proptest::array::uniform16(
            prop_oneof![Just(b'"'), Just(b'\\'), Just(0x1f_u8), Just(0x20_u8), Just(0x80_u8), Just(0xff_u8), any::<u8>()])
        ) {
            prop_assert_eq!(special_mask(&chunk), special_mask_bytewise(&chunk));
        }
    }
}
