//! Signs and symptoms that are part of a coded definitive diagnosis are not coded separately (Official
//! Guidelines I.B.5, I.C.18.b): chest pain with an acute MI, dyspnea with acute heart failure, dysuria with a
//! urinary tract infection. Which symptoms belong to which diagnoses is written by the project in
//! `models/coding/integral_symptoms.tsv`; symptoms not listed for any coded diagnosis stay.
//!
//! The same table shape serves one specificity rule: `models/coding/less_specific.tsv` lists codes and the less
//! specific readings of the same condition they make redundant: for each unspecified-behavior neoplasm code (D49,
//! a "tumor" with no histology) the neoplasms of documented behavior at that site, and for diverticulosis the
//! diverticulitis that arises in it; when one of them is coded, the other is set aside as its less specific
//! reading.
//!
//! A symptom written only in the review of systems ("Musculoskeletal: endorses body aches") is a positive
//! answer to a checklist question, not a problem the provider addressed; coders take symptoms from the history,
//! exam and assessment, so one that appears nowhere else is set aside too.
use super::{Candidate, Reason};
use crate::codeset::{CodeRef, CodeSet};
use crate::error::BuildError;
use crate::text::{Document, SectionKind};

/// One row: diagnoses, and the symptoms routinely part of them.
#[derive(Debug, Clone)]
pub struct IntegralSymptoms {
    diagnoses: Vec<CodeRef>,
    symptoms: Vec<CodeRef>,
    why: String,
}

/// Does a row of the table set this code aside (is it on a row's second column)?
pub fn sets_aside(rows: &[IntegralSymptoms], code: &str) -> bool {
    rows.iter().any(|r| r.symptoms.iter().any(|c| c.covers(code)))
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
            return Err(bad("expected three tab-separated columns: `codes<TAB>codes they set aside<TAB>why`"));
        }
        let (diagnoses, symptoms) = (CodeRef::parse_all(cols[0]), CodeRef::parse_all(cols[1]));
        if diagnoses.is_empty() || symptoms.is_empty() {
            return Err(bad("both columns need code references"));
        }
        rows.push(IntegralSymptoms { diagnoses, symptoms, why: cols[2].trim().to_string() });
    }
    Ok(rows)
}

/// Sets aside symptoms that a live definitive diagnosis includes (`reason` integral symptom), or, with the
/// less-specific table, the less specific reading of a condition coded more specifically (`reason` less specific).
pub fn apply(codes: &CodeSet, rows: &[IntegralSymptoms], candidates: &mut [Candidate], reason: Reason) {
    let live: Vec<(usize, String)> = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_live())
        .map(|(i, c)| (i, codes.code(c.code).code.clone()))
        .collect();
    // Which rows each live candidate is a diagnosis of, and a symptom of: once per candidate, not per pair.
    let rows_where = |code: &str, side: fn(&IntegralSymptoms) -> &[CodeRef]| -> Vec<usize> {
        (0..rows.len()).filter(|&r| side(&rows[r]).iter().any(|c| c.covers(code))).collect()
    };
    let as_diagnosis: Vec<Vec<usize>> = live.iter().map(|(_, code)| rows_where(code, |r| &r.diagnoses)).collect();
    let as_symptom: Vec<Vec<usize>> = live.iter().map(|(_, code)| rows_where(code, |r| &r.symptoms)).collect();
    for (a, (i, symptom)) in live.iter().enumerate() {
        if as_symptom[a].is_empty() {
            continue;
        }
        for (b, (_, diagnosis)) in live.iter().enumerate() {
            if a == b {
                continue;
            }
            let Some(&row) = as_symptom[a].iter().find(|r| as_diagnosis[b].contains(r)) else { continue };
            // A symptom that is itself listed as a diagnosis of the same row is not set aside by it.
            if as_diagnosis[a].contains(&row) {
                continue;
            }
            let why = &rows[row].why;
            let rationale = match reason {
                Reason::LessSpecific => format!("a less specific reading of a condition coded as {diagnosis}: {why}"),
                _ => format!("{symptom} is not coded separately: {why} ({diagnosis} is coded)"),
            };
            candidates[*i].set_aside(reason, rationale);
            break;
        }
    }
}

/// Is the code a sign or symptom (chapter 18, or the pain and ache codes of chapter 13)?
fn is_symptom(code: &str) -> bool {
    code.starts_with('R') || ["M25.5", "M79.1", "M79.6", "M54.5", "M54.9", "M79.60"].iter().any(|p| code.starts_with(p))
}

/// Sets aside symptoms every mention of which is in the review of systems.
pub fn review_of_systems_only(codes: &CodeSet, doc: &Document<'_>, candidates: &mut [Candidate]) {
    for c in candidates.iter_mut().filter(|c| c.is_live()) {
        let code = &codes.code(c.code).code;
        if is_symptom(code) && c.mentions.iter().all(|m| doc.section_of(m.tokens.0) == SectionKind::ReviewOfSystems) {
            let rationale = format!(
                "{code} is documented only in the review of systems, not as a problem in the history, exam or assessment"
            );
            c.set_aside(Reason::ReviewOfSystems, rationale);
        }
    }
}
