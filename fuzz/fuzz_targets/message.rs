//! Arbitrary bytes as a response frame, decoded as every response type.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fluvio::protocol::fuzzing::response_bodies(data);
});
