//! The project's clinical lexicon (`models/lexicon/*.tsv`): abbreviations, acronyms and everyday synonyms.
//!
//! Line format (see `models/lexicon/README.md`): `term <TAB> meaning [<TAB> constraints]`, where the meaning
//! is a code ("I21.9", or a category refined from context) or `= words` the term stands for. Parsing checks
//! every code against the loaded code set, so a lexicon written for one release fails loudly on another that
//! dropped a code, instead of silently suggesting nothing.
use crate::codeset::{CodeId, CodeSet};
use crate::error::BuildError;
use crate::text::SectionKind;

/// What a clinical term means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meaning {
    /// A code, possibly a category to refine from context.
    Code(CodeId),
    /// The words it stands for, normalized later by the lexicon builder.
    Words(String),
    /// Nothing to code on its own ("-"): the term's words are not read as any code ("allergies" alone is an
    /// allergy list heading or a reaction of unknown kind, not a code).
    Suppress,
}

/// When an ambiguous term may be taken at its meaning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    /// Only when written in capitals, as here (the term's letters and digits, upper case): "CRP" is no "CRPS",
    /// though the two read the same once plurals are folded.
    pub upper: Option<String>,
    /// Not inside these sections.
    pub not_sections: Vec<SectionKind>,
    /// Not when one of these normalized words is within [`NEAR`] tokens.
    pub not_near: Vec<String>,
}

/// How far `not_near` looks, in tokens.
pub const NEAR: usize = 3;

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self.upper.is_none() && self.not_sections.is_empty() && self.not_near.is_empty()
    }
}

/// One line of a lexicon file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicalTerm {
    /// Line number in its file.
    pub line: usize,
    pub term: String,
    pub meaning: Meaning,
    pub constraints: Constraints,
}

/// Parses one lexicon file.
pub fn parse(file: &str, text: &str, codes: &CodeSet) -> Result<Vec<ClinicalTerm>, BuildError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |reason: String| BuildError::DataFile { file: file.to_string(), line: i + 1, reason };
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        if !(2..=3).contains(&cols.len()) {
            return Err(bad("expected `term<TAB>meaning[<TAB>constraints]`".into()));
        }
        let term = cols[0];
        if term.is_empty() {
            return Err(bad("empty term".into()));
        }
        let meaning = if cols[1] == "-" {
            Meaning::Suppress
        } else if let Some(words) = cols[1].strip_prefix('=') {
            if words.trim().is_empty() {
                return Err(bad("`=` needs the words the term stands for".into()));
            }
            Meaning::Words(words.trim().to_string())
        } else {
            let id =
                codes.id_of(cols[1]).ok_or_else(|| bad(format!("code {} is not in {}", cols[1], codes.version())))?;
            Meaning::Code(id)
        };
        let mut constraints = Constraints::default();
        for c in cols.get(2).map_or("", |c| c).split_whitespace() {
            if c == "case=upper" {
                constraints.upper =
                    Some(term.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_uppercase());
            } else if let Some(list) = c.strip_prefix("not_section=") {
                for name in list.split(',') {
                    let kind = SectionKind::parse(name).ok_or_else(|| bad(format!("unknown section {name:?}")))?;
                    constraints.not_sections.push(kind);
                }
            } else if let Some(list) = c.strip_prefix("not_near=") {
                constraints.not_near.extend(list.split(',').filter(|w| !w.is_empty()).map(str::to_lowercase));
            } else {
                return Err(bad(format!("unknown constraint {c:?}")));
            }
        }
        out.push(ClinicalTerm { line: i + 1, term: term.to_string(), meaning, constraints });
    }
    Ok(out)
}

/// The ways a note places something in the past, written "s/p" in the lexicon.
const PAST_PREFIXES: &[&str] = &["status post", "history of", "prior", "previous"];

/// The other ways a note writes a term that starts "s/p" ("s/p cholecystectomy" for the status after the
/// operation, Z90.49): "status post", "history of", "prior", "previous", with the same meaning and constraints.
/// Status codes after an operation are coded only when the note places it in the past, so every past wording is
/// needed and none of the present ones; listing all five by hand for every operation was error-prone.
pub fn past_variants(term: &ClinicalTerm) -> Vec<ClinicalTerm> {
    let lower = term.term.to_lowercase();
    let Some(rest) = lower.strip_prefix("s/p ") else { return Vec::new() };
    PAST_PREFIXES
        .iter()
        .map(|prefix| ClinicalTerm {
            line: term.line,
            term: format!("{prefix} {rest}"),
            meaning: term.meaning.clone(),
            constraints: term.constraints.clone(),
        })
        .collect()
}

