//! The ONNX Runtime, loaded once per process from a shared library.
//!
//! ort is built with `load-dynamic`: the library is not linked at build time but opened at start-up from a path
//! the binary resolves (`ORT_DYLIB_PATH`, the copy setup installs under `.deps/`, or an installed `onnxruntime`
//! Python package). Loading it eagerly makes a missing or broken library a clear start-up error instead of a
//! failure on the first request.
use std::path::Path;

use crate::error::BuildError;

/// A loaded ONNX Runtime environment; sessions are created from it.
pub struct OnnxRuntime {
    environment: ort::environment::Environment,
    library: String,
}

impl std::fmt::Debug for OnnxRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnnxRuntime").field("library", &self.library).finish()
    }
}

impl OnnxRuntime {
    /// Loads the runtime library at `library` and creates the process environment.
    pub fn load(library: &Path) -> Result<OnnxRuntime, BuildError> {
        let shown = library.display().to_string();
        let builder = ort::init_from(library).map_err(|e| BuildError::Onnx(format!("cannot load {shown}: {e}")))?;
        let environment =
            builder.with_name("cac").build().map_err(|e| BuildError::Onnx(format!("cannot start {shown}: {e}")))?;
        Ok(OnnxRuntime { environment, library: shown })
    }

    pub fn environment(&self) -> &ort::environment::Environment {
        &self.environment
    }

    /// The library file the runtime was loaded from.
    pub fn library(&self) -> &str {
        &self.library
    }
}
