//! A descriptor that is readable exactly while something waits for the
//! application (records in a stream, delivery reports of a producer, log
//! messages), for poll/epoll/select and event loops.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::Mutex;

use super::error::{fluvio_status, FfiError};

/// The two ends of a socket pair holding one byte exactly while something
/// waits. A socket pair, not a pipe: a task still signalling after the
/// owner was freed gets EPIPE, not a SIGPIPE that kills the C program.
pub(crate) struct Readiness {
    read: OwnedFd,
    write: OwnedFd,
    /// Whether the byte is in the socket; the lock also orders every check
    /// of what waits against the byte, so readiness is never spurious.
    signaled: Mutex<bool>,
}

impl Readiness {
    pub(crate) fn new() -> Result<Self, FfiError> {
        let mut fds = [0; 2];
        // SAFETY: socketpair writes two descriptors into the array it is given.
        let rc = unsafe {
            libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr())
        };
        if rc != 0 {
            return Err(FfiError::new(fluvio_status::FLUVIO_ERR_IO, format!("socketpair: {}", std::io::Error::last_os_error())));
        }
        // SAFETY: socketpair succeeded, so both descriptors are open and ours alone.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        Ok(Readiness { read, write, signaled: Mutex::new(false) })
    }

    /// The descriptor the application polls.
    pub(crate) fn fd(&self) -> RawFd {
        self.read.as_raw_fd()
    }

    /// Makes the descriptor readable if `waiting()`, checked under the lock.
    pub(crate) fn raise_if(&self, waiting: &dyn Fn() -> bool) {
        let mut signaled = self.signaled.lock().unwrap_or_else(|p| p.into_inner());
        if !*signaled && waiting() {
            self.signal();
            *signaled = true;
        }
    }

    /// Makes the descriptor readable exactly if `waiting()`, checked under
    /// the lock (the reader's side: it knows everything that waits).
    pub(crate) fn update(&self, waiting: impl FnOnce() -> bool) {
        let mut signaled = self.signaled.lock().unwrap_or_else(|p| p.into_inner());
        let waiting = waiting();
        if waiting && !*signaled {
            self.signal();
        } else if !waiting && *signaled {
            self.drain();
        }
        *signaled = waiting;
    }

    /// Readable or not, by the caller's own knowledge (it holds the lock of
    /// what waits while it calls this).
    pub(crate) fn set(&self, waiting: bool) {
        self.update(|| waiting);
    }

    fn signal(&self) {
        let byte = 1u8;
        // SAFETY: sends one byte from a live buffer on a socket we own; MSG_NOSIGNAL: no SIGPIPE.
        let _ = unsafe { libc::send(self.write.as_raw_fd(), (&byte as *const u8).cast(), 1, libc::MSG_NOSIGNAL) };
    }

    fn drain(&self) {
        let mut buf = [0u8; 64];
        // SAFETY: reads into a live buffer of the given size from a non-blocking descriptor we own.
        while unsafe { libc::read(self.read.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable(r: &Readiness) -> bool {
        let mut pfd = libc::pollfd { fd: r.fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one live pollfd, no wait.
        unsafe { libc::poll(&mut pfd, 1, 0) == 1 }
    }

    #[test]
    fn readable_exactly_while_something_waits() {
        let r = Readiness::new().unwrap();
        assert!(!readable(&r));
        r.raise_if(&|| false);
        assert!(!readable(&r));
        r.raise_if(&|| true);
        r.raise_if(&|| true);
        assert!(readable(&r));
        r.update(|| true);
        assert!(readable(&r));
        r.set(false);
        assert!(!readable(&r));
        r.set(true);
        assert!(readable(&r));
        r.update(|| false);
        assert!(!readable(&r));
    }
}
