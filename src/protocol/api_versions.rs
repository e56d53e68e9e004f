//! ApiVersions (key 18): the first request on every connection, SC and SPU.

use super::codec::{Decode, DecodeError, DecodeResult, Encode, Reader, Version};
use super::error_code::ErrorCode;
use super::frame::Request;

pub const API_VERSIONS_KEY: u16 = 18;

crate::wire_struct! {
    pub struct ApiVersionsRequest {
        /// Semver of the client's socket crate ("0.50.1" for Rust 0.50.1).
        pub client_version: String [1, i16::MAX],
        pub client_os: String [1, i16::MAX],
        pub client_arch: String [1, i16::MAX],
    }
}

impl Request for ApiVersionsRequest {
    const API_KEY: u16 = API_VERSIONS_KEY;
    const DEFAULT_API_VERSION: Version = 2;
    const MIN_API_VERSION: Version = 0;
    type Response = ApiVersionsResponse;
}

crate::wire_struct! {
    pub struct ApiVersionsResponse {
        pub error_code: ErrorCode,
        pub api_keys: Vec<ApiVersionKey>,
        pub platform_version: PlatformVersion,
    }
}

impl ApiVersionsResponse {
    /// A successful answer listing `(api key, min version, max version)`.
    pub fn listing(keys: &[(u16, Version, Version)], platform_version: PlatformVersion) -> Self {
        let api_keys = keys
            .iter()
            .map(|&(api_key, min_version, max_version)| ApiVersionKey { api_key: api_key as i16, min_version, max_version })
            .collect();
        ApiVersionsResponse { error_code: ErrorCode::None, api_keys, platform_version }
    }

    /// The version to speak for request `R`: the highest both sides know,
    /// or `None` when the peer does not list `R`'s key compatibly.
    pub fn version_for<R: Request>(&self) -> Option<Version> {
        self.api_keys
            .iter()
            .find(|k| {
                k.api_key as u16 == R::API_KEY
                    && k.max_version >= R::MIN_API_VERSION
                    && k.min_version <= R::MAX_API_VERSION
            })
            .map(|k| k.max_version.min(R::MAX_API_VERSION))
    }
}

crate::wire_struct! {
    pub struct ApiVersionKey {
        pub api_key: i16,
        pub min_version: i16,
        pub max_version: i16,
    }
}

/// The server's platform version. It must parse as semver, or the official
/// client fails to decode the whole response; so does ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformVersion(String);

impl PlatformVersion {
    /// `None` unless `version` is `MAJOR.MINOR.PATCH[-pre][+build]`.
    pub fn new(version: &str) -> Option<Self> {
        is_semver(version).then(|| PlatformVersion(version.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// (major, minor, patch).
    pub fn triple(&self) -> (u64, u64, u64) {
        let core = self.0.split(['-', '+']).next().unwrap_or_default();
        let mut parts = core.split('.').map(|p| p.parse().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    }
}

impl Default for PlatformVersion {
    fn default() -> Self {
        PlatformVersion("0.0.0".to_string())
    }
}

fn is_semver(version: &str) -> bool {
    let (core, rest) = match version.find(['-', '+']) {
        Some(i) => (&version[..i], &version[i..]),
        None => (version, ""),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 1 || !p.starts_with('0'));
    let ident = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let suffix_ok = {
        let (pre, build) = match rest.find('+') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let pre_ok = pre.is_empty() || pre.strip_prefix('-').is_some_and(|p| p.split('.').all(ident));
        let build_ok = build.is_none_or(|b| b.split('.').all(ident));
        pre_ok && build_ok
    };
    numbers.len() == 3 && numbers.iter().all(numeric) && suffix_ok
}

impl Encode for PlatformVersion {
    fn encode(&self, out: &mut Vec<u8>, v: Version) {
        self.0.encode(out, v)
    }
}

impl Decode for PlatformVersion {
    const MIN_LEN: usize = 2;
    fn decode(r: &mut Reader<'_>, v: Version) -> DecodeResult<Self> {
        let text = String::decode(r, v)?;
        PlatformVersion::new(&text)
            .ok_or_else(|| DecodeError::Invalid(format!("platform version {text:?} is not semver")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_versions_must_be_semver() {
        for good in ["0.0.0", "0.18.1", "1.2.3-alpha.4+56789", "10.20.30+build"] {
            assert!(PlatformVersion::new(good).is_some(), "{good}");
        }
        for bad in ["", "1.2", "1.2.3.4", "01.2.3", "a.b.c", "1.2.3-"] {
            assert!(PlatformVersion::new(bad).is_none(), "{bad}");
        }
        assert_eq!(PlatformVersion::new("0.18.1").unwrap().triple(), (0, 18, 1));
    }
}
