//! Handing freed memory back to the system.
//!
//! glibc's allocator keeps what the process frees for later: a burst of
//! large answers left the proxy holding tens of MiB long after the answers
//! and the cache entries were gone. Two settings of the same allocator
//! bound that, without another allocator in the build:
//!
//! - [`large_allocations_from_the_system`], once at startup: every block of
//!   128 KiB or more (an answer's body, the buffers it is read and written
//!   through) is mapped on its own and unmapped as soon as it is freed.
//!   By default glibc raises that threshold to the largest block freed so
//!   far (up to 32 MiB), after which such blocks stay in its heaps.
//! - [`give_back_freed_memory`], when answers adding up to much have gone
//!   through the cache or left it: the free pages that smaller blocks left
//!   in the heaps go back too (`malloc_trim`).
//!
//! Elsewhere than glibc both do nothing.

/// Blocks of this size or more are mapped on their own, and unmapped when
/// freed: glibc's starting threshold, kept fixed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const OWN_MAPPING_FROM: libc::c_int = 128 * 1024;

/// Has glibc map large blocks on their own from now on. Call it once,
/// first thing in `main`.
pub fn large_allocations_from_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter, under glibc's own
    // lock; a value it does not accept is refused, and nothing changes.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_FROM);
    }
}

/// Returns the free pages of the allocator's heaps to the system.
pub fn give_back_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory glibc holds as free, under
    // the locks of its arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}
