//! SmartModule admin: storing SmartModules on the SC (from a .wasm file or
//! bytes, with the package metadata the SC keeps), listing and deleting
//! them. Works against the embedded cluster and a real SC alike.

use std::collections::BTreeMap;
use std::ffi::{c_char, CString};

use super::client::fluvio_client;
use super::error::{ffi_guard, ffi_guard_value, FfiError, fluvio_status};
use super::runtime::block_on;
use super::smartmodule::read_wasm_file;
use super::util::{bytes, c_str, c_string, handle, with_config_object, write_out};
use crate::protocol::sc::{SmartModuleMetadata, SmartModulePackage, SmartModuleParam, SmartModuleVisibility};

/// The package metadata of a SmartModule (what its `SmartModule.toml`
/// says), for `fluvio_smartmodule_create`. Created by
/// `fluvio_smartmodule_package_new`, freed by
/// `fluvio_smartmodule_package_free`; one thread at a time may change it.
pub struct fluvio_smartmodule_package {
    meta: SmartModuleMetadata,
}

/// Stored SmartModules, from `fluvio_smartmodule_list`. Read-only; any
/// thread may read it. Freed by `fluvio_smartmodule_list_free`.
pub struct fluvio_smartmodule_list {
    modules: Vec<ListedModule>,
}

struct ListedModule {
    name: CString,
    wasm_len: u64,
    /// The package fields, by `fluvio_smartmodule_package_field` (None: the
    /// module has no package).
    package: Option<[Option<CString>; PACKAGE_FIELDS]>,
}

/// A field of a stored SmartModule's package, for
/// `fluvio_smartmodule_list_package`.
pub type fluvio_smartmodule_package_field = u32;
/// The package's name.
pub const FLUVIO_SMARTMODULE_PACKAGE_NAME: fluvio_smartmodule_package_field = 0;
/// The package's group.
pub const FLUVIO_SMARTMODULE_PACKAGE_GROUP: fluvio_smartmodule_package_field = 1;
/// The package's semantic version.
pub const FLUVIO_SMARTMODULE_PACKAGE_VERSION: fluvio_smartmodule_package_field = 2;
/// The SmartModule API version the module was built for.
pub const FLUVIO_SMARTMODULE_PACKAGE_API_VERSION: fluvio_smartmodule_package_field = 3;
/// Its description (NULL when unset).
pub const FLUVIO_SMARTMODULE_PACKAGE_DESCRIPTION: fluvio_smartmodule_package_field = 4;
/// Its license (NULL when unset).
pub const FLUVIO_SMARTMODULE_PACKAGE_LICENSE: fluvio_smartmodule_package_field = 5;
/// Its repository URL (NULL when unset).
pub const FLUVIO_SMARTMODULE_PACKAGE_REPOSITORY: fluvio_smartmodule_package_field = 6;
const PACKAGE_FIELDS: usize = 7;

impl ListedModule {
    fn new(info: crate::client::SmartModuleInfo) -> ListedModule {
        let package = info.meta.map(|meta| {
            let p = meta.package;
            [
                Some(c_string(&p.name)),
                Some(c_string(&p.group)),
                Some(c_string(&p.version)),
                Some(c_string(&p.api_version)),
                p.description.as_deref().map(c_string),
                p.license.as_deref().map(c_string),
                p.repository.as_deref().map(c_string),
            ]
        });
        ListedModule { name: c_string(&info.name), wasm_len: info.wasm_len, package }
    }
}

/// A string argument that fits a wire String (at most 32767 bytes).
///
/// # Safety
/// `ptr` must be NULL or a NUL-terminated string.
unsafe fn wire_str(ptr: *const c_char, what: &str) -> Result<String, FfiError> {
    // SAFETY: per the contract.
    let text = unsafe { c_str(ptr, what)? };
    if text.len() > i16::MAX as usize {
        return Err(FfiError::invalid(format!("{what} is longer than 32767 bytes")));
    }
    Ok(text.to_string())
}

/// An optional string argument (NULL: none).
///
/// # Safety
/// `ptr` must be NULL or a NUL-terminated string.
unsafe fn optional_str(ptr: *const c_char, what: &str) -> Result<Option<String>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: per the contract.
    unsafe { wire_str(ptr, what) }.map(Some)
}

