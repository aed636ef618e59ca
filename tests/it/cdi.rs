//! CDI table tests: short notes written by the project, each with the documentation gaps a CDI specialist would
//! raise (and the ones they would not), and a compliance check of every query the engine drafts for them.
use cac::{CodedNote, Gap, Note, Setting};

use crate::common::{chars, engine};

/// A gap expected (or forbidden): its kind and a key that is the gap's code or a word of its title.
type Want = (&'static str, &'static str);

struct Row {
    note: &'static str,
    setting: Setting,
    gaps: &'static [Want],
    not: &'static [Want],
    /// (key, priority) for gaps whose rank matters.
    priority: &'static [(&'static str, u32)],
}

const I: Setting = Setting::Inpatient;
const O: Setting = Setting::Outpatient;

macro_rules! row {
    ($note:expr, $setting:expr, gaps $gaps:expr) => {
        Row { note: $note, setting: $setting, gaps: $gaps, not: &[], priority: &[] }
    };
    ($note:expr, $setting:expr, gaps $gaps:expr, not $not:expr) => {
        Row { note: $note, setting: $setting, gaps: $gaps, not: $not, priority: &[] }
    };
    ($note:expr, $setting:expr, gaps $gaps:expr, not $not:expr, priority $p:expr) => {
        Row { note: $note, setting: $setting, gaps: $gaps, not: $not, priority: $p }
    };
}

const SPEC: &str = "specificity";
const IND: &str = "clinical_indicator";
const LINK: &str = "missing_link";
const CONFLICT: &str = "conflict";

