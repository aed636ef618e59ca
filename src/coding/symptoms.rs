//! Signs and symptoms that are part of a coded definitive diagnosis are not coded separately (Official
//! Guidelines I.B.5, I.C.18.b): chest pain with an acute MI, dyspnea with acute heart failure, dysuria with a
//! urinary tract infection. Which symptoms belong to which diagnoses is written by the project in
//! `models/coding/integral_symptoms.tsv`; symptoms not listed for any coded diagnosis stay.
use super::{Candidate, Reason};
use crate::codeset::{CodeRef, CodeSet};
use crate::error::BuildError;

/// One row: diagnoses, and the symptoms routinely part of them.
#[derive(Debug, Clone)]
pub struct IntegralSymptoms {
    diagnoses: Vec<CodeRef>,
    symptoms: Vec<CodeRef>,
    why: String,
}

pub fn parse(file: &str, text: &str) -> Result<Vec<IntegralSymptoms>, BuildError> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |reason: &str| BuildError::DataFile { file: file.into(), line: i + 1, reason: reason.into() };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 3 {
            return Err(bad("expected `diagnoses<TAB>symptoms<TAB>why`"));
        }
        let (diagnoses, symptoms) = (CodeRef::parse_all(cols[0]), CodeRef::parse_all(cols[1]));
        if diagnoses.is_empty() || symptoms.is_empty() {
            return Err(bad("both columns need code references"));
        }
        rows.push(IntegralSymptoms { diagnoses, symptoms, why: cols[2].trim().to_string() });
    }
    Ok(rows)
}

/// Sets aside symptoms that a live definitive diagnosis includes.
pub fn apply(codes: &CodeSet, rows: &[IntegralSymptoms], candidates: &mut [Candidate]) {
    let live: Vec<(usize, String)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_live())
        .map(|(i, c)| (i, codes.code(c.code).code.clone()))
        .collect();
    for (i, symptom) in &live {
        for (j, diagnosis) in &live {
            if i == j {
                continue;
            }
            let row = rows.iter().find(|r| {
                r.diagnoses.iter().any(|d| d.covers(diagnosis)) && r.symptoms.iter().any(|s| s.covers(symptom))
            });
            if let Some(row) = row {
                // A symptom that is itself listed as a diagnosis of the same row is not set aside by it.
                if row.diagnoses.iter().any(|d| d.covers(symptom)) {
                    continue;
                }
                candidates[*i].set_aside(
                    Reason::IntegralSymptom,
                    format!("{symptom} is not coded separately: {} ({diagnosis} is coded)", row.why),
                );
                break;
            }
        }
    }
}
