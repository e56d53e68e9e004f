//! A recording, in-memory [`Storage`] for the crash simulator: the cluster
//! runs on it as on real files while every operation is appended to a
//! trace, and [`crash_state`] rebuilds from a prefix of that trace what a
//! power cut at that point may leave on disk.
//!
//! The model is the POSIX promise and no more (as ALICE and CrashMonkey
//! model it): a file's data and size are durable once the file is fsynced;
//! a directory entry (a creation, removal or rename in it) once the
//! directory is. Of what was not made durable, a power cut may keep any
//! subset, each file's and each directory's in order; the last write a file
//! keeps may be torn (a prefix of it) or left as zeros (its size reached
//! the disk, its data did not). Files and directories are inodes, so a
//! directory created again under an old name never shows the old entries.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::{Storage, StorageFile};

/// What a directory entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    File(u64),
    Dir(u64),
}

/// One recorded operation, on inodes.
#[derive(Debug, Clone)]
pub enum Op {
    /// A new entry `name` in directory `dir`.
    Link { dir: u64, name: String, node: Node },
    Unlink { dir: u64, name: String },
    /// An atomic rename within `dir`.
    Rename { dir: u64, from: String, to: String, node: Node },
    Write { file: u64, position: u64, bytes: Vec<u8> },
    SetLen { file: u64, len: u64 },
    SyncFile { file: u64 },
    SyncDir { dir: u64 },
}

impl Op {
    /// One line for a failure report.
    pub fn describe(&self) -> String {
        match self {
            Op::Link { name, node: Node::Dir(_), .. } => format!("mkdir {name}"),
            Op::Link { name, .. } => format!("create {name}"),
            Op::Unlink { name, .. } => format!("unlink {name}"),
            Op::Rename { from, to, .. } => format!("rename {from} -> {to}"),
            Op::Write { file, position, bytes } => format!("write inode {file} [{position}, +{})", bytes.len()),
            Op::SetLen { file, len } => format!("truncate inode {file} to {len}"),
            Op::SyncFile { file } => format!("fsync inode {file}"),
            Op::SyncDir { dir } => format!("fsync directory inode {dir}"),
        }
    }
}

/// The inode of the root directory (the path the storage was made with).
const ROOT: u64 = 0;

/// Files and directories by inode.
#[derive(Debug, Clone)]
pub struct Tree {
    files: BTreeMap<u64, Vec<u8>>,
    dirs: BTreeMap<u64, BTreeMap<String, Node>>,
    next_inode: u64,
}

impl Default for Tree {
    fn default() -> Self {
        Tree { files: BTreeMap::new(), dirs: BTreeMap::from([(ROOT, BTreeMap::new())]), next_inode: ROOT + 1 }
    }
}

impl Tree {
    fn apply_entry(&mut self, op: &Op) {
        match op {
            Op::Link { dir, name, node } => {
                if let Node::Dir(d) = node {
                    self.dirs.entry(*d).or_default();
                }
                if let Node::File(f) = node {
                    self.files.entry(*f).or_default();
                }
                self.dirs.entry(*dir).or_default().insert(name.clone(), *node);
            }
            Op::Unlink { dir, name } => {
                self.dirs.entry(*dir).or_default().remove(name);
            }
            Op::Rename { dir, from, to, node } => {
                let entries = self.dirs.entry(*dir).or_default();
                entries.remove(from);
                entries.insert(to.clone(), *node);
            }
            _ => unreachable!("not a directory operation"),
        }
    }

    fn apply_data(&mut self, op: &Op) {
        match op {
            Op::Write { file, position, bytes } => {
                let data = self.files.entry(*file).or_default();
                let end = *position as usize + bytes.len();
                if data.len() < end {
                    data.resize(end, 0);
                }
                data[*position as usize..end].copy_from_slice(bytes);
            }
            Op::SetLen { file, len } => self.files.entry(*file).or_default().resize(*len as usize, 0),
            _ => unreachable!("not a data operation"),
        }
    }

