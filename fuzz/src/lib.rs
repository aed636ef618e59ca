//! What the fuzz targets share: the engine, built once per process from the project's `data/` (run `make setup`
//! first), and the checks every answer must pass ([`checks`], also run on the committed corpus by `make test`).
pub mod checks;

use std::sync::OnceLock;

use cac::Engine;

/// The engine with the code set and MS-DRG lists under `data/` (or `CAC_DATA_DIR`), and the rule scorer: the
/// ONNX model scores candidates, it does not make offsets or decide what is coded. Notes up to 64 KB, so that
/// libFuzzer's longer inputs also meet the size limit.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = std::env::var_os("CAC_DATA_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../data"));
        let codes = cac::cli::data::load_codeset(&dir).expect("the code set is under data/ (run `make setup`)");
        let lists = cac::cli::data::load_severity(&dir).expect("MS-DRG lists readable");
        let mut builder = Engine::builder(codes).max_note_bytes(64 * 1024);
        if let Some(lists) = lists {
            builder = builder.severity(lists);
        }
        builder.build().expect("the engine builds")
    })
}
