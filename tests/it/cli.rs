//! The `cac` binary, run as a user would.
use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::common::project_root;

fn cac(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cac"))
        .args(args)
        .current_dir(project_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cac runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or_default()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn batch_keeps_order_reports_bad_lines_and_goes_on() {
    let input = [
        r#"{"id": "a", "text": "Essential hypertension."}"#.as_bytes(),
        b"this is not json",
        br#"{"id": "c", "note": "no text field"}"#,
        b"{\"id\": \"d\", \"text\": \"bad \xff byte\"}",
        br#"{"id": "e", "text": "   "}"#,
        br#"{"id": 6, "text": "Type 2 diabetes mellitus without complications", "setting": "inpatient"}"#,
    ]
    .join(&b'\n');
    let out = cac(&["batch", "-"], Some(&input));
    let lines: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 6, "one output line per input line");
    assert_eq!(out.status.code(), Some(4), "exit status counts the failed lines; stderr: {}", stderr(&out));
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["error"], Value::Null);
    assert_eq!(lines[0]["codes"][0]["code"], "I10");
    assert_eq!(lines[1]["id"], Value::Null);
    assert!(lines[1]["error"].as_str().unwrap().contains("line 2 is not valid JSON"));
    assert_eq!(lines[2]["id"], "c");
    assert!(lines[2]["error"].as_str().unwrap().contains("no \"text\""));
    // The invalid byte is the 22nd of line 4; lines 1-3 take 51 + 17 + 37 bytes with their newlines.
    let offset = 51 + 17 + 37 + 21;
    assert!(lines[3]["error"].as_str().unwrap().contains(&format!("offset {offset}")), "{}", lines[3]["error"]);
    assert_eq!(lines[4]["id"], "e");
    assert!(lines[4]["error"].as_str().unwrap().ends_with("text is empty"));
    assert_eq!(lines[5]["id"], "6");
    assert_eq!(lines[5]["codes"][0]["code"], "E11.9");
    assert!(stderr(&out).contains("4 of 6 lines failed"));
}

#[test]
fn code_prints_a_table_and_json() {
    let note = b"Assessment: acute on chronic systolic heart failure; essential hypertension.";
    let table = cac(&["code", "-"], Some(note));
    assert!(table.status.success(), "{}", stderr(&table));
    let text = stdout(&table);
    assert!(text.contains("I50.23") && text.contains("I10"), "{text}");
    assert!(text.contains("\"acute on chronic systolic heart failure\""), "{text}");

    let json = cac(&["code", "-", "--json", "--id", "n7"], Some(note));
    let line: Value = serde_json::from_str(stdout(&json).trim()).unwrap();
    assert_eq!(line["id"], "n7");
    assert_eq!(line["error"], Value::Null);
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.txt");
    std::fs::write(&path, b"Patient seen for hypertension, caf\xe9 visit").unwrap();
    let out = cac(&["code", path.to_str().unwrap()], None);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("not valid UTF-8") && err.contains("offset 34"), "{err}");
    assert!(!err.contains("hypertension"), "the error must not quote the note: {err}");
}

#[test]
fn empty_note_is_a_clear_error() {
    let out = cac(&["code", "-"], Some(b"  \n"));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("text is empty"), "{}", stderr(&out));
}

#[test]
fn lookup_and_search_commands() {
    let out = cac(&["lookup", "i50.23"], None);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("I50.23  Acute on chronic systolic (congestive) heart failure"), "{text}");
    assert!(text.contains("Excludes1") && text.contains("[I50.2]"), "{text}");

    let out = cac(&["lookup", "E11", "--json"], None);
    let v: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["billable"], false);

    let out = cac(&["lookup", "Q99.99"], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("Q99.99 is not in ICD-10-CM 2026-04"), "{}", stderr(&out));

    let out = cac(&["search", "heart", "failure", "--limit", "3", "--json"], None);
    let first: Value = serde_json::from_str(stdout(&out).lines().next().unwrap()).unwrap();
    assert_eq!(first["code"], "I50");
}

#[test]
fn missing_code_set_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = cac(&["lookup", "I10", "--data-dir", dir.path().to_str().unwrap()], None);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("make setup"), "{}", stderr(&out));
}

#[test]
fn a_licensed_cpt_file_replaces_the_descriptions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cpt.txt");
    std::fs::write(&path, "93000\tLICENSED DESCRIPTOR FOR THE TEST\n").unwrap();
    let note = b"12-lead ECG performed: normal sinus rhythm.";
    let out = cac(&["code", "-", "--json", "--cpt-file", path.to_str().unwrap()], Some(note));
    assert!(out.status.success(), "{}", stderr(&out));
    let line: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let ecg = line["codes"].as_array().unwrap().iter().find(|c| c["code"] == "93000").expect("93000");
    assert_eq!(ecg["system"], "CPT");
    assert_eq!(ecg["description"], "LICENSED DESCRIPTOR FOR THE TEST");
    let plain = cac(&["code", "-", "--json"], Some(note));
    let line: Value = serde_json::from_str(stdout(&plain).trim()).unwrap();
    let ecg = line["codes"].as_array().unwrap().iter().find(|c| c["code"] == "93000").expect("93000");
    assert_ne!(ecg["description"], "LICENSED DESCRIPTOR FOR THE TEST");
}

#[test]
fn a_missing_model_file_names_the_path() {
    let out = cac(&["code", "-", "--model", "/nonexistent/scorer.onnx"], Some(b"Hypertension."));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("/nonexistent/scorer.onnx"), "{}", stderr(&out));
}
