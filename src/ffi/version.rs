//! The library's version, to compare with the header's.

use std::ffi::c_char;

use super::error::ffi_guard_value;

/// Major version of the libfluvio this header belongs to.
pub const FLUVIO_VERSION_MAJOR: u32 = 0;
/// Minor version of the libfluvio this header belongs to.
pub const FLUVIO_VERSION_MINOR: u32 = 1;
/// Patch version of the libfluvio this header belongs to.
pub const FLUVIO_VERSION_PATCH: u32 = 0;

/// Returns the version of the linked library as `"MAJOR.MINOR.PATCH"`.
///
/// Compare it with the `FLUVIO_VERSION_*` macros to detect a header/library
/// mismatch. The string is static: never free it. Any thread may call this.
#[no_mangle]
pub extern "C" fn fluvio_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    ffi_guard_value(VERSION.as_ptr().cast(), || VERSION.as_ptr().cast())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_constants_match_the_package_version() {
        let expected = format!("{FLUVIO_VERSION_MAJOR}.{FLUVIO_VERSION_MINOR}.{FLUVIO_VERSION_PATCH}");
        assert_eq!(env!("CARGO_PKG_VERSION"), expected);
        // SAFETY: fluvio_version returns a static NUL-terminated string.
        let version = unsafe { std::ffi::CStr::from_ptr(fluvio_version()) };
        assert_eq!(version.to_str().unwrap(), expected);
    }
}