    /// Every file reachable from the root, by path relative to it, with its
    /// length (for reports).
    pub fn file_lengths(&self) -> BTreeMap<PathBuf, u64> {
        let mut out = BTreeMap::new();
        let mut stack = vec![(PathBuf::new(), ROOT)];
        while let Some((path, dir)) = stack.pop() {
            for (name, node) in self.dirs.get(&dir).into_iter().flatten() {
                match node {
                    Node::File(f) => {
                        out.insert(path.join(name), self.files.get(f).map_or(0, |d| d.len() as u64));
                    }
                    Node::Dir(d) => stack.push((path.join(name), *d)),
                }
            }
        }
        out
    }
}

/// Which of the operations not yet durable a crash keeps.
#[derive(Debug, Clone, Copy)]
pub enum Keep {
    /// None: only what was fsynced.
    SyncedOnly,
    /// All of them, as if the cache had just been written back.
    Everything,
    /// A random subset, with torn and zeroed last writes, from this seed.
    Random(u64),
}

/// The disk a power cut leaves after the first `ops` operations of a trace.
pub fn crash_state(ops: &[Op], keep: Keep) -> Tree {
    let mut disk = Tree::default();
    let mut pending_data: BTreeMap<u64, Vec<&Op>> = BTreeMap::new();
    let mut pending_entries: BTreeMap<u64, Vec<&Op>> = BTreeMap::new();
    for op in ops {
        match op {
            Op::Link { dir, .. } | Op::Unlink { dir, .. } | Op::Rename { dir, .. } => pending_entries.entry(*dir).or_default().push(op),
            Op::Write { file, .. } | Op::SetLen { file, .. } => pending_data.entry(*file).or_default().push(op),
            Op::SyncFile { file } => {
                for op in pending_data.remove(file).unwrap_or_default() {
                    disk.apply_data(op);
                }
            }
            Op::SyncDir { dir } => {
                for op in pending_entries.remove(dir).unwrap_or_default() {
                    disk.apply_entry(op);
                }
            }
        }
        // Inodes exist (unreachable until an entry names them); new ones
        // made after the crash must not reuse their numbers.
        if let Op::Link { node: Node::File(f), .. } = op {
            disk.files.entry(*f).or_default();
            disk.next_inode = disk.next_inode.max(f + 1);
        }
        if let Op::Link { node: Node::Dir(d), .. } = op {
            disk.dirs.entry(*d).or_default();
            disk.next_inode = disk.next_inode.max(d + 1);
        }
    }
    let mut rng = match keep {
        Keep::Random(seed) => Some(SmallRng::seed_from_u64(seed)),
        _ => None,
    };
    let kept = |rng: &mut Option<SmallRng>| match (keep, rng) {
        (Keep::SyncedOnly, _) => false,
        (Keep::Everything, _) => true,
        (Keep::Random(_), Some(rng)) => rng.gen_bool(0.5),
        (Keep::Random(_), None) => unreachable!(),
    };
    for ops in pending_entries.values() {
        for op in ops {
            if kept(&mut rng) {
                disk.apply_entry(op);
            }
        }
    }
    for ops in pending_data.values() {
        let chosen: Vec<&Op> = ops.iter().copied().filter(|_| kept(&mut rng)).collect();
        let Some((last, earlier)) = chosen.split_last() else { continue };
        for op in earlier {
            disk.apply_data(op);
        }
        let tear = rng.as_mut().is_some_and(|rng| rng.gen_bool(0.5));
        match (last, rng.as_mut()) {
            (Op::Write { file, position, bytes }, Some(rng)) if tear => {
                let torn = if rng.gen_bool(0.5) {
                    bytes[..rng.gen_range(0..bytes.len().max(1))].to_vec()
                } else {
                    vec![0; bytes.len()]
                };
                disk.apply_data(&Op::Write { file: *file, position: *position, bytes: torn });
            }
            _ => disk.apply_data(last),
        }
    }
    disk
}

#[derive(Debug)]
struct Live {
    tree: Tree,
    trace: Vec<Op>,
}

#[derive(Debug)]
struct Shared {
    root: PathBuf,
    live: Mutex<Live>,
}

/// The in-memory storage; clones share the same files.
#[derive(Debug, Clone)]
pub struct SimStorage(Arc<Shared>);

