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

/// The order axes are named in.
const AXIS_ORDER: &[&str] = &[
    "type",
    "acuity",
    "stage",
    "severity",
    "organism",
    "site",
    "laterality",
    "grade",
    "fracture type",
    "episode of care",
];

/// Words that name an axis.
fn axis_of(word: &str) -> Option<&'static str> {
    Some(match word {
        "left" | "right" | "bilateral" => "laterality",
        "acute" | "chronic" | "subacute" | "exacerbation" => "acuity",
        "stage" => "stage",
        "grade" => "grade",
        "systolic" | "diastolic" | "combined" | "type" | "ventricular" => "type",
        "initial" | "subsequent" | "sequela" => "episode of care",
        "mild" | "moderate" | "severe" => "severity",
        "bacterial" | "viral" | "streptococcal" | "staphylococcal" | "pneumococcal" | "organism" => "organism",
        "displaced" | "nondisplaced" | "open" | "closed" => "fracture type",
        "site" | "part" | "region" => "site",
        _ => return None,
    })
}

/// The categories (codes without a parent) of each chapter, built once: the chapter-wide options are looked up
/// here rather than by scanning the whole code set for every unspecified code.
#[derive(Debug, Clone, Default)]
pub struct Categories {
    by_chapter: std::collections::HashMap<u16, Vec<CodeId>>,
}

impl Categories {
    pub fn new(codes: &CodeSet) -> Categories {
        let mut by_chapter: std::collections::HashMap<u16, Vec<CodeId>> = std::collections::HashMap::new();
        for (i, c) in codes.codes().iter().enumerate() {
            if c.parent.is_none() {
                by_chapter.entry(c.chapter).or_default().push(i as CodeId);
            }
        }
        Categories { by_chapter }
    }
}

