//! Combination codes: one code for two conditions, where the classification presumes the link ("with").
//!
//! Three sources:
//! * **Diabetes** (Official Guidelines I.A.15): a diabetes code and a condition listed under "with" anywhere in
//!   the note give the diabetes category's "with" code. Read from the code set: the children of each diabetes
//!   category whose description adds words ("Type 2 diabetes mellitus with diabetic chronic kidney disease"),
//!   supported when another coded condition's terms contain those words (N18.32 "Chronic kidney disease, stage
//!   3b"). Residual "other" and "unspecified complication" children are never chosen this way. A complication
//!   named without the type ("diabetic CKD", "DKA") is type 2 unless the note documents another type elsewhere.
//! * **Rules written from the guidelines** (`models/coding/combinations.tsv`): hypertension with heart disease
//!   and/or CKD (I11, I12, I13), COPD with a lower respiratory infection (J44.0), valve stenosis with
//!   insufficiency (I35.2), and anemia with CKD (D63.1), which the classification does not presume: that row
//!   (`linked`) applies only when one sentence writes the two with a linking word between them ("CKD stage 4 with
//!   anemia"); written apart, the CDI gap asks the provider (`models/cdi/links.toml`).
//! * **Severe sepsis** (I.C.1.d): R65.2- with the systemic infection coded first (A41.9 when none is), and R65.20 for
//!   a sepsis written as severe.
//!
//! A component either stays beside the combination (the combination's "use additional code" note asks for it,
//! or the rule lists it: N18.x with E11.22 or I12.9) or is replaced by it (G62.9 inside E11.42).
use super::{Candidate, Reason, Rule};
use crate::codeset::{CodeId, CodeRef, CodeSet, NoteKind};
use crate::error::BuildError;
use crate::lexicon::Lexicon;
use crate::text::Document;

/// One row of `combinations.tsv`.
#[derive(Debug, Clone)]
pub struct CombinationRule {
    components: Vec<Vec<CodeRef>>,
    combination: CodeId,
    keep: Vec<CodeRef>,
    why: String,
    /// Only when the note writes the link: the components in one sentence with a linking word between them
    /// ("CKD stage 4 with anemia", "anemia due to CKD"); a fifth column `linked`.
    linked: bool,
}

/// Words that state a link between two conditions written in one sentence.
const LINK_WORDS: &[&str] = &["with", "due", "secondary", "from", "of", "in", "caused", "because", "related"];

/// Whether some mention of `a` and some mention of `b` share a sentence with a linking word between them.
fn written_link(doc: &Document<'_>, a: &Candidate, b: &Candidate) -> bool {
    a.mentions.iter().any(|ma| {
        b.mentions.iter().any(|mb| {
            let (first, second) = if ma.tokens.0 <= mb.tokens.0 { (ma, mb) } else { (mb, ma) };
            doc.sentence_index(first.tokens.0) == doc.sentence_index(second.tokens.0)
                && (first.tokens.1..second.tokens.0).any(|t| LINK_WORDS.contains(&doc.norm(t)))
        })
    })
}

pub fn parse_rules(file: &str, text: &str, codes: &CodeSet) -> Result<Vec<CombinationRule>, BuildError> {
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |reason: String| BuildError::DataFile { file: file.into(), line: i + 1, reason };
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 4 && !(cols.len() == 5 && cols[4].trim() == "linked") {
            return Err(bad("expected `components<TAB>combination<TAB>kept<TAB>rule[<TAB>linked]`".into()));
        }
        let components: Vec<Vec<CodeRef>> = cols[0].split(';').map(CodeRef::parse_all).collect();
        if components.len() < 2 || components.iter().any(Vec::is_empty) {
            return Err(bad("a combination needs two or more components, each with a code reference".into()));
        }
        let combination = codes.id_of(cols[1].trim()).filter(|&c| codes.code(c).billable).ok_or_else(|| {
            bad(format!("combination {} is not a billable code of {}", cols[1].trim(), codes.version()))
        })?;
        rules.push(CombinationRule {
            components,
            combination,
            keep: CodeRef::parse_all(cols[2]),
            why: cols[3].trim().to_string(),
            linked: cols.len() == 5,
        });
    }
    Ok(rules)
}

fn covered(refs: &[CodeRef], code: &str) -> bool {
    refs.iter().any(|r| r.covers(code))
}

