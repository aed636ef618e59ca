//! The lexicon: every way a note can name a condition, and the matcher that finds the codes a note supports.
//!
//! Input: the code set, the project's clinical lexicon and word forms (`models/`), and at request time a
//! tokenized [`Document`]. Output: [`Mention`]s, each a billable code with the tokens that support it and how
//! it was matched.
//!
//! Matching runs in three steps, all over canonical words ([`words`]: "renal" = "kidney", "kidneys" =
//! "kidney"):
//! 1. **Phrases.** One aho-corasick automaton over the note's word ids finds the clinical lexicon's terms
//!    (abbreviations, acronyms, synonyms), word-bounded and overlapping; a longest-first selection keeps the
//!    best reading, after each term's constraints (capitals, section, neighbouring words) are checked. A term
//!    either names a code ("NSTEMI" -> I21.4) or stands for words ("CHF" -> congestive heart failure), which
//!    replace it for the next step.
//! 2. **Composition.** Every code-set term (description, inclusion term and their variants, [`terms`]) is a set
//!    of required words. A term matches when all its words occur close together within one clause of a
//!    sentence or list item, in any order, so "acute on chronic systolic CHF" meets "Acute on chronic systolic
//!    (congestive) heart failure" and "closed fracture of the right femoral neck" meets "Fracture of unspecified
//!    part of neck of right femur". Modifiers may join across a comma only when the comma-separated part holds
//!    nothing else ("heart failure, acute on chronic"). A lexicon term that names a category is refined the same
//!    way: the deepest billable code below it whose additional words are all present nearby, else the one that
//!    adds nothing (the "unspecified" code). Codes that need a 7th character get the one the sentence supports.
//!    Some words need not be written beside the match ([`refine`](self::refine)): the patient's sex (from the
//!    note's words for them), the default dominant side (right) of hemiplegia, the classification's "side"; and
//!    a bilateral condition gets its bilateral code, or each side's code where the classification has none
//!    (Guidelines I.B.13). Refinement takes no words of another term read as written without that term's head.
//! 3. **Selection.** Longest and most specific wins: a match whose words are all part of a larger match is
//!    dropped ("heart failure" inside "acute on chronic systolic heart failure"); independent matches that share
//!    words are both kept ("type 2 DM with diabetic CKD stage 3b" gives E11.22 and N18.32), and so are two lexicon
//!    terms that each name a code and overlap ("diabetic CKD" and "CKD 3b" in "Diabetic CKD 3b"). A composed match that
//!    takes the leading words of a term read as written and jumps over its head is two conditions read as one
//!    ("left ventricular hypertrophy consistent with heart failure" is no left ventricular failure) and is
//!    dropped, and the choice is made again without it.
//!
//! Why order-free composition rather than listing phrasings: clinicians reorder, invert ("Failure, heart"),
//! abbreviate and interleave modifiers, and the classification's own words already say what each code needs.
//! Requiring every word of the code keeps it precise; requiring them close and in one clause keeps it local.
mod clinical;
mod matcher;
mod procedures;
mod refine;
mod search;
mod terms;
mod words;

use std::collections::{HashMap, HashSet};

pub use clinical::{ClinicalTerm, Constraints, Meaning};
pub use procedures::{ProcedureMatcher, ProcedureMention};
pub use search::{SearchHit, SearchIndex};

use crate::codeset::{CodeId, CodeSet};
use crate::context::Assertion;
use crate::error::BuildError;
use crate::text::phrases::{PhraseSet, PhraseSetBuilder};
use crate::text::{Analyzer, Document, Span};
use words::Words;

/// Codes for an ill-defined or unknown cause (mortality, illness): matched only from terms that say so, never from
/// one word.
const UNKNOWN_CAUSE: &[&str] = &["R99", "R69"];