fn not_found(path: &Path) -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, format!("{}: no such file or directory", path.display()))
}

impl SimStorage {
    /// An empty file system whose root directory is `root`.
    pub fn new(root: &Path) -> Self {
        Self::from_tree(root, Tree::default())
    }

    /// A file system holding `tree` (a crash state) under `root`.
    pub fn from_tree(root: &Path, tree: Tree) -> Self {
        SimStorage(Arc::new(Shared { root: root.to_path_buf(), live: Mutex::new(Live { tree, trace: Vec::new() }) }))
    }

    fn live(&self) -> MutexGuard<'_, Live> {
        self.0.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How many operations have been recorded.
    pub fn trace_len(&self) -> usize {
        self.live().trace.len()
    }

    /// The operations recorded so far.
    pub fn trace(&self) -> Vec<Op> {
        self.live().trace.clone()
    }

    /// The files as they are now (for reports).
    pub fn tree(&self) -> Tree {
        self.live().tree.clone()
    }

    fn components(&self, path: &Path) -> io::Result<Vec<String>> {
        let relative = path.strip_prefix(&self.0.root).map_err(|_| not_found(path))?;
        relative
            .components()
            .map(|c| match c {
                Component::Normal(name) => name.to_str().map(str::to_string).ok_or_else(|| not_found(path)),
                _ => Err(not_found(path)),
            })
            .collect()
    }

    /// The directory holding `path`'s last component, and that name.
    fn parent_of(&self, live: &Live, path: &Path) -> io::Result<(u64, String)> {
        let mut names = self.components(path)?;
        let name = names.pop().ok_or_else(|| not_found(path))?;
        let mut dir = ROOT;
        for part in names {
            match live.tree.dirs[&dir].get(&part) {
                Some(Node::Dir(d)) => dir = *d,
                _ => return Err(not_found(path)),
            }
        }
        Ok((dir, name))
    }

    fn resolve(&self, live: &Live, path: &Path) -> io::Result<Node> {
        if self.components(path)?.is_empty() {
            return Ok(Node::Dir(ROOT));
        }
        let (dir, name) = self.parent_of(live, path)?;
        live.tree.dirs[&dir].get(&name).copied().ok_or_else(|| not_found(path))
    }

    fn record(live: &mut Live, op: Op) {
        match &op {
            Op::Link { .. } | Op::Unlink { .. } | Op::Rename { .. } => live.tree.apply_entry(&op),
            Op::Write { .. } | Op::SetLen { .. } => live.tree.apply_data(&op),
            Op::SyncFile { .. } | Op::SyncDir { .. } => {}
        }
        live.trace.push(op);
    }

    fn new_inode(live: &mut Live) -> u64 {
        live.tree.next_inode += 1;
        live.tree.next_inode - 1
    }

    /// Records an operation on an open file (which, as on POSIX, still works
    /// after the file was unlinked).
    fn record_file_op(&self, op: Op) -> io::Result<()> {
        Self::record(&mut self.live(), op);
        Ok(())
    }
}

impl Storage for SimStorage {
    fn is_dir(&self, path: &Path) -> bool {
        matches!(self.resolve(&self.live(), path), Ok(Node::Dir(_)))
    }

