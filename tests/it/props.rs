//! Property tests: any UTF-8 goes through the whole engine without a panic, and every span it reports lies in
//! the note, on character boundaries, with `text` equal to the slice it names.
use cac::{CodedNote, Note};
use proptest::prelude::*;

use crate::common::engine;

fn check_spans(text: &str, coded: &CodedNote) {
    let faults = coded.span_faults(text);
    assert!(faults.is_empty(), "{faults:?}");
}

/// Text built from pieces that stress the text stage: clinical words, punctuation, line breaks, zero-width
/// and combining characters, right-to-left script, emoji, numbers.
fn clinical_noise() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("heart failure".to_string()),
        Just("CHF".to_string()),
        Just("denies".to_string()),
        Just("no".to_string()),
        Just("type 2 DM".to_string()),
        Just("CKD 3b".to_string()),
        Just("fracture of the right femoral neck".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just(". ".to_string()),
        Just(", ".to_string()),
        Just("PMH:".to_string()),
        Just("\u{200b}".to_string()),
        Just("\u{301}".to_string()),
        Just("e\u{301}".to_string()),
        Just("מחלת לב".to_string()),
        Just("\u{202e}".to_string()),
        Just("🙂".to_string()),
        Just("ﬁ".to_string()),
        Just("2.5".to_string()),
        Just("1,200".to_string()),
        "\\PC{0,6}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_text_codes_without_panic_and_spans_stay_in_bounds(text in clinical_noise()) {
        let e = engine();
        match e.code(&Note::new("p", text.clone())) {
            Ok(coded) => check_spans(&text, &coded),
            Err(cac::Error::EmptyText) => prop_assert!(text.trim().is_empty()),
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC*") {
        let e = engine();
        if let Ok(coded) = e.code(&Note::new("p", text.clone())) {
            check_spans(&text, &coded);
        }
        let doc = e.analyzer().analyze(&text).unwrap();
        for t in doc.tokens() {
            prop_assert!(text.is_char_boundary(t.bytes.0) && text.is_char_boundary(t.bytes.1));
            prop_assert!(t.bytes.0 < t.bytes.1);
        }
    }
}

#[test]
fn extreme_shapes() {
    let e = engine();
    let blank_lines = format!("Hypertension{}Heart failure", "\n".repeat(10_000));
    let coded = e.code(&Note::new("b", blank_lines.clone())).unwrap();
    check_spans(&blank_lines, &coded);
    assert!(coded.codes.iter().any(|s| s.code == "I50.9"));

    let one_line = "acute on chronic systolic heart failure, type 2 diabetes mellitus, ".repeat(3_100);
    assert!(one_line.len() > 200_000);
    let coded = e.code(&Note::new("l", one_line.clone())).unwrap();
    check_spans(&one_line, &coded);
    assert!(coded.codes.iter().any(|s| s.code == "I50.23"));

    let combining = "e\u{301}\u{302}\u{303}".repeat(5_000) + " sepsis";
    let coded = e.code(&Note::new("c", combining.clone())).unwrap();
    check_spans(&combining, &coded);

    let rtl = "\u{202b}المريض يعاني من heart failure\u{202c} ועוד CHF";
    let coded = e.code(&Note::new("r", rtl)).unwrap();
    check_spans(rtl, &coded);
    assert!(coded.codes.iter().any(|s| s.code == "I50.9"));
}
