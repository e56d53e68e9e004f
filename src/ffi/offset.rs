//! Where a stream starts: an absolute offset, or a distance from the
//! beginning or the end of the partition.

use super::error::{ffi_guard_value, FfiError};
use crate::consumer::Offset;

/// What a `fluvio_offset` counts from.
pub type fluvio_offset_kind = u32;

/// `value` is an absolute offset.
pub const FLUVIO_OFFSET_ABSOLUTE: fluvio_offset_kind = 0;

/// `value` records after the first stored record.
pub const FLUVIO_OFFSET_FROM_BEGINNING: fluvio_offset_kind = 1;

/// `value` records before the end.
pub const FLUVIO_OFFSET_FROM_END: fluvio_offset_kind = 2;

/// Where a stream starts; build one with the `fluvio_offset_*` functions.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct fluvio_offset {
    pub kind: fluvio_offset_kind,
    pub value: i64,
}

/// The first record still stored.
#[no_mangle]
pub extern "C" fn fluvio_offset_beginning() -> fluvio_offset {
    ffi_guard_value(INVALID_OFFSET, || fluvio_offset { kind: FLUVIO_OFFSET_FROM_BEGINNING, value: 0 })
}

/// The end: only records produced after the stream opens.
#[no_mangle]
pub extern "C" fn fluvio_offset_end() -> fluvio_offset {
    ffi_guard_value(INVALID_OFFSET, || fluvio_offset { kind: FLUVIO_OFFSET_FROM_END, value: 0 })
}

/// Offset `offset` (a negative one is refused by `fluvio_consumer_stream`;
/// one past the end waits for it to be produced).
#[no_mangle]
pub extern "C" fn fluvio_offset_absolute(offset: i64) -> fluvio_offset {
    ffi_guard_value(INVALID_OFFSET, || fluvio_offset { kind: FLUVIO_OFFSET_ABSOLUTE, value: offset })
}

/// `n` records after the first one still stored.
#[no_mangle]
pub extern "C" fn fluvio_offset_from_beginning(n: u32) -> fluvio_offset {
    ffi_guard_value(INVALID_OFFSET, || fluvio_offset { kind: FLUVIO_OFFSET_FROM_BEGINNING, value: n.into() })
}

/// `n` records before the end: the last `n` records, then new ones.
#[no_mangle]
pub extern "C" fn fluvio_offset_from_end(n: u32) -> fluvio_offset {
    ffi_guard_value(INVALID_OFFSET, || fluvio_offset { kind: FLUVIO_OFFSET_FROM_END, value: n.into() })
}

/// What an offset constructor returns if it ever panicked: an absolute
/// offset of -1, which `fluvio_consumer_stream` refuses.
const INVALID_OFFSET: fluvio_offset = fluvio_offset { kind: FLUVIO_OFFSET_ABSOLUTE, value: -1 };

pub(super) fn to_offset(offset: fluvio_offset) -> Result<Offset, FfiError> {
    let count = || u32::try_from(offset.value).map_err(|_| FfiError::invalid(format!("offset count {} is out of range", offset.value)));
    match offset.kind {
        FLUVIO_OFFSET_ABSOLUTE if offset.value < 0 => Err(FfiError::invalid(format!("offset {} is negative", offset.value))),
        FLUVIO_OFFSET_ABSOLUTE => Ok(Offset::Absolute(offset.value)),
        FLUVIO_OFFSET_FROM_BEGINNING => Ok(Offset::FromBeginning(count()?)),
        FLUVIO_OFFSET_FROM_END => Ok(Offset::FromEnd(count()?)),
        kind => Err(FfiError::invalid(format!("unknown offset kind {kind}"))),
    }
}