/// The gap for `code`, when it is an unspecified code the classification can specify.
pub fn gap(
    codes: &CodeSet,
    categories: &Categories,
    severity: Option<&SeverityLists>,
    code: &str,
) -> Option<Specificity> {
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
    let own: BTreeSet<String> = words(&base.description).collect();
    // A more specific code leaves fewer axes unspecified, or names an axis value the unspecified code does not
    // ("Unspecified severe protein-calorie malnutrition" specifies the severity of E46).
    let specifies = |s: CodeId| {
        let d = &codes.code(s).description;
        !is_residual(d)
            && (count_unspecified(d) < unspecified || words(d).any(|w| !own.contains(&w) && axis_of(&w).is_some()))
    };
    // The options: the unspecified code's siblings, or the chapter's categories that name the same condition
    // when the kinds live there ("Pneumonia, unspecified organism" in J18, the organisms in J12-J16; "Anemia,
    // unspecified" in "Other anemias" D64, the types in D50-D62; a category that is itself the unspecified code,
    // "E46 Unspecified protein-calorie malnutrition"). A residual parent ("Other anemias") prefers the chapter,
    // whose categories are the common kinds; otherwise the siblings come first.
    let parent = base.parent.map(|p| codes.code(p));
    let siblings_of_parent: Vec<CodeId> = parent
        .map(|p| p.children.iter().copied().filter(|&s| s != base_id && specifies(s)).collect())
        .unwrap_or_default();
    let key: BTreeSet<String> =
        words(&condition(&base.description)).filter(|w| !GENERIC.contains(&w.as_str())).collect();
    let category = codes.ancestors(base_id).last().unwrap_or(base_id);
    let chapter = || -> Vec<CodeId> {
        categories
            .by_chapter
            .get(&base.chapter)
            .map(|list| {
                list.iter()
                    .copied()
                    .filter(|&i| {
                        i != category && !key.is_empty() && {
                            let w: BTreeSet<String> = words(&codes.code(i).description).collect();
                            key.iter().all(|k| w.contains(k))
                        }
                    })
                    .filter(|&s| specifies(s))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Between the two: the subdivisions of the code's own category that name the same condition
    // ("Unspecified atrial fibrillation" I48.91 sits under I48.9; the kinds are I48.0, I48.1, I48.2).
    let in_category = || -> Vec<CodeId> {
        let lineage: Vec<CodeId> = codes.ancestors(base_id).collect();
        codes
            .code(category)
            .children
            .iter()
            .copied()
            .filter(|s| {
                !lineage.contains(s) && specifies(*s) && {
                    let w: BTreeSet<String> = words(&codes.code(*s).description).collect();
                    !key.is_empty() && key.iter().all(|k| w.contains(k))
                }
            })
            .collect()
    };
    let residual_parent = parent.is_none_or(|p| is_residual(&p.description));
    let (siblings, from_chapter) = if residual_parent {
        let found = chapter();
        if found.len() >= 2 { (found, true) } else { (siblings_of_parent, false) }
    } else if siblings_of_parent.len() >= 2 {
        (siblings_of_parent, false)
    } else {
        let found = in_category();
        if found.len() >= 2 { (found, false) } else { (chapter(), true) }
    };
    if siblings.len() < 2 {
        return None;
    }
    // The axis the description itself leaves open ("unspecified stage", "unspecified organism"), then the ones the
    // options add.
    let lower = base.description.to_ascii_lowercase();
    let mut axes: Vec<&'static str> = lower
        .split("unspecified ")
        .skip(1)
        .filter_map(|rest| rest.split(|c: char| !c.is_alphanumeric()).next())
        .filter_map(axis_of)
        .collect();
    axes.dedup();
    // An axis counts when at least two options carry it (in their words or, for true siblings, in their own
    // subdivisions: acuity under "Systolic heart failure"), so that one odd option ("Acute posthemorrhagic anemia"
    // among the anemias) does not name the axis. 7th characters are the episode of care, which the note states
    // or the coder assigns, not a query.
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for &s in &siblings {
        let mut carried: Vec<&'static str> = Vec::new();
        let below = if from_chapter { Vec::new() } else { codes.billable_descendants(s) };
        let texts = std::iter::once(s)
            .chain(below.into_iter().filter(|&d| codes.code(d).extension.is_none()).take(40))
            .map(|x| codes.code(x).description.as_str());
        for text in texts {
            for a in all_words(text).filter(|w| !own.contains(w)).filter_map(|w| axis_of(&w)) {
                if !carried.contains(&a) {
                    carried.push(a);
                }
            }
        }
        for a in carried {
            match counts.iter_mut().find(|(x, _)| *x == a) {
                Some(e) => e.1 += 1,
                None => counts.push((a, 1)),
            }
        }
    }
    for (a, n) in counts {
        if n >= 2 && !axes.contains(&a) {
            axes.push(a);
        }
    }
    axes.sort_by_key(|a| AXIS_ORDER.iter().position(|x| x == a));
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

/// Every word of a description, lower case, parenthesized ones included.
fn all_words(description: &str) -> impl Iterator<Item = String> + '_ {
    description.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_ascii_lowercase())
}

/// The words of a description outside parentheses (nonessential modifiers: "(mild)", "(congestive)").
fn words(description: &str) -> impl Iterator<Item = String> {
    let mut depth = 0i32;
    let plain: String = description
        .chars()
        .map(|c| match c {
            '(' => {
                depth += 1;
                ' '
            }
            ')' => {
                depth -= 1;
                ' '
            }
            _ if depth > 0 => ' ',
            _ => c,
        })
        .collect();
    plain
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .into_iter()
}

/// "Heart failure, unspecified" -> "heart failure"; "Pneumonia, unspecified organism" -> "pneumonia";
/// "Secondary malignant neoplasm of unspecified site" -> "secondary malignant neoplasm".
fn condition(description: &str) -> String {
    let mut d = description.to_string();
    if let Some(cut) = d.find(", unspecified") {
        d.truncate(cut);
    }
    for phrase in [" of unspecified site", " of unspecified part", "unspecified site of ", "unspecified part of "] {
        d = d.replace(phrase, "");
    }
    let d = d.replace("unspecified ", "").replace("Unspecified ", "");
    let mut d = d.trim().to_string();
    // Lower case unless an acronym or a proper name starts it ("HIV", "Parkinson's").
    if d.chars().nth(1).is_some_and(char::is_lowercase)
        && let Some(first) = d.get(..1)
    {
        let lower = first.to_lowercase();
        d.replace_range(..1, &lower);
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
