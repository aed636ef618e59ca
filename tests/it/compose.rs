//! Table tests: notes written by the project and the codes the text stage must find (and must not).
//!
//! Each row is a short note, the codes it must suggest, and codes it must not suggest. They exercise the
//! lexicon (abbreviations, synonyms), composition (modifiers gathered around a condition, the deepest code fully
//! supported), 7th characters, and assertion (negated, family and hypothetical mentions are not suggested).
use cac::Note;

use crate::common::engine;

/// (note, must suggest, must not suggest)
type Row = (&'static str, &'static [&'static str], &'static [&'static str]);

const ROWS: &[Row] = &[
    // The cases.
    ("acute on chronic systolic CHF", &["I50.23"], &["I50.9", "I50.21", "I50.22"]),
    ("chronic HFrEF", &["I50.22"], &["I50.9"]),
    ("type 2 DM with diabetic CKD stage 3b", &["E11.22", "N18.32"], &["E11.9", "N18.9"]),
    // Two terms that each name a code and share "CKD": both codes.
    ("Diabetic CKD 3b.", &["E11.22", "N18.32"], &["E11.9", "N18.9"]),
    ("closed fracture of the right femoral neck, initial encounter", &["S72.001A"], &["S72.009A"]),
    ("community-acquired pneumonia", &["J18.9"], &[]),
    ("UTI due to E. coli", &["N39.0", "B96.20"], &[]),
    // Heart failure by type and acuity.
    ("acute systolic heart failure", &["I50.21"], &["I50.9"]),
    ("HFpEF", &["I50.30"], &[]),
    ("chronic diastolic CHF", &["I50.32"], &[]),
    ("Heart failure, acute on chronic, systolic.", &["I50.23"], &["I50.9"]),
    ("CHF", &["I50.9"], &[]),
    ("Acute decompensated heart failure.", &["I50.9"], &[]),
    // Kidney disease by stage.
    ("CKD stage 4", &["N18.4"], &["N18.9"]),
    ("CKD 3a", &["N18.31"], &["N18.9"]),
    ("ESRD on hemodialysis", &["N18.6"], &[]),
    ("chronic kidney disease", &["N18.9"], &[]),
    ("AKI", &["N17.9"], &[]),
    ("acute kidney injury on CKD stage 3", &["N17.9", "N18.30"], &[]),
    // Diabetes.
    ("T2DM", &["E11.9"], &[]),
    ("type 2 diabetes with hyperglycemia", &["E11.65"], &["E11.9"]),
    ("type 1 diabetes mellitus", &["E10.9"], &["E11.9"]),
    ("DM2 with diabetic polyneuropathy", &["E11.42"], &["E11.9"]),
    // Pregnancy (Chapter 15): the control of gestational diabetes, the trimester written or read from the
    // gestational age (Guidelines I.C.15.a.3: 14 weeks 0 days begins the second, 28 weeks 0 days the third).
    ("Gestational diabetes, diet controlled.", &["O24.410"], &["O24.419"]),
    ("Anemia in pregnancy, second trimester.", &["O99.012"], &["O99.019"]),
    ("G2P1 at 24 weeks gestation. Anemia in pregnancy.", &["O99.012"], &["O99.019", "O99.013"]),
    ("G1P0 at 13 weeks gestation. Anemia in pregnancy.", &["O99.011"], &["O99.012"]),
    ("Preeclampsia at 34 weeks gestation.", &["O14.93", "Z3A.34"], &["O14.90"]),
    ("G2P1 at 24 weeks gestation. Anemia in pregnancy, third trimester.", &["O99.013"], &["O99.012"]),
    ("Pregnant at 30 weeks, seen at 12 weeks for the dating scan. Gestational hypertension.", &["O13.3"], &["O13.1"]),
    ("Infant born at 30 weeks gestation. Anemia in pregnancy.", &["O99.019"], &["O99.013"]),
    (
        "Previous pregnancy delivered at 39 weeks. Now pregnant at 20 weeks. Anemia in pregnancy.",
        &["O99.012"],
        &["O99.013"],
    ),
    ("Hyperemesis gravidarum.", &["O21.0"], &[]),
    ("Hyperemesis gravidarum with dehydration.", &["O21.1"], &["O21.0"]),
    ("Vomiting and hyperemesis of 4 days duration.", &[], &["O21.0"]),
    // "Not" makes the one word after it absent; chronic migraine is without aura.
    ("Migraine without aura, not intractable.", &["G43.009"], &["G43.019"]),
    ("Migraine without aura, intractable.", &["G43.019"], &["G43.009"]),
    ("Chronic migraine without aura, not intractable.", &["G43.709"], &["G43.009", "G43.019", "G43.719"]),
    // The side nearest the condition: the "left" of the artery is not the hemiparesis's.
    ("Left MCA stroke with right hemiparesis.", &["G81.91"], &["G81.94", "G81.92"]),
    ("Right MCA stroke with left hemiparesis.", &["G81.94"], &["G81.91"]),
    // Respiratory failure: the lexicon names the category, so "with hypoxia" written after it refines it.
    ("Acute respiratory failure with hypoxia.", &["J96.01"], &["J96.00", "J96.90"]),
    ("Chronic respiratory failure with hypoxia.", &["J96.11"], &["J96.10", "J96.90"]),
    ("Respiratory failure with hypercapnia.", &["J96.92"], &["J96.90"]),
    ("Acute respiratory failure.", &["J96.00"], &["J96.01"]),
    ("Respiratory failure.", &["J96.90"], &["J96.91"]),
    // Cellulitis of the hand or foot is the limb's (Index: Cellulitis, hand - see Cellulitis, upper limb).
    ("Cellulitis of the right hand.", &["L03.113"], &["L03.90"]),
    ("Cellulitis of the left foot.", &["L03.116"], &["L03.90"]),
    // Delirium due to a named condition is F05; delirium NOS R41.0.
    ("Delirium due to urinary tract infection.", &["F05", "N39.0"], &["R41.0"]),
    ("Delirium secondary to alcohol withdrawal.", &["F10.231"], &["F05"]),
    // A bleeding ulcer is the ulcer with hemorrhage.
    ("Bleeding duodenal ulcer.", &["K26.4"], &["K26.9", "R58"]),
    ("Upper GI bleed from duodenal ulcer.", &["K26.4"], &["K26.9"]),
    // Lungs.
    ("COPD exacerbation", &["J44.1"], &["J44.9"]),
    ("COPD", &["J44.9"], &[]),
    ("pneumonia due to Streptococcus pneumoniae", &["J13"], &["J18.9"]),
    ("OSA on CPAP", &["G47.33"], &[]),
    // Heart and vessels.
    ("paroxysmal AFib", &["I48.0"], &["I48.91"]),
    ("atrial fibrillation", &["I48.91"], &[]),
    ("essential hypertension", &["I10"], &[]),
    ("HTN", &["I10"], &[]),
    ("NSTEMI", &["I21.4"], &[]),
    ("pulmonary embolism", &["I26.99"], &[]),
    ("left leg DVT", &["I82.402"], &["I82.409"]),
    // Other systems.
    ("hyperlipidemia", &["E78.5"], &[]),
    ("GERD", &["K21.9"], &[]),
    ("BPH", &["N40.0"], &[]),
    ("hypothyroidism", &["E03.9"], &[]),
    ("iron deficiency anemia", &["D50.9"], &[]),
    ("generalized anxiety disorder", &["F41.1"], &[]),
    ("primary osteoarthritis of the right knee", &["M17.11"], &[]),
    ("right lower quadrant abdominal pain", &["R10.31"], &["R10.9"]),
    ("Crohn's disease", &["K50.90"], &[]),
    ("E. coli sepsis", &["A41.51"], &["B96.20"]),
    ("UTI", &["N39.0"], &[]),
    ("TIA", &["G45.9"], &[]),
    // The lexicon: abbreviations and synonyms of the diagnoses coded most often.
    ("NIDDM", &["E11.9"], &[]),
    ("CAD", &["I25.10"], &[]),
    ("STEMI", &["I21.3"], &[]),
    ("PNA", &["J18.9"], &[]),
    ("CVA", &["I63.9"], &[]),
    ("MDD", &["F32.9"], &[]),
    ("MDD, recurrent, moderate", &["F33.1"], &["F32.9"]),
    ("Major depressive disorder, recurrent, moderate.", &["F33.1"], &["F32.1", "F32.9"]),
    ("MDD, single episode, moderate", &["F32.1"], &["F32.9", "F33.1"]),
    ("RA on methotrexate", &["M06.9"], &[]),
    ("morbid obesity", &["E66.01"], &[]),
    ("sepsis", &["A41.9"], &[]),
    ("HLD", &["E78.5"], &[]),
    ("anemia of chronic kidney disease", &["D63.1"], &[]),
    ("MS", &[], &["G35.D", "I05.0"]),
    ("multiple sclerosis", &["G35.D"], &[]),
    // Spelling variants: joined, hyphenated, plural, British.
    ("gastroesophageal reflux disease", &["K21.9"], &[]),
    ("gastro-esophageal reflux disease", &["K21.9"], &[]),
    ("posttraumatic stress disorder", &["F43.10"], &[]),
    ("kidney stones", &["N20.0"], &[]),
    ("iron deficiency anaemia", &["D50.9"], &["D64.9"]),
    ("Iron deficiency anemia.", &["D50.9"], &["D64.9"]),
    // A capital letter names a type ("hepatitis A"); the article "a" never does.
    ("Hepatitis.", &["K75.9"], &["B15.9"]),
    ("Acute hepatitis A.", &["B15.9"], &["K75.9"]),
    ("Vitamin A deficiency.", &["E50.9"], &[]),
    ("Hepatitis a few years ago.", &[], &["B15.9"]),
    // "and" in a title means "and/or": either site alone is enough.
    ("CT showed liver metastases.", &["C78.7"], &[]),
    ("Metastases to the peritoneum.", &["C78.6"], &[]),
    // A metastasis "from" a site names the primary.
    ("Brain metastasis from lung adenocarcinoma.", &["C79.31", "C34.90"], &["C78.00"]),
    // 7th characters.
    ("open fracture of the left femoral neck", &["S72.002B"], &[]),
    ("right femoral neck fracture, subsequent encounter with routine healing", &["S72.001D"], &[]),
    // Locality: modifiers do not jump across an unrelated comma-separated phrase or attach to a duration.
    ("heart failure, right knee pain", &["I50.9", "M25.561"], &["I50.810"]),
    ("CKD for 4 weeks", &["N18.9"], &["N18.4"]),
    // Bilateral: the bilateral code where the classification has one ("both eyes" says it as well), each side's
    // code where it has none (Guidelines I.B.13), never the unspecified side.
    ("Bilateral knee pain.", &["M25.561", "M25.562"], &["M25.569"]),
    ("She has pain in both wrists.", &["M25.531", "M25.532"], &["M25.539"]),
    ("Myopia in both eyes.", &["H52.13"], &["H52.10", "H52.11", "H52.12"]),
    ("Central scotoma in both eyes.", &["H53.413"], &["H53.411", "H53.412", "H53.419"]),
    ("Pain in both lower limbs.", &["M79.604", "M79.605"], &["M79.606"]),
    ("Both kidneys were studied because of the family history; renal agenesis was found.", &["Q60.2"], &["Q60.1"]),
    // A phrase read as other words stands for them only: "lower limb" is the leg, not the lower leg.
    ("Pain in the left lower limb.", &["M79.605"], &["M79.662"]),
    ("Lower limb pain.", &["M79.606"], &["M79.669"]),
    // Among codes the words support equally, the unspecified one over a remainder.
    ("Sepsis secondary to Staphylococcus.", &["A41.2"], &["A41.1"]),
    // The code whose inclusion term is the category's condition NOS: S. aureus NOS is B95.61 (never B95.8), while
    // acute pain NOS is not the post-thoracotomy pain NOS of G89.12.
    ("Blood cultures grew Staphylococcus aureus.", &["B95.61"], &["B95.8"]),
    ("Acute postoperative pain.", &[], &["G89.12"]),
    // A bracketed code-set acronym that is an English word is read only as the lexicon's capitals.
    ("All tests were normal.", &[], &["C91.00"]),
    ("ALL in remission.", &["C91.01"], &[]),
    // An abbreviation in parentheses restates the words before it and parts nothing.
    ("Acute lymphoblastic leukemia (ALL) in remission.", &["C91.01"], &["C91.00", "Z85.6"]),
    ("Loss of visual acuity (VA) in left eye (LE).", &["H54.62"], &["H54.7"]),
    // Hemiplegia by side with the default dominance (Guidelines I.C.6.a): right dominant, left nondominant.
    ("Right hemiparesis.", &["G81.91"], &["G81.90", "G81.93"]),
    ("Left hemiplegia.", &["G81.94"], &["G81.90", "G81.92"]),
    // Vision loss of one eye or both.
    ("Loss of vision in his left eye.", &["H54.62"], &["H54.7"]),
    ("Decreased visual acuity of the right eye.", &["H54.61"], &["H54.7"]),
    ("Bilateral vision loss.", &["H54.3"], &["H54.7"]),
    // The patient's sex from the note's words gives the breast's code.
    ("She has carcinoma of the left breast. She is 50.", &["C50.912"], &["C50.919"]),
    ("He has carcinoma of the left breast. He is 60.", &["C50.922"], &["C50.912", "C50.919"]),
    // Organisms, sites and kinds the words name.
    ("Culture grew Streptococcus milleri.", &["B95.4"], &["B95.5"]),
    ("Admitted with a respiratory infection.", &["J98.8"], &["J98.9"]),
    ("Upper respiratory infection.", &["J06.9"], &["J98.8"]),
    ("Prostate adenocarcinoma with vertebral metastases.", &["C61", "C79.51"], &["C79.9"]),
    ("Ileal Crohn's disease.", &["K50.00"], &["K50.90"]),
    ("Biopsy showed bladder amyloidosis.", &["E85.4"], &["E85.9"]),
    // A composed reading never takes a term's leading words and jumps over its head; shared words that apply to
    // both conditions ("and") or a term's head shared with another reading stay.
    ("ECG revealed left ventricular hypertrophy consistent with congestive heart failure.", &["I51.7"], &["I50.1"]),
    ("Elevated C-reactive protein and erythrocyte sedimentation rate.", &["R70.0"], &[]),
    ("Facial muscle weakness.", &["R29.810"], &[]),
    // Refinement takes no words of another term without its head; a whole term it may take.
    ("Left ventricular hypertrophy with foot pain.", &["I51.7", "M79.673"], &["M79.672"]),
    ("Sepsis due to E. coli.", &["A41.51"], &["A41.9"]),
    // "Both" after a term belongs to it only when nothing starts another item between; before it, it is shared.
    ("Arthralgias in both knees and elbows.", &["M25.561", "M25.562"], &["M25.569"]),
    ("Bilateral foot and ankle pain.", &["M25.571", "M25.572"], &["M25.579"]),
    // Ambiguous abbreviations resolved by context.
    ("PHYSICAL EXAM:\nPE: lungs clear, heart regular.", &[], &["I26.99"]),
    ("SpO2 95% on RA.", &[], &["M06.9"]),
    // Assertion.
    ("Patient denies chest pain.", &[], &["R07.9"]),
    ("Mother with breast cancer.", &[], &["C50.919"]),
    ("Return if you develop fever.", &[], &["R50.9"]),
    ("No fever, chills or cough.", &[], &["R50.9", "R68.83", "R05.9"]),
    // An adjective qualifies the noun after it: across an "and" or a "with" it is no modifier of the term before.
    ("Ischemic heart disease with myocardial infarction.", &["I21.9"], &["I51.5"]),
    ("Chest X-ray showed bilateral infiltrates and mild pulmonary oligoperfusion.", &[], &["R91.8"]),
    ("Meckel diverticulum with heterotopic gastric mucosa.", &[], &["K31.4"]),
    ("Esophageal varices in gastric fundus.", &["I86.4"], &[]),
    ("Liver disease of alcoholic origin.", &["K70.9"], &[]),
    // Bleeding of a named genital site.
    ("Vaginal bleeding for two weeks.", &["N93.9"], &["R58"]),
    ("Post-coital bleeding.", &["N93.0"], &["R58"]),
    // Words of a position, a test, an instrument, a drug class, an organism or a regimen read as no condition.
    ("The pain worsened in decubitus.", &[], &["L89.90"]),
    ("Sacral decubitus.", &["L89.159"], &[]),
    ("Hypotensive drugs were withdrawn. A sweat test was normal.", &[], &["I95.2", "I95.9", "R61"]),
    ("Bipolar electrocoagulation was used. Vesicular murmur preserved.", &[], &["F31.9", "R01.1"]),
    ("Functional impotence of the left leg.", &[], &["N52.9"]),
    ("Propionibacterium acnes grew in the culture.", &["B96.89"], &["L70.9"]),
    ("Induction with the FLAG-IDA protocol. FFA of the right eye showed leakage.", &[], &["D50.9", "L66.12"]),
    ("Frontal fibrosing alopecia (FFA). Ganglion cyst of the left wrist.", &["L66.12", "M67.432"], &[]),
    ("Extracorporeal shock wave lithotripsy for a renal calculus.", &["N20.0"], &["R57.9"]),
    // "No known history of" denies the condition as "no history of" does.
    ("No known history of diabetes. No previous history of seizures.", &[], &["E11.9", "R56.9", "Z87.442"]),
    // A one-word abbreviation naming a code is not read again as another code from its words alone.
    ("He has HHD.", &["I11.9"], &["I51.9"]),
    // Two conditions coordinated before a shared site read that site each.
    ("Pain and stiffness in the right knee.", &["M25.561", "M25.661"], &["R52"]),
    ("Complaining of pain and swelling in the index finger.", &["M79.646"], &["R52"]),
    ("He takes pain medications daily. Lidocaine provided for pain relief.", &[], &["R52"]),
    ("Definitive diagnosis: Ludwig's angina.", &["K12.2"], &["I20.9"]),
    // "Of" before a malignancy names the primary: no secondary neoplasm of the skin or the kidney.
    ("Metastasis of cutaneous melanoma in the small intestine.", &["C43.9"], &["C79.2"]),
    ("Metastasis of clear cell renal carcinoma.", &["C64.9"], &["C79.00"]),
    // A hospital service's name is no diagnosis; an encounter code keeps it.
    ("Seen by the Infectious Diseases and Internal Medicine Services.", &[], &["B99.9"]),
    ("Referred to the pain clinic. Severe low back pain.", &["M54.50"], &["R52"]),
    ("She was admitted to the stroke unit.", &[], &["I63.9"]),
    ("Followed by the Palliative Care Unit.", &["Z51.5"], &[]),
    // An abbreviation labelling a measured value is a laboratory test, not a condition.
    ("Blood count: CMV: 89.7 fL, HCM 29.2 pg. Coagulation: TTP 28.9 seconds.", &[], &["B25.9", "I42.2", "M31.19"]),
    ("25-hydroxyvitamin D (25-HCC) was low. Arterial hypertension of 35 mm Hg on the gas.", &[], &["C22.0", "I10"]),
    ("Inflammatory pseudotumor of the liver. Pseudotumor cerebri.", &["G93.2"], &[]),
    ("CMV infection. Known HCM. Diagnosed with TTP 2 years ago, in remission.", &["B25.9", "I42.2", "M31.19"], &[]),
];

#[test]
fn compositional_and_assertion_table() {
    let engine = engine();
    let mut failures = Vec::new();
    for (text, must, must_not) in ROWS {
        let coded = engine.code(&Note::new("t", *text)).unwrap();
        let got: Vec<&str> = coded.codes.iter().map(|s| s.code.as_str()).collect();
        for code in *must {
            if !got.contains(code) {
                failures.push(format!("{text:?}: expected {code}, got {got:?}"));
            }
        }
        for code in *must_not {
            if got.contains(code) {
                failures.push(format!("{text:?}: must not suggest {code}, got {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), ROWS.len(), failures.join("\n"));
}

#[test]
fn excluded_mentions_carry_their_reason_and_assertion() {
    let coded =
        engine().code(&Note::new("t", "Denies chest pain. Family history: mother with breast cancer.")).unwrap();
    let reasons: Vec<(&str, &str)> =
        coded.excluded.iter().map(|x| (x.suggestion.code.as_str(), x.reason.as_str())).collect();
    assert!(reasons.contains(&("R07.9", "negated")), "{reasons:?}");
    let chest = coded.excluded.iter().find(|x| x.suggestion.code == "R07.9").unwrap();
    assert!(chest.suggestion.evidence[0].assertion.negated);
    assert!(coded.excluded.iter().any(|x| x.reason == "family"), "{reasons:?}");
}

#[test]
fn the_clinical_lexicon_covers_at_least_a_thousand_terms() {
    assert!(engine().lexicon().phrase_count() >= 1_000, "{}", engine().lexicon().phrase_count());
}
