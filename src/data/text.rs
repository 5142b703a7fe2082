//! Reading a submission file as text: the size limit, byte-order marks, and the encodings
//! districts really use (UTF-8, and GB18030/GBK, which Chinese Excel writes by default).

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// How to decode a file's bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TextEncoding {
    /// A byte-order mark if present, else UTF-8 if the bytes are valid UTF-8, else GB18030.
    #[default]
    Auto,
    /// UTF-8 only: bytes that are not UTF-8 are an error.
    Utf8,
    /// GB18030, a superset of GBK and GB2312.
    Gb18030,
    /// GBK, read as GB18030 (which holds all of it).
    Gbk,
}

/// The decoded text and the encoding it was read with.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
    /// Whether the text is the file's bytes as they are (UTF-8 without a byte-order mark).
    pub verbatim: bool,
}

/// Why bytes could not be turned into text.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not valid in the chosen encoding; the byte offset of the first bad byte.
    Invalid { offset: usize, encoding: &'static str },
}

/// Bytes that do not decode, given back with why.
#[derive(Debug)]
pub struct Undecodable {
    pub error: DecodeError,
    pub bytes: Vec<u8>,
}

/// Decodes bytes; a byte-order mark is removed (and, with `Auto`, decides the encoding).
/// UTF-8 without a byte-order mark — nearly every file — becomes the text without a copy.
pub fn decode(mut bytes: Vec<u8>, choice: TextEncoding) -> Result<Decoded, Undecodable> {
    let (bom_encoding, bom_len) = match Encoding::for_bom(&bytes) {
        Some((e, len)) => (Some(e), len),
        None => (None, 0),
    };
    let undecodable = |offset: usize, encoding, bytes| {
        Err(Undecodable { error: DecodeError::Invalid { offset: bom_len + offset, encoding }, bytes })
    };
    let utf8 = match choice {
        TextEncoding::Utf8 => true,
        TextEncoding::Auto => bom_encoding.is_none_or(|e| e == UTF_8),
        TextEncoding::Gb18030 | TextEncoding::Gbk => false,
    };
    if utf8 {
        let bad = if bom_len == 0 {
            match String::from_utf8(bytes) {
                Ok(text) => return Ok(Decoded { text, encoding: "UTF-8", verbatim: true }),
                Err(e) => {
                    let offset = e.utf8_error().valid_up_to();
                    bytes = e.into_bytes();
                    offset
                }
            }
        } else {
            match std::str::from_utf8(&bytes[bom_len..]) {
                Ok(text) => return Ok(Decoded { text: text.to_string(), encoding: "UTF-8", verbatim: false }),
                Err(e) => e.valid_up_to(),
            }
        };
        // Without a byte-order mark or a chosen encoding, GB18030 is tried next — unless the
        // file was UTF-8 up to there, Chinese and all: then a value pasted in another encoding
        // (one GBK name in a UTF-8 export) breaks it, and read as GB18030 every other name
        // would be mojibake.
        if choice == TextEncoding::Utf8 || bom_encoding.is_some() || written_in_utf8(&bytes) {
            return undecodable(bad, "UTF-8", bytes);
        }
    }
    let encoding = match (choice, bom_encoding) {
        (TextEncoding::Auto, Some(e)) => e,
        _ => GB18030,
    };
    let body = &bytes[bom_len..];
    let name = match encoding {
        e if e == UTF_16LE => "UTF-16LE",
        e if e == UTF_16BE => "UTF-16BE",
        _ => "GB18030",
    };
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(body) {
        return Ok(Decoded { text: text.into_owned(), encoding: name, verbatim: false });
    }
    if choice == TextEncoding::Auto && bom_encoding.is_none() {
        // Neither UTF-8 nor GB18030: the file was most likely meant as the one that reads
        // further (a GB18030 file with one bad byte is not "not UTF-8" at its first Chinese
        // character); say where that one breaks.
        let as_utf8 = std::str::from_utf8(body).err().map_or(0, |e| e.valid_up_to());
        let as_gb18030 = first_bad_offset(GB18030, body);
        return match as_gb18030 > as_utf8 {
            true => undecodable(as_gb18030, "GB18030", bytes),
            false => undecodable(as_utf8, "UTF-8", bytes),
        };
    }
    let (_, had_errors) = encoding.decode_without_bom_handling(body);
    let offset = if had_errors { first_bad_offset(encoding, body) } else { 0 };
    undecodable(offset, name, bytes)
}

