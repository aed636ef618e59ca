//! The data files the project writes under `models/`, embedded in the binary at build time.
//!
//! Embedding makes cac one self-contained binary whose behaviour is exactly what the tests ran against: no
//! search path, no file missing at start-up. The engine parses these at build time of the [`Engine`]
//! (crate::engine::Engine) and reports a malformed line with its file and line number.
include!(concat!(env!("OUT_DIR"), "/models.rs"));
