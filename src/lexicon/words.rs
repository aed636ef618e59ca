//! Canonical words: the vocabulary that code descriptions and notes are compared in.
//!
//! A note says "kidneys", "renal", "femoral", "oesophageal" and "diabetic"; the tabular says "kidney", "femur",
//! "esophageal" and "diabetes". Both sides go through the same canonicalization so that matching compares
//! meanings rather than spellings:
//! 1. a table of word forms written by the project (`models/words/forms.tsv`): British spellings, adjectives
//!    to the noun the tabular uses, irregular plurals;
//! 2. otherwise a conservative English singularization, with exceptions for words that end in "s" in the
//!    singular (diabetes, pelvis, herpes, abscess, ...).
//!
//! Each canonical word gets a dense `u32` id (0 is reserved for words no term uses).
use std::collections::HashMap;

use crate::error::BuildError;

/// The word a standalone capital "A" becomes in a title ("Hepatitis A", "Vitamin A deficiency", "Hemophilia
/// A"), so that it is not dropped as the article: a note supplies it only from a capital "A" written after
/// another word, and only next to the words it qualifies (see `Matcher::validate`).
pub(crate) const CAPITAL_A: &str = "capitala";

/// Words that carry no meaning of their own in a description: they are never required for a match.
pub(crate) const STOPWORDS: &[&str] = &[
    "of",
    "the",
    "a",
    "an",
    "and",
    "or",
    "in",
    "on",
    "with",
    "to",
    "by",
    "for",
    "due",
    "at",
    "as",
    "from",
    "into",
    "its",
    "is",
    "are",
    "be",
    "than",
    "nos",
    "nec",
    "specified",
    "unspecified",
    "not",
    "elsewhere",
    "classified",
    "stage",
    "other",
    "certain",
    "which",
    "that",
    "this",
    "following",
    "involving",
    "using",
    "use",
    "condition",
    "uncomplicated",
    // Fractures not indicated as displaced are coded as displaced (note at S72 and its peers): "displaced" is
    // the default, only "nondisplaced" must be written.
    "displaced",
];

/// Nouns that name the axis left open by "unspecified": "unspecified organism", "unspecified part".
pub(crate) const AXIS_NOUNS: &[&str] = &[
    "behavior",
    "histology",
    "organism",
    "part",
    "site",
    "type",
    "region",
    "location",
    "cause",
    "agent",
    "degree",
    "severity",
    "side",
    "laterality",
    "episode",
    "encounter",
    "trimester",
    "stage",
    "body",
    "kind",
    "nature",
    "lobe",
    "level",
    "bone",
];

/// Words that end in "s" in the singular (beyond the "-ss", "-us", "-is", "-ous" endings kept by rule).
const SINGULAR_S: &[&str] = &[
    "diabetes",
    "herpes",
    "rabies",
    "scabies",
    "feces",
    "faeces",
    "series",
    "species",
    "measles",
    "mumps",
    "rickets",
    "shingles",
    "aids",
    "lues",
    "ascites",
    "caries",
    "pubes",
    "pes",
    "biceps",
    "triceps",
    "quadriceps",
    "has",
    "was",
    "does",
    "gas",
    "bias",
    "atlas",
    "pancreas",
    "always",
    "lens",
    "yes",
    "his",
    "hers",
    "os",
    "vas",
    "meninges",
    "glans",
    "intercourse",
    "mellitus",
    "nares",
    "forceps",
    "axes",
    "testes",
    "diabetes",
    "perineum",
];

/// The canonical vocabulary and the rules that map a surface word to it.
#[derive(Debug, Default)]
pub(crate) struct Words {
    /// Surface form (normalized token) -> canonical form, from the forms table.
    forms: HashMap<String, String>,
    /// Canonical form -> id (ids start at 1).
    ids: HashMap<String, u32>,
    /// Surface form -> id, filled as words are met at build time, so that request-time lookups of known
    /// spellings are one hash probe.
    surface: HashMap<String, u32>,
    names: Vec<String>,
}

