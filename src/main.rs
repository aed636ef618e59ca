//! The `cac` binary; everything lives in the library's `cli` module.
fn main() -> std::process::ExitCode {
    cac::cli::main()
}
