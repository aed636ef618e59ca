//! The trained scorer through ort: parity with Python onnxruntime, and clear errors for bad model files.
use std::path::PathBuf;
use std::sync::OnceLock;

use cac::classify::features::FeatureExtractor;
use cac::classify::onnx::{ModelInputs, OnnxRuntime, OnnxScorer};
use cac::coding::Rule;
use ndarray::Array2;
use serde_json::Value;

use crate::common::project_root;

fn runtime() -> &'static OnnxRuntime {
    static RUNTIME: OnceLock<OnnxRuntime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        let lib = cac::cli::data::find_onnxruntime().expect("ONNX Runtime installed by make setup");
        OnnxRuntime::load(&lib).expect("ONNX Runtime loads")
    })
}

fn model_bytes() -> Vec<u8> {
    let (_, bytes) = cac::models::SCORER.expect("models/scorer.onnx is committed and embedded");
    bytes.to_vec()
}

fn matrix<T: Copy + Default>(v: &Value, f: impl Fn(&Value) -> T) -> Array2<T> {
    let rows = v.as_array().unwrap();
    let cols = rows[0].as_array().unwrap().len();
    let mut m = Array2::<T>::default((rows.len(), cols));
    for (i, r) in rows.iter().enumerate() {
        for (j, x) in r.as_array().unwrap().iter().enumerate() {
            m[[i, j]] = f(x);
        }
    }
    m
}

#[test]
fn rust_and_python_onnxruntime_agree_within_1e_5() {
    let path: PathBuf = project_root().join("models/scorer_parity.json");
    let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let scorer =
        OnnxScorer::new(runtime(), &model_bytes(), "models/scorer.onnx", FeatureExtractor::embedded().unwrap(), 1)
            .unwrap();
    let dense = matrix(&fixture["dense"], |x| x.as_f64().unwrap() as f32);
    let context = matrix(&fixture["context"], |x| x.as_i64().unwrap());
    let description = matrix(&fixture["description"], |x| x.as_i64().unwrap());
    let expected: Vec<f64> = fixture["probability"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    let code_keys = matrix(&fixture["code_keys"], |x| x.as_i64().unwrap());
    let got = scorer.score_inputs(ModelInputs { dense, context, description, code_keys }).unwrap();
    assert_eq!(got.len(), expected.len());
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert!((f64::from(*g) - e).abs() < 1e-5, "row {i}: rust {g} vs python {e}");
    }
    assert!(scorer.threshold().is_some_and(|t| (0.0..1.0).contains(&t)), "the model carries its threshold");
}

#[test]
fn a_corrupt_model_is_a_start_up_error_naming_its_source() {
    let err =
        OnnxScorer::new(runtime(), b"not an onnx model", "/tmp/broken.onnx", FeatureExtractor::embedded().unwrap(), 1)
            .unwrap_err()
            .to_string();
    assert!(err.contains("/tmp/broken.onnx"), "{err}");
}

#[test]
fn the_engine_reports_the_model_version() {
    let scorer =
        OnnxScorer::new(runtime(), &model_bytes(), "models/scorer.onnx", FeatureExtractor::embedded().unwrap(), 2)
            .unwrap();
    let engine = cac::Engine::builder(crate::common::codeset()).scorer(Box::new(scorer)).build().unwrap();
    let coded = engine.code(&cac::Note::new("m", "Acute on chronic systolic heart failure. Type 2 diabetes.")).unwrap();
    assert!(coded.model_version.starts_with("scorer-"), "{}", coded.model_version);
    for s in coded.codes.iter().filter(|s| s.system == "ICD-10-CM") {
        assert!((0.0..=1.0).contains(&s.score));
        assert!(s.score >= f64::from(engine.min_score()) - 1e-4, "{} {}", s.code, s.score);
    }
    assert!(coded.codes.iter().any(|s| s.code == "I50.23"), "{:?}", coded.codes);
}

