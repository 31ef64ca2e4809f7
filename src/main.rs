//! The `claimwire` command.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

/// mimalloc instead of the system allocator: claims are many small strings made on one
/// thread and dropped on another (extraction workers, the tracker, the producer's delivery
/// tasks), where glibc's arenas spend their time consolidating. 8-13% less CPU per article
/// on the wire mix, for about a quarter more resident memory (280 vs 220 MB after 155k
/// claims).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
