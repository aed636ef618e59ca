//! Fixtures shared by the benches: the fetched code set and notes written by the project.
#![allow(dead_code)]
use std::path::PathBuf;
use std::sync::Arc;

use cac::CodeSet;

/// The allocator the `cac` binary runs with (src/main.rs), so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// The tabular XML's bytes (read once, so that benches time parsing, not the disk).
pub fn tabular_bytes() -> (Vec<u8>, String) {
    let release = cac::cli::data::find_release(&data_dir()).expect("run `make setup` first");
    (std::fs::read(&release.tabular).expect("tabular readable"), release.label)
}

pub fn codeset() -> Arc<CodeSet> {
    cac::cli::data::load_codeset(&data_dir()).expect("run `make setup` first")
}

/// A 4 KB outpatient note written for the benches (no real patient).
pub const NOTE_4K: &str = "CHIEF COMPLAINT: Shortness of breath and leg swelling.

HISTORY OF PRESENT ILLNESS: 68-year-old man with acute on chronic systolic heart failure, essential hypertension,
type 2 diabetes mellitus without complications and chronic obstructive pulmonary disease, seen for two weeks of
worsening dyspnea on exertion, orthopnea and bilateral lower extremity edema. He denies chest pain, fever or cough.
He reports adherence to his medications but admits to dietary indiscretion over the holidays. No syncope.

PAST MEDICAL HISTORY: Hyperlipidemia, unspecified. Gastro-esophageal reflux disease without esophagitis.
Obstructive sleep apnea on CPAP. Benign prostatic hyperplasia without lower urinary tract symptoms.
Osteoarthritis of the right knee. History of colon polyps.

MEDICATIONS: Furosemide 40 mg daily, metoprolol succinate 50 mg daily, lisinopril 10 mg daily, metformin 1000 mg
b.i.d., atorvastatin 40 mg nightly, tiotropium inhaler daily, omeprazole 20 mg daily, tamsulosin 0.4 mg daily.

ALLERGIES: Penicillin (rash).

SOCIAL HISTORY: Former smoker, quit 10 years ago, 40 pack-years. Drinks alcohol rarely. Lives with his wife.

FAMILY HISTORY: Father with coronary artery disease. Mother with type 2 diabetes mellitus.

REVIEW OF SYSTEMS: Positive for dyspnea, orthopnea and leg swelling. Negative for fever, chills, cough, chest pain,
palpitations, abdominal pain, nausea, vomiting, dysuria and hematuria. All other systems reviewed and negative.

PHYSICAL EXAM: BP 152/88, HR 92, RR 22, T 36.8 C, SpO2 93% on room air, weight 104 kg, BMI 33.1.
General: mildly dyspneic at rest. Neck: JVP elevated to 10 cm. Lungs: bibasilar crackles, no wheezes.
Heart: regular rhythm, S3 present, no murmurs. Abdomen: soft, non-tender. Extremities: 2+ pitting edema to the
knees bilaterally. Neuro: alert and oriented, no focal deficits.

RESULTS: Sodium 134 mmol/L, potassium 4.1, creatinine 1.4 mg/dL (baseline 1.1), BUN 32, glucose 168,
hemoglobin A1c 7.4%, BNP 1,240 pg/mL, hemoglobin 12.1 g/dL. Chest X-ray: cardiomegaly with small bilateral
pleural effusions and pulmonary vascular congestion. ECG: sinus rhythm, left bundle branch block, unchanged.
Echocardiogram last year: ejection fraction 30%.

ASSESSMENT AND PLAN:
1. Acute on chronic systolic heart failure, volume overloaded. Increase furosemide to 40 mg b.i.d., daily weights,
   fluid restriction 1.5 L, low sodium diet. Recheck basic metabolic panel in 3 days.
2. Essential hypertension, above goal. Continue lisinopril and metoprolol; diuresis should help.
3. Type 2 diabetes mellitus without complications. A1c 7.4%. Continue metformin.
4. Chronic obstructive pulmonary disease, stable. Continue tiotropium.
5. Hyperlipidemia. Continue atorvastatin.
6. Obstructive sleep apnea. Continue CPAP.
7. Mild hyponatremia and creatinine above baseline, likely from diuresis; monitor.

Follow up in one week, sooner if worse. Return precautions discussed, patient verbalized understanding.

HOSPITAL COURSE SUMMARY FROM LAST ADMISSION: Treated for community-acquired pneumonia with ceftriaxone and
azithromycin, discharged home on day 4. Urinary tract infection due to E. coli during that stay, resolved.
Hemoglobin then 10.8 g/dL, attributed to anemia of chronic kidney disease; iron studies were unremarkable.
Creatinine peaked at 1.9 mg/dL with acute kidney injury from dehydration and recovered with fluids.
He was counseled on smoking cessation long ago and has not smoked since; no alcohol or drug use.

DIAGNOSES:
- Acute on chronic systolic (congestive) heart failure
- Essential (primary) hypertension
- Type 2 diabetes mellitus without complications
- Chronic obstructive pulmonary disease, unspecified
- Hyperlipidemia, unspecified
- Obstructive sleep apnea (adult) (pediatric)
- Gastro-esophageal reflux disease without esophagitis
- Benign prostatic hyperplasia without lower urinary tract symptoms
- Unilateral primary osteoarthritis, right knee
- Personal history of colonic polyps
- Vitamin D deficiency, unspecified
- Chronic kidney disease, stage 3a (moderate)
- Morbid (severe) obesity due to excess calories
- Iron deficiency anemia
";
