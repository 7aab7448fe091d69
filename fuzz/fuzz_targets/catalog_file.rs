#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = motcua_fuzzing::catalog::catalog_file(data) {
        panic!("catalog_file: {violation}");
    }
});