/// Does the code's "use additional code" (or "code also") note ask for `other`? An "unspecified" code asked
/// for by its siblings counts: E11.22 asks for the stage of the CKD (N18.1-N18.6), and N18.9 is the CKD code when
/// the stage is not documented.
pub(super) fn asks_for(codes: &CodeSet, combination: CodeId, other: &str) -> bool {
    let asked = |code: &str| {
        codes
            .notes_in_force(combination)
            .any(|(_, n)| matches!(n.kind, NoteKind::UseAdditionalCode | NoteKind::CodeAlso) && n.refers_to(code))
    };
    asked(other)
        || codes.id_of(other).is_some_and(|id| {
            let code = codes.code(id);
            code.description.to_ascii_lowercase().contains("unspecified")
                && code.parent.is_some_and(|parent| {
                    codes.code(parent).children.iter().any(|&s| s != id && asked(&codes.code(s).code))
                })
        })
}

/// Adds combination candidates and sets their components aside where the combination replaces them.
pub fn apply(
    codes: &CodeSet,
    lexicon: &Lexicon,
    doc: &Document<'_>,
    rules: &[CombinationRule],
    candidates: &mut Vec<Candidate>,
) {
    diabetes(codes, lexicon, doc, candidates);
    insulin_use(codes, doc, candidates);
    sepsis(codes, doc, candidates);
    for rule in rules {
        loop {
            let live: Vec<usize> = (0..candidates.len()).filter(|&i| candidates[i].is_live()).collect();
            // One live candidate per component, each a different candidate.
            let mut chosen: Vec<usize> = Vec::new();
            for refs in &rule.components {
                let found = live.iter().copied().find(|&i| {
                    !chosen.contains(&i)
                        && covered(refs, &codes.code(candidates[i].code).code)
                        && (!rule.linked || chosen.iter().all(|&c| written_link(doc, &candidates[c], &candidates[i])))
                });
                match found {
                    Some(i) => chosen.push(i),
                    None => break,
                }
            }
            if chosen.len() < rule.components.len() {
                break;
            }
            let names: Vec<String> = chosen.iter().map(|&i| codes.code(candidates[i].code).code.clone()).collect();
            let mut mentions = Vec::new();
            for &i in &chosen {
                mentions.extend(candidates[i].mentions.iter().cloned());
            }
            let kept: Vec<String> = chosen
                .iter()
                .map(|&i| codes.code(candidates[i].code).code.clone())
                .filter(|c| covered(&rule.keep, c))
                .collect();
            let combination = codes.code(rule.combination).code.clone();
            let mut replaced = 0;
            for &i in &chosen {
                let c = codes.code(candidates[i].code).code.clone();
                if !covered(&rule.keep, &c) {
                    candidates[i].set_aside(Reason::Combination, format!("included in combination code {combination}"));
                    replaced += 1;
                }
            }
            let mut rationale = format!("combination code: {} ({})", names.join(" with "), rule.why);
            if !kept.is_empty() {
                rationale.push_str(&format!("; {} kept beside it as the classification instructs", kept.join(", ")));
            }
            push_combination(candidates, rule.combination, mentions, rationale);
            if replaced == 0 {
                // Nothing was replaced, so the same components would match again.
                break;
            }
        }
    }
}

fn push_combination(
    candidates: &mut Vec<Candidate>,
    code: CodeId,
    mut mentions: Vec<crate::lexicon::Mention>,
    rationale: String,
) {
    mentions.sort_by_key(|m| m.tokens);
    if let Some(existing) = candidates.iter_mut().find(|c| c.code == code) {
        existing.mentions.extend(mentions);
        existing.mentions.sort_by_key(|m| m.tokens);
        existing.mentions.dedup_by_key(|m| m.tokens);
        existing.exclusion = None;
        existing.rule = Rule::Combination;
        existing.rationale = rationale;
        return;
    }
    candidates.push(Candidate::new(code, mentions, Rule::Combination, rationale));
}