    fn create_dir(&self, path: &Path) -> io::Result<()> {
        let mut live = self.live();
        let (dir, name) = self.parent_of(&live, path)?;
        if live.tree.dirs[&dir].contains_key(&name) {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} exists", path.display())));
        }
        let node = Node::Dir(Self::new_inode(&mut live));
        Self::record(&mut live, Op::Link { dir, name, node });
        Ok(())
    }

    fn list_dir(&self, path: &Path) -> io::Result<Vec<String>> {
        let live = self.live();
        match self.resolve(&live, path)? {
            Node::Dir(d) => Ok(live.tree.dirs[&d].keys().cloned().collect()),
            Node::File(_) => Err(io::Error::other(format!("{} is not a directory", path.display()))),
        }
    }

    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let live = self.live();
        match self.resolve(&live, path)? {
            Node::File(f) => Ok(live.tree.files[&f].clone()),
            Node::Dir(_) => Err(io::Error::other(format!("{} is a directory", path.display()))),
        }
    }

    fn open(&self, path: &Path, create: bool) -> io::Result<Box<dyn StorageFile>> {
        let mut live = self.live();
        let file = match self.resolve(&live, path) {
            Ok(Node::File(f)) => f,
            Ok(Node::Dir(_)) => return Err(io::Error::other(format!("{} is a directory", path.display()))),
            Err(e) if !create => return Err(e),
            Err(_) => {
                let (dir, name) = self.parent_of(&live, path)?;
                let file = Self::new_inode(&mut live);
                Self::record(&mut live, Op::Link { dir, name, node: Node::File(file) });
                file
            }
        };
        Ok(Box::new(SimFile { storage: self.clone(), file }))
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut live = self.live();
        let node = self.resolve(&live, from)?;
        let (dir, from_name) = self.parent_of(&live, from)?;
        let (to_dir, to_name) = self.parent_of(&live, to)?;
        if dir != to_dir {
            return Err(io::Error::other("the simulator renames within a directory only"));
        }
        Self::record(&mut live, Op::Rename { dir, from: from_name, to: to_name, node });
        Ok(())
    }

    fn remove_file(&self, path: &Path) -> io::Result<()> {
        let mut live = self.live();
        let Node::File(_) = self.resolve(&live, path)? else {
            return Err(io::Error::other(format!("{} is a directory", path.display())));
        };
        let (dir, name) = self.parent_of(&live, path)?;
        Self::record(&mut live, Op::Unlink { dir, name });
        Ok(())
    }

    fn remove_dir_all(&self, path: &Path) -> io::Result<()> {
        let mut live = self.live();
        let Node::Dir(top) = self.resolve(&live, path)? else {
            return Err(io::Error::other(format!("{} is not a directory", path.display())));
        };
        // Children first, as the real call unlinks them.
        fn unlink_children(live: &mut Live, dir: u64) {
            let entries: Vec<(String, Node)> = live.tree.dirs[&dir].iter().map(|(n, e)| (n.clone(), *e)).collect();
            for (name, node) in entries {
                if let Node::Dir(d) = node {
                    unlink_children(live, d);
                }
                SimStorage::record(live, Op::Unlink { dir, name });
            }
        }
        unlink_children(&mut live, top);
        let (dir, name) = self.parent_of(&live, path)?;
        Self::record(&mut live, Op::Unlink { dir, name });
        Ok(())
    }

    fn sync_dir(&self, path: &Path) -> io::Result<()> {
        let mut live = self.live();
        let Node::Dir(dir) = self.resolve(&live, path)? else {
            return Err(io::Error::other(format!("{} is not a directory", path.display())));
        };
        Self::record(&mut live, Op::SyncDir { dir });
        Ok(())
    }
}

#[derive(Debug)]
struct SimFile {
    storage: SimStorage,
    file: u64,
}

impl StorageFile for SimFile {
    fn read_exact_at(&self, buf: &mut [u8], position: u64) -> io::Result<()> {
        let live = self.storage.live();
        let data = live.tree.files.get(&self.file).ok_or_else(|| io::Error::other("inode is gone"))?;
        let end = position as usize + buf.len();
        let bytes = data.get(position as usize..end).ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))?;
        buf.copy_from_slice(bytes);
        Ok(())
    }

    fn write_all_at(&self, bytes: &[u8], position: u64) -> io::Result<()> {
        self.storage.record_file_op(Op::Write { file: self.file, position, bytes: bytes.to_vec() })
    }

    fn len(&self) -> io::Result<u64> {
        let live = self.storage.live();
        Ok(live.tree.files.get(&self.file).map_or(0, |d| d.len() as u64))
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        self.storage.record_file_op(Op::SetLen { file: self.file, len })
    }

    fn sync_data(&self) -> io::Result<()> {
        self.storage.record_file_op(Op::SyncFile { file: self.file })
    }

    fn sync_all(&self) -> io::Result<()> {
        self.sync_data()
    }

    fn modified(&self) -> io::Result<SystemTime> {
        Ok(SystemTime::now())
    }
}
