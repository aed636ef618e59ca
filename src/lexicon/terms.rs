//! What a code-set term requires a note to say.
//!
//! Tabular descriptions are written for coders, not as they appear in notes: nonessential modifiers sit in
//! parentheses ("Systolic (congestive) heart failure"), square brackets give another name for the words before
//! them ("human immunodeficiency virus [HIV]", "navicular [scaphoid]"), and residual qualifiers
//! ("unspecified organism", "without complications", "not elsewhere classified") never appear in a note.
//! Each published term becomes one or more word lists: the words a note must contain, in the order the tabular
//! writes them. Parenthesized words are never required; a bracket yields a second list with its words in place
//! of the ones it renames; qualifiers and stopwords are dropped.
//!
//! Descriptions that only name what is left over ("Other ...", "... in diseases classified elsewhere") are not
//! matched from their words: "Other heart failure" says nothing a note would say that "Heart failure,
//! unspecified" does not, and manifestation codes need their etiology coded first. Their inclusion terms, which
//! do name conditions, are kept.
use super::words::{AXIS_NOUNS, CAPITAL_A, STOPWORDS};
use crate::codeset::{Code, NoteKind};
use crate::lexicon::{TermSource, phrase_tokens};

/// Nouns that name no condition by themselves ("attacks", "episodes"): never a term on their own.
pub(super) const GENERIC_NOUNS: &[&str] =
    &["attack", "episode", "crisis", "event", "spell", "condition", "disease", "disorder"];

/// Phrases that are classification boilerplate, never note content.
const BOILERPLATE: &[&[&str]] = &[
    &["as", "the", "cause", "of", "diseases", "classified", "elsewhere"],
    &["in", "diseases", "classified", "elsewhere"],
    &["not", "elsewhere", "classified"],
    &["classified", "elsewhere"],
    &["site", "not", "specified"],
    &["not", "specified", "as", "recurrent"],
    &["not", "specified"],
    &["of", "unspecified", "site"],
];

/// Acronyms in the code set's brackets that are also English words ("all", "aids", "dish", "men"): the clinical
/// lexicon has them in capitals only (ALL, AIDS, DISH, MEN 1).
const WORD_ACRONYMS: &[&str] = &["all", "men", "dish", "aids"];

/// Does a description only name a remainder of its category?
pub(crate) fn is_residual(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    lower.starts_with("other ") || lower.contains("in diseases classified elsewhere")
}

/// A code-set term: its required words, where they come from, and those of its words it writes as an acronym.
pub(crate) struct CodeTerm {
    pub words: Vec<String>,
    pub source: TermSource,
    /// Words the term writes as acronyms ("HIV", "PIN", "IRIS", "CRPS"), as the tokenizer reads them and as
    /// written: read only where the note writes that acronym, in capitals (a plural "s" aside). Many acronyms spell a
    /// common word, or another acronym once plurals are folded: the "pins" of a fracture fixation are no prostatic
    /// intraepithelial neoplasia, the iris of an eye no immune reconstitution syndrome, the "pre" of
    /// "pre-excitation" no posterior reversible encephalopathy syndrome, and a CRP (C-reactive protein) no CRPS.
    pub capitals: Vec<(String, String)>,
}

/// The words `text` writes as acronyms (two capitals or more; not a roman numeral, not "NOS"): each as the term's
/// tokenizer reads it, and as written.
fn acronyms(text: &str, tokenize: &mut dyn FnMut(&str) -> Vec<String>) -> Vec<(String, String)> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            w.chars().filter(char::is_ascii_uppercase).count() >= 2
                && !w.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
                && *w != "NOS"
        })
        .filter_map(|w| match tokenize(w).as_slice() {
            [one] => Some((one.clone(), w.to_string())),
            _ => None,
        })
        .collect()
}