/// Diabetes categories (E08-E13) read their "with" combinations from the code set.
///
/// A companion supports a "with" code when its term holds the words that code adds. A companion code has
/// several terms (G62.9 is "Polyneuropathy, unspecified" and "Neuropathy NOS"): when the note writes one out
/// ("diabetic neuropathy"), only that term counts (E11.40, not E11.42 for polyneuropathy); when it writes none
/// ("CKD 3b", an abbreviation), any of them does.
fn diabetes(codes: &CodeSet, lexicon: &Lexicon, doc: &Document<'_>, candidates: &mut Vec<Candidate>) {
    let is_diabetes = |code: &str| ("E08".."E14").contains(&&code[..3]);
    adopt_documented_type(codes, doc, candidates);
    if !candidates.iter().any(|c| c.is_live() && is_diabetes(&codes.code(c.code).code)) {
        return;
    }
    // The words each candidate's evidence writes out.
    let written: Vec<Vec<u32>> = candidates
        .iter()
        .map(|c| c.mentions.iter().flat_map(|m| lexicon.token_words(doc, m.tokens.0, m.tokens.1)).collect())
        .collect();
    let mut added: Vec<(CodeId, Vec<usize>, String)> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let code = codes.code(c.code);
        if !c.is_live() || !is_diabetes(&code.code) {
            continue;
        }
        let category = codes.ancestors(c.code).last().unwrap_or(c.code);
        let base = lexicon.code_words(category);
        // Every billable "with" code of the category and the words it adds.
        for id in codes.billable_descendants(category) {
            let d = codes.code(id);
            let lower = d.description.to_ascii_lowercase();
            if id == c.code
                || !lower.contains(" with ")
                || lower.contains(" other ")
                || lower.contains("unspecified complication")
            {
                continue;
            }
            let extra: Vec<u32> =
                lexicon.code_words(id).iter().copied().filter(|w| base.binary_search(w).is_err()).collect();
            // Words of a diabetes-with code that name diabetes itself ("diabetic") are not the companion's.
            let extra: Vec<u32> =
                extra.into_iter().filter(|w| lexicon.code_words(c.code).binary_search(w).is_err()).collect();
            if extra.is_empty() {
                continue;
            }
            for (j, other) in candidates.iter().enumerate() {
                if j == i || !other.is_live() || is_diabetes(&codes.code(other.code).code) {
                    continue;
                }
                // The companion's terms written out in the note; when none is (an abbreviation, "CKD 3b"),
                // any of its terms may support the combination.
                let written = &written[j];
                let terms =
                    || lexicon.term_word_sets(other.code).chain(std::iter::once(lexicon.code_words(other.code)));
                let identified: Vec<&[u32]> = terms().filter(|set| set.iter().all(|w| written.contains(w))).collect();
                let holds = |set: &[u32]| extra.iter().all(|w| set.binary_search(w).is_ok());
                // So does the companion's own description when the combination asks for the companion: "chronic
                // renal failure" is N18.9, chronic kidney disease, which E11.22 asks for ("Neuropathy NOS" is
                // G62.9, polyneuropathy, which no diabetes code asks for).
                let supports = if identified.is_empty() {
                    terms().any(holds)
                } else {
                    identified.iter().any(|set| holds(set))
                        || (holds(lexicon.code_words(other.code)) && asks_for(codes, id, &codes.code(other.code).code))
                };
                if supports {
                    added.push((id, vec![i, j], d.description.clone()));
                }
            }
        }
    }
    // The most specific combination per companion: drop a combination whose words another one covers.
    added.sort_by_key(|a| std::cmp::Reverse(lexicon.code_words(a.0).len()));
    let mut taken: Vec<(CodeId, Vec<usize>, String)> = Vec::new();
    for (id, pair, description) in added {
        let subsumed = taken.iter().any(|t| {
            t.1 == pair && lexicon.code_words(id).iter().all(|w| lexicon.code_words(t.0).binary_search(w).is_ok())
        });
        if !subsumed && !taken.iter().any(|t| t.0 == id) {
            taken.push((id, pair, description));
        }
    }
    for (id, pair, description) in taken {
        let (dm, other) = (pair[0], pair[1]);
        let dm_code = codes.code(candidates[dm].code).code.clone();
        let other_code = codes.code(candidates[other].code).code.clone();
        let combination = codes.code(id).code.clone();
        let mut mentions = candidates[dm].mentions.clone();
        mentions.extend(candidates[other].mentions.iter().cloned());
        let keep_other = asks_for(codes, id, &other_code);
        // The diabetes code is replaced when it says nothing the combination does not ("E11.9").
        let dm_words = lexicon.code_words(candidates[dm].code);
        if dm_words.iter().all(|w| lexicon.code_words(id).binary_search(w).is_ok()) {
            candidates[dm].set_aside(Reason::Combination, format!("included in combination code {combination}"));
        }
        let rationale = if keep_other {
            candidates[other].rationale =
                format!("{other_code} added as instructed by 'use additional code' at {combination}");
            format!(
                "combination code: diabetes with {} ({description}); {other_code} added as instructed by 'use additional code'",
                codes.code(candidates[other].code).description.to_ascii_lowercase()
            )
        } else {
            candidates[other].set_aside(Reason::Combination, format!("included in combination code {combination}"));
            format!(
                "combination code: {dm_code} with {other_code} is {combination} ({description}); the \"with\" convention presumes the link"
            )
        };
        push_combination(candidates, id, mentions, rationale);
    }
    // A diabetes "without complications" code beside a code of its category that names one ("Diabetic
    // polyneuropathy" read as E11.42 directly) says nothing more: the complication's code carries the diabetes.
    let live_with: Vec<(String, String)> = candidates
        .iter()
        .filter(|c| c.is_live())
        .map(|c| codes.code(c.code))
        .filter(|d| is_diabetes(&d.code) && d.description.to_ascii_lowercase().contains(" with "))
        .map(|d| (d.code[..3].to_string(), d.code.clone()))
        .collect();
    for c in candidates.iter_mut().filter(|c| c.is_live()) {
        let d = codes.code(c.code);
        if !is_diabetes(&d.code) || !d.description.to_ascii_lowercase().contains("without complications") {
            continue;
        }
        if let Some((_, with)) = live_with.iter().find(|(category, _)| *category == d.code[..3]) {
            c.set_aside(Reason::Combination, format!("the diabetes is coded by {with}, which names its complication"));
        }
    }
}