/// Categories that combine two conditions the coding rules join (`models/coding/combinations.tsv`): hypertensive
/// heart disease (I11), hypertensive CKD (I12) and both (I13). Their terms are not matched: the note's words give
/// the conditions ("hypertensive" is hypertension, I10; "heart failure" I50.9; "CKD stage 3" N18.30) and the
/// combination rule joins them as the guidelines say, with the companions the classification asks for. Read as
/// one term, "hypertension and CKD stage V" would swallow the CKD mention, losing its stage (I12.0, not I12.9)
/// and the N18 code that belongs beside it; "hypertension and ischemic heart disease" would become I11.9,
/// although the guidelines presume the link only for heart failure and I51.4-I51.9 (I.C.9.a.1).
const COMBINED_CONDITIONS: &[&str] = &["I11", "I12", "I13"];

/// Blood type (Z67): its terms are everyday words of notes ("takes her blood sugar", "type 2", "positive for")
/// that compose to "Unspecified blood type, Rh positive" from anything; a blood type is a laboratory fact, not
/// read from a note's words.
const NOT_FROM_WORDS: &[&str] = &["Z67"];

/// Normalized tokens of whitespace-separated words, computed once per distinct word: the analyzer's
/// pre-tokenizer never joins across whitespace, so this equals analysing the whole text, at a fraction of the
/// cost when ~100,000 terms share ~40,000 words.
#[derive(Default)]
pub(crate) struct WordCache {
    map: HashMap<String, Vec<String>>,
}

impl WordCache {
    pub(crate) fn tokens(&mut self, analyzer: &Analyzer, word: &str) -> &[String] {
        if !self.map.contains_key(word) {
            self.map.insert(word.to_string(), analyzer.terms(word));
        }
        &self.map[word]
    }

    /// The tokens of a whole text.
    pub(crate) fn text(&mut self, analyzer: &Analyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for w in text.split_whitespace() {
            out.extend(self.tokens(analyzer, w).iter().cloned());
        }
        out
    }
}

/// Where the words that matched come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermSource {
    /// The code's tabular description.
    Description,
    /// The description with a bracketed synonym in place of the words it renames.
    DescriptionVariant,
    /// An inclusion term of the code (or of the category it was refined from).
    InclusionTerm,
    /// An inclusion term with a bracketed synonym.
    InclusionVariant,
    /// A term of the project's clinical lexicon naming the code (or its category).
    Lexicon,
}

/// How a mention was matched; later stages weigh evidence by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The term's words, contiguous and in order.
    Exact,
    /// Contiguous and in order, from a variant of the term.
    Variant,
    /// Through an abbreviation or synonym of the clinical lexicon.
    Abbreviation,
    /// A clinical-lexicon term that names the code or its category.
    Lexicon,
    /// Words gathered from around the term (reordered, interleaved, or refined from a category).
    Compositional,
}

/// A code the note supports at one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// The billable code.
    pub code: CodeId,
    /// The code (or category) the matched term named, before refinement.
    pub node: CodeId,
    pub kind: MatchKind,
    pub source: TermSource,
    /// Required words matched: the specificity of the match.
    pub words: u16,
    /// Tokens `first..last` of the document: the evidence.
    pub tokens: (usize, usize),
    /// Characters of the original note.
    pub span: Span,
    /// Bytes of the original note.
    pub bytes: (usize, usize),
    /// Set by the assertion stage.
    pub assertion: Assertion,
}

/// What a clinical-lexicon phrase does when found.
#[derive(Debug, Clone)]
enum PhraseMeaning {
    Code(CodeId),
    Words(Box<[u32]>),
    Suppress,
}

#[derive(Debug, Clone)]
struct Phrase {
    meaning: PhraseMeaning,
    constraints: Constraints,
    /// Words in the term (for the weight of a direct code match).
    len: u16,
}

/// The entries of one 7th-character table: the character and the words of its meaning.
type SevenWords = Vec<(char, Box<[u32]>)>;

