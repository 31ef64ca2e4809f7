//! The `claimwire` command.

mod cli;

/// mimalloc's `mi_option_purge_delay` (its index in `mi_option_e` of the bundled mimalloc
/// v3 `mimalloc.h`; `libmimalloc-sys` is pinned so that the index cannot move).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Never hand freed pages back to the OS: claim memory only grows, and the pages that
    // batches free are wanted again a moment later. Purging them made the kernel zero
    // pages for a tenth of the CPU; keeping them costs resident memory (the service holds
    // two to three times its live heap). An operator who would rather trade CPU for memory
    // sets mimalloc's own `MIMALLOC_PURGE_DELAY` (milliseconds), which is then left alone.
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: stores an integer in mimalloc's option table; no memory is touched.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
    // Small pages rather than transparent huge pages: mimalloc asks for huge pages on its
    // arena, and each first touch of one makes the kernel find and zero 2 MB at once, which
    // cost 8-12% of CPU per article on the wire mix (mostly system time). mimalloc's own
    // option acts only before it starts, which is before `main`; the process-wide switch
    // also covers mappings already made.
    // SAFETY: prctl with integer arguments only; failure (an old kernel) changes nothing.
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0)
    };
    cli::main()
}

/// mimalloc instead of the system allocator: claims are many small strings made on one
/// thread and dropped on another (extraction workers, the tracker, the producer's delivery
/// tasks), where glibc's arenas spend their time consolidating. With purging off (below),
/// 10-20% less CPU per article on the wire mix, for more resident memory (300 vs 212 MB
/// after 155k claims). `libmimalloc-sys`'s `override` feature also routes C's `malloc` to
/// mimalloc, so librdkafka's per-message allocations (made on one thread, freed on another)
/// go there too.
#[global_allocator]
static GLOBAL: Mimalloc = Mimalloc;

/// mimalloc's plain entry points wherever every block it hands out is aligned enough
/// (alignment up to a machine word), its aligned ones otherwise. The `mimalloc` crate calls
/// the aligned ones for everything; for a block over 1 KiB (article bodies, record buffers,
/// token lists) that is not of a power-of-two size, they over-allocate and mark the page as
/// holding aligned blocks, which makes every later free on that page look for the block's
/// start.
struct Mimalloc;

/// Whether every mimalloc block suits `layout`, so that the plain entry points serve it:
/// mimalloc's size classes are whole machine words, so every block is aligned to one.
fn word_aligned(layout: std::alloc::Layout) -> bool {
    layout.align() <= std::mem::size_of::<usize>()
}

// SAFETY: each method forwards to the mimalloc function with the same contract, the plain
// one only where the requested alignment is at most a word, which every mimalloc block has.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        if word_aligned(layout) {
            mi::mi_malloc(layout.size()).cast()
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys as mi;
        if word_aligned(layout) {
            mi::mi_zalloc(layout.size()).cast()
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        libmimalloc_sys::mi_free(ptr.cast());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys as mi;
        if word_aligned(layout) {
            mi::mi_realloc(ptr.cast(), new_size).cast()
        } else {
            mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
        }
    }
}