#[test]
fn history_codes_take_the_rule_score_where_the_training_labels_do_not_cover_them() {
    let scorer =
        OnnxScorer::new(runtime(), &model_bytes(), "models/scorer.onnx", FeatureExtractor::embedded().unwrap(), 1)
            .unwrap();
    assert_eq!(scorer.rule_scored(), [Rule::FamilyHistory, Rule::PersonalHistory], "`make model` names them");
    let with_model = cac::Engine::builder(crate::common::codeset()).scorer(Box::new(scorer)).build().unwrap();
    let with_rules = cac::Engine::builder(crate::common::codeset()).build().unwrap();
    let note = cac::Note::new(
        "h",
        "Mother died of breast cancer at 52. History of colon cancer, resected in 2015, no recurrence.\n\
         Assessment: essential hypertension.",
    );
    let (a, b) = (with_model.code(&note).unwrap(), with_rules.code(&note).unwrap());
    let score = |coded: &cac::CodedNote, code: &str| {
        coded.codes.iter().find(|s| s.code == code).map(|s| s.score).unwrap_or_else(|| panic!("{code} suggested"))
    };
    for code in ["Z80.3", "Z85.038"] {
        assert!((score(&a, code) - score(&b, code)).abs() < 1e-6, "{code}: {} vs {}", score(&a, code), score(&b, code));
    }
    assert!((score(&a, "I10") - score(&b, "I10")).abs() > 1e-4, "a matched code keeps the model's own score");
}

/// Scores from a table of codes, for rule-order tests that need a scorer's decision fixed.
struct TableScorer(&'static [(&'static str, f32)]);

impl cac::classify::Scorer for TableScorer {
    fn name(&self) -> &str {
        "table"
    }

    fn score(&self, input: &cac::classify::ScoringInput<'_, '_>) -> Result<Vec<f32>, cac::Error> {
        Ok(input
            .candidates
            .iter()
            .map(|c| {
                let code = &input.codes.code(c.code).code;
                self.0.iter().find(|(k, _)| k == code).map_or(0.9, |&(_, s)| s)
            })
            .collect())
    }

    fn default_threshold(&self) -> f32 {
        0.5
    }
}

#[test]
fn a_candidate_under_the_threshold_sets_no_excludes1_partner_aside() {
    // SIADH (E22.2) is the more specific reading and wins the Excludes1 pair with hyponatremia (E87.1) when both
    // pass; when the scorer rejects it, hyponatremia is still suggested rather than lost with it.
    let note = cac::Note::new("x", "Hyponatremia due to SIADH.");
    let coded = |table| {
        let engine =
            cac::Engine::builder(crate::common::codeset()).scorer(Box::new(TableScorer(table))).build().unwrap();
        let out = engine.code(&note).unwrap();
        let codes: Vec<String> = out.codes.iter().map(|s| s.code.clone()).collect();
        let excluded: Vec<(String, String)> =
            out.excluded.iter().map(|e| (e.suggestion.code.clone(), e.reason.clone())).collect();
        (codes, excluded)
    };
    let (codes, excluded) = coded(&[]);
    assert_eq!(codes, ["E22.2"], "{excluded:?}");
    assert!(excluded.contains(&("E87.1".into(), "excludes1".into())), "{excluded:?}");
    let (codes, excluded) = coded(&[("E22.2", 0.1)]);
    assert_eq!(codes, ["E87.1"], "{excluded:?}");
    assert!(excluded.contains(&("E22.2".into(), "low_score".into())), "{excluded:?}");
}

