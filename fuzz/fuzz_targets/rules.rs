//! The rules front end: parse → check → fmt round trip (see `plancheck_fuzz::rules`).
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    if let Ok(text) = std::str::from_utf8(bytes) {
        plancheck_fuzz::rules(text);
    }
});
