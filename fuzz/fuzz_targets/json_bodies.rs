#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = motcua_fuzzing::bodies::json_bodies(data) {
        panic!("json_bodies: {violation}");
    }
});