/// A code-set term as a set of required canonical words.
#[derive(Debug, Clone)]
struct Entry {
    node: CodeId,
    /// Sorted, unique.
    words: Box<[u32]>,
    /// As written (for telling an exact match from a reordered one).
    order: Box<[u32]>,
    source: TermSource,
    /// Words read only where the note writes them as the acronym written here ([`terms::CodeTerm::capitals`]).
    capitals: Box<[(u32, Box<str>)]>,
}

/// The compiled lexicon. Immutable; shared by all requests.
pub struct Lexicon {
    words: Words,
    stop: HashSet<u32>,
    modifiers: HashSet<u32>,
    phrases: PhraseSet<u32>,
    phrase_info: Vec<Phrase>,
    entries: Vec<Entry>,
    by_anchor: HashMap<u32, Vec<u32>>,
    /// The entries of each code.
    node_entries: HashMap<CodeId, Vec<u32>>,
    /// Required words of each code's description, for refining a category to a code.
    code_words: Vec<Box<[u32]>>,
    /// Codes whose description only names a remainder ("Other ..."): never chosen by refinement.
    residual: Vec<bool>,
    /// Codes with an inclusion term that is the condition NOS ("Non-pressure chronic ulcer of skin NOS" at L98.49):
    /// the subcategory the classification means when nothing more is said.
    nos_inclusion: Vec<bool>,
    /// Codes with an inclusion term that is their category's condition NOS, wherever "NOS" stands in it
    /// ("Staphylococcus aureus infection NOS as the cause ..." at B95.61): what refinement falls back to when no
    /// code of the category is called unspecified.
    category_nos: Vec<bool>,
    /// Codes that can be suggested, or completed with a 7th character: the leaves refinement descends to.
    coding_leaf: Vec<bool>,
    /// The words of the classification's side and sex axes, looked up once.
    axis: AxisWords,
    /// Required words of each 7th-character table entry, by table.
    seven_words: HashMap<u32, SevenWords>,
    /// The words a spread marker stands for ("metastatic breast cancer to the bone": "to" is a secondary malignant
    /// neoplasm of what follows).
    spread_words: Box<[u32]>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("entries", &self.entries.len())
            .field("phrases", &self.phrases.len())
            .field("words", &self.words.len())
            .finish()
    }
}

/// The chapter of external causes (V00-Y99): codes that describe circumstances, not conditions, and need more
/// than words to assign.
fn is_external_cause(code: &str) -> bool {
    matches!(code.as_bytes().first(), Some(b'V' | b'W' | b'X' | b'Y'))
}

/// Words of the side, dominance and sex axes that refinement reasons about (`refine.rs`); `None` for a word the
/// code set does not use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AxisWords {
    pub right: Option<u32>,
    pub left: Option<u32>,
    pub bilateral: Option<u32>,
    pub both: Option<u32>,
    pub unilateral: Option<u32>,
    pub side: Option<u32>,
    pub dominant: Option<u32>,
    pub nondominant: Option<u32>,
    pub female: Option<u32>,
    pub male: Option<u32>,
    /// The trimester axis of Chapter 15: "trimester" and its ordinals.
    pub trimester: Option<u32>,
    pub first: Option<u32>,
    pub second: Option<u32>,
    pub third: Option<u32>,
}

impl AxisWords {
    fn new(words: &words::Words) -> Self {
        let id = |w: &str| words.id(w);
        AxisWords {
            right: id("right"),
            left: id("left"),
            bilateral: id("bilateral"),
            both: id("both"),
            unilateral: id("unilateral"),
            side: id("side"),
            dominant: id("dominant"),
            nondominant: id("nondominant"),
            female: id("female"),
            male: id("male"),
            trimester: id("trimester"),
            first: id("first"),
            second: id("second"),
            third: id("third"),
        }
    }
}

/// The data files the lexicon is built from (normally [`crate::models`]).
pub struct LexiconSources<'s> {
    /// (file name, contents) of each clinical lexicon file.
    pub lexicon: &'s [(&'s str, &'s str)],
    /// (file name, contents) of the word-forms table.
    pub word_forms: (&'s str, &'s str),
    /// (file name, contents) of the modifier words.
    pub modifiers: (&'s str, &'s str),
}