/// Bytes that do not decode as `encoding` (a name [`decode`] gives), shown as text for a
/// diagnostic: decoded with a replacement character for each bad sequence, and where the
/// byte at `offset` lands in that text.
pub fn shown_as(bytes: &[u8], offset: usize, encoding: &str) -> (String, usize) {
    let encoding = match encoding {
        "GB18030" => GB18030,
        "UTF-16LE" => UTF_16LE,
        "UTF-16BE" => UTF_16BE,
        _ => UTF_8,
    };
    let decoded = |b: &[u8]| encoding.decode_without_bom_handling(b).0.into_owned();
    (decoded(bytes), decoded(&bytes[..offset.min(bytes.len())]).len())
}

/// Whether bytes that are not all valid UTF-8 were written as UTF-8 all the same, with a bad
/// stretch: most of their characters beyond ASCII read as UTF-8, and at least
/// [`UTF8_EVIDENCE`] of them. Text in GB18030 reads as a valid UTF-8 character now and then (a
/// lead byte of `0xC2`–`0xDF` before a byte of `0x80`–`0xBF`), but mostly as invalid bytes.
fn written_in_utf8(bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    valid >= UTF8_EVIDENCE && valid > invalid
}

/// How many characters beyond ASCII must read as UTF-8 for a file with a bad stretch to be
/// taken for UTF-8 rather than for GB18030.
const UTF8_EVIDENCE: usize = 4;

/// The offset of the first byte that does not decode.
fn first_bad_offset(encoding: &'static Encoding, body: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(body.len() * 3 + 16);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, _) => read.saturating_sub(bad as usize),
        _ => read,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_a_utf8_bom() {
        let d = decode(b"\xEF\xBB\xBF{\"a\":1}".to_vec(), TextEncoding::Auto).expect("decodes");
        assert_eq!(d.text, "{\"a\":1}");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn falls_back_to_gb18030() {
        let (bytes, _, _) = GB18030.encode("津南区,双港镇");
        let d = decode(bytes.into_owned(), TextEncoding::Auto).expect("decodes");
        assert_eq!(d.text, "津南区,双港镇");
        assert_eq!(d.encoding, "GB18030");
    }

    #[test]
    fn a_gb18030_file_with_one_bad_byte_is_reported_as_gb18030_at_that_byte() {
        let (good, _, _) = GB18030.encode("津南区,双港镇\n仁和园社区,");
        let mut bytes = good.into_owned();
        let bad = bytes.len();
        bytes.extend_from_slice(b"\x81\x20,12\n");
        let err = decode(bytes.clone(), TextEncoding::Auto).expect_err("invalid in both");
        assert_eq!(err.error, DecodeError::Invalid { offset: bad, encoding: "GB18030" });
        // Shown as GB18030 reads it, the bad byte after the text before it.
        let (shown, at) = shown_as(&bytes, bad, "GB18030");
        assert!(shown.starts_with("津南区,双港镇\n仁和园社区,"), "{shown}");
        assert_eq!(at, "津南区,双港镇\n仁和园社区,".len());
        // A UTF-8 file with a bad byte stays UTF-8's.
        let mut utf8 = "津南区,".as_bytes().to_vec();
        utf8.extend_from_slice(b"\xFF1");
        let err = decode(utf8, TextEncoding::Auto).expect_err("invalid in both");
        assert!(matches!(err.error, DecodeError::Invalid { encoding: "UTF-8", .. }), "{:?}", err.error);
    }

    #[test]
    fn reports_invalid_utf8_when_utf8_is_chosen() {
        let err = decode(b"ab\xFFcd".to_vec(), TextEncoding::Utf8).expect_err("invalid");
        assert_eq!(err.error, DecodeError::Invalid { offset: 2, encoding: "UTF-8" });
        assert_eq!(err.bytes, b"ab\xFFcd");
    }
}