impl Words {
    /// Reads the forms table: `surface <TAB> canonical` per line, `#` comments.
    pub(crate) fn with_forms(file: &str, text: &str) -> Result<Words, BuildError> {
        let mut forms = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = |reason: &str| BuildError::DataFile { file: file.into(), line: i + 1, reason: reason.into() };
            let (from, to) = line.split_once('\t').ok_or_else(|| bad("expected `surface<TAB>canonical`"))?;
            let (from, to) = (from.trim().to_lowercase(), to.trim().to_lowercase());
            if from.is_empty() || to.is_empty() || from.contains(' ') || to.contains(' ') {
                return Err(bad("both columns must be single words"));
            }
            if forms.insert(from, to).is_some() {
                return Err(bad("word listed twice"));
            }
        }
        Ok(Words { forms, ids: HashMap::new(), surface: HashMap::new(), names: vec![String::new()] })
    }

    /// The canonical form of a normalized token.
    pub(crate) fn canonical(&self, token: &str) -> String {
        if let Some(to) = self.forms.get(token) {
            return to.clone();
        }
        singular(token).into_owned()
    }

    /// Id of a surface word, adding it to the vocabulary (build time).
    pub(crate) fn intern(&mut self, token: &str) -> u32 {
        if let Some(&id) = self.surface.get(token) {
            return id;
        }
        let canonical = self.canonical(token);
        let next = self.names.len() as u32;
        let id = *self.ids.entry(canonical.clone()).or_insert(next);
        if id == next {
            self.names.push(canonical);
        }
        self.surface.insert(token.to_string(), id);
        id
    }

    /// Id of a surface word at request time; 0 when no term uses it. A British spelling the forms table does
    /// not list ("haematuria", "oedematous", "hypercholesterolaemia") is read as its American form when the code
    /// set uses that form.
    pub(crate) fn lookup(&self, token: &str) -> u32 {
        if let Some(&id) = self.surface.get(token) {
            return id;
        }
        if let Some(&id) = self.ids.get(&self.canonical(token)) {
            return id;
        }
        match american(token) {
            Some(us) => self.ids.get(&self.canonical(&us)).copied().unwrap_or(0),
            None => 0,
        }
    }

    /// Id of a canonical word if known (build time, without adding it).
    pub(crate) fn id(&self, canonical: &str) -> Option<u32> {
        self.ids.get(canonical).copied()
    }

    pub(crate) fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }

    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}

/// The American spelling of a British medical word: "ae" and "oe" inside a word become "e" ("haem-", "-aemia",
/// "oedema", "oesophag-", "foet-"). `None` when the word has neither.
pub(crate) fn american(w: &str) -> Option<String> {
    if !(w.contains("ae") || w.contains("oe")) || w.len() < 5 {
        return None;
    }
    Some(w.replace("ae", "e").replace("oe", "e"))
}

/// Conservative singular of a lower-case word: only clear plural endings are removed.
pub(crate) fn singular(w: &str) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    let n = w.len();
    if n <= 3 || !w.ends_with('s') || !w.is_ascii() || SINGULAR_S.contains(&w) {
        return Cow::Borrowed(w);
    }
    if w.ends_with("ss") || w.ends_with("us") || w.ends_with("is") || w.ends_with("ous") {
        return Cow::Borrowed(w);
    }
    if let Some(stem) = w.strip_suffix("ies")
        && stem.len() >= 2
    {
        return Cow::Owned(format!("{stem}y"));
    }
    if let Some(stem) = w.strip_suffix("sses") {
        return Cow::Owned(format!("{stem}ss"));
    }
    for (suffix, keep) in [("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("zes", "z"), ("uses", "us")] {
        if let Some(stem) = w.strip_suffix(suffix) {
            return Cow::Owned(format!("{stem}{keep}"));
        }
    }
    Cow::Borrowed(&w[..n - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singulars() {
        for (plural, one) in [
            ("kidneys", "kidney"),
            ("arteries", "artery"),
            ("abscesses", "abscess"),
            ("diabetes", "diabetes"),
            ("pelvis", "pelvis"),
            ("viruses", "virus"),
            ("ulcers", "ulcer"),
            ("lungs", "lung"),
            ("sepsis", "sepsis"),
            ("fractures", "fracture"),
            ("branches", "branch"),
            ("bronchitis", "bronchitis"),
            ("ribs", "rib"),
            ("gas", "gas"),
        ] {
            assert_eq!(singular(plural), one, "{plural}");
        }
    }

    #[test]
    fn british_spellings_fall_back_to_american() {
        let mut w = Words::with_forms("t", "").unwrap();
        let hematuria = w.intern("hematuria");
        let hypercholesterolemia = w.intern("hypercholesterolemia");
        assert_eq!(w.lookup("haematuria"), hematuria);
        assert_eq!(w.lookup("hypercholesterolaemia"), hypercholesterolemia);
        assert_eq!(w.lookup("aerobic"), 0, "no American form in the vocabulary: unknown");
    }

    #[test]
    fn forms_table_maps_before_singulars() {
        let mut w = Words::with_forms("t", "femoral\tfemur\noesophageal\tesophageal\nvertebrae\tvertebra\n").unwrap();
        let femur = w.intern("femur");
        assert_eq!(w.intern("femoral"), femur);
        let vertebra = w.intern("vertebra");
        assert_eq!(w.lookup("vertebrae"), vertebra);
        assert_eq!(w.lookup("femurs"), femur, "unseen plural still finds the canonical word");
        assert_eq!(w.lookup("zzz"), 0);
        assert!(Words::with_forms("t", "a b\tc\n").is_err());
    }
}