/// The word lists of a code's published terms, each with its source.
pub(crate) fn code_terms(code: &Code, tokenize: &mut dyn FnMut(&str) -> Vec<String>) -> Vec<CodeTerm> {
    let mut out: Vec<CodeTerm> = Vec::new();
    let mut push =
        |words: Vec<String>, source: TermSource, text: &str, tokenize: &mut dyn FnMut(&str) -> Vec<String>| {
            // "Hemorrhagic condition", "Erythematous condition": with "condition" (a stopword) gone, the adjective
            // alone would read every hemorrhagic area and erythematous rash as a condition of its own.
            // Likewise "Opioid use", "Cocaine use", "Tobacco use" with "use" (a stopword) gone: the substance
            // named alone (a drug given, a toxicology screen) is no use of it; the clinical lexicon writes "cocaine
            // use" and its kin out.
            let qualifier_only = words.len() == 1
                && text
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .any(|w| w.eq_ignore_ascii_case("condition") || w.eq_ignore_ascii_case("use"));
            if !words.is_empty() && !qualifier_only && !out.iter().any(|t| t.words == words) {
                let capitals = acronyms(text, tokenize).into_iter().filter(|(a, _)| words.contains(a)).collect();
                out.push(CodeTerm { words, source, capitals });
            }
        };
    if !is_residual(&code.description) {
        for (i, text) in variants(&code.description).into_iter().enumerate() {
            let source = if i == 0 { TermSource::Description } else { TermSource::DescriptionVariant };
            push(required(&phrase_tokens(&tokenize(&text))), source, &text, tokenize);
            for either in either_site(&text) {
                push(required(&phrase_tokens(&tokenize(&either))), TermSource::DescriptionVariant, &either, tokenize);
            }
        }
    }
    // An injury's inclusion term may name only the site ("Axis" under "Fracture of second cervical vertebra"):
    // it is read with the injury it qualifies ("fracture of axis"), never as the bare word.
    let injury = code.code.starts_with(['S', 'T']) && !is_residual(&code.description);
    let description_words = if injury { required(&phrase_tokens(&tokenize(&code.description))) } else { Vec::new() };
    let nature = code.description.split(" of ").next().unwrap_or_default();
    for note in code.notes_of(NoteKind::InclusionTerm) {
        for (i, text) in variants(&note.text).into_iter().enumerate() {
            let source = if i == 0 { TermSource::InclusionTerm } else { TermSource::InclusionVariant };
            let mut words = required(&phrase_tokens(&tokenize(&text)));
            if injury && !words.iter().any(|w| description_words.contains(w)) {
                words = required(&phrase_tokens(&tokenize(&format!("{nature} of {text}"))));
            }
            // Likewise an organism under a sepsis code ("Pseudomonas aeruginosa" under "Sepsis due to
            // Pseudomonas"): the organism found in a culture is not sepsis, so it is read with the sepsis.
            let lower = text.to_ascii_lowercase();
            if code.description.starts_with("Sepsis") && !lower.contains("sepsis") && !lower.contains("septic") {
                words = required(&phrase_tokens(&tokenize(&format!("sepsis due to {text}"))));
            }
            // "Attacks without alteration of consciousness" (under G40.1) is not the word "attack": a term whose
            // absent clause leaves only a generic noun says too little to be read on its own. A specific one
            // stays ("Cholecystolithiasis without cholecystitis" is cholecystolithiasis).
            if words.len() == 1
                && (GENERIC_NOUNS.contains(&words[0].as_str())
                    || GENERIC_NOUNS.contains(&words[0].trim_end_matches('s')))
                && lower.contains(" without ")
            {
                continue;
            }
            push(words, source, &text, tokenize);
        }
    }
    out
}

/// The texts a term stands for: parentheses removed, and one more text per bracket that renames words.
pub(crate) fn variants(text: &str) -> Vec<String> {
    let mut plain = String::with_capacity(text.len());
    let mut renamed: Option<String> = None;
    let mut rest = text;
    while let Some(open) = rest.find(['(', '[']) {
        let close_char = if rest.as_bytes()[open] == b'(' { ')' } else { ']' };
        let Some(len) = rest[open + 1..].find(close_char) else { break };
        let inner = &rest[open + 1..open + 1 + len];
        plain.push_str(&rest[..open]);
        if close_char == ']' && renamed.is_none() {
            renamed = rename(&plain, inner).map(|r| r + &rest[open + len + 2..]);
            if let Some(r) = renamed.as_mut() {
                // Further optional groups after the bracket are dropped in the renamed text as well.
                *r = strip_groups(r);
            }
        }
        rest = &rest[open + len + 2..];
    }
    plain.push_str(rest);
    let plain = strip_groups(&plain);
    let mut out = vec![collapse(&plain)];
    if let Some(r) = renamed {
        let r = collapse(&r);
        if !r.is_empty() && !out.contains(&r) {
            out.push(r);
        }
    }
    out
}

