//! Mechanics of the lexicon on the miniature code set (the full code set is exercised by tests/it/compose.rs).
use super::*;
use crate::codeset::tests::MINI;

const FORMS: &str = "femoral\tfemur\n";
const MODIFIERS: &str = "acute\tacuity\nchronic\tacuity\nsystolic\ttype\nright\tlaterality\n";

fn setup(lexicon: &str) -> (CodeSet, Analyzer, Lexicon) {
    let codes = CodeSet::from_tabular_xml(MINI.as_bytes(), "test").unwrap();
    let analyzer = Analyzer::new().unwrap();
    let files = [("test.tsv", lexicon)];
    let sources =
        LexiconSources { lexicon: &files, word_forms: ("forms.tsv", FORMS), modifiers: ("modifiers.tsv", MODIFIERS) };
    let lex = Lexicon::build(&codes, &analyzer, &sources).unwrap();
    (codes, analyzer, lex)
}

fn codes_in(text: &str, lexicon: &str) -> Vec<(String, String, MatchKind)> {
    let (codes, analyzer, lex) = setup(lexicon);
    let doc = analyzer.analyze(text).unwrap();
    lex.mentions(&codes, &doc)
        .into_iter()
        .map(|m| (codes.code(m.code).code.clone(), doc.text()[m.bytes.0..m.bytes.1].to_string(), m.kind))
        .collect()
}

#[test]
fn descriptions_match_with_and_without_their_modifiers() {
    let got = codes_in("Assessment: acute systolic congestive heart failure.", "");
    assert_eq!(got, vec![("I50.21".into(), "acute systolic congestive heart failure".into(), MatchKind::Exact)]);
    let got = codes_in("Heart failure.", "");
    assert_eq!(got, vec![("I50.9".into(), "Heart failure".into(), MatchKind::Exact)]);
}

#[test]
fn words_compose_across_order_and_interleaving() {
    let got = codes_in("Systolic heart failure, acute on chronic.", "");
    assert_eq!(
        got,
        vec![("I50.23".into(), "Systolic heart failure, acute on chronic".into(), MatchKind::Compositional)]
    );
    // A modifier across a comma counts only when that part holds nothing but modifiers.
    let got = codes_in("Heart failure, acute kidney injury.", "");
    assert_eq!(got[0].0, "I50.9", "{got:?}");
}

#[test]
fn expansions_and_direct_codes() {
    let lexicon = "CHF\t= congestive heart failure\nHFrEF\t= systolic heart failure\nheart pump failure\tI50\n";
    let got = codes_in("acute HFrEF; acute on chronic systolic CHF", lexicon);
    let codes: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
    assert_eq!(codes, vec!["I50.21", "I50.23"], "{got:?}");
    let got = codes_in("CHF", lexicon);
    assert_eq!(got, vec![("I50.9".into(), "CHF".into(), MatchKind::Abbreviation)]);
    // A category named by a lexicon term is refined from its surroundings, else to its unspecified code.
    let got = codes_in("acute systolic heart pump failure", lexicon);
    assert_eq!(got[0].0, "I50.21", "{got:?}");
    let got = codes_in("heart pump failure", lexicon);
    assert_eq!(got[0].0, "I50.9", "{got:?}");
}

#[test]
fn seventh_character_from_the_sentence() {
    let got = codes_in("Closed fracture of the right femoral neck, initial encounter.", "");
    assert_eq!(got[0].0, "S72.001A", "{got:?}");
    assert_eq!(got[0].1, "fracture of the right femoral neck");
    let got = codes_in("Open fracture of neck of right femur.", "");
    assert_eq!(got[0].0, "S72.001B", "{got:?}");
    let got = codes_in("Fracture of neck of right femur, sequela.", "");
    assert_eq!(got[0].0, "S72.001S", "{got:?}");
}

#[test]
fn constraints_on_ambiguous_terms() {
    let lexicon = "HF\t= heart failure\tcase=upper not_near=hf2\n";
    assert_eq!(codes_in("HF", lexicon).len(), 1);
    assert!(codes_in("hf", lexicon).is_empty(), "lower case is not the abbreviation");
    assert!(codes_in("HF hf2", lexicon).is_empty());
}

#[test]
fn malformed_lexicon_lines_name_file_and_line() {
    let codes = CodeSet::from_tabular_xml(MINI.as_bytes(), "test").unwrap();
    let analyzer = Analyzer::new().unwrap();
    for (text, expected) in [
        ("CHF\tZ99.99\n", "test.tsv:1: code Z99.99 is not in test"),
        ("ok\tI50.9\nCHF\n", "test.tsv:2: expected"),
        ("CHF\t=\n", "test.tsv:1: `=` needs"),
        ("CHF\tI50.9\tcase=lower\n", "test.tsv:1: unknown constraint"),
        ("CHF\tI50.9\nchf\tI50.9\n", "reads the same"),
    ] {
        let files = [("test.tsv", text)];
        let sources = LexiconSources { lexicon: &files, word_forms: ("f", FORMS), modifiers: ("m", MODIFIERS) };
        let err = Lexicon::build(&codes, &analyzer, &sources).unwrap_err().to_string();
        assert!(err.contains(expected), "{err:?} should contain {expected:?}");
    }
}
