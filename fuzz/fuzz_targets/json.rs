//! JSON submissions: the fast path against the careful one, then loading.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = std::str::from_utf8(bytes) {
        plancheck_fuzz::json(text);
    }
});