/// Heads of site terms ("pain in the X", "tumor of the X", "vision loss in the left eye") and the words each is
/// also written as.
const SITE_HEADS: &[(&str, &[&str])] = &[
    ("pain", &["pain"]),
    ("tumor", &["tumor", "neoplasm"]),
    ("lesion", &["lesion"]),
    ("mass", &["mass"]),
    ("cellulitis", &["cellulitis"]),
    ("abscess", &["abscess"]),
    ("edema", &["edema"]),
    ("osteoarthritis", &["osteoarthritis"]),
    ("fracture", &["fracture"]),
    ("ulcer", &["ulcer"]),
    ("injury", &["injury"]),
    ("thrombosis", &["thrombosis", "DVT", "deep vein thrombosis", "deep venous thrombosis", "venous thrombosis"]),
    (
        "vision loss",
        &[
            "vision loss",
            "visual loss",
            "loss of vision",
            "loss of visual acuity",
            "decreased visual acuity",
            "decrease in visual acuity",
            "decreased vision",
        ],
    ),
];
const SITE_PREPOSITIONS: &[&str] = &["in", "of", "on", "at", "to"];
const SIDES: &[&str] = &["left", "right", "both", "bilateral"];

/// The other ways a note writes a site term: "pain in the renal fossa" is also written "pain on the renal fossa",
/// "pain in renal fossa", "pain in the left renal fossa", "pain in her left renal fossa", "pain in both popliteal
/// fossae"; "tumor of the bladder" also "neoplasm in the bladder". The phrase automaton needs each wording, and
/// listing them by hand for every site would be error-prone, so each term written "<head> <preposition> the
/// <site>" (heads: [`SITE_HEADS`], prepositions: [`SITE_PREPOSITIONS`]) gets them here, and "<site> tumor" gets
/// "<site> neoplasm". The side is kept: a term that stands for words stands for them with the side added ("= knee
/// pain" read from "pain in the left popliteal fossa" is "left knee pain", M25.562), and a term that names a code
/// stands for that code's description with the side added (R10.A "Pain localized to flank" from "pain in the left
/// renal fossa" is "left side pain localized to flank", which composes to R10.A2 "Flank pain, left side"; a
/// billable code keeps its meaning). A term written with its side ("vision loss in the left eye", H54.62, where
/// the classification's words for the side cannot be composed: "left eye, normal vision right eye") or with "both"
/// gets the other heads, prepositions and possessives with its own meaning. `describe` gives the description of a
/// code that is refined further, `None` for a billable one. The term itself is not among the variants.
pub fn site_variants(term: &ClinicalTerm, describe: impl Fn(CodeId) -> Option<String>) -> Vec<ClinicalTerm> {
    let lower = term.term.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut out = Vec::new();
    let mut add = |text: String, meaning: Meaning| {
        if text != lower {
            out.push(ClinicalTerm { line: term.line, term: text, meaning, constraints: term.constraints.clone() });
        }
    };
    // "<site> tumor": "<site> neoplasm".
    if let Some((last, site)) = words.split_last()
        && !site.is_empty()
        && let Some((_, heads)) = SITE_HEADS.iter().find(|(h, _)| h == last)
    {
        for head in *heads {
            add(format!("{} {head}", site.join(" ")), term.meaning.clone());
        }
    }
    let Some((rest, heads)) = SITE_HEADS.iter().find_map(|(h, heads)| {
        let n = h.split_whitespace().count();
        (words.len() > n && words[..n].join(" ") == *h).then(|| (&words[n..], *heads))
    }) else {
        return out;
    };
    let [prep, determiner, site @ ..] = rest else { return out };
    if site.is_empty() || !SITE_PREPOSITIONS.contains(prep) {
        return out;
    }
    // Written with its side: the other wordings of that side, same meaning.
    let sided_site = match (*determiner, site) {
        ("both", _) => Some(("both", site)),
        ("the", [side, place @ ..]) if SIDES.contains(side) && !place.is_empty() => Some((*side, place)),
        ("the", _) => None,
        _ => return out,
    };
    if let Some((side, place)) = sided_site {
        let place = place.join(" ");
        for head in heads {
            for prep in SITE_PREPOSITIONS {
                add(format!("{head} {prep} {side} {place}"), term.meaning.clone());
                if side != "both" {
                    for determiner in ["the", "his", "her"] {
                        add(format!("{head} {prep} {determiner} {side} {place}"), term.meaning.clone());
                    }
                }
            }
        }
        return out;
    }
    let site = site.join(" ");
    let sided = |side: &str| match &term.meaning {
        Meaning::Words(w) => Meaning::Words(format!("{side} {w}")),
        // A code with sides below it: its words with the side ("Flank pain, left side": the classification names
        // a side with "side"). A code without (a billable one) keeps its meaning.
        Meaning::Code(id) => match describe(*id) {
            Some(description) => Meaning::Words(format!("{side} side {description}")),
            None => term.meaning.clone(),
        },
        Meaning::Suppress => Meaning::Suppress,
    };
    for head in heads {
        for prep in SITE_PREPOSITIONS {
            add(format!("{head} {prep} {site}"), term.meaning.clone());
            for side in ["left", "right", "bilateral"] {
                add(format!("{head} {prep} {side} {site}"), sided(side));
            }
            add(format!("{head} {prep} both {site}"), sided("bilateral"));
            // US notes write the patient's body part with a possessive ("an ulcer on his right foot").
            for determiner in ["the", "his", "her"] {
                add(format!("{head} {prep} {determiner} {site}"), term.meaning.clone());
                for side in ["left", "right", "bilateral"] {
                    add(format!("{head} {prep} {determiner} {side} {site}"), sided(side));
                }
            }
        }
    }
    out
}