impl LexiconSources<'static> {
    /// The files embedded in the binary.
    pub fn embedded() -> LexiconSources<'static> {
        LexiconSources {
            lexicon: crate::models::LEXICON,
            word_forms: crate::models::WORD_FORMS,
            modifiers: crate::models::MODIFIERS,
        }
    }
}

impl Lexicon {
    /// Builds the lexicon from the code set and the project's data files.
    pub fn build(codes: &CodeSet, analyzer: &Analyzer, sources: &LexiconSources<'_>) -> Result<Lexicon, BuildError> {
        let mut words = Words::with_forms(sources.word_forms.0, sources.word_forms.1)?;
        let mut cache = WordCache::default();
        let mut tokens_of = |text: &str| -> Vec<String> { cache.text(analyzer, text) };

        // Code-set terms.
        let mut entries = Vec::new();
        let mut code_words = Vec::with_capacity(codes.len());
        let mut residual = Vec::with_capacity(codes.len());
        let mut nos_inclusion = Vec::with_capacity(codes.len());
        let mut nos_words: Vec<Option<Vec<u32>>> = Vec::with_capacity(codes.len());
        let mut descriptions: HashMap<String, Vec<String>> = HashMap::new();
        for (id, code) in codes.codes().iter().enumerate() {
            let id = id as CodeId;
            residual.push(terms::is_residual(&code.description));
            let inclusion = || code.notes.iter().filter(|n| n.kind == crate::codeset::NoteKind::InclusionTerm);
            nos_inclusion.push(inclusion().any(|n| n.text.trim_end().to_ascii_lowercase().ends_with("nos")));
            let nos_term = inclusion()
                .find(|n| n.text.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w.eq_ignore_ascii_case("nos")));
            nos_words.push(nos_term.map(|n| {
                let tokens = phrase_tokens(&tokens_of(&n.text));
                let ids = terms::required(&tokens).iter().filter(|w| *w != "nos").map(|w| words.intern(w)).collect();
                sorted_unique(ids)
            }));
            let first = terms::variants(&code.description).into_iter().next().unwrap_or_default();
            let desc_tokens =
                descriptions.entry(first.clone()).or_insert_with(|| phrase_tokens(&tokens_of(&first))).clone();
            let required: Vec<u32> = terms::required(&desc_tokens).iter().map(|w| words.intern(w)).collect();
            code_words.push(sorted_unique(required).into_boxed_slice());
            let category = &code.code[..code.code.len().min(3)];
            if code.extension.is_some()
                || is_external_cause(&code.code)
                || COMBINED_CONDITIONS.contains(&category)
                || NOT_FROM_WORDS.contains(&category)
            {
                continue;
            }
            // Some codes need their circumstance stated, never one word. A factor influencing health status
            // (chapter 21): "Pregnancy NOS" (Z33.1) or "Donor NOS" would fire on every mention of a pregnancy or
            // a transplant donor. A code whose meaning is the unknown: "Death (unexplained) NOS" (R99) read as
            // "death" would code every death a note reports, whatever its documented cause.
            let needs_circumstance = code.code.starts_with('Z') || UNKNOWN_CAUSE.contains(&code.code.as_str());
            for term in terms::code_terms(code, &mut tokens_of) {
                if needs_circumstance && term.words.len() < 2 {
                    continue;
                }
                let order: Vec<u32> = term.words.iter().map(|w| words.intern(w)).collect();
                let set = sorted_unique(order.clone());
                let capitals =
                    term.capitals.iter().map(|(w, written)| (words.intern(w), written.as_str().into())).collect();
                entries.push(Entry { node: id, words: set.into(), order: order.into(), source: term.source, capitals });
            }
        }

