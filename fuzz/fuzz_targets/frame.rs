//! Arbitrary bytes as a stream of request frames, decoded as SC and SPU requests.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fluvio::protocol::fuzzing::request_frames(data);
});