/// A diabetic complication named without the diabetes type ("diabetic CKD", "DKA") is read as type 2, the
/// default when the type is not documented (Guidelines I.C.4.a.2). When the note documents one other type
/// elsewhere ("Type 1 diabetes. Diabetic nephropathy."), the complication is that type's: E10.21, not E11.21 beside an
/// E10.9 that Excludes1 would then drop.
fn adopt_documented_type(codes: &CodeSet, doc: &Document<'_>, candidates: &mut Vec<Candidate>) {
    const OTHER_TYPES: &[&str] = &["E08", "E09", "E10", "E13"];
    // Words that write a type (or its abbreviation) in the evidence itself.
    const TYPE_WORDS: &[&str] = &["type", "2", "ii", "t2dm", "t2d", "dm2", "dmii", "niddm", "t2", "adult"];
    let category = |c: &Candidate| codes.code(c.code).code[..3].to_string();
    let mut documented: Vec<String> =
        candidates.iter().filter(|c| c.is_live()).map(category).filter(|k| OTHER_TYPES.contains(&k.as_str())).collect();
    documented.sort();
    documented.dedup();
    let [other] = documented.as_slice() else { return };
    let untyped =
        |c: &Candidate| c.mentions.iter().all(|m| (m.tokens.0..m.tokens.1).all(|t| !TYPE_WORDS.contains(&doc.norm(t))));
    let mut i = 0;
    while i < candidates.len() {
        let c = &candidates[i];
        let code = codes.code(c.code);
        let target = format!("{other}{}", &code.code[3..]);
        let adopt = c.is_live() && code.code.starts_with("E11") && untyped(c);
        if let Some(t) = codes.id_of(&target).filter(|&t| adopt && codes.code(t).billable) {
            if let Some(j) = candidates.iter().position(|d| d.code == t && d.is_live()) {
                let moved = candidates.remove(i);
                let j = if j > i { j - 1 } else { j };
                candidates[j].mentions.extend(moved.mentions);
                candidates[j].mentions.sort_by_key(|m| m.tokens.0);
                continue;
            }
            let why = format!(
                "; the note documents the diabetes as {other} elsewhere, so {target} rather than {} (type 2 is the \
                 default only when no type is documented, Guidelines I.C.4.a.2)",
                code.code
            );
            candidates[i].code = t;
            candidates[i].rationale.push_str(&why);
        }
        i += 1;
    }
}

