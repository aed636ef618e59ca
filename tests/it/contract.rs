//! The JSON-lines contract and the engine's input errors.
use cac::{Engine, Error, Note, Setting};
use serde_json::Value;

use crate::common::{chars, codeset, engine};

#[test]
fn output_line_has_the_contract_shape() {
    let note = Note::new("n1", "Assessment: acute on chronic systolic heart failure.");
    let coded = engine().code(&note).unwrap();
    let line: Value = serde_json::from_str(&cac::jsonl::coded_line(&coded)).unwrap();
    let keys: Vec<&str> = line.as_object().unwrap().keys().map(String::as_str).collect();
    for key in ["id", "codeset", "codes", "excluded", "gaps", "error"] {
        assert!(keys.contains(&key), "missing {key} in {keys:?}");
    }
    assert_eq!(line["id"], "n1");
    assert_eq!(line["codeset"], "ICD-10-CM 2026-04");
    assert_eq!(line["error"], Value::Null);
    let code = line["codes"].as_array().unwrap().iter().find(|c| c["code"] == "I50.23").expect("I50.23 suggested");
    for key in ["code", "system", "description", "score", "billable", "evidence"] {
        assert!(code.get(key).is_some(), "suggestion lacks {key}");
    }
    assert_eq!(code["system"], "ICD-10-CM");
    assert_eq!(code["billable"], true);
    let score = code["score"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&score));
    let ev = &code["evidence"][0];
    assert_eq!(ev["text"], "acute on chronic systolic heart failure");
    assert_eq!(ev["begin"], 12);
    assert_eq!(ev["end"], 51);
}

#[test]
fn offsets_count_characters_not_bytes() {
    // Accented and non-Latin text before the evidence shifts byte offsets but not character offsets.
    let text = "Pt. Zoë Müller — 患者. Dx: Essential hypertension; Type 2 diabetes mellitus without complications.";
    let coded = engine().code(&Note::new("n2", text)).unwrap();
    assert!(!coded.codes.is_empty());
    for s in &coded.codes {
        for e in &s.evidence {
            assert_eq!(chars(text, e.begin, e.end), e.text, "{}", s.code);
        }
    }
    let i10 = coded.codes.iter().find(|s| s.code == "I10").expect("I10");
    assert_eq!(i10.evidence[0].text, "Essential hypertension");
    assert_eq!(i10.evidence[0].begin, 25);
}

#[test]
fn codes_are_billable_upper_case_with_the_dot() {
    let text = "Problems: type 2 diabetes mellitus without complications, essential hypertension, \
                hyperlipidemia, unspecified; gastro-esophageal reflux disease without esophagitis.";
    let coded = engine().code(&Note::new("n3", text)).unwrap();
    let codes: Vec<&str> = coded.codes.iter().map(|s| s.code.as_str()).collect();
    for expected in ["E11.9", "I10", "E78.5", "K21.9"] {
        assert!(codes.contains(&expected), "{expected} not in {codes:?}");
    }
    let cs = codeset();
    for s in coded.codes.iter().filter(|s| s.system == "ICD-10-CM") {
        assert!(s.billable && cs.get(&s.code).unwrap().billable, "{}", s.code);
        assert_eq!(s.code, s.code.to_ascii_uppercase());
        assert!(s.code.len() <= 3 || s.code.as_bytes()[3] == b'.', "{}", s.code);
    }
    // Procedure codes (here the office visit) are five characters in their own system.
    for s in coded.codes.iter().filter(|s| s.system != "ICD-10-CM") {
        assert!(s.system == "CPT" || s.system == "HCPCS", "{}", s.system);
        assert_eq!(s.code.len(), 5, "{}", s.code);
    }
}

#[test]
fn input_errors() {
    let e = engine();
    assert_eq!(e.code(&Note::new("a", "")), Err(Error::EmptyText));
    assert_eq!(e.code(&Note::new("a", " \n\t \u{3000} ")), Err(Error::EmptyText));
    assert_eq!(Error::EmptyText.to_string(), "text is empty");
    let small = Engine::builder(codeset()).max_note_bytes(100).build().unwrap();
    let err = small.code(&Note::new("a", "x".repeat(101))).unwrap_err();
    assert_eq!(err, Error::TextTooLarge { size: 101, limit: 100 });
    assert!(err.to_string().contains("limit of 100 bytes"), "{err}");
    assert!(small.code(&Note::new("a", "hypertension ".repeat(7))).is_ok());
    let unknown = e.catalog().lookup("Q99.99").unwrap_err();
    assert!(matches!(unknown, Error::UnknownCode { .. }), "{unknown:?}");
    assert!(e.catalog().lookup("not a code").is_err());
}

#[test]
fn setting_is_read_from_the_line() {
    let l = cac::jsonl::parse_line(br#"{"id": "x", "text": "t", "setting": "emergency"}"#, 1, 0);
    assert_eq!(l.note.unwrap().setting, Setting::Emergency);
}

#[test]
fn lookup_and_search() {
    let e = engine();
    let d = e.catalog().lookup("i5023").unwrap();
    assert_eq!(d.code, "I50.23");
    assert_eq!(d.parent.as_deref(), Some("I50.2"));
    assert!(d.notes.iter().any(|n| n.source == "I50.2" && n.kind == cac::codeset::NoteKind::Excludes1));
    let hits = e.catalog().search("heart failure", 5, true).unwrap();
    assert_eq!(hits[0].code, "I50.9", "{hits:?}");
    let hits = e.catalog().search("type 2 diabetes", 3, false).unwrap();
    assert_eq!(hits[0].code, "E11");
}
