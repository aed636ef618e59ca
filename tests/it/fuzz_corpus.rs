//! Replays the committed fuzz corpus (fuzz/corpus/<target>/*) through the checks the fuzz targets run, so every
//! input the fuzzers kept, including each one that once found a bug, stays a test in `make test`.
#[path = "../../fuzz/src/checks.rs"]
mod checks;

use crate::common::{engine, project_root};

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = project_root().join("fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

#[test]
fn the_code_note_corpus_passes() {
    let inputs = corpus("code_note");
    assert!(inputs.len() >= 10, "{} inputs", inputs.len());
    for note in inputs.iter().filter_map(|data| checks::note_from_input(data)) {
        checks::check_code_result(&note.text, engine().code(&note));
    }
}

#[test]
fn the_jsonl_lines_corpus_passes() {
    let inputs = corpus("jsonl_lines");
    assert!(inputs.len() >= 10, "{} inputs", inputs.len());
    for data in inputs {
        let mut out = Vec::new();
        let summary = cac::cli::batch::code_lines(&engine(), &data[..], &mut out).unwrap();
        checks::check_batch_output(summary.lines, summary.failed, &out);
    }
}