fn strip_groups(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Words collapsed to single spaces; a standalone capital "A" after the first word is the letter of a type
/// ("Hepatitis A"), not the article, and becomes [`CAPITAL_A`].
pub(super) fn collapse(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::with_capacity(text.len());
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        match w.strip_suffix(',').unwrap_or(w) {
            "A" if k > 0 => {
                out.push_str(CAPITAL_A);
                out.push_str(&w[1..]);
            }
            _ => out.push_str(w),
        }
    }
    out
}

/// The classification reads "and" in a title as "and/or" (Official Guidelines I.A.14): "Secondary malignant
/// neoplasm of liver and intrahepatic bile duct" is also the code for liver metastases alone. For a title whose
/// first clause ends in "of X and Y" (one to three words each), the texts with either site alone. Titles whose
/// conjuncts are remainders ("other and unspecified finger") keep both.
pub(crate) fn either_site(text: &str) -> Vec<String> {
    let (head, tail) = match text.find(',') {
        Some(c) => text.split_at(c),
        None => (text, ""),
    };
    let Some(and) = head.find(" and ") else { return Vec::new() };
    if head[and + 5..].contains(" and ") {
        return Vec::new();
    }
    let (left, right) = (&head[..and], &head[and + 5..]);
    let Some(of) = left.rfind(" of ") else { return Vec::new() };
    let (prefix, x) = (&left[..of + 4], &left[of + 4..]);
    let short = |s: &str| {
        let n = s.split_whitespace().count();
        (1..=3).contains(&n)
            && !s.split_whitespace().any(|w| {
                matches!(w, "other" | "unspecified" | "its" | "their" | "with" | "without" | "due" | "of" | "in")
            })
    };
    if !short(x) || !short(right) {
        return Vec::new();
    }
    // One word before "and" may share the noun that ends the other conjunct: an adjective ("pulmonary and
    // tricuspid valves") or a site naming disorders ("eye and ear disorders" is no "history of eye").
    let head = right.rsplit(' ').next().unwrap_or(right);
    let adjective = ["al", "ic", "ar", "ary", "ous", "ile"].iter().any(|s| x.ends_with(s));
    let shared = !x.contains(' ')
        && right.contains(' ')
        && (adjective || matches!(head, "disorders" | "diseases" | "conditions"));
    if shared {
        return vec![format!("{prefix}{x} {head}{tail}"), format!("{prefix}{right}{tail}")];
    }
    vec![format!("{prefix}{x}{tail}"), format!("{prefix}{right}{tail}")]
}

/// `before` with its last words replaced by the bracket's `inner` words. An acronym ("HIV") renames the words
/// whose initials it spells ("human immunodeficiency virus"); other words rename as many words as they have
/// ("navicular [scaphoid]"). Notes such as "[any part, except ear drum]" rename nothing.
fn rename(before: &str, inner: &str) -> Option<String> {
    let inner = inner.trim();
    let lower = inner.to_ascii_lowercase();
    if inner.is_empty()
        || lower.contains("any ")
        || lower.contains("except")
        || lower.contains("including")
        || lower.contains(',')
    {
        return None;
    }
    let words: Vec<&str> = before.split_whitespace().collect();
    let inner_words: Vec<&str> = inner.split_whitespace().collect();
    let is_acronym = inner_words.len() == 1
        && inner.chars().filter(char::is_ascii_alphabetic).count() >= 2
        && inner.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2;
    // Code-set terms are read in any case, so an acronym that is also an English word ("[ALL]" after acute
    // lymphoblastic leukemia) would be read from every "all", "[AIDS]" from every hearing aid; the lexicon has
    // them in capitals only.
    if is_acronym && WORD_ACRONYMS.contains(&lower.as_str()) {
        return None;
    }
    let take = if is_acronym {
        let letters: Vec<char> =
            inner.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase()).collect();
        let mut need = letters.len();
        let mut k = words.len();
        while need > 0 && k > 0 {
            let w = words[k - 1].to_ascii_lowercase();
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            if w.starts_with(letters[need - 1]) {
                need -= 1;
            } else if !STOPWORDS.contains(&w) {
                return None;
            }
            k -= 1;
        }
        if need > 0 {
            return None;
        }
        words.len() - k
    } else {
        inner_words.len()
    };
    if take == 0 || take > words.len() {
        return None;
    }
    Some(format!("{} {} ", words[..words.len() - take].join(" "), inner))
}

