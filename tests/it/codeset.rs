//! The ICD-10-CM FY2026 (April 1, 2026) code set as loaded from the CDC tabular.
use cac::codeset::NoteKind;

use crate::common::codeset;

#[test]
fn counts_match_the_official_release() {
    let cs = codeset();
    assert_eq!(cs.version(), "ICD-10-CM 2026-04");
    // The official count of billable (valid) codes in the April 1, 2026 update.
    assert_eq!(cs.billable_count(), 74_719);
    // Categories, subcategories and billable codes, with 7th characters expanded.
    assert_eq!(cs.len(), 98_186);
    assert_eq!(cs.chapters().len(), 22);
}

#[test]
fn specific_codes() {
    let cs = codeset();
    let i5023 = cs.get("I50.23").expect("I50.23");
    assert_eq!(i5023.description, "Acute on chronic systolic (congestive) heart failure");
    assert!(i5023.billable);
    assert_eq!(cs.code(i5023.parent.unwrap()).code, "I50.2");

    let e11 = cs.get("E11").expect("E11");
    assert!(!e11.billable, "a category is never billable");
    assert!(cs.get("E11.9").unwrap().billable);
    assert_eq!(cs.get("E11.9").unwrap().description, "Type 2 diabetes mellitus without complications");
}

#[test]
fn seventh_character_expansion() {
    let cs = codeset();
    let s = cs.get("S72.001A").expect("S72.001A is expanded from the S72 7th-character table");
    assert!(s.billable);
    assert_eq!(s.extension, Some('A'));
    assert_eq!(
        s.description,
        "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture"
    );
    assert!(!cs.get("S72.001").unwrap().billable, "the base of a 7th-character code is not billable");
    // Every character of the S72 table, including the open-fracture ones.
    for c in ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "M", "N", "P", "Q", "R", "S"] {
        assert!(cs.get(&format!("S72.001{c}")).is_some(), "S72.001{c}");
    }
}

#[test]
fn placeholder_x() {
    let cs = codeset();
    let t = cs.get("T36.0X1A").expect("T36.0X1A");
    assert!(t.billable);
    assert!(t.placeholder);
    assert_eq!(t.description, "Poisoning by penicillins, accidental (unintentional), initial encounter");
    // A three-character category with a 7th character is padded: T07 -> T07.XXXA.
    assert!(cs.get("T07.XXXA").unwrap().billable);
    assert!(cs.get("T07").map(|c| !c.billable).unwrap());
}

#[test]
fn s06_death_codes_take_only_the_initial_encounter() {
    let cs = codeset();
    assert!(cs.get("S06.1X7A").is_some());
    assert!(cs.get("S06.1X7D").is_none(), "7th characters D and S do not apply to S06 codes with 6th character 7");
    assert!(cs.get("S06.1X8S").is_none());
    assert!(cs.get("S06.1X1D").is_some());
}

#[test]
fn excludes1_is_inherited() {
    let cs = codeset();
    let id = cs.id_of("I50.23").unwrap();
    assert!(cs.code(id).notes_of(NoteKind::Excludes1).next().is_none(), "I50.23 has no Excludes1 of its own");
    let inherited: Vec<_> = cs
        .notes_in_force(id)
        .filter(|(_, n)| n.kind == NoteKind::Excludes1)
        .map(|(src, n)| (cs.source_label(src), n))
        .collect();
    let (source, note) = inherited.first().expect("an inherited Excludes1");
    assert_eq!(source, "I50.2");
    assert!(note.text.starts_with("combined systolic (congestive) and diastolic (congestive) heart failure"));
    assert!(note.refers_to("I50.43"), "the note's reference (I50.4-) covers I50.43");
    assert!(!note.refers_to("I50.33"));
}

#[test]
fn notes_of_every_kind_are_read() {
    let cs = codeset();
    for kind in NoteKind::ALL {
        let count: usize = cs.codes().iter().map(|c| c.notes_of(kind).count()).sum();
        assert!(count > 0, "no {kind:?} notes at any code");
    }
    let e11_9 = cs.id_of("E11.9").unwrap();
    assert!(
        cs.notes_in_force(e11_9).any(|(_, n)| n.kind == NoteKind::UseAdditionalCode),
        "E11's 'use additional code' (insulin, oral hypoglycemics) applies to E11.9"
    );
}