        // A code whose inclusion term is its category's condition NOS: the term adds no word beyond the category's
        // own but words every code of the category has ("Staphylococcus aureus infection NOS" at B95.61, beside
        // B95.62's "Methicillin resistant Staphylococcus aureus infection"). "Post-thoracotomy pain NOS" at G89.12
        // is not acute pain NOS: G89.11's pain due to trauma is no thoracotomy.
        let category_nos: Vec<bool> = (0..codes.len())
            .map(|id| {
                let (Some(nos), Some(parent)) = (&nos_words[id], codes.codes()[id].parent) else { return false };
                if nos.is_empty() {
                    return false;
                }
                let siblings = &codes.code(parent).children;
                nos.iter().all(|w| {
                    code_words[parent as usize].contains(w)
                        || siblings.iter().all(|&s| code_words[s as usize].contains(w))
                })
            })
            .collect();

        // 7th-character tables: the words of each entry and its other wordings.
        let mut seven_words = HashMap::new();
        for (t, table) in codes.seven_char_tables().iter().enumerate() {
            let mut entries = Vec::new();
            for c in &table.chars {
                let text = std::iter::once(c.description.as_str())
                    .chain(c.also.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" ");
                let ids: Vec<u32> =
                    terms::required(&phrase_tokens(&tokens_of(&text))).iter().map(|w| words.intern(w)).collect();
                entries.push((c.character, sorted_unique(ids).into_boxed_slice()));
            }
            seven_words.insert(t as u32, entries);
        }

