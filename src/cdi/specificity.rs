//! Specificity gaps: a suggested code is an "unspecified" code while the classification distinguishes more.
//!
//! The axis and the options come from the code set itself, so every category is covered without a hand list:
//! the options are the unspecified code's siblings that specify what it leaves open (for I50.9 the systolic,
//! diastolic and combined heart failure subcategories; for N18.9 the stages; for S72.009A the right and left
//! femur), and the axis is named from the words those siblings add (acute/chronic: acuity; left/right:
//! laterality; stage; type; episode of care; severity). When the unspecified code sits in a residual category
//! ("Other anemias"), the options come from the other categories of its block (D62 acute posthemorrhagic anemia,
//! D63 anemia in chronic diseases, ...). Signs and symptoms (chapter 18), factors influencing health status
//! (chapter 21) and external causes are not queried for specificity: CDI practice queries diagnoses.
use std::collections::BTreeSet;

use crate::codeset::{CodeId, CodeSet, Severity, SeverityLists};

/// A specificity gap, before it becomes a [`crate::Gap`].
#[derive(Debug, Clone)]
pub struct Specificity {
    /// What the unspecified code names, in words ("heart failure").
    pub condition: String,
    /// The axes left open, in words ("type and acuity").
    pub axes: String,
    /// The descriptions of the more specific codes.
    pub options: Vec<String>,
    /// The most a more specific code would weigh as a secondary diagnosis, against the code's own weight.
    pub severity_gain: bool,
}

/// Words too general to say two categories name the same condition.
const GENERIC: &[&str] = &[
    "of",
    "and",
    "the",
    "in",
    "with",
    "without",
    "due",
    "to",
    "disease",
    "diseases",
    "disorder",
    "disorders",
    "other",
    "acute",
    "chronic",
    "type",
    "part",
    "site",
    "syndrome",
    "condition",
    "conditions",
    "specified",
    "elsewhere",
];

/// Most options a query lists (more would not be read).
const MAX_OPTIONS: usize = 6;

/// Words that name an axis.
fn axis_of(word: &str) -> Option<&'static str> {
    Some(match word {
        "left" | "right" | "bilateral" => "laterality",
        "acute" | "chronic" | "subacute" | "exacerbation" => "acuity",
        "stage" | "1" | "2" | "3" | "3a" | "3b" | "4" | "5" | "end" => "stage",
        "systolic" | "diastolic" | "combined" | "type" | "ventricular" => "type",
        "initial" | "subsequent" | "sequela" => "episode of care",
        "mild" | "moderate" | "severe" => "severity",
        "bacterial" | "viral" | "streptococcal" | "staphylococcal" | "pneumococcal" | "organism" => "organism",
        "displaced" | "nondisplaced" | "open" | "closed" => "fracture type",
        _ => return None,
    })
}

/// The gap for `code`, when it is an unspecified code the classification can specify.
pub fn gap(codes: &CodeSet, severity: Option<&SeverityLists>, code: &str) -> Option<Specificity> {
    let id = codes.id_of(code)?;
    let c = codes.code(id);
    if c.code.starts_with(['R', 'Z', 'V', 'W', 'X', 'Y']) {
        return None;
    }
    // A 7th-character code is specified through its base code ("S72.009A" through "S72.009").
    let base_id = if c.extension.is_some() { c.parent? } else { id };
    let base = codes.code(base_id);
    let unspecified = count_unspecified(&base.description);
    if unspecified == 0 {
        return None;
    }
    let parent_id = base.parent?;
    let parent = codes.code(parent_id);
    let specifies = |s: CodeId| {
        let d = &codes.code(s).description;
        !is_residual(d) && count_unspecified(d) < unspecified
    };
    let mut siblings: Vec<CodeId> = if is_residual(&parent.description) {
        Vec::new()
    } else {
        parent.children.iter().copied().filter(|&s| s != base_id && specifies(s)).collect()
    };
    if siblings.len() < 2 {
        // The specific kinds live in other categories ("Pneumonia, unspecified organism" in J18, the organisms
        // in J12-J16; "Anemia, unspecified" in "Other anemias", the types in D50-D62): the categories of the
        // chapter that name the same condition.
        let key: BTreeSet<String> =
            words(&condition(&base.description)).filter(|w| !GENERIC.contains(&w.as_str())).collect();
        let category = codes.ancestors(base_id).last().unwrap_or(base_id);
        siblings = codes
            .codes()
            .iter()
            .enumerate()
            .filter(|(i, x)| {
                x.parent.is_none()
                    && x.chapter == base.chapter
                    && *i as CodeId != category
                    && !key.is_empty()
                    && words(&x.description).any(|w| key.contains(&w))
            })
            .map(|(i, _)| i as CodeId)
            .filter(|&s| specifies(s))
            .collect();
    }
    let own: BTreeSet<String> = words(&base.description).collect();
    let mut axes: Vec<&'static str> = Vec::new();
    for &s in &siblings {
        for w in words(&codes.code(s).description).filter(|w| !own.contains(w)) {
            if let Some(a) = axis_of(&w)
                && !axes.contains(&a)
            {
                axes.push(a);
            }
        }
        for &d in codes.billable_descendants(s).iter().take(40) {
            for w in words(&codes.code(d).description).filter(|w| !own.contains(w)) {
                if let Some(a) = axis_of(&w)
                    && !axes.contains(&a)
                {
                    axes.push(a);
                }
            }
        }
    }
    let own_severity = severity.map_or(Severity::None, |s| s.of(&c.code));
    let best_severity = severity.map_or(Severity::None, |s| {
        siblings
            .iter()
            .flat_map(|&x| codes.billable_descendants(x))
            .map(|d| s.of(&codes.code(d).code))
            .max()
            .unwrap_or(Severity::None)
    });
    let options: Vec<String> =
        siblings.iter().take(MAX_OPTIONS).map(|&s| option_text(&codes.code(s).description)).collect();
    Some(Specificity {
        condition: condition(&base.description),
        axes: if axes.is_empty() { "type".to_string() } else { join_and(&axes) },
        options,
        severity_gain: best_severity > own_severity,
    })
}

fn count_unspecified(description: &str) -> usize {
    description.to_ascii_lowercase().matches("unspecified").count()
}

fn is_residual(description: &str) -> bool {
    let d = description.to_ascii_lowercase();
    d.starts_with("other ") || d.contains("classified elsewhere")
}

fn words(description: &str) -> impl Iterator<Item = String> + '_ {
    description.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase())
}

/// "Heart failure, unspecified" -> "heart failure"; "Pneumonia, unspecified organism" -> "pneumonia".
fn condition(description: &str) -> String {
    let mut d = description.to_string();
    if let Some(cut) = d.find(", unspecified") {
        d.truncate(cut);
    }
    let d = d.replace("unspecified part of ", "").replace("unspecified ", "").replace("Unspecified ", "");
    let mut d = d.trim().to_string();
    if let Some(first) = d.get(..1) {
        let lower = first.to_lowercase();
        // Keep acronyms and proper names ("Parkinson", "HIV") as written.
        if d.chars().nth(1).is_some_and(char::is_lowercase) {
            d.replace_range(..1, &lower);
        }
    }
    d
}

/// A sibling's description as an answer: without a trailing ", unspecified".
fn option_text(description: &str) -> String {
    description.strip_suffix(", unspecified").unwrap_or(description).to_string()
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
