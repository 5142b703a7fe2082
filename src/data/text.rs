//! Reading a submission file as text: the size limit, byte-order marks, and the encodings
//! districts really use (UTF-8, and GB18030/GBK, which Chinese Excel writes by default).

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// How to decode a file's bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TextEncoding {
    /// A byte-order mark if present, else UTF-8 if the bytes are valid UTF-8, else GB18030.
    #[default]
    Auto,
    Utf8,
    /// GB18030, a superset of GBK and GB2312.
    Gb18030,
    Gbk,
}

/// The decoded text and the encoding it was read with.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    pub encoding: &'static str,
}

/// Why bytes could not be turned into text.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not valid in the chosen encoding; the byte offset of the first bad byte.
    Invalid { offset: usize, encoding: &'static str },
}

/// Decodes bytes; a byte-order mark is removed (and, with `Auto`, decides the encoding).
pub fn decode(bytes: &[u8], choice: TextEncoding) -> Result<Decoded, DecodeError> {
    let (bom_encoding, bom_len) = match Encoding::for_bom(bytes) {
        Some((e, len)) => (Some(e), len),
        None => (None, 0),
    };
    let body = &bytes[bom_len..];
    let encoding: &'static Encoding = match choice {
        TextEncoding::Utf8 => UTF_8,
        TextEncoding::Gb18030 | TextEncoding::Gbk => GB18030,
        TextEncoding::Auto => match bom_encoding {
            Some(e) => e,
            None if std::str::from_utf8(body).is_ok() => UTF_8,
            None => GB18030,
        },
    };
    if choice == TextEncoding::Auto && bom_encoding.is_none() && encoding == GB18030 {
        // Neither UTF-8 nor GB18030: the file was most likely meant as UTF-8; say where it breaks.
        if let Some(text) = GB18030.decode_without_bom_handling_and_without_replacement(body) {
            return Ok(Decoded { text: text.into_owned(), encoding: "GB18030" });
        }
        let offset = std::str::from_utf8(body).err().map_or(0, |e| e.valid_up_to());
        return Err(DecodeError::Invalid { offset: bom_len + offset, encoding: "UTF-8" });
    }
    if encoding == UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(s) => Ok(Decoded { text: s.to_string(), encoding: "UTF-8" }),
            Err(e) => Err(DecodeError::Invalid { offset: bom_len + e.valid_up_to(), encoding: "UTF-8" }),
        };
    }
    let name = match encoding {
        e if e == UTF_16LE => "UTF-16LE",
        e if e == UTF_16BE => "UTF-16BE",
        _ => "GB18030",
    };
    match encoding.decode_without_bom_handling_and_without_replacement(body) {
        Some(text) => Ok(Decoded { text: text.into_owned(), encoding: name }),
        None => {
            let (_, had_errors) = encoding.decode_without_bom_handling(body);
            let offset = if had_errors { first_bad_offset(encoding, body) } else { 0 };
            Err(DecodeError::Invalid { offset: bom_len + offset, encoding: name })
        }
    }
}

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
        let d = decode(b"\xEF\xBB\xBF{\"a\":1}", TextEncoding::Auto).expect("decodes");
        assert_eq!(d.text, "{\"a\":1}");
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn falls_back_to_gb18030() {
        let (bytes, _, _) = GB18030.encode("津南区,双港镇");
        let d = decode(&bytes, TextEncoding::Auto).expect("decodes");
        assert_eq!(d.text, "津南区,双港镇");
        assert_eq!(d.encoding, "GB18030");
    }

    #[test]
    fn reports_invalid_utf8_when_utf8_is_chosen() {
        let err = decode(b"ab\xFFcd", TextEncoding::Utf8).expect_err("invalid");
        assert_eq!(err, DecodeError::Invalid { offset: 2, encoding: "UTF-8" });
    }
}