#[test]
fn a_symptom_of_a_diagnosis_under_the_threshold_is_suggested() {
    // Pain is part of a kidney stone; when the scorer rejects the stone, the pain is no longer explained by a
    // suggested code and is suggested itself, rather than lost with it. A symptom the rejected diagnosis and a
    // suggested one both explain stays set aside, naming the suggested one.
    let coded = |text: &str, table| {
        let engine =
            cac::Engine::builder(crate::common::codeset()).scorer(Box::new(TableScorer(table))).build().unwrap();
        let out = engine.code(&cac::Note::new("x", text)).unwrap();
        let codes: Vec<String> = out.codes.iter().map(|s| s.code.clone()).collect();
        let excluded: Vec<(String, String, String)> = out
            .excluded
            .iter()
            .map(|e| (e.suggestion.code.clone(), e.reason.clone(), e.suggestion.rationale.clone()))
            .collect();
        (codes, excluded)
    };
    let note = "Kidney stone. Flank pain and hematuria.";
    let (codes, excluded) = coded(note, &[]);
    assert_eq!(codes, ["N20.0"], "{excluded:?}");
    assert!(excluded.iter().any(|e| e.0 == "R31.9" && e.1 == "integral_symptom"), "{excluded:?}");
    let (codes, excluded) = coded(note, &[("N20.0", 0.1)]);
    assert!(codes.contains(&"R31.9".to_string()), "{codes:?} {excluded:?}");
    assert!(excluded.iter().any(|e| e.0 == "N20.0" && e.1 == "low_score"), "{excluded:?}");
    let (codes, excluded) = coded("Kidney stone. Acute pyelonephritis. Hematuria.", &[("N20.0", 0.1)]);
    assert!(!codes.contains(&"R31.9".to_string()), "{codes:?}");
    assert!(
        excluded.iter().any(|e| e.0 == "R31.9" && e.1 == "integral_symptom" && e.2.contains("N10")),
        "{excluded:?}"
    );
}

#[test]
fn a_companion_the_suggested_combination_asks_for_follows_it() {
    // E11.621 asks for the site of the ulcer (L97.4-, L97.5-); scored under the threshold, the ulcer code is still
    // suggested beside the combination it completes.
    let engine = cac::Engine::builder(crate::common::codeset())
        .scorer(Box::new(TableScorer(&[("L97.519", 0.1)])))
        .build()
        .unwrap();
    let out = engine.code(&cac::Note::new("x", "1. Right foot diabetic ulcer. 2. Diabetes.")).unwrap();
    let codes: Vec<&str> = out.codes.iter().map(|s| s.code.as_str()).collect();
    assert!(codes.contains(&"E11.621") && codes.contains(&"L97.519"), "{codes:?}");
    let ulcer = out.codes.iter().find(|s| s.code == "L97.519").unwrap();
    assert!(ulcer.rationale.contains("E11.621"), "{}", ulcer.rationale);
    assert!(ulcer.score < 0.2, "the score stays the scorer's: {}", ulcer.score);
}

#[test]
fn an_injury_nos_is_kept_when_the_named_injury_is_rejected() {
    // The unspecified injury of the ankle is the sprain's less specific reading; when the scorer rejects the
    // sprain, the injury is the ankle's only code and is suggested.
    let note = "Right ankle sprain. He hurt his right ankle initially after the injury.";
    let coded = |table| {
        let engine =
            cac::Engine::builder(crate::common::codeset()).scorer(Box::new(TableScorer(table))).build().unwrap();
        let out = engine.code(&cac::Note::new("x", note)).unwrap();
        out.codes.iter().map(|s| s.code.clone()).collect::<Vec<String>>()
    };
    assert_eq!(coded(&[]), ["S93.401A"]);
    assert_eq!(coded(&[("S93.401A", 0.1)]), ["S99.911A"]);
}

