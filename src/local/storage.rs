//! The file operations the embedded cluster's durable state goes through:
//! partition logs, `topics.bin`, `smartmodules.bin` and the directories
//! holding them. Production uses the operating system's files
//! ([`OsStorage`]); the crash simulator's tests put a recording, in-memory
//! file system behind the same trait, so every write, rename, truncation
//! and fsync a workload makes can be replayed up to any crash point.
//!
//! The helpers below are the only durable ways to create, replace and
//! remove: a power cut keeps a new directory entry only if its parent
//! directory was fsynced, so each helper syncs the parent after changing it.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

#[cfg(test)]
pub mod sim;

/// A file system holding the cluster's state.
pub trait Storage: Send + Sync + fmt::Debug {
    /// Whether `path` is an existing directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// Creates one directory (its parent must exist).
    fn create_dir(&self, path: &Path) -> io::Result<()>;
    /// The names in a directory (names that are not UTF-8 are left out).
    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>>;
    /// A whole file's contents.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Opens a file for reading and writing, creating it when `create`.
    fn open(&self, path: &Path, create: bool) -> io::Result<Box<dyn StorageFile>>;
    /// Renames a file within its directory, replacing `to`.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()>;
    fn remove_file(&self, path: &Path) -> io::Result<()>;
    /// Removes a directory and everything under it.
    fn remove_dir_all(&self, path: &Path) -> io::Result<()>;
    /// Makes the directory's entries (creations, renames, removals) durable.
    fn sync_dir(&self, path: &Path) -> io::Result<()>;
}

/// An open file of a [`Storage`].
pub trait StorageFile: Send + Sync + fmt::Debug {
    fn read_exact_at(&self, buf: &mut [u8], position: u64) -> io::Result<()>;
    fn write_all_at(&self, bytes: &[u8], position: u64) -> io::Result<()>;
    fn len(&self) -> io::Result<u64>;
    fn set_len(&self, len: u64) -> io::Result<()>;
    /// Makes the file's contents and size durable (fdatasync).
    fn sync_data(&self) -> io::Result<()>;
    /// `sync_data` and the rest of the file's metadata (fsync).
    fn sync_all(&self) -> io::Result<()>;
    fn modified(&self) -> io::Result<SystemTime>;
}

/// The operating system's files.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsStorage;

impl OsStorage {
    pub fn shared() -> Arc<dyn Storage> {
        Arc::new(OsStorage)
    }
}

impl Storage for OsStorage {
    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn create_dir(&self, path: &Path) -> io::Result<()> {
        fs::create_dir(path)
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        for entry in fs::read_dir(path)? {
            if let Ok(name) = entry?.file_name().into_string() {
                names.push(name);
            }
        }
        Ok(names)
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        fs::read(path)
    }

    fn open(&self, path: &Path, create: bool) -> io::Result<Box<dyn StorageFile>> {
        let file = OpenOptions::new().read(true).write(true).create(create).truncate(false).open(path)?;
        Ok(Box::new(OsFile(file)))
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        fs::remove_dir_all(path)
    }

    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        File::open(path)?.sync_all()
    }
}

#[derive(Debug)]
struct OsFile(File);

impl StorageFile for OsFile {
    fn read_exact_at(&self, buf: &mut [u8], position: u64) -> io::Result<()> {
        self.0.read_exact_at(buf, position)
    }

    fn write_all_at(&self, bytes: &[u8], position: u64) -> io::Result<()> {
        self.0.write_all_at(bytes, position)
    }

    fn len(&self) -> io::Result<u64> {
        Ok(self.0.metadata()?.len())
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        self.0.set_len(len)
    }

    fn sync_data(&self) -> io::Result<()> {
        self.0.sync_data()
    }

    fn sync_all(&self) -> io::Result<()> {
        self.0.sync_all()
    }

    fn modified(&self) -> io::Result<SystemTime> {
        self.0.metadata()?.modified()
    }
}

/// Creates `dir` and any missing parents, fsyncing the parent of each one
/// created so that the new entries survive a power cut.
pub fn create_dir_all_durably(storage: &dyn Storage, dir: &Path) -> io::Result<()> {
    if storage.is_dir(dir) {
        return Ok(());
    }
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    create_dir_all_durably(storage, parent)?;
    match storage.create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && storage.is_dir(dir) => return Ok(()),
        Err(e) => return Err(e),
    }
    storage.sync_dir(parent)
}

/// Replaces the file at `path` with `bytes` so that a power cut leaves
/// either the old contents or the new ones, whole: written to a temporary
/// file beside it, fsynced, renamed over it, and the directory fsynced.
pub fn replace_file_durably(storage: &dyn Storage, path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().ok_or_else(|| io::Error::other(format!("{} has no directory", path.display())))?;
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = dir.join(tmp_name);
    let file = storage.open(&tmp, true)?;
    file.set_len(0)?;
    file.write_all_at(bytes, 0)?;
    file.sync_all()?;
    drop(file);
    storage.rename(&tmp, path)?;
    storage.sync_dir(dir)
}

/// Removes `dir` and everything in it, and makes the removal durable.
pub fn remove_dir_all_durably(storage: &dyn Storage, dir: &Path) -> io::Result<()> {
    storage.remove_dir_all(dir)?;
    match dir.parent() {
        Some(parent) => storage.sync_dir(parent),
        None => Ok(()),
    }
}