/// Severe sepsis is two codes (Guidelines I.C.1.d.1.a and d.4): the systemic infection first, then R65.2-. Septic
/// shock or severe sepsis with no systemic infection coded gets A41.9, the sepsis of an unspecified organism
/// ("Septic shock due to pneumonia" is A41.9, R65.21, J18.9); a systemic infection read with "severe" before its
/// "sepsis" gets R65.20 ("Severe sepsis due to E. coli" is A41.51 and R65.20).
fn sepsis(codes: &CodeSet, doc: &Document<'_>, candidates: &mut Vec<Candidate>) {
    const SYSTEMIC: &[&str] = &[
        "A40", "A41", "A02.1", "A22.7", "A26.7", "A32.7", "A39.2", "A39.3", "A39.4", "A42.7", "A54.86", "B37.7", "O85",
        "P36", "T81.44",
    ];
    let is_systemic = |c: &Candidate| SYSTEMIC.iter().any(|p| codes.code(c.code).code.starts_with(p));
    let severe = |c: &Candidate| codes.code(c.code).code.starts_with("R65.2");
    match candidates.iter().find(|c| c.is_live() && severe(c)) {
        Some(shock) if !candidates.iter().any(|c| c.is_live() && is_systemic(c)) => {
            let Some(a419) = codes.id_of("A41.9") else { return };
            let (code, mentions) = (codes.code(shock.code).code.clone(), shock.mentions.clone());
            let rationale = format!(
                "the systemic infection of {code}, coded first (Guidelines I.C.1.d.4); no organism is documented, so \
                 sepsis of an unspecified organism"
            );
            candidates.push(Candidate::new(a419, mentions, Rule::Combination, rationale));
        }
        Some(_) => {}
        None => {
            let written_severe = |c: &Candidate| {
                c.mentions
                    .iter()
                    .any(|m| m.tokens.0 > 0 && doc.norm(m.tokens.0 - 1) == "severe" && doc.norm(m.tokens.0) == "sepsis")
            };
            let found = candidates.iter().find(|c| c.is_live() && is_systemic(c) && written_severe(c));
            if let (Some(c), Some(r6520)) = (found, codes.id_of("R65.20")) {
                let code = codes.code(c.code).code.clone();
                let mentions = c.mentions.clone();
                let rationale =
                    format!("severe sepsis: {code} for the infection, and R65.20 after it (Guidelines I.C.1.d.1.a)");
                candidates.push(Candidate::new(r6520, mentions, Rule::Combination, rationale));
            }
        }
    }
}

/// Long-term use of insulin (Z79.4), which the diabetes categories E08, E09, E11 and E13 ask for with "use
/// additional code", when the diabetes itself is written as insulin-dependent, -requiring or -treated
/// ("insulin-dependent diabetic"): the phrase names both, and its longer reading (the diabetes) would otherwise
/// hide the insulin. Not for type 1 (E10), where insulin is part of the disease (Guidelines I.C.4.a.3); and not
/// for "non-insulin-dependent".
fn insulin_use(codes: &CodeSet, doc: &Document<'_>, candidates: &mut Vec<Candidate>) {
    let Some(z) = codes.id_of("Z79.4") else { return };
    let takes_insulin = |code: &str| ["E08", "E09", "E11", "E13"].contains(&&code[..3]);
    let mut found: Vec<(crate::lexicon::Mention, String)> = Vec::new();
    for c in candidates.iter().filter(|c| c.is_live() && takes_insulin(&codes.code(c.code).code)) {
        for m in &c.mentions {
            for i in m.tokens.0..m.tokens.1 {
                let before = (m.tokens.0..i).rev().map(|k| doc.norm(k)).find(|w| *w != "-");
                if doc.norm(i) != "insulin" || before == Some("non") {
                    continue;
                }
                // The insulin word with its "-dependent" / "-requiring" / "-treated".
                let mut last = i + 1;
                while last < m.tokens.1
                    && matches!(doc.norm(last), "-" | "dependent" | "dependant" | "requiring" | "treated")
                {
                    last += 1;
                }
                let mut mention = m.clone();
                mention.code = z;
                mention.node = z;
                mention.tokens = (i, last);
                mention.span = doc.span_of(i, last);
                mention.bytes = (doc.tokens()[i].bytes.0, doc.tokens()[last - 1].bytes.1);
                found.push((mention, codes.code(c.code).code.clone()));
                break;
            }
        }
    }
    for (mention, diabetes) in found {
        match candidates.iter_mut().find(|c| c.code == z) {
            Some(existing) => {
                if !existing.mentions.iter().any(|m| m.tokens == mention.tokens) {
                    existing.mentions.push(mention);
                    existing.mentions.sort_by_key(|m| m.tokens);
                }
            }
            None => candidates.push(Candidate::new(
                z,
                vec![mention],
                Rule::Matched,
                format!("long-term use of insulin, written with the diabetes; added as instructed by 'use additional code' at {diabetes}"),
            )),
        }
    }
}