const ROWS: &[Row] = &[
    // Specificity: the axis and options come from the code set.
    row!("ASSESSMENT: Heart failure.", I, gaps & [(SPEC, "I50.9")], not & [], priority & [("I50.9", 1)]),
    row!("ASSESSMENT: Chronic kidney disease.", I, gaps & [(SPEC, "N18.9")]),
    row!("ASSESSMENT: Pneumonia.", I, gaps & [(SPEC, "J18.9")]),
    row!("ASSESSMENT: Anemia.", I, gaps & [(SPEC, "D64.9")]),
    row!("ASSESSMENT: Closed fracture of the femoral neck, initial encounter.", I, gaps & [(SPEC, "S72.009A")]),
    row!("ASSESSMENT: Pressure ulcer of sacral region.", I, gaps & [(SPEC, "L89.159")]),
    row!("ASSESSMENT: Acute kidney failure.", I, gaps & [(SPEC, "N17.9")]),
    row!("ASSESSMENT: COPD.", I, gaps & [(SPEC, "J44.9")]),
    row!("ASSESSMENT: Malnutrition.", I, gaps & [(SPEC, "E46")], not & [], priority & [("E46", 1)]),
    row!("ASSESSMENT: Atrial fibrillation.", O, gaps & [(SPEC, "I48.91")]),
    // Specified: no gap.
    row!("ASSESSMENT: Acute on chronic systolic heart failure.", I, gaps & [], not & [(SPEC, "I50.23")]),
    row!("ASSESSMENT: CKD stage 4.", I, gaps & [], not & [(SPEC, "N18.4")]),
    row!("ASSESSMENT: Paroxysmal atrial fibrillation.", O, gaps & [], not & [(SPEC, "I48.0")]),
    row!("ASSESSMENT: Essential hypertension.", O, gaps & [], not & [(SPEC, "I10")]),
    row!("Chief complaint: chest pain.", O, gaps & [], not & [(SPEC, "R07.9")]),
    // Clinical indicators, one or more rows per rule, with negatives.
    row!("LABS: Na 128 mmol/L.", I, gaps & [(IND, "sodium")], not & [], priority & [("sodium", 1)]),
    row!("LABS: Na 128 mmol/L.\nASSESSMENT: Hyponatremia.", I, gaps & [], not & [(IND, "sodium")]),
    row!("LABS: Na 140 mmol/L, K 4.1.", I, gaps & [], not & [(IND, "sodium"), (IND, "potassium")]),
    row!("Sodium | 128 | mmol/L", I, gaps & [(IND, "sodium")]),
    row!("Serum sodium of 150 mmol/L this morning.", I, gaps & [(IND, "sodium")]),
    row!("Potassium 2.9 on the morning labs.", I, gaps & [(IND, "potassium")], not & [], priority & [("potassium", 2)]),
    row!("Keep K > 4 while on diuresis.", I, gaps & [], not & [(IND, "potassium")]),
    row!("K 6.1 mmol/L, repeat pending.", I, gaps & [(IND, "potassium")]),
    row!("Hgb 7.9 g/dL.", I, gaps & [(IND, "hemoglobin")]),
    row!("Hb 95 g/L on admission.", I, gaps & [(IND, "hemoglobin")]),
    row!("Hgb 7.9 g/dL.\nASSESSMENT: Iron deficiency anemia.", I, gaps & [], not & [(IND, "hemoglobin")]),
    row!("Hgb 13.8 g/dL.", I, gaps & [], not & [(IND, "hemoglobin")]),
    row!("Creatinine 0.9 on admission, 1.4 today.", I, gaps & [(IND, "creatinine")]),
    row!("Creatinine 2.4 (baseline 1.2).", I, gaps & [(IND, "creatinine")]),
    row!("Creatinine 1.0, stable at 1.1.", I, gaps & [], not & [(IND, "creatinine")]),
    row!("Creatinine 2.4 (baseline 1.2).\nASSESSMENT: Acute kidney injury.", I, gaps & [], not & [(IND, "creatinine")]),
    row!("VITALS: Temp 38.6 C, HR 104.\nASSESSMENT: Cellulitis of the right leg.", I, gaps & [(IND, "sirs")]),
    row!("Temp 101.8 F, HR 112.\nASSESSMENT: Community-acquired pneumonia.", I, gaps & [(IND, "sirs")]),
    row!("WBC 15,200, temp 38.4. UTI.", I, gaps & [(IND, "sirs")]),
    row!("VITALS: Temp 38.6 C, HR 104.\nASSESSMENT: Migraine.", I, gaps & [], not & [(IND, "sirs")]),
    row!(
        "VITALS: Temp 38.6 C, HR 104.\nASSESSMENT: Sepsis due to cellulitis of the right leg.",
        I,
        gaps & [],
        not & [(IND, "sirs")]
    ),
    row!("VITALS: Temp 37.1 C, HR 78.\nASSESSMENT: Cellulitis of the right leg.", I, gaps & [], not & [(IND, "sirs")]),
    row!("Lactate 4.1 mmol/L.", I, gaps & [(IND, "lactate")]),
    row!("Lactate 1.2 mmol/L.", I, gaps & [], not & [(IND, "lactate")]),
    row!("SpO2 86% on room air, RR 30.", I, gaps & [(IND, "respiratory")]),
    row!("SpO2 86% on 4 L nasal cannula.", I, gaps & [], not & [(IND, "respiratory")]),
    row!(
        "SpO2 86% on room air.\nASSESSMENT: Acute respiratory failure with hypoxia.",
        I,
        gaps & [],
        not & [(IND, "respiratory")]
    ),
    row!("Weight loss of 10 kg over 3 months and poor oral intake.", I, gaps & [(IND, "nutritional")]),
    row!("Weight loss of 10 kg over 3 months.", I, gaps & [], not & [(IND, "nutritional")]),
    row!("She denies weight loss or poor appetite.", I, gaps & [], not & [(IND, "nutritional")]),
    row!("BMI: 41.2", I, gaps & [(IND, "bmi")], not & [], priority & [("bmi", 1)]),
    row!("BMI: 41.2\nASSESSMENT: Morbid obesity.", I, gaps & [], not & [(IND, "bmi")]),
    row!("BMI: 32", I, gaps & [], not & [(IND, "bmi")]),
    row!("Platelets 85.", I, gaps & [(IND, "platelet")]),
    row!("Platelet count 250.", I, gaps & [], not & [(IND, "platelet")]),
    row!("Albumin 2.6 g/dL.", I, gaps & [(IND, "albumin")]),
    row!("albumin 26 g/L", I, gaps & [(IND, "albumin")]),
    row!("Albumin 4.1 g/dL.", I, gaps & [], not & [(IND, "albumin")]),
    // Missing links.
    row!("ASSESSMENT: Anemia. CKD stage 3a.", I, gaps & [(LINK, "D64.9")]),
    row!("ASSESSMENT: Anemia in chronic kidney disease stage 3a.", I, gaps & [], not & [(LINK, "D64.9")]),
    row!("ASSESSMENT: Sepsis. Acute kidney injury.", I, gaps & [(LINK, "A41.9")]),
    row!("ASSESSMENT: Cirrhosis. Alcohol dependence.", I, gaps & [(LINK, "K74.60")]),
    row!("ASSESSMENT: Alcoholic cirrhosis. Alcohol dependence.", I, gaps & [], not & [(LINK, "K70.30")]),
    row!("ASSESSMENT: Anemia. Metastatic breast cancer.", I, gaps & [(LINK, "D64.9")]),
    row!("ASSESSMENT: Hypertension. Chronic kidney disease stage 3a.", I, gaps & [], not & [(LINK, "I12.9")]),
    // Conflicts.
    row!("Patient has diabetes.\nAssessment: no diabetes.", I, gaps & [(CONFLICT, "E11.9")]),
    row!("HPI: Reports chest pain.\nROS: Denies chest pain.\nASSESSMENT: Chest pain.", O, gaps & [(CONFLICT, "R07.9")]),
];

