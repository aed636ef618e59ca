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
use crate::codeset::{CodeId, CodeRef, CodeSet};
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
            if !same_site(codes, candidates[*i].code, candidates[live[b].0].code) {
                continue;
            }
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

/// Symptoms the classification names by their site ("Pain in left knee", "Effusion, right ankle").
const SITED_SYMPTOMS: &[&str] = &["M25.4", "M25.5", "M25.6", "M79.6"];

/// Words of a description that name no site.
const NOT_SITE: &[&str] = &[
    "pain",
    "in",
    "of",
    "and",
    "the",
    "right",
    "left",
    "unspecified",
    "bilateral",
    "joint",
    "effusion",
    "stiffness",
    "other",
    "not",
    "elsewhere",
    "classified",
    "site",
    "multiple",
    "limb",
    "sites",
];

/// Joints and the bones and parts that make them, as descriptions name them: the pain of a wrist is at a Colles'
/// fracture of the radius, an ankle's at a malleolus. Written as [`site_words`] reads them (a final "s" dropped:
/// "radiu", "malleolu").
const JOINT_PARTS: &[(&str, &[&str])] = &[
    ("wrist", &["radiu", "ulna", "forearm", "carpal", "scaphoid", "navicular", "colle"]),
    ("ankle", &["malleolu", "fibula", "tibia", "talu", "bimalleolar", "trimalleolar"]),
    ("knee", &["patella", "meniscu", "tibia", "femur", "cruciate", "collateral"]),
    ("shoulder", &["humeru", "clavicle", "scapula", "rotator", "acromioclavicular", "glenoid"]),
    ("elbow", &["olecranon", "radiu", "ulna", "epicondyle"]),
    ("hip", &["femur", "acetabulum", "pelvi", "pelvic"]),
    ("hand", &["metacarpal", "finger", "phalanx", "thumb"]),
    ("foot", &["metatarsal", "toe", "calcaneu", "tarsal", "phalanx"]),
];

/// The limb sites of the symptoms named by site, beyond the joints of [`JOINT_PARTS`] (as [`site_words`] reads them).
const LIMB_SITES: &[&str] =
    &["leg", "arm", "thigh", "finger", "toe", "limb", "upper", "lower", "jaw", "temporomandibular"];

/// The words of `texts` that may name a site: lower case, without a plural "s", sorted.
fn site_words<'t>(texts: impl Iterator<Item = &'t str>) -> Vec<String> {
    let mut words: Vec<String> = texts
        .flat_map(|t| t.split(|c: char| !c.is_ascii_alphabetic()))
        .map(str::to_ascii_lowercase)
        .map(|w| w.strip_suffix('s').filter(|r| r.len() > 2).map(str::to_string).unwrap_or(w))
        .filter(|w| w.len() > 2 && !NOT_SITE.contains(&w.as_str()))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// Is a symptom named by its site at the site of the diagnosis that would set it aside? The pain "at the injured
/// site" is the injury's: an ankle sprain sets aside the ankle's pain, not the knee's or the other ankle's. The
/// diagnosis's site is read from its description, its ancestors' and its block's title ("Injuries to the knee and
/// lower leg"). Symptoms without a site (R52, R60.9, L53.9), and any symptom beside a diagnosis of no site
/// ("Unspecified osteoarthritis, unspecified site"), are the diagnosis's wherever they are written.
fn same_site(codes: &CodeSet, symptom: CodeId, diagnosis: CodeId) -> bool {
    let (sc, dc) = (codes.code(symptom), codes.code(diagnosis));
    if !SITED_SYMPTOMS.iter().any(|p| sc.code.starts_with(p)) || dc.description.contains("unspecified site") {
        return true;
    }
    let side = |d: &str| {
        let d = d.to_ascii_lowercase();
        (d.contains("right"), d.contains("left"))
    };
    let (s, d) = (side(&sc.description), side(&dc.description));
    if (s.0 || s.1) && (d.0 || d.1) && !((s.0 && d.0) || (s.1 && d.1)) {
        return false;
    }
    let own = site_words(std::iter::once(sc.description.as_str()));
    let block = codes.blocks()[dc.block as usize].title.as_str();
    let theirs = site_words(
        codes.ancestors(diagnosis).map(|a| codes.code(a).description.as_str()).chain(std::iter::once(block)),
    );
    // A diagnosis that names no limb site (rheumatoid arthritis, unspecified) may be at any.
    let sited = theirs.iter().any(|t| {
        LIMB_SITES.contains(&t.as_str()) || JOINT_PARTS.iter().any(|(j, parts)| t == j || parts.contains(&t.as_str()))
    });
    if !sited {
        return true;
    }
    let at = |w: &String| {
        theirs.binary_search(w).is_ok()
            || JOINT_PARTS
                .iter()
                .any(|(joint, parts)| w == joint && parts.iter().any(|p| theirs.iter().any(|t| t == p)))
    };
    own.is_empty() || own.iter().any(at)
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
