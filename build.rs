//! Compiles proto/cac/v1/*.proto with the protoc binary vendored by `protoc-bin-vendored` (nothing to install),
//! and writes the file descriptor set that gRPC server reflection serves.
use std::{env, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    // SAFETY: build scripts are single-threaded; prost-build reads PROTOC from the environment.
    unsafe { env::set_var("PROTOC", protoc) };
    let out = PathBuf::from(env::var("OUT_DIR")?);
    tonic_prost_build::configure()
        .file_descriptor_set_path(out.join("cac_v1_descriptor.bin"))
        .compile_protos(&["proto/cac/v1/coding.proto"], &["proto"])?;
    println!("cargo:rerun-if-changed=proto");
    Ok(())
}