        // Clinical lexicon phrases.
        let mut builder = PhraseSetBuilder::new();
        let mut phrase_info = Vec::new();
        let mut first_seen: Vec<(String, usize)> = Vec::new();
        let mut duplicates: Vec<String> = Vec::new();
        // Every file's written terms first, then the wordings generated from them, so that a written term always
        // wins over a generated one, whichever file each comes from.
        let mut terms: Vec<(&str, ClinicalTerm, bool)> = Vec::new();
        let mut generated_terms: Vec<(&str, ClinicalTerm, bool)> = Vec::new();
        for &(file, text) in sources.lexicon {
            let written = clinical::parse(file, text, codes)?;
            let describe = |id: CodeId| (!codes.code(id).billable).then(|| codes.code(id).description.clone());
            let generated = written
                .iter()
                .flat_map(|t| clinical::site_variants(t, describe).into_iter().chain(clinical::past_variants(t)));
            generated_terms.extend(generated.map(|t| (file, t, true)));
            terms.extend(written.into_iter().map(|t| (file, t, false)));
        }
        terms.extend(generated_terms);
        for (file, term, generated) in terms {
            // A capital "A" after a word is a type letter here too ("influenza A"), as in the code set's terms.
            let ids: Vec<u32> =
                phrase_tokens(&tokens_of(&terms::collapse(&term.term))).iter().map(|t| words.intern(t)).collect();
            let meaning = match &term.meaning {
                Meaning::Suppress => PhraseMeaning::Suppress,
                Meaning::Code(id) => PhraseMeaning::Code(*id),
                Meaning::Words(w) => {
                    let expanded: Vec<u32> = terms::required(&phrase_tokens(&tokens_of(&terms::collapse(w))))
                        .iter()
                        .map(|t| words.intern(t))
                        .collect();
                    if expanded.is_empty() {
                        return Err(BuildError::Lexicon(format!("{file}: {:?} stands for no words", term.term)));
                    }
                    PhraseMeaning::Words(expanded.into())
                }
            };
            let len = ids.len().min(u16::MAX as usize) as u16;
            match builder.add_indexed(&ids, phrase_info.len() as u32)? {
                Some((_, true)) => first_seen.push((file.to_string(), term.line)),
                // A generated wording the lexicon also writes (or generates from another line): the first wins.
                Some((_, false)) if generated => continue,
                Some((at, false)) => {
                    // Two lines reading the same (after case, plurals and word forms): one is redundant
                    // or they disagree; either way the lexicon must say it once.
                    let (f, l) = &first_seen[at as usize];
                    duplicates
                        .push(format!("{file}:{}: {:?} reads the same as the term at {f}:{l}", term.line, term.term));
                    continue;
                }
                None => {
                    return Err(BuildError::DataFile {
                        file: file.to_string(),
                        line: term.line,
                        reason: format!("{:?} has no words", term.term),
                    });
                }
            }
            phrase_info.push(Phrase { meaning, constraints: term.constraints, len });
        }
        // Spacing variants: the tabular writes "gastro-esophageal", notes also "gastroesophageal". Each
        // hyphenated pair of the code set gets its joined spelling as a term standing for both words, unless the
        // joined spelling is itself a word of the code set.
        let mut joined_pairs: Vec<(String, String, String)> = Vec::new();
        for code in codes.codes() {
            if code.extension.is_some() {
                continue;
            }
            let texts = std::iter::once(code.description.as_str())
                .chain(code.notes_of(crate::codeset::NoteKind::InclusionTerm).map(|n| n.text.as_str()));
            for text in texts {
                if !text.contains('-') {
                    continue;
                }
                let t = tokens_of(text);
                for w in t.windows(3) {
                    let alpha = |x: &str| x.chars().all(char::is_alphabetic) && x.len() > 1;
                    if w[1] == "-" && alpha(&w[0]) && alpha(&w[2]) {
                        joined_pairs.push((format!("{}{}", w[0], w[2]), w[0].clone(), w[2].clone()));
                    }
                }
            }
        }
        joined_pairs.sort();
        joined_pairs.dedup();
        for (joined, a, b) in joined_pairs {
            if words.id(&words.canonical(&joined)).is_some() {
                continue;
            }
            let ids = [words.intern(&joined)];
            let expansion: Box<[u32]> = terms::required(&[a, b]).iter().map(|w| words.intern(w)).collect();
            if expansion.is_empty() {
                continue;
            }
            if let Some((_, true)) = builder.add_indexed(&ids, phrase_info.len() as u32)? {
                first_seen.push(("code set".to_string(), 0));
                phrase_info.push(Phrase {
                    meaning: PhraseMeaning::Words(expansion),
                    constraints: Constraints::default(),
                    len: 1,
                });
            }
        }
        // The code set writes a negative prefix joined ("nontraumatic", "noninfective", "nonunion"); notes also
        // write "non-traumatic". Each such word is read from its hyphenated spelling too.
        let non_words: Vec<(u32, String)> = (1..words.len() as u32)
            .filter_map(|id| {
                let rest = words.name(id).strip_prefix("non")?;
                (rest.len() >= 4 && rest.chars().all(|c| c.is_ascii_alphabetic())).then(|| (id, rest.to_string()))
            })
            .collect();
        for (id, rest) in non_words {
            let ids = [words.intern("non"), words.intern(&rest)];
            if let Some((_, true)) = builder.add_indexed(&ids, phrase_info.len() as u32)? {
                first_seen.push(("code set".to_string(), 0));
                phrase_info.push(Phrase {
                    meaning: PhraseMeaning::Words([id].into()),
                    constraints: Constraints::default(),
                    len: 2,
                });
            }
        }
        if !duplicates.is_empty() {
            return Err(BuildError::Lexicon(format!(
                "{} terms are listed twice (after case, plurals and word forms):\n{}",
                duplicates.len(),
                duplicates.join("\n")
            )));
        }
        let phrases = builder.build()?;

