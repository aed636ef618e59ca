//! Body mass index (Z68): the BMI the note measures, coded beside the weight diagnosis it qualifies.
//!
//! Guidelines I.B.14 and I.C.21.c.3: a BMI code is reported only with an associated reportable diagnosis the
//! provider documents (obesity, overweight, malnutrition, underweight); the value itself may come from anyone who
//! recorded it. So the code follows a suggested weight diagnosis and is never suggested alone, never first. Adults
//! only: the pediatric codes (Z68.5-) are by percentile for age, which a BMI value cannot give, so a BMI written
//! with a percentile is left alone. The value is read where CDI reads it (`cdi::values`); this module only maps it
//! onto the adult categories of the tabular (Z68.1 under 20, Z68.20-Z68.39 by whole unit, Z68.41-Z68.45 by band).
use crate::codeset::{CodeSet, ICD10CM};
use crate::suggestion::{Evidence, Suggestion};

/// Diagnoses a BMI code may accompany (the weight diagnoses of Guidelines I.C.21.c.3): obesity and overweight,
/// protein-calorie malnutrition, underweight, cachexia.
const WEIGHT_DIAGNOSES: &[&str] = &["E66", "E40", "E41", "E42", "E43", "E44", "E45", "E46", "R63.6", "R64"];

/// The adult BMI code of a value, as the tabular's categories band it.
pub fn adult_code(bmi: f64) -> Option<String> {
    if !(5.0..=150.0).contains(&bmi) {
        return None;
    }
    let code = match bmi {
        b if b < 20.0 => "Z68.1".to_string(),
        b if b < 40.0 => format!("Z68.{}", b.floor() as u32),
        b if b < 45.0 => "Z68.41".to_string(),
        b if b < 50.0 => "Z68.42".to_string(),
        b if b < 60.0 => "Z68.43".to_string(),
        b if b < 70.0 => "Z68.44".to_string(),
        _ => "Z68.45".to_string(),
    };
    Some(code)
}

/// The BMI code for a note whose suggested diagnoses are `diagnoses`, given the BMI it measures (value, evidence;
/// read only when a weight diagnosis is suggested). `None` without a weight diagnosis, a BMI, or an adult code.
pub fn suggest(
    codes: &CodeSet,
    diagnoses: &[Suggestion],
    bmi: impl FnOnce() -> Option<(f64, Evidence)>,
) -> Option<Suggestion> {
    let weight = diagnoses
        .iter()
        .filter(|s| s.system == ICD10CM && WEIGHT_DIAGNOSES.iter().any(|w| s.code.starts_with(w)))
        .max_by(|a, b| a.score.total_cmp(&b.score))?;
    if diagnoses.iter().any(|s| s.code.starts_with("Z68")) {
        return None;
    }
    let (value, evidence) = bmi()?;
    let code = codes.get(&adult_code(value)?)?;
    let sequence = diagnoses.iter().filter_map(|s| s.sequence).max().map(|n| n + 1);
    Some(Suggestion {
        code: code.code.clone(),
        system: ICD10CM.to_string(),
        description: code.description.clone(),
        score: weight.score,
        billable: code.billable,
        evidence: vec![evidence],
        sequence,
        rationale: format!(
            "BMI {value} measured in the note, coded with the weight diagnosis {} it qualifies (Guidelines I.B.14)",
            weight.code
        ),
        cc: false,
        mcc: false,
    })
}

#[cfg(test)]
mod tests {
    use super::adult_code;

    #[test]
    fn adult_bmi_bands() {
        for (bmi, code) in [
            (18.4, "Z68.1"),
            (19.99, "Z68.1"),
            (20.0, "Z68.20"),
            (27.3, "Z68.27"),
            (35.0, "Z68.35"),
            (39.9, "Z68.39"),
            (40.0, "Z68.41"),
            (45.3, "Z68.42"),
            (52.0, "Z68.43"),
            (65.0, "Z68.44"),
            (71.2, "Z68.45"),
        ] {
            assert_eq!(adult_code(bmi).as_deref(), Some(code), "{bmi}");
        }
        assert_eq!(adult_code(412.0), None, "a misread value is no BMI");
    }
}
