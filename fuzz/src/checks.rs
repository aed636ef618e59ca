//! The checks every fuzz input must pass, shared by the fuzz targets and by the test that replays the committed
//! corpus in `make test` (tests/it/fuzz_corpus.rs includes this file).
use cac::note::{PatientStatus, Setting};
use cac::{CodedNote, Note};

/// The note a `code_note` input stands for: the first byte chooses the setting and patient status, the rest is
/// the text (invalid UTF-8 replaced, as a client's decoder would). `None` for an empty input.
pub fn note_from_input(data: &[u8]) -> Option<Note> {
    let (&first, rest) = data.split_first()?;
    let mut note = Note::new("fuzz", String::from_utf8_lossy(rest).into_owned());
    note.setting = [Setting::Outpatient, Setting::Inpatient, Setting::Emergency][usize::from(first % 3)];
    note.patient_status =
        [None, Some(PatientStatus::New), Some(PatientStatus::Established)][usize::from(first / 3 % 3)];
    Some(note)
}

/// What the engine may answer for `text`: a coded note whose every span lies in the note with `text` equal to its
/// slice, or a refusal of an empty or oversized note. Anything else (a panic, an internal error) fails.
pub fn check_code_result(text: &str, result: Result<CodedNote, cac::Error>) {
    match result {
        Ok(coded) => {
            let faults = coded.span_faults(text);
            assert!(faults.is_empty(), "{faults:?}");
        }
        Err(cac::Error::EmptyText) => assert!(text.trim().is_empty(), "a note with text refused as empty"),
        Err(cac::Error::TextTooLarge { size, limit }) => {
            assert!(size == text.len() && size > limit, "a note of {} bytes refused as too large", text.len())
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

/// What `cac batch` may write for its input: one JSON object per input line, each with an `error` field, the
/// failures counted, and every error one of [`LINE_ERRORS`].
pub fn check_batch_output(lines: usize, failed: usize, out: &[u8]) {
    let text = std::str::from_utf8(out).expect("output is UTF-8");
    let written: Vec<&str> = text.lines().collect();
    assert_eq!(written.len(), lines, "one output line per input line");
    let mut errors = 0;
    for line in written {
        let value: serde_json::Value = serde_json::from_str(line).expect("every output line is JSON");
        match value.get("error") {
            Some(serde_json::Value::Null) => {}
            Some(serde_json::Value::String(e)) => {
                errors += 1;
                check_line_error(e);
            }
            _ => panic!("an output line without an error field"),
        }
    }
    assert_eq!(errors, failed, "failed lines counted");
}

/// Error messages of `cac batch` lines with every number replaced by `N`: the only ones a line may get. None
/// quotes the input, which may be note text.
const LINE_ERRORS: &[&str] = &[
    "line N is not valid UTF-N (invalid byte at offset N)",
    "line N is empty",
    "line N is not valid JSON (syntax error, column N)",
    "line N is not valid JSON (unexpected end of line, column N)",
    "line N is not valid JSON (unexpected data, column N)",
    "line N is not a JSON object",
    "line N: \"id\" must be a string or a number",
    "line N: \"text\" must be a string",
    "line N has no \"text\"",
    "line N: \"setting\" must be a string",
    "line N: \"patient_status\" must be a string",
    "line N: setting must be \"inpatient\", \"outpatient\" or \"emergency\"",
    "line N: patient_status must be \"new\" or \"established\"",
    "line N: text is empty",
    "line N: text is N bytes, over the limit of N bytes (--max-note-bytes)",
];

/// Panics unless `message` is one of [`LINE_ERRORS`].
pub fn check_line_error(message: &str) {
    let mut shaped = String::with_capacity(message.len());
    let mut in_number = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                shaped.push('N');
            }
        } else {
            shaped.push(c);
        }
        in_number = c.is_ascii_digit();
    }
    assert!(LINE_ERRORS.contains(&shaped.as_str()), "unexpected line error: {shaped}");
}
