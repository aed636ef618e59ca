//! The JSON-lines contract of `cac batch` and `cac code --json`, as pure functions over bytes.
//!
//! Input line: `{"id": "n1", "text": "...", "setting": "inpatient" | "outpatient" | "emergency",
//! "patient_status": "new" | "established"}` (setting optional, default outpatient; patient_status optional, read
//! from the note when absent; id a string or number, optional). Output line: the [`CodedNote`] fields plus
//! `"error": null`, or `{"id": ..., "error": "..."}` when the line cannot be coded.
//!
//! Error messages never quote the line: serde_json's own messages can echo a string value, and that value may be
//! note text. The line is first parsed as a generic JSON value, whose syntax errors name only a position, and
//! fields are then checked here with messages that name the field.
use serde::Serialize;
use serde_json::Value;

use crate::note::{Note, PatientStatus, Setting};
use crate::suggestion::CodedNote;

/// One input line, read: the id as given (echoed in the output) and the note, or why it cannot be coded.
#[derive(Debug)]
pub struct InputLine {
    pub id: Value,
    pub note: Result<Note, String>,
}

/// Reads one line (without its newline). `line_no` counts from 1 and `offset` is the byte offset of the line in
/// its file; both only serve the error messages.
pub fn parse_line(line: &[u8], line_no: usize, offset: u64) -> InputLine {
    let fail = |id: Value, msg: String| InputLine { id, note: Err(msg) };
    let text = match std::str::from_utf8(line) {
        Ok(t) => t,
        Err(e) => {
            let at = offset + e.valid_up_to() as u64;
            return fail(Value::Null, format!("line {line_no} is not valid UTF-8 (invalid byte at offset {at})"));
        }
    };
    if text.trim().is_empty() {
        return fail(Value::Null, format!("line {line_no} is empty"));
    }
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return fail(
                Value::Null,
                format!("line {line_no} is not valid JSON ({}, column {})", e.classify_name(), e.column()),
            );
        }
    };
    let Value::Object(mut object) = value else {
        return fail(Value::Null, format!("line {line_no} is not a JSON object"));
    };
    let id = object.remove("id").unwrap_or(Value::Null);
    let id_string = match &id {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        _ => {
            return fail(Value::Null, format!("line {line_no}: \"id\" must be a string or a number"));
        }
    };
    let note_text = match object.remove("text") {
        Some(Value::String(s)) => s,
        Some(_) => return fail(id, format!("line {line_no}: \"text\" must be a string")),
        None => return fail(id, format!("line {line_no} has no \"text\"")),
    };
    let setting = match object.remove("setting") {
        None | Some(Value::Null) => Setting::default(),
        Some(Value::String(s)) => match s.parse::<Setting>() {
            Ok(s) => s,
            Err(msg) => return fail(id, format!("line {line_no}: {msg}")),
        },
        Some(_) => return fail(id, format!("line {line_no}: \"setting\" must be a string")),
    };
    let patient_status = match object.remove("patient_status") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match s.parse::<PatientStatus>() {
            Ok(s) => Some(s),
            Err(msg) => return fail(id, format!("line {line_no}: {msg}")),
        },
        Some(_) => return fail(id, format!("line {line_no}: \"patient_status\" must be a string")),
    };
    InputLine { id, note: Ok(Note { id: id_string, text: note_text, setting, patient_status }) }
}

/// One input line of `cac context`: `{"id": ..., "text": "...", "targets": ["edema", ...]}`.
#[derive(Debug)]
pub struct ContextLine {
    pub id: Value,
    pub request: Result<(String, Vec<String>), String>,
}

/// Reads one `cac context` line.
pub fn parse_context_line(line: &[u8], line_no: usize, offset: u64) -> ContextLine {
    let base = parse_line(line, line_no, offset);
    let id = base.id;
    let note = match base.note {
        Ok(note) => note,
        Err(e) => return ContextLine { id, request: Err(e) },
    };
    // The line parsed as an object above; read its targets.
    let value: Value = serde_json::from_slice(line).unwrap_or(Value::Null);
    let targets = match value.get("targets") {
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => out.push(s.clone()),
                    _ => {
                        return ContextLine {
                            id,
                            request: Err(format!("line {line_no}: \"targets\" must be a list of strings")),
                        };
                    }
                }
            }
            out
        }
        _ => return ContextLine { id, request: Err(format!("line {line_no} has no \"targets\" list")) },
    };
    ContextLine { id, request: Ok((note.text, targets)) }
}

/// The output line of `cac context`.
pub fn context_line(id: &Value, targets: &[crate::context::TargetAssertion]) -> String {
    #[derive(Serialize)]
    struct Line<'a> {
        id: &'a Value,
        targets: &'a [crate::context::TargetAssertion],
    }
    serde_json::to_string(&Line { id, targets }).unwrap_or_else(|_| failed_line(id, "internal error"))
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "unexpected end of line",
        }
    }
}

#[derive(Serialize)]
struct Coded<'a> {
    #[serde(flatten)]
    note: &'a CodedNote,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct Failed<'a> {
    id: &'a Value,
    error: &'a str,
}

/// The output line for a coded note: its fields and `"error": null`.
pub fn coded_line(note: &CodedNote) -> String {
    serde_json::to_string(&Coded { note, error: None })
        .unwrap_or_else(|_| failed_line(&Value::Null, "internal error: result not serializable"))
}

/// The output line for a line that could not be coded.
pub fn failed_line(id: &Value, error: &str) -> String {
    serde_json::to_string(&Failed { id, error })
        .unwrap_or_else(|_| r#"{"id":null,"error":"internal error"}"#.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_well_formed_line() {
        let l = parse_line(br#"{"id": "n1", "text": "CHF", "setting": "inpatient"}"#, 1, 0);
        let note = l.note.unwrap();
        assert_eq!((note.id.as_str(), note.text.as_str(), note.setting), ("n1", "CHF", Setting::Inpatient));
        let l = parse_line(br#"{"id": 7, "text": "CHF"}"#, 1, 0);
        assert_eq!(l.note.unwrap().setting, Setting::Outpatient);
        assert_eq!(l.id, Value::from(7));
    }

    #[test]
    fn errors_name_the_problem_and_never_the_text() {
        let secret = "SECRET-MARKER";
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (format!(r#"{{"id": "a", "text": "{secret}"#).into_bytes(), "not valid JSON"),
            (format!(r#"{{"id": "a", "txt": "{secret}"}}"#).into_bytes(), "has no \"text\""),
            (format!(r#"{{"id": "a", "text": ["{secret}"]}}"#).into_bytes(), "\"text\" must be a string"),
            (format!(r#"{{"id": "a", "text": "x", "setting": "{secret}"}}"#).into_bytes(), "setting must be"),
            (format!(r#"["{secret}"]"#).into_bytes(), "not a JSON object"),
            (b"{\"id\": \"a\", \"text\": \"\xff\"}".to_vec(), "invalid byte at offset 121"),
            (b"   ".to_vec(), "is empty"),
        ];
        for (line, expected) in cases {
            let err = parse_line(&line, 3, 100).note.unwrap_err();
            assert!(err.contains(expected), "{err:?} should contain {expected:?}");
            assert!(err.starts_with("line 3"), "{err}");
            assert!(!err.contains(secret), "{err}");
        }
    }

    #[test]
    fn failed_lines_keep_the_id() {
        let l = parse_line(br#"{"id": "n9"}"#, 1, 0);
        assert_eq!(failed_line(&l.id, &l.note.unwrap_err()), r#"{"id":"n9","error":"line 1 has no \"text\""}"#);
    }
}