/// New package metadata: package `name` of `group`, at semantic `version`
/// (all copied), for the SmartModule API version "0.1.0" unless changed,
/// private. The SC stores a module with a package as
/// `<name>-<group>-<version>`, and a stream may name it so or as
/// `<group>/<name>@<version>`. On success `*out` owns it.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if an argument is NULL, `name` or
/// `group` is empty, or a string is longer than 32767 bytes. (The SC checks
/// that the versions are semantic versions.)
///
/// # Safety
/// `name`, `group` and `version` must be NUL-terminated strings; `out` a
/// valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_package_new(
    name: *const c_char,
    group: *const c_char,
    version: *const c_char,
    out: *mut *mut fluvio_smartmodule_package,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (name, group, version) = unsafe { (wire_str(name, "name")?, wire_str(group, "group")?, wire_str(version, "version")?) };
        if name.is_empty() || group.is_empty() {
            return Err(FfiError::invalid("a SmartModule package needs a name and a group"));
        }
        let package = SmartModulePackage { name, group, version, api_version: "0.1.0".into(), ..Default::default() };
        let meta = SmartModuleMetadata { package, params: BTreeMap::new() };
        // SAFETY: per the contract.
        unsafe { write_out(out, Box::into_raw(Box::new(fluvio_smartmodule_package { meta })), "out") }
    })
}

/// Frees package metadata. NULL is a no-op.
///
/// # Safety
/// `package` must be NULL or from `fluvio_smartmodule_package_new`, not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_package_free(package: *mut fluvio_smartmodule_package) {
    ffi_guard_value((), || {
        if !package.is_null() {
            // SAFETY: a pointer from fluvio_smartmodule_package_new, given back once.
            drop(unsafe { Box::from_raw(package) });
        }
    });
}

/// Sets the package's descriptive fields (each copied; NULL leaves it
/// unset): the SmartModule API version it was built for, a description, a
/// license and a repository URL; and whether it is public.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `package` is NULL or a string is
/// not UTF-8 or longer than 32767 bytes.
///
/// # Safety
/// `package` must be live package metadata; each string NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_package_set_details(
    package: *mut fluvio_smartmodule_package,
    api_version: *const c_char,
    description: *const c_char,
    license: *const c_char,
    repository: *const c_char,
    public: bool,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(package, |p| {
            let package = &mut p.meta.package;
            // SAFETY (the enclosing block): per the contract.
            if let Some(api_version) = optional_str(api_version, "api_version")? {
                package.api_version = api_version;
            }
            package.description = optional_str(description, "description")?;
            package.license = optional_str(license, "license")?;
            package.repository = optional_str(repository, "repository")?;
            package.visibility = if public { SmartModuleVisibility::Public } else { SmartModuleVisibility::Private };
            Ok(())
        })
    }
}

/// Declares a parameter the module takes: `name` (copied), an optional
/// `description` (NULL: none), and whether it may be left out.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT if `package` or `name` is NULL,
/// `name` is empty, or a string is longer than 32767 bytes.
///
/// # Safety
/// `package` must be live package metadata; `name` a NUL-terminated
/// string; `description` NULL or one.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_package_add_param(
    package: *mut fluvio_smartmodule_package,
    name: *const c_char,
    description: *const c_char,
    optional: bool,
) -> fluvio_status {
    // SAFETY: per the contract.
    unsafe {
        with_config_object(package, |p| {
            // SAFETY (the enclosing block): per the contract.
            let name = wire_str(name, "name")?;
            if name.is_empty() {
                return Err(FfiError::invalid("the parameter name is empty"));
            }
            let description = optional_str(description, "description")?;
            p.meta.params.insert(name, SmartModuleParam { description, optional });
            Ok(())
        })
    }
}

/// Stores the wasm module `wasm` (`len` bytes, copied; sent gzip-compressed)
/// on the cluster's SC as `name`, or, with `package` (NULL: none), under the
/// package's store id `<name>-<group>-<version>` as the official SC keys it
/// (`name` may then be NULL). Streams and producers then use it with
/// `fluvio_smartmodule_named`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments, empty name or
/// module, a module above 64 MiB), FLUVIO_ERR_SMARTMODULE (the SC refused
/// it: the key exists, the package is invalid, the bytes are not a wasm
/// module), or a connection error.
///
/// # Safety
/// `client` must be a live client; `name` NULL or a NUL-terminated string;
/// `wasm` `len` readable bytes (read only during the call); `package` NULL
/// or live package metadata.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_create(
    client: *mut fluvio_client,
    name: *const c_char,
    wasm: *const u8,
    len: usize,
    package: *const fluvio_smartmodule_package,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, wasm) = unsafe { (handle(client, "client")?, bytes(wasm, len, "wasm")?) };
        // SAFETY: per the contract.
        unsafe { create(client, name, wasm, package) }
    })
}

/// `fluvio_smartmodule_create` with the module read from the .wasm file at
/// `path`.
///
/// Returns what `fluvio_smartmodule_create` returns, and FLUVIO_ERR_IO when
/// the file cannot be read.
///
/// # Safety
/// As `fluvio_smartmodule_create`; `path` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_create_from_file(
    client: *mut fluvio_client,
    name: *const c_char,
    path: *const c_char,
    package: *const fluvio_smartmodule_package,
) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, path) = unsafe { (handle(client, "client")?, c_str(path, "path")?) };
        let wasm = read_wasm_file(path)?;
        // SAFETY: per the contract.
        unsafe { create(client, name, &wasm, package) }
    })
}

