//! The `cac` binary; everything lives in the library's `cli` module.
//!
//! The allocator is mimalloc: the engine makes many small, short-lived allocations per note, and under glibc's
//! malloc a fifth of a note's time went to the allocator's free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cac::cli::main()
}
