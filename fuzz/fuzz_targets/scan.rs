#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = motcua_fuzzing::codes::scan(data) {
        panic!("scan: {violation}");
    }
});
