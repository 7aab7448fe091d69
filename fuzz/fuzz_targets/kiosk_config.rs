#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(violation) = motcua_fuzzing::config::kiosk_config(data) {
        panic!("kiosk_config: {violation}");
    }
});
