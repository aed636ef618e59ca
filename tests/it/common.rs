//! Shared fixtures: the code set and engine are built once per test binary.
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use cac::{CodeSet, Engine};

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn codeset() -> Arc<CodeSet> {
    static CODES: OnceLock<Arc<CodeSet>> = OnceLock::new();
    Arc::clone(CODES.get_or_init(|| {
        cac::cli::data::load_codeset(&project_root().join("data"))
            .expect("the ICD-10-CM code set is under data/ (run `make setup`)")
    }))
}

pub fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    Arc::clone(ENGINE.get_or_init(|| {
        let lists = cac::cli::data::load_severity(&project_root().join("data"))
            .expect("MS-DRG lists readable")
            .expect("the MS-DRG CC/MCC lists are under data/msdrg (run `make setup`)");
        Arc::new(Engine::builder(codeset()).severity(lists).build().expect("engine builds"))
    }))
}

/// The characters `begin..end` of `text`, the way the contract counts them.
pub fn chars(text: &str, begin: usize, end: usize) -> String {
    text.chars().skip(begin).take(end - begin).collect()
}