/// Sixty plainly documented diagnoses as a US assessment writes them, one per note, with the code a coder assigns.
/// The CodiEsp-trained scorer must not leave them under its threshold: a model whose subword bags learned
/// CodiEsp's wording of the codes its coders rejected once suggested only 31 of them (obstructive sleep apnea
/// 0.17, hypertensive urgency 0.11), which is why `train.py` decays the embedding tables harder.
const US_ASSESSMENTS: &[(&str, &str)] = &[
    ("Atrial fibrillation.", "I48.91"),
    ("Persistent atrial fibrillation.", "I48.19"),
    ("NSTEMI.", "I21.4"),
    ("HFrEF.", "I50.20"),
    ("Hypertensive urgency.", "I16.0"),
    ("Hypertensive crisis.", "I16.9"),
    ("Obstructive sleep apnea.", "G47.33"),
    ("Peripheral arterial disease.", "I73.9"),
    ("Constipation.", "K59.00"),
    ("Cough.", "R05.9"),
    ("Influenza.", "J11.1"),
    ("Cholelithiasis.", "K80.20"),
    ("Fatty liver.", "K76.0"),
    ("Herpes zoster.", "B02.9"),
    ("Dementia.", "F03.90"),
    ("Encephalopathy.", "G93.40"),
    ("Schizophrenia.", "F20.9"),
    ("Social anxiety disorder.", "F40.10"),
    ("Tobacco use.", "Z72.0"),
    ("Cannabis use.", "F12.90"),
    ("Alcohol use disorder, severe.", "F10.20"),
    ("Opioid use disorder, moderate.", "F11.20"),
    ("Wheezing.", "R06.2"),
    ("Sore throat.", "J02.9"),
    ("Urticaria.", "L50.9"),
    ("Goiter.", "E04.9"),
    ("Unsteady gait.", "R26.81"),
    ("Right hip fracture.", "S72.001A"),
    ("Corneal abrasion, right eye.", "S05.01XA"),
    ("Essential hypertension.", "I10"),
    ("Hyperlipidemia.", "E78.5"),
    ("Type 2 diabetes mellitus.", "E11.9"),
    ("GERD.", "K21.9"),
    ("Hypothyroidism.", "E03.9"),
    ("Major depressive disorder, recurrent, moderate.", "F33.1"),
    ("Generalized anxiety disorder.", "F41.1"),
    ("Asthma.", "J45.909"),
    ("COPD.", "J44.9"),
    ("Urinary tract infection.", "N39.0"),
    ("Low back pain.", "M54.50"),
    ("Osteoporosis.", "M81.0"),
    ("Gout.", "M10.9"),
    ("Insomnia.", "G47.00"),
    ("Allergic rhinitis.", "J30.9"),
    ("Vitamin D deficiency.", "E55.9"),
    ("Iron deficiency anemia.", "D50.9"),
    ("Benign prostatic hyperplasia.", "N40.0"),
    ("Kidney stone.", "N20.0"),
    ("Chest pain.", "R07.9"),
    ("Syncope.", "R55"),
    ("Dizziness.", "R42"),
    ("Headache.", "R51.9"),
    ("Nausea and vomiting.", "R11.2"),
    ("Diarrhea.", "R19.7"),
    ("Obesity.", "E66.9"),
    ("Coronary artery disease.", "I25.10"),
    ("Pneumonia.", "J18.9"),
    ("Cellulitis.", "L03.90"),
    ("Migraine.", "G43.909"),
    ("Chronic kidney disease stage 3a.", "N18.31"),
];

#[test]
fn the_model_suggests_plainly_documented_us_diagnoses() {
    let scorer =
        OnnxScorer::new(runtime(), &model_bytes(), "models/scorer.onnx", FeatureExtractor::embedded().unwrap(), 1)
            .unwrap();
    let engine = cac::Engine::builder(crate::common::codeset()).scorer(Box::new(scorer)).build().unwrap();
    let missed: Vec<String> = US_ASSESSMENTS
        .iter()
        .filter_map(|(diagnosis, code)| {
            let note = cac::Note::new("us", format!("ASSESSMENT AND PLAN:\n1. {diagnosis}\n"))
                .with_setting(cac::Setting::Outpatient);
            let coded = engine.code(&note).unwrap();
            (!coded.codes.iter().any(|s| s.code == *code)).then(|| {
                let score = coded.excluded.iter().find(|e| e.suggestion.code == *code).map(|e| e.suggestion.score);
                format!("{diagnosis} {code} {score:?}")
            })
        })
        .collect();
    assert!(missed.len() <= 6, "{} of {} not suggested: {missed:?}", missed.len(), US_ASSESSMENTS.len());
}