fn matches(g: &Gap, kind: &str, key: &str) -> bool {
    g.kind == kind && (g.code.as_deref() == Some(key) || g.title.to_lowercase().contains(&key.to_lowercase()))
}

fn code(note: &str, setting: Setting) -> CodedNote {
    engine().code(&Note { setting, ..Note::new("cdi", note) }).expect("codes")
}

#[test]
fn cdi_gap_table() {
    assert!(ROWS.len() >= 40, "at least 40 notes");
    let mut failures = Vec::new();
    for row in ROWS {
        let coded = code(row.note, row.setting);
        let got: Vec<String> =
            coded.gaps.iter().map(|g| format!("{} {} {}", g.kind, g.code.as_deref().unwrap_or("-"), g.title)).collect();
        for (kind, key) in row.gaps {
            if !coded.gaps.iter().any(|g| matches(g, kind, key)) {
                failures.push(format!("{:?}: expected {kind} {key}; got {got:?}", row.note));
            }
        }
        for (kind, key) in row.not {
            if coded.gaps.iter().any(|g| matches(g, kind, key)) {
                failures.push(format!("{:?}: unexpected {kind} {key}; got {got:?}", row.note));
            }
        }
        for (key, priority) in row.priority {
            match coded.gaps.iter().find(|g| g.code.as_deref() == Some(key) || g.title.to_lowercase().contains(key)) {
                Some(g) if g.priority == *priority => {}
                other => failures.push(format!(
                    "{:?}: expected priority {priority} for {key}, got {:?}",
                    row.note,
                    other.map(|g| g.priority)
                )),
            }
        }
        let priorities: Vec<u32> = coded.gaps.iter().map(|g| g.priority).collect();
        if priorities.windows(2).any(|w| w[0] > w[1]) {
            failures.push(format!("{:?}: gaps not ranked by priority: {priorities:?}", row.note));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), ROWS.len(), failures.join("\n"));
}

/// Words a compliant query never uses (AHIMA/ACDIS: no financial impact, no leading by payment or quality).
const NOT_IN_A_QUERY: &[&str] = &[
    "payment",
    "pay ",
    "reimburs",
    "drg",
    "revenue",
    "dollar",
    "financial",
    "billing",
    "money",
    "cc/mcc",
    " mcc",
    " cc ",
    "quality score",
    "risk adjustment",
    "hcc",
];

/// Openings of a yes/no question.
const YES_NO: &[&str] = &[
    "is ", "are ", "was ", "were ", "does ", "do ", "did ", "can ", "could ", "would ", "should ", "has ", "have ",
    "will ",
];

