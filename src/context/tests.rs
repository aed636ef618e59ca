//! Table tests for assertion, over the project's trigger list.
use super::*;

fn rules() -> (Analyzer, ContextRules) {
    let a = Analyzer::new().unwrap();
    let (file, text) = crate::models::CONTEXT_TRIGGERS;
    let r = ContextRules::from_tsv(file, text, &a).unwrap();
    (a, r)
}

/// The assertion of the first occurrence of `target` (case-insensitive) in `text`.
fn assert_of(a: &Analyzer, r: &ContextRules, text: &str, target: &str) -> Assertion {
    let doc = a.analyze(text).unwrap();
    let want = a.terms(target);
    let n = doc.tokens().len();
    let first = (0..n)
        .find(|&i| i + want.len() <= n && (0..want.len()).all(|k| doc.norm(i + k) == want[k]))
        .unwrap_or_else(|| panic!("{target:?} not in {text:?}"));
    r.analyze(&doc).assertion(&doc, first, first + want.len())
}

macro_rules! flags {
    ($($flag:ident),*) => {{
        #[allow(unused_mut)]
        let mut a = Assertion::default();
        $(a.$flag = true;)*
        a
    }};
}

#[test]
fn assertion_table() {
    let (a, r) = rules();
    let cases: &[(&str, &str, Assertion)] = &[
        ("Patient denies fever, chills or cough.", "fever", flags!(negated)),
        // "Do not appear related to" negates, though it holds the pseudo-trigger "not appear".
        ("Her symptoms do not appear related to signs of a stroke or brain bleeding.", "stroke", flags!(negated)),
        // A new subject after "or" continues a condition's list of events.
        ("Call sooner if her headaches worsen or she develops a fever.", "fever", flags!(hypothetical)),
        ("Denies fever or he has chills.", "chills", flags!()),
        // A denied family history: the negation governs its conditions, through "or personal history of", not
        // across "and personal history of".
        ("No family history of colon cancer.", "colon cancer", flags!(negated)),
        (
            "She reported no family history of sudden death or personal history of syncope.",
            "syncope",
            flags!(negated, historical),
        ),
        (
            "No family history of interest and personal history of arterial hypertension for 6 years.",
            "arterial hypertension",
            flags!(historical),
        ),
        // A test done to rule something out says what was looked for, not what was found; a "rule out" diagnosis
        // stays uncertain (coded as established for an inpatient, Guidelines II.H).
        ("A CT scan was performed to rule out a pulmonary embolism.", "pulmonary embolism", flags!(hypothetical)),
        ("Impression: rule out pulmonary embolism.", "pulmonary embolism", flags!(uncertain)),
        // Education about a disease in general is no diagnosis.
        ("I explained that Lyme disease can cause problems with other organs.", "Lyme disease", flags!(hypothetical)),
        // A procedure's risks, explained before consent, are possibilities.
        (
            "The risks of surgery including infection, bleeding and stroke were explained.",
            "stroke",
            flags!(hypothetical),
        ),
        (
            "Informed of the risks of the procedure, including urethral stricture.",
            "urethral stricture",
            flags!(hypothetical),
        ),
        ("Patient denies fever, chills or cough.", "chills", flags!(negated)),
        ("Patient denies fever, chills or cough.", "cough", flags!(negated)),
        ("No chest pain but reports abdominal pain.", "chest pain", flags!(negated)),
        ("No chest pain but reports abdominal pain.", "abdominal pain", flags!()),
        ("Extremities reveal no peripheral cyanosis or edema.", "edema", flags!(negated)),
        ("Pneumonia was ruled out.", "pneumonia", flags!(negated)),
        ("Hypertension, controlled, and denied chest pain.", "hypertension", flags!()),
        ("Hypertension, controlled, and denied chest pain.", "chest pain", flags!(negated)),
        ("A man with no previous history consulted for dizziness.", "dizziness", flags!()),
        ("The patient does not improve and starts to present diplopia.", "diplopia", flags!()),
        ("Closures without result, also erythema of both breasts.", "erythema", flags!()),
        ("Started tramadol without achieving pain control, with drowsiness.", "drowsiness", flags!()),
        ("Cardiopulmonary without involvement, abdomen with generalized pain.", "generalized pain", flags!()),
        ("A man without known allergies diagnosed with gastric adenocarcinoma.", "gastric adenocarcinoma", flags!()),
        ("A man with no past history was referred to our service for a melanoma.", "melanoma", flags!()),
        ("Fever: none.", "fever", flags!(negated)),
        ("There is no increase in the effusion.", "effusion", flags!()),
        ("Gram negative rods in the urine.", "rods", flags!()),
        ("Possible pneumonia in the right lower lobe.", "pneumonia", flags!(uncertain)),
        ("Rule out sepsis.", "sepsis", flags!(uncertain)),
        ("Return if you develop chest pain.", "chest pain", flags!(hypothetical)),
        // The conditional's own subject does not end its scope, as a new subject does elsewhere.
        ("If he develops a fever, he should call.", "fever", flags!(hypothetical)),
        ("If she has chest pain, call.", "chest pain", flags!(hypothetical)),
        ("Return if he develops necrosis.", "necrosis", flags!(hypothetical)),
        ("No cough. He has a fever.", "fever", flags!()),
        // A new noun phrase after "and a(n)" is a finding of its own; what came later was not what was absent.
        ("A testicle with no abnormalities and an epididymal cyst.", "epididymal cyst", flags!()),
        ("No fever and no cough.", "cough", flags!(negated)),
        ("Long-standing diabetes, active smoker and regular drinker.", "smoker", flags!()),
        ("He did not report back pain and the condition began after a knee injury.", "knee injury", flags!()),
        ("Free of disease, with subsequent appearance of a brain metastasis.", "brain metastasis", flags!()),
        ("History of myocardial infarction in 2010.", "myocardial infarction", flags!(historical)),
        ("s/p appendectomy.", "appendectomy", flags!(historical)),
        ("Mother with breast cancer.", "breast cancer", flags!(family)),
        ("Family history of colon cancer.", "colon cancer", flags!(family)),
        ("His father had a heart attack at 50.", "heart attack", flags!(family)),
        ("The patient is found by his mother unconscious at home.", "unconscious", flags!()),
        ("Leukocytes 7,700 with relative lymphopenia.", "lymphopenia", flags!()),
        ("Mother has diabetes and he has asthma.", "diabetes", flags!(family)),
        ("Mother has diabetes and he has asthma.", "asthma", flags!()),
        ("Mother reports that he has a fever.", "fever", flags!()),
        ("FAMILY HISTORY:\nDiabetes in his father.", "diabetes", flags!(family)),
        ("FAMILY HISTORY:\nMother: melanoma.\nFather: emphysema.", "emphysema", flags!(family)),
        ("Family history: uncle with ALS.\nExam: lingual fasciculations.", "ALS", flags!(family)),
        ("Family history: uncle with ALS.\nExam: lingual fasciculations.", "fasciculations", flags!()),
        ("Family history: significant for\n- breast cancer (mother)\n- diabetes.", "breast cancer", flags!(family)),
        ("Family history: significant for\n- breast cancer (mother)\n- diabetes.", "diabetes", flags!(family)),
        ("Family history: his mother had\nbreast cancer at 50.\nHe has asthma.", "breast cancer", flags!(family)),
        ("Family history: his mother had\nbreast cancer at 50.\nHe has asthma.", "asthma", flags!()),
        ("Personal history: hypertension.\nShe presented with pneumonia.", "hypertension", flags!(historical)),
        ("Personal history: hypertension.\nShe presented with pneumonia.", "pneumonia", flags!()),
        ("Urinalysis showed glycosuria, microhematuria and negative nitrites.", "glycosuria", flags!()),
        ("Urinalysis showed glycosuria, microhematuria and negative nitrites.", "nitrites", flags!(negated)),
        ("Admitted for hemoptysis with a negative chest CT.", "hemoptysis", flags!()),
        ("Serology for HIV and hepatitis C negative.", "hepatitis C", flags!(negated)),
        // "was negative" looks back; "was negative for" governs what follows.
        ("Serology was negative for hepatitis C.", "hepatitis C", flags!(negated)),
        ("Blood cultures were negative for bacteremia.", "bacteremia", flags!(negated)),
        ("At 3 years she presented absence seizures.", "absence seizures", flags!()),
        ("Absence of fever.", "fever", flags!(negated)),
        ("PAST MEDICAL HISTORY: Hypertension, diabetes.", "diabetes", flags!(historical)),
        ("The patient is a 45 year old male with pneumonia.", "pneumonia", flags!()),
        ("Assessment: community-acquired pneumonia.", "pneumonia", flags!()),
        (
            "He denies any tobacco, alcohol, or drug abuse although he occasionally drinks beer.",
            "drinks beer",
            flags!(),
        ),
        ("No fever; productive cough present.", "cough", flags!()),
        ("Chest pain, likely GERD.", "chest pain", flags!()),
        ("Chest pain, likely GERD.", "GERD", flags!(uncertain)),
        ("Cough, possible pneumonia.", "cough", flags!()),
        ("Cough, possible pneumonia.", "pneumonia", flags!(uncertain)),
        ("Pneumonia, likely.", "pneumonia", flags!(uncertain)),
        ("Right lower lobe pneumonia likely.", "pneumonia", flags!(uncertain)),
    ];
    let mut failures = Vec::new();
    for (text, target, want) in cases {
        let mut got = assert_of(&a, &r, text, target);
        // The internal flags have their own test.
        got.past = false;
        got.dated = false;
        if got != *want {
            failures.push(format!("{text:?} / {target:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_calendar_year_in_the_sentence_dates_a_mention() {
    let (a, r) = rules();
    let dated = |text: &str, target: &str| assert_of(&a, &r, text, target).dated;
    assert!(dated("He sustained a heart attack in 2018 and had a stent.", "heart attack"));
    assert!(dated("In 1999 she had a myocardial infarction.", "myocardial infarction"));
    assert!(!dated("Hypertension since 2018.", "Hypertension"));
    assert!(!dated("Heart attack. Stent placed in 2018.", "Heart attack"));
    assert!(!dated("Heart attack in 300 patients.", "Heart attack"));
}

#[test]
fn malformed_trigger_files_name_the_line() {
    let a = Analyzer::new().unwrap();
    let err = ContextRules::from_tsv("t.tsv", "no\tnegated\tforward\nnot\tnegated\tsideways\n", &a).unwrap_err();
    assert_eq!(err.to_string(), "t.tsv:2: unknown direction \"sideways\"");
    assert!(ContextRules::from_tsv("t.tsv", "no\tnegated\n", &a).is_err());
}