/// The words of a normalized token list that a note must contain.
pub(crate) fn required(tokens: &[String]) -> Vec<String> {
    let mut keep = vec![true; tokens.len()];
    // Boilerplate phrases.
    for phrase in BOILERPLATE {
        let n = phrase.len();
        let mut i = 0;
        while i + n <= tokens.len() {
            if (0..n).all(|k| tokens[i + k] == phrase[k]) {
                keep[i..i + n].iter_mut().for_each(|x| *x = false);
                i += n;
            } else {
                i += 1;
            }
        }
    }
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].as_str() {
            // "without complications", "without hemorrhage or perforation": what follows is absent;
            // "except renal pelvis", "excluding ...": what follows is carved out.
            // "Laceration without foreign body of lip": only the foreign body is absent; the site follows.
            "without" if tokens.get(i + 1..i + 3).is_some_and(|t| t[0] == "foreign" && t[1] == "body") => {
                keep[i..i + 3].iter_mut().for_each(|x| *x = false);
                i += 3;
                continue;
            }
            // "..., lumbar region", "Pressure ulcer of sacral region": the region is named by its adjective.
            "region" if i > 0 && tokens.get(i + 1).is_none_or(|t| t == ",") => {
                keep[i] = false;
            }
            // "Epilepsy, unspecified, not intractable": the absent axis is no requirement (the other readings of
            // "not", as in "not having achieved remission" or "not available", name what the code is about).
            "not" if tokens.get(i + 1).is_some_and(|t| t == "intractable") => {
                keep[i] = false;
                keep[i + 1] = false;
            }
            "without" | "except" | "excluding" => {
                let mut j = i;
                while j < tokens.len() && tokens[j] != "," && !(j > i && tokens[j] == "with") {
                    keep[j] = false;
                    j += 1;
                }
                i = j;
                continue;
            }
            // "unspecified organism", "unspecified as acute or chronic": the open axis is not a requirement.
            "unspecified" => {
                keep[i] = false;
                // "Diverticulitis of intestine, part unspecified": the open axis written before the word.
                if i > 0 && AXIS_NOUNS.contains(&tokens[i - 1].as_str()) {
                    keep[i - 1] = false;
                }
                if let Some(next) = tokens.get(i + 1) {
                    if AXIS_NOUNS.contains(&next.as_str()) {
                        keep[i + 1] = false;
                    } else if next == "as" {
                        let mut j = i + 1;
                        while j < tokens.len() && tokens[j] != "," {
                            keep[j] = false;
                            j += 1;
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    tokens
        .iter()
        .zip(keep)
        .filter(|(t, k)| *k && t.chars().next().is_some_and(char::is_alphanumeric) && !STOPWORDS.contains(&t.as_str()))
        .map(|(t, _)| t.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(text: &str) -> Vec<Vec<String>> {
        let a = crate::text::Analyzer::new().unwrap();
        variants(text).iter().map(|v| required(&phrase_tokens(&a.terms(v)))).collect()
    }

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn descriptions_become_requirements() {
        assert_eq!(
            req("Acute on chronic systolic (congestive) heart failure"),
            vec![words(&["acute", "chronic", "systolic", "heart", "failure"])]
        );
        assert_eq!(
            req("Type 2 diabetes mellitus without complications"),
            vec![words(&["type", "2", "diabetes", "mellitus"])]
        );
        assert_eq!(req("Pneumonia, unspecified organism"), vec![words(&["pneumonia"])]);
        assert_eq!(
            req("Fracture of unspecified part of neck of right femur"),
            vec![words(&["fracture", "neck", "right", "femur"])]
        );
        assert_eq!(req("Chronic kidney disease, stage 3b"), vec![words(&["chronic", "kidney", "disease", "3b"])]);
        assert_eq!(req("Urinary tract infection, site not specified"), vec![words(&["urinary", "tract", "infection"])]);
        assert_eq!(
            req("Malignant neoplasm of unspecified kidney, except renal pelvis"),
            vec![words(&["malignant", "neoplasm", "kidney"])]
        );
        assert_eq!(
            req("Gastric ulcer, unspecified as acute or chronic, without hemorrhage or perforation"),
            vec![words(&["gastric", "ulcer"])]
        );
    }

    #[test]
    fn brackets_rename_the_words_before_them() {
        assert_eq!(
            req("Unspecified Escherichia coli [E. coli] as the cause of diseases classified elsewhere"),
            vec![words(&["escherichia", "coli"]), words(&["e", "coli"])]
        );
        assert_eq!(
            req("Human immunodeficiency virus [HIV] disease"),
            vec![words(&["human", "immunodeficiency", "virus", "disease"]), words(&["hiv", "disease"])]
        );
        assert_eq!(
            req("Heart failure with reduced ejection fraction [HFrEF]"),
            vec![words(&["heart", "failure", "reduced", "ejection", "fraction"]), words(&["hfref"])]
        );
        assert_eq!(
            req("Fracture of navicular [scaphoid] bone of wrist"),
            vec![words(&["fracture", "navicular", "bone", "wrist"]), words(&["fracture", "scaphoid", "bone", "wrist"])]
        );
        assert_eq!(req("Burn [any part, except ear drum]"), vec![words(&["burn"])]);
        // An acronym that is also a word is left to the lexicon's capitals-only terms.
        assert_eq!(req("Acute lymphoblastic leukemia [ALL]"), vec![words(&["acute", "lymphoblastic", "leukemia"])]);
    }

    #[test]
    fn residual_descriptions() {
        assert!(is_residual("Other heart failure"));
        assert!(is_residual("Arthropathy in diseases classified elsewhere"));
        assert!(!is_residual("Heart failure, unspecified"));
    }

    #[test]
    fn and_in_a_title_means_either_site() {
        assert_eq!(
            either_site("Secondary malignant neoplasm of liver and intrahepatic bile duct"),
            vec![
                "Secondary malignant neoplasm of liver".to_string(),
                "Secondary malignant neoplasm of intrahepatic bile duct".to_string()
            ]
        );
        assert_eq!(
            either_site("Pressure ulcer of sacral region and buttock, stage 2"),
            vec![
                "Pressure ulcer of sacral region, stage 2".to_string(),
                "Pressure ulcer of buttock, stage 2".to_string()
            ]
        );
        assert!(either_site("Complete traumatic amputation of other and unspecified finger").is_empty());
        assert_eq!(
            either_site("Family history of eye and ear disorders"),
            ["Family history of eye disorders", "Family history of ear disorders"]
        );
        assert_eq!(
            either_site("Congenital malformations of pulmonary and tricuspid valves"),
            ["Congenital malformations of pulmonary valves", "Congenital malformations of tricuspid valves"]
        );
        assert_eq!(
            either_site("Malignant neoplasm of anus and anal canal"),
            ["Malignant neoplasm of anus", "Malignant neoplasm of anal canal"]
        );
        assert!(either_site("Hypertensive heart and chronic kidney disease").is_empty());
    }

    #[test]
    fn a_capital_letter_a_is_a_type_not_an_article() {
        assert_eq!(req("Hepatitis A without hepatic coma"), vec![words(&["hepatitis", CAPITAL_A])]);
        assert_eq!(req("Laceration without foreign body of lip"), vec![words(&["laceration", "lip"])]);
        assert_eq!(
            req("Epilepsy, unspecified, not intractable, without status epilepticus"),
            vec![words(&["epilepsy"])]
        );
        assert_eq!(
            req("Diverticulitis of intestine, part unspecified, without perforation or abscess without bleeding"),
            vec![words(&["diverticulitis", "intestine"])]
        );
        assert_eq!(req("A disease"), vec![words(&["disease"])]);
    }
}
