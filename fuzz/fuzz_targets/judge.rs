//! Judging: the example submission with numbers replaced by extremes, written in every format.
#![no_main]
libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    plancheck_fuzz::judge(bytes);
});
