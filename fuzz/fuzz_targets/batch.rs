//! Arbitrary bytes as a record set and as one batch, records decompressed.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fluvio::protocol::fuzzing::record_set(data);
});