        let stop: HashSet<u32> = words::STOPWORDS.iter().filter_map(|w| words.id(&words.canonical(w))).collect();
        let mut modifiers = HashSet::new();
        for (i, line) in sources.modifiers.1.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let word = line.split('\t').next().unwrap_or("").trim().to_lowercase();
            if word.is_empty() || !line.contains('\t') {
                return Err(BuildError::DataFile {
                    file: sources.modifiers.0.into(),
                    line: i + 1,
                    reason: "expected `word<TAB>axis`".into(),
                });
            }
            modifiers.insert(words.intern(&word));
        }

        // Each entry is looked up from its rarest word.
        entries.retain(|e| !e.words.is_empty());
        let mut frequency: HashMap<u32, u32> = HashMap::new();
        for e in &entries {
            for &w in e.words.iter() {
                *frequency.entry(w).or_insert(0) += 1;
            }
        }
        let mut by_anchor: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            if let Some(&anchor) = e.words.iter().min_by_key(|w| (frequency[w], **w)) {
                by_anchor.entry(anchor).or_default().push(i as u32);
            }
        }
        let mut node_entries: HashMap<CodeId, Vec<u32>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            node_entries.entry(e.node).or_default().push(i as u32);
        }
        let coding_leaf = codes
            .codes()
            .iter()
            .map(|c| {
                c.extension.is_none()
                    && (c.billable
                        || (!c.children.is_empty() && c.children.iter().all(|&k| codes.code(k).extension.is_some())))
            })
            .collect();
        let axis = AxisWords::new(&words);
        let spread_words: Vec<u32> = terms::required(&phrase_tokens(&analyzer.terms("secondary malignant neoplasm")))
            .iter()
            .map(|w| words.intern(w))
            .collect();
        Ok(Lexicon {
            spread_words: sorted_unique(spread_words).into(),
            words,
            stop,
            modifiers,
            phrases,
            phrase_info,
            entries,
            by_anchor,
            node_entries,
            code_words,
            residual,
            nos_inclusion,
            category_nos,
            coding_leaf,
            axis,
            seven_words,
        })
    }

    /// The required canonical words of a code's description (sorted, unique).
    pub fn code_words(&self, id: CodeId) -> &[u32] {
        &self.code_words[id as usize]
    }

    /// The word sets of every code-set term naming a code (description and inclusion terms).
    pub fn term_word_sets(&self, id: CodeId) -> impl Iterator<Item = &[u32]> {
        self.node_entries.get(&id).into_iter().flatten().map(|&e| &*self.entries[e as usize].words)
    }

    /// The required canonical words of any text, read as the code set's terms are (parenthesized words
    /// dropped; sorted, unique; words no term uses are left out).
    pub fn words_of(&self, analyzer: &Analyzer, text: &str) -> Vec<u32> {
        let plain = terms::variants(text).into_iter().next().unwrap_or_default();
        let tokens = phrase_tokens(&analyzer.terms(&plain));
        sorted_unique(terms::required(&tokens).iter().map(|w| self.words.lookup(w)).filter(|&w| w != 0).collect())
    }

    /// The canonical words of a document's tokens `first..last`, as the matcher reads them (sorted, unique; words
    /// no term uses are left out).
    pub fn token_words(&self, doc: &Document<'_>, first: usize, last: usize) -> Vec<u32> {
        sorted_unique((first..last).map(|i| self.words.lookup(doc.norm(i))).filter(|&w| w != 0).collect())
    }

    pub fn entry_count(&self) -> usize {
        self.entries.len()
    }

    pub fn phrase_count(&self) -> usize {
        self.phrase_info.len()
    }

    /// Every mention of a code in the document (assertion not yet set).
    pub fn mentions(&self, codes: &CodeSet, doc: &Document<'_>) -> Vec<Mention> {
        matcher::Matcher::new(self, codes, doc).run()
    }
}

/// Tokens of a phrase as matched: hyphens, apostrophes and periods are transparent ("a-fib" = "a fib",
/// "Crohn's" = "Crohn s" = "Crohns" only if written so, "E. coli" = "E coli").
pub(crate) fn phrase_tokens(tokens: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut after_apostrophe = false;
    for t in tokens {
        if is_transparent(t) {
            after_apostrophe = matches!(t.as_str(), "'" | "\u{2019}");
            continue;
        }
        if after_apostrophe && t == "s" {
            after_apostrophe = false;
            continue;
        }
        after_apostrophe = false;
        out.push(t.clone());
    }
    out
}

/// Punctuation that never separates the words of a term.
fn is_transparent(token: &str) -> bool {
    matches!(token, "-" | "'" | "\u{2019}" | "." | "\u{2010}" | "\u{2011}")
}

fn sorted_unique(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests;