/// # Safety
/// `name` NULL or a NUL-terminated string; `package` NULL or live.
unsafe fn create(
    client: &fluvio_client,
    name: *const c_char,
    wasm: &[u8],
    package: *const fluvio_smartmodule_package,
) -> Result<(), FfiError> {
    // SAFETY: per the contract.
    let meta = unsafe { package.as_ref() }.map(|p| p.meta.clone());
    let name = if name.is_null() && meta.is_some() {
        String::new()
    } else {
        // SAFETY: per the contract.
        unsafe { wire_str(name, "name")? }
    };
    if name.is_empty() && meta.is_none() {
        return Err(FfiError::invalid("the SmartModule name is empty"));
    }
    block_on(client.client.create_smartmodule(&name, wasm, meta))??;
    Ok(())
}

/// Deletes the SmartModule stored as `name`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments),
/// FLUVIO_ERR_SMARTMODULE (no such SmartModule), or a connection error.
///
/// # Safety
/// `client` must be a live client; `name` a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_delete(client: *mut fluvio_client, name: *const c_char) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let (client, name) = unsafe { (handle(client, "client")?, wire_str(name, "name")?) };
        Ok(block_on(client.client.delete_smartmodule(&name))??)
    })
}

/// Lists the SmartModules stored on the SC. On success `*out` owns the
/// list: read it with `fluvio_smartmodule_list_count`, `_name`,
/// `_wasm_len` and `_package`, free it with `fluvio_smartmodule_list_free`.
///
/// Returns FLUVIO_ERR_INVALID_ARGUMENT (NULL arguments) or a connection error.
///
/// # Safety
/// `client` must be a live client; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_list(client: *mut fluvio_client, out: *mut *mut fluvio_smartmodule_list) -> fluvio_status {
    ffi_guard(|| {
        // SAFETY: per the contract.
        let client = unsafe { handle(client, "client")? };
        if out.is_null() {
            return Err(FfiError::invalid("out is NULL"));
        }
        let modules = block_on(client.client.list_smartmodules())??.into_iter().map(ListedModule::new).collect();
        // SAFETY: checked for NULL above.
        unsafe { write_out(out, Box::into_raw(Box::new(fluvio_smartmodule_list { modules })), "out") }
    })
}

/// Number of SmartModules in `list` (0 for NULL).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_list_count(list: *const fluvio_smartmodule_list) -> usize {
    ffi_guard_value(0, || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { list.as_ref() }.map_or(0, |l| l.modules.len())
    })
}

/// The key the `index`-th SmartModule is stored under, or NULL if `index`
/// is out of range. Owned by the list: valid until
/// `fluvio_smartmodule_list_free`.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_list_name(list: *const fluvio_smartmodule_list, index: usize) -> *const c_char {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { list.as_ref() }.and_then(|l| l.modules.get(index)).map_or(std::ptr::null(), |m| m.name.as_ptr())
    })
}

/// A field of the `index`-th SmartModule's package metadata (what
/// `fluvio_smartmodule_package_new` and `_set_details` gave it, or the
/// official `fluvio sm create` read from its SmartModule.toml). Returns
/// NULL if `index` or `field` is out of range, the module was stored without
/// a package, or the field is unset. Owned by the list: valid until
/// `fluvio_smartmodule_list_free`.
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_list_package(
    list: *const fluvio_smartmodule_list,
    index: usize,
    field: fluvio_smartmodule_package_field,
) -> *const c_char {
    ffi_guard_value(std::ptr::null(), || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { list.as_ref() }
            .and_then(|l| l.modules.get(index))
            .and_then(|m| m.package.as_ref())
            .and_then(|fields| fields.get(field as usize))
            .and_then(Option::as_ref)
            .map_or(std::ptr::null(), |text| text.as_ptr())
    })
}

/// Bytes of the `index`-th SmartModule's gzip-compressed wasm as the SC
/// stores it (0 if `index` is out of range).
///
/// # Safety
/// `list` must be NULL or a live list.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_list_wasm_len(list: *const fluvio_smartmodule_list, index: usize) -> u64 {
    ffi_guard_value(0, || {
        // SAFETY: NULL-checked; live per the contract.
        unsafe { list.as_ref() }.and_then(|l| l.modules.get(index)).map_or(0, |m| m.wasm_len)
    })
}

/// Frees a SmartModule list. NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or from `fluvio_smartmodule_list`, and not used after.
#[no_mangle]
pub unsafe extern "C" fn fluvio_smartmodule_list_free(list: *mut fluvio_smartmodule_list) {
    ffi_guard_value((), || {
        if !list.is_null() {
            // SAFETY: a pointer from fluvio_smartmodule_list, given back once.
            drop(unsafe { Box::from_raw(list) });
        }
    });
}
