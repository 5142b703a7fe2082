//! YAML submissions: parsing (anchors and aliases included), binding, diagnostics.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = std::str::from_utf8(bytes) {
        plancheck_fuzz::submission(text, plancheck::data::Format::Yaml);
    }
});