/// Every query drafted for the table's notes follows the compliance rules, and every cited span is exact.
#[test]
fn every_query_is_compliant() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for row in ROWS {
        let coded = code(row.note, row.setting);
        for g in &coded.gaps {
            checked += 1;
            let q = &g.query;
            let label = format!("{:?} {} {:?}", row.note, g.kind, g.title);
            let options: Vec<&str> = q.options.iter().map(String::as_str).collect();
            if !options.contains(&"Other (please specify)") || !options.contains(&"Clinically undetermined") {
                failures.push(format!("{label}: options lack other / clinically undetermined: {options:?}"));
            }
            // Not leading: at least two clinical answers besides "other" and "undetermined", none repeated.
            let clinical =
                options.iter().filter(|o| !o.starts_with("Other (") && **o != "Clinically undetermined").count();
            let mut unique = options.clone();
            unique.sort_unstable();
            unique.dedup();
            if clinical < 2 || unique.len() != options.len() {
                failures
                    .push(format!("{label}: options must offer two or more distinct clinical answers: {options:?}"));
            }
            let question = q.question.to_lowercase();
            for sentence in question.split(['.', '?', ':']).map(str::trim) {
                if YES_NO.iter().any(|w| sentence.starts_with(w)) {
                    failures.push(format!("{label}: a yes/no question: {:?}", q.question));
                }
            }
            let everything = format!("{} {} {} {}", q.question, q.options.join(" "), g.message, g.title).to_lowercase();
            for w in NOT_IN_A_QUERY {
                if everything.contains(w) {
                    failures.push(format!("{label}: mentions {w:?}"));
                }
            }
            // Cites at least one indicator from the record: a quoted span or one of its values.
            let cites = g.evidence.iter().any(|e| {
                q.question.contains(&e.text)
                    || e.text
                        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                        .any(|n| n.chars().any(|c| c.is_ascii_digit()) && q.question.contains(n.trim_end_matches('.')))
            });
            if g.evidence.is_empty() || !cites {
                failures.push(format!("{label}: cites no indicator from the record: {:?}", q.question));
            }
            for e in &g.evidence {
                if chars(row.note, e.begin, e.end) != e.text {
                    failures.push(format!("{label}: evidence [{}..{}] is not {:?}", e.begin, e.end, e.text));
                }
            }
        }
    }
    assert!(checked >= 40, "only {checked} gaps checked");
    assert!(failures.is_empty(), "{} problems in {checked} queries:\n{}", failures.len(), failures.join("\n"));
}

/// Every diagnosis carries its MS-DRG severity from the FY2026 tables.
#[test]
fn diagnoses_carry_cc_and_mcc_flags() {
    let coded = code("ASSESSMENT: Acute on chronic systolic heart failure. Hyponatremia. Gout.", I);
    let flags = |c: &str| coded.codes.iter().find(|s| s.code == c).map(|s| (s.cc, s.mcc));
    assert_eq!(flags("I50.23"), Some((false, true)), "{:?}", coded.codes);
    assert_eq!(flags("E87.1"), Some((true, false)), "{:?}", coded.codes);
    assert_eq!(flags("M10.9"), Some((false, false)), "{:?}", coded.codes);
}

/// Values are cited as written, from the analyte's name, and numbers that count something else are not read.
#[test]
fn indicator_evidence_is_the_values_as_written() {
    let cases: &[(&str, &[&str])] = &[
        ("Creatinine 1.0 on admission, 1.6 on day 2.", &["Creatinine 1.0", "1.6"]),
        ("Sodium | 128 | mmol/L", &["Sodium | 128 | mmol/L"]),
        ("Hb 95 g/L on admission.", &["Hb 95 g/L"]),
        ("Na 131 mmol/L (135-145).", &["Na 131 mmol/L"]),
    ];
    for (note, want) in cases {
        let coded = code(note, I);
        let gap = coded.gaps.iter().find(|g| g.kind == IND).unwrap_or_else(|| panic!("{note:?}: no indicator gap"));
        let got: Vec<&str> = gap.evidence.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(&got, want, "{note:?}");
    }
}
